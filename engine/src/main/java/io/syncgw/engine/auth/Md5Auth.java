package io.syncgw.engine.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * {@code syncml:auth-md5} as defined from SyncML 1.1 on (and the 1.0 variant, {@link #verify10}): the client sends
 * {@code B64(MD5(B64(MD5(login ":" password)) ":" nonce))}, where nonce is the raw bytes whose base64 form the server
 * sent as {@code NextNonce}. The server keeps only {@code B64(MD5(login ":" password))}.
 */
public final class Md5Auth {
    private Md5Auth() {
    }

    /** The digest a client computes with this stored secret and nonce. */
    public static byte[] expected(String md5Digest, byte[] nonce) {
        byte[] prefix = (md5Digest + ":").getBytes(StandardCharsets.US_ASCII);
        byte[] in = new byte[prefix.length + nonce.length];
        System.arraycopy(prefix, 0, in, 0, prefix.length);
        System.arraycopy(nonce, 0, in, prefix.length, nonce.length);
        return PasswordHasher.md5(in);
    }

    /** Constant-time check of a presented digest. */
    public static boolean verify(String md5Digest, byte[] nonce, byte[] presented) {
        return MessageDigest.isEqual(expected(md5Digest, nonce), presented);
    }

    /**
     * The SyncML 1.0 variant: {@code MD5(login ":" password ":" nonce)}, which needs the password itself. The nonce
     * is tried as sent (base64 text) and as its decoded bytes, as clients differ.
     */
    public static boolean verify10(String login, String password, String base64Nonce, byte[] presented) {
        byte[] prefix = (login + ":" + password + ":").getBytes(StandardCharsets.UTF_8);
        String text = base64Nonce == null ? "" : base64Nonce;
        byte[] raw = NonceSource.bytes(base64Nonce);
        boolean ok = MessageDigest.isEqual(PasswordHasher.md5(concat(prefix, text.getBytes(StandardCharsets.US_ASCII))),
                presented);
        return ok | MessageDigest.isEqual(PasswordHasher.md5(concat(prefix, raw)), presented);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The SyncML 1.0 digest a client would send, base64. */
    public static String clientDigest10(String login, String password, byte[] nonce) {
        return Base64.getEncoder().encodeToString(PasswordHasher.md5(concat((login + ":" + password + ":")
                .getBytes(StandardCharsets.UTF_8), nonce)));
    }

    /** The digest the client would send, base64: what tests and the load generator put in {@code Cred/Data}. */
    public static String clientDigest(String login, String password, byte[] nonce) {
        return Base64.getEncoder().encodeToString(expected(PasswordHasher.md5Digest(login, password), nonce));
    }
}
