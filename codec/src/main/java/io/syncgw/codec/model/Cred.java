package io.syncgw.codec.model;

import java.util.Objects;

/**
 * Credentials (RepPro §5.1.5): {@code Meta/Type} names the scheme ("syncml:auth-basic", "syncml:auth-md5"),
 * {@code Meta/Format} its encoding ("b64"), {@code data} the credential itself.
 */
public record Cred(Meta meta, String data) {
    public Cred {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(data, "data");
    }
}
