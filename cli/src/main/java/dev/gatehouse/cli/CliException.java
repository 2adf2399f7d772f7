package dev.gatehouse.cli;

/** A failure the command line found itself (a bad file, an unknown role name): its message is shown as is. */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
