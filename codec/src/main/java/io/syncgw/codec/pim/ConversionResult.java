package io.syncgw.codec.pim;

import java.util.Objects;

/**
 * The outcome of {@link VCardCodec#convert(String, ContactFormat)}: the card in the target format, or the reason the
 * input was refused. Bad input is a value, never an exception, so a single broken item from a device cannot abort a
 * whole sync package.
 */
public sealed interface ConversionResult {

    /**
     * The card in the requested format.
     *
     * @param text the vCard text with CRLF line ends; when the input already was in the target format, the input
     *             itself, unchanged to the last byte
     */
    record Converted(String text) implements ConversionResult {
        /**
         * @param text the vCard text
         * @throws NullPointerException if {@code text} is null
         */
        public Converted {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * The input is not a usable vCard (empty, too large, not a vCard, truncated, more than one card...).
     *
     * @param reason a short human-readable description for the log and the item's status
     */
    record Invalid(String reason) implements ConversionResult {
        /**
         * @param reason why the input was refused
         * @throws NullPointerException if {@code reason} is null
         */
        public Invalid {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
