package io.syncgw.codec.model;

import java.util.Objects;

/** An authentication challenge (RepPro §5.1.4): the scheme to use and, for MD5, the {@code NextNonce}. */
public record Chal(Meta meta) {
    public Chal {
        Objects.requireNonNull(meta, "meta");
    }
}
