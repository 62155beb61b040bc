package io.syncgw.engine.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NonceSourceTest {
    private final NonceSource nonces = NonceSource.create("a secret of sixteen+ bytes".getBytes(StandardCharsets.UTF_8));

    /** Clients keep the nonce as a C string: a 0x00 (or any control byte) would cut it and fail the next login. */
    @Test
    void freshNoncesAreDistinctPrintableLettersAndDigits() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            String n = nonces.fresh();
            byte[] raw = NonceSource.bytes(n);
            assertThat(raw).hasSize(22);
            for (byte b : raw) {
                assertThat((char) b).matches(c -> Character.isLetterOrDigit(c) && c < 128, "ASCII letter or digit");
            }
            assertThat(seen.add(n)).as("nonce repeated").isTrue();
        }
    }

    @Test
    void theNonceOfAnUnregisteredDeviceIsStablePrintableAndPerDevice() {
        String a = nonces.forUnregistered("IMEI:3534");
        assertThat(nonces.forUnregistered("IMEI:3534")).isEqualTo(a);
        assertThat(nonces.forUnregistered("IMEI:3535")).isNotEqualTo(a);
        for (byte b : NonceSource.bytes(a)) {
            assertThat((char) b).matches(c -> Character.isLetterOrDigit(c) && c < 128, "ASCII letter or digit");
        }
        NonceSource other = NonceSource.create("another secret, also long".getBytes(StandardCharsets.UTF_8));
        assertThat(other.forUnregistered("IMEI:3534")).isNotEqualTo(a);
    }
}
