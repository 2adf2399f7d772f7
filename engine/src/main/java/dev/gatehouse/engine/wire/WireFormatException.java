package dev.gatehouse.engine.wire;

/** JSON that is not an operation or a catalog of {@link EngineWire}'s form; the message names what is wrong. */
public final class WireFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public WireFormatException(String message) {
        super(message);
    }
}
