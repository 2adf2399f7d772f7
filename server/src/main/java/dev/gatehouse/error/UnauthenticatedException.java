package dev.gatehouse.error;

/** See {@link GatehouseException}; default code {@code unauthenticated}. */
public final class UnauthenticatedException extends GatehouseException {

    public UnauthenticatedException(String detail) {
        super("unauthenticated", detail);
    }

    public UnauthenticatedException(String code, String detail) {
        super(code, detail);
    }

    /** 401 {@code invalid_key}: a key that is malformed, unknown, or whose secret does not match. */
    public static UnauthenticatedException invalidKey() {
        return new UnauthenticatedException("invalid_key", "the API key is not valid");
    }

    /**
     * 401 {@code key_revoked}: a key that was revoked. Only for a key whose secret matched, so that only its holder
     * learns it; anyone else gets {@link #invalidKey}.
     */
    public static UnauthenticatedException keyRevoked(String detail) {
        return new UnauthenticatedException("key_revoked", detail);
    }
}
