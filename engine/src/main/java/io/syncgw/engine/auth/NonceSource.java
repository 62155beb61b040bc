package io.syncgw.engine.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * MD5 nonces. A registered device gets a fresh random nonce with every successful authentication, stored with the
 * device. A device the server does not know yet gets a nonce derived from a server secret and its device id, so
 * challenging it needs no write: a failed login leaves the database untouched.
 *
 * <p>The nonce's bytes are printable ASCII letters and digits (22 of them, 131 bits): clients keep the decoded
 * nonce as a C string (SyncEvolution does), so a nonce with a 0x00 byte would be cut there and the next login
 * would fail with 401.
 */
public final class NonceSource {
    private final SecureRandom random;
    private final byte[] secret;

    public NonceSource(byte[] secret, SecureRandom random) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("nonce secret shorter than 16 bytes");
        }
        this.secret = secret.clone();
        this.random = random;
    }

    /**
     * Nonces from a DRBG seeded once, here: generating them never reads the entropy device, so it is safe on an event
     * loop.
     */
    public static NonceSource create(byte[] secret) {
        try {
            SecureRandom r = SecureRandom.getInstance("DRBG");
            r.nextBytes(new byte[16]);
            return new NonceSource(secret, r);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no DRBG SecureRandom", e);
        }
    }

    private static final byte[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
            .getBytes(StandardCharsets.US_ASCII);
    private static final int LENGTH = 22;

    /** A fresh nonce, base64. */
    public String fresh() {
        byte[] raw = new byte[LENGTH];
        random.nextBytes(raw);
        return Base64.getEncoder().encodeToString(printable(raw));
    }

    /** Each byte mapped to a letter or digit (62 symbols; the slight bias of mod 62 does not matter for a nonce). */
    private static byte[] printable(byte[] raw) {
        byte[] n = new byte[raw.length];
        for (int i = 0; i < raw.length; i++) {
            n[i] = ALPHABET[(raw[i] & 0xff) % ALPHABET.length];
        }
        return n;
    }

    /** The nonce for a device not registered yet, base64: the same for the same device id until the secret changes. */
    public String forUnregistered(String deviceUri) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] h = mac.doFinal(("device\u0000" + deviceUri).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(printable(Arrays.copyOf(h, LENGTH)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Decodes a stored or sent nonce; an undecodable one is treated as empty. */
    public static byte[] bytes(String base64Nonce) {
        if (base64Nonce == null) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(base64Nonce);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }
}
