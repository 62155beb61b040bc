package io.syncgw.codec.pim;

import java.util.Locale;
import java.util.Optional;

/**
 * The two calendar formats a SyncML client can ask for, with the MIME type it names them by in {@code <Meta><Type>}
 * and the {@code VERSION} value. An item is one {@code VEVENT} or one {@code VTODO} (plus the {@code VTIMEZONE}s it
 * needs, in 2.0) wrapped in a {@code VCALENDAR}.
 *
 * <ul>
 *   <li>{@link #VCALENDAR_10}: vCalendar 1.0, versit Consortium specification of 1996, content type
 *       {@code text/x-vcalendar}. What most phones speak.</li>
 *   <li>{@link #ICALENDAR_20}: iCalendar 2.0, RFC 5545, content type {@code text/calendar}.</li>
 * </ul>
 */
public enum CalendarFormat {

    /** vCalendar 1.0 (versit 1996). */
    VCALENDAR_10("text/x-vcalendar", "1.0"),

    /** iCalendar 2.0 (RFC 5545). */
    ICALENDAR_20("text/calendar", "2.0");

    private final String contentType;
    private final String version;

    CalendarFormat(String contentType, String version) {
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
     * @return "1.0" or "2.0"
     */
    public String version() {
        return version;
    }

    /**
     * The format a MIME type names. Matching is case-insensitive and ignores parameters, so
     * {@code "Text/X-VCalendar; charset=UTF-8"} is {@link #VCALENDAR_10}.
     *
     * @param contentType a MIME type as sent by a client, may be {@code null}
     * @return the format, or empty for {@code null} and any other type
     */
    public static Optional<CalendarFormat> ofContentType(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        int semicolon = contentType.indexOf(';');
        String bare = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip()
                .toLowerCase(Locale.ROOT);
        switch (bare) {
            case "text/x-vcalendar":
                return Optional.of(VCALENDAR_10);
            case "text/calendar":
                return Optional.of(ICALENDAR_20);
            default:
                return Optional.empty();
        }
    }
}
