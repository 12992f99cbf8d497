package dev.cotenant.server.access;

/**
 * How a server is guarded.
 *
 * @param modelControl whether the repository may be loaded and unloaded over the API
 * @param tokens       the bearer tokens required ({@link Tokens#NONE}: none)
 * @param tls          the TLS identity of both fronts, or null for plain HTTP and gRPC
 */
public record Access(ModelControl modelControl, Tokens tokens, Tls tls) {

    /** The default: no tokens, no TLS, and no loading or unloading over the API. */
    public static final Access DEFAULT = new Access(ModelControl.NONE, Tokens.NONE, null);

    public Access {
        if (modelControl == null || tokens == null) {
            throw new IllegalArgumentException("a model control mode and tokens (Tokens.NONE for none) are needed");
        }
    }

    public Access withModelControl(ModelControl m) {
        return new Access(m, tokens, tls);
    }

    public Access withTokens(Tokens t) {
        return new Access(modelControl, t, tls);
    }

    public Access withTls(Tls t) {
        return new Access(modelControl, tokens, t);
    }
}
