package io.syncgw.engine.auth;

import io.syncgw.codec.model.Cred;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Credentials as presented in a {@code Cred} element, parsed: which scheme and which login they claim. Parsing never
 * throws; unusable credentials become {@link Unusable}.
 */
public sealed interface Credentials {
    String AUTH_BASIC = "syncml:auth-basic";
    String AUTH_MD5 = "syncml:auth-md5";

    /** {@code syncml:auth-basic}: base64("login:password"). */
    record Basic(String login, String password) implements Credentials {
    }

    /** {@code syncml:auth-md5}: the digest; the login comes from {@code SyncHdr/Source/LocName}. */
    record Md5(String login, byte[] digest) implements Credentials {
    }

    /** Missing, undecodable or of an unknown scheme. */
    record Unusable(String reason) implements Credentials {
    }

    /**
     * Parses {@code cred}. {@code locName} is {@code SyncHdr/Source/LocName}, the login for MD5 (whose digest does
     * not carry it).
     */
    static Credentials parse(Cred cred, String locName) {
        if (cred == null) {
            return new Unusable("no credentials");
        }
        String type = cred.meta().type() == null ? AUTH_BASIC : cred.meta().type().trim();
        byte[] raw;
        try {
            raw = Base64.getMimeDecoder().decode(cred.data().trim());
        } catch (IllegalArgumentException e) {
            return new Unusable("credentials are not base64");
        }
        if (type.equalsIgnoreCase(AUTH_BASIC)) {
            String s = new String(raw, StandardCharsets.UTF_8);
            int colon = s.indexOf(':');
            if (colon <= 0) {
                return new Unusable("basic credentials without login");
            }
            return new Basic(s.substring(0, colon), s.substring(colon + 1));
        }
        if (type.equalsIgnoreCase(AUTH_MD5)) {
            if (locName == null || locName.isBlank()) {
                return new Unusable("md5 credentials without a LocName naming the login");
            }
            return new Md5(locName.trim(), raw);
        }
        return new Unusable("unsupported authentication type " + type);
    }
}
