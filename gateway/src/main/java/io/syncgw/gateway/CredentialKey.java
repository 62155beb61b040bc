package io.syncgw.gateway;

import io.syncgw.engine.auth.CredentialCipher;
import io.syncgw.gateway.cli.Args;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key that seals passwords for SyncML 1.0 MD5 logins ({@link CredentialCipher}). Kept out of the database:
 * {@code --credential-key BASE64} (or {@code SYNCGW_CREDENTIAL_KEY}), else the file {@code --credential-key-file}
 * (default {@code DATA_DIR/credential.key}, created with mode 600 on first use). Every node of a cluster, and the
 * {@code user} commands, must use the same key.
 */
final class CredentialKey {
    private static final Logger LOG = LoggerFactory.getLogger(CredentialKey.class);

    private CredentialKey() {
    }

    static CredentialCipher load(Args args) {
        String inline = args.get("credential-key");
        if (inline != null) {
            try {
                return new CredentialCipher(Base64.getDecoder().decode(inline.trim()));
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException("--credential-key must be 32 bytes in base64: " + e.getMessage());
            }
        }
        Path file = Path.of(args.get("credential-key-file",
                Path.of(args.get("data-dir", "syncgw-data"), "credential.key").toString()));
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            byte[] key = Base64.getDecoder().decode(Files.readString(file).trim());
            return new CredentialCipher(key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the credential key " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the credential key " + file + " is not 32 bytes in base64", e);
        }
    }

    private static void create(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try {
            Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------"))), Base64.getEncoder().encodeToString(key) + "\n",
                    StandardOpenOption.WRITE);
            LOG.info("created the credential key {} (keep it with the data; every node needs the same)", file);
        } catch (FileAlreadyExistsException raced) {
            // another process created it first: use theirs
        }
    }
}
