package io.syncgw.codec.pim;

import java.util.Locale;
import java.util.Optional;

/**
 * The two contact formats a SyncML client can ask for, with the MIME type it names them by in {@code <Meta><Type>}
 * and the vCard {@code VERSION} value.
 *
 * <ul>
 *   <li>{@link #VCARD_21}: vCard 2.1, versit Consortium specification of 1996, content type {@code text/x-vcard}.
 *       What most phones speak.</li>
 *   <li>{@link #VCARD_30}: vCard 3.0, RFC 2426 on the RFC 2425 directory profile, content type {@code text/vcard}
 *       ({@code text/directory} is accepted as an alias, as some clients send the RFC 2425 type).</li>
 * </ul>
 *
 * <p>vCard 4.0 (RFC 6350) is not a target: no SyncML device asks for it.
 */
public enum ContactFormat {

    /** vCard 2.1 (versit 1996). */
    VCARD_21("text/x-vcard", "2.1"),

    /** vCard 3.0 (RFC 2425 / RFC 2426). */
    VCARD_30("text/vcard", "3.0");

    private final String contentType;
    private final String version;

    ContactFormat(String contentType, String version) {
        this.contentType = contentType;
        this.version = version;
    }

    /**
     * The MIME type to put in {@code <Meta><Type>} for this format.
     *
     * @return the type, without parameters
     */
    public String contentType() {
        return contentType;
    }

    /**
     * The {@code VERSION} property value of this format.
     *
     * @return "2.1" or "3.0"
     */
    public String version() {
        return version;
    }

    /**
     * The format a MIME type names. Matching is case-insensitive and ignores parameters, so
     * {@code "Text/X-VCard; charset=UTF-8"} is {@link #VCARD_21}; {@code text/directory} counts as {@link #VCARD_30}.
     *
     * @param contentType a MIME type as sent by a client, may be {@code null}
     * @return the format, or empty for {@code null} and any other type
     */
    public static Optional<ContactFormat> ofContentType(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        int semicolon = contentType.indexOf(';');
        String bare = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip()
                .toLowerCase(Locale.ROOT);
        switch (bare) {
            case "text/x-vcard":
                return Optional.of(VCARD_21);
            case "text/vcard":
            case "text/directory":
                return Optional.of(VCARD_30);
            default:
                return Optional.empty();
        }
    }
}
