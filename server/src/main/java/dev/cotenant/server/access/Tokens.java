package dev.cotenant.server.access;

import dev.cotenant.ir.ModelException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bearer tokens a server accepts, read from {@code --auth-token-file}: one token a line,
 * {@code infer TOKEN} or {@code control TOKEN} (a bare {@code TOKEN} is a control token), blank
 * lines and {@code #} comments skipped; several tokens of a scope may be given, so one can be
 * rotated without a restart of the clients. Tokens travel as {@code Authorization: Bearer TOKEN}
 * (REST) or the {@code authorization} metadata (gRPC), and are compared in constant time.
 */
public final class Tokens {

    /** No tokens: every request is let in (the default). */
    public static final Tokens NONE = new Tokens(List.of(), null);

    /** One accepted token and its scope. */
    private record Token(byte[] secret, Scope scope) {}

    /** Why a request was let in or not. */
    public enum Verdict {
        /** Let in. */
        ALLOWED,
        /** No token, or one that is not accepted: 401 / UNAUTHENTICATED. */
        UNAUTHENTICATED,
        /** An accepted token without the scope the request needs: 403 / PERMISSION_DENIED. */
        FORBIDDEN
    }

    private final List<Token> tokens;
    private final Path file;

    private Tokens(List<Token> tokens, Path file) {
        this.tokens = tokens;
        this.file = file;
    }

    /** Reads {@code file}; a malformed line is an error naming the file and the line. */
    public static Tokens read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelException("--auth-token-file " + file + ": cannot read: " + e.getMessage());
        }
        List<Token> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] w = line.split("\\s+");
            String where = file + " line " + (i + 1);
            if (w.length == 1) {
                out.add(new Token(w[0].getBytes(StandardCharsets.UTF_8), Scope.CONTROL));
            } else if (w.length == 2 && (w[0].equalsIgnoreCase("infer") || w[0].equalsIgnoreCase("control"))) {
                out.add(new Token(w[1].getBytes(StandardCharsets.UTF_8), Scope.valueOf(w[0].toUpperCase(Locale.ROOT))));
            } else {
                throw new ModelException(where + ": expected 'infer TOKEN', 'control TOKEN' or a bare TOKEN");
            }
        }
        if (out.isEmpty()) {
            throw new ModelException("--auth-token-file " + file + " holds no token");
        }
        return new Tokens(List.copyOf(out), file);
    }

    /** Whether tokens are required at all. */
    public boolean required() {
        return !tokens.isEmpty();
    }

    /** The file the tokens came from, for logs; null without tokens. */
    public Path file() {
        return file;
    }

    /**
     * Whether a request carrying {@code authorization} (the header's or metadata's value, null when
     * absent) may do what needs {@code scope}.
     */
    public Verdict check(String authorization, Scope scope) {
        if (scope == Scope.OPEN || scope == Scope.PAGE || tokens.isEmpty()) {
            return Verdict.ALLOWED;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Verdict.UNAUTHENTICATED;
        }
        byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        Scope best = null;
        for (Token t : tokens) {
            if (MessageDigest.isEqual(t.secret(), given) && (best == null || t.scope() == Scope.CONTROL)) {
                best = t.scope();
            }
        }
        if (best == null) {
            return Verdict.UNAUTHENTICATED;
        }
        return best == Scope.CONTROL || scope == Scope.INFER ? Verdict.ALLOWED : Verdict.FORBIDDEN;
    }
}
