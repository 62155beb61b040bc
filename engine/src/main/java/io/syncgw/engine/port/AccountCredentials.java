package io.syncgw.engine.port;

import java.util.Objects;

/**
 * What authentication needs to know about an account.
 *
 * @param passwordHash the salted slow hash of the password ({@link io.syncgw.engine.auth.PasswordHasher} format)
 * @param md5Digest    base64(MD5(login ":" password)) for {@code syncml:auth-md5}; password-equivalent, null when the
 *                     account does not allow MD5 authentication
 * @param sealedPassword the password sealed by {@link io.syncgw.engine.auth.CredentialCipher}, for the SyncML 1.0
 *                     MD5 digest; null when the account does not allow MD5 or was created without a key
 */
public record AccountCredentials(long accountId, String login, String passwordHash, String md5Digest,
                                 String sealedPassword) {
    public AccountCredentials {
        Objects.requireNonNull(login, "login");
        Objects.requireNonNull(passwordHash, "passwordHash");
    }
}
