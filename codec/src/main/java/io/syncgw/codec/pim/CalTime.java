package io.syncgw.codec.pim;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.Locale;
import java.util.Objects;

/**
 * A calendar date or date-time value: a DATE (all-day), a floating local date-time (no zone: "wherever you are"), a
 * UTC date-time, or a local date-time in a zone given by TZID.
 */
final class CalTime {

    enum Kind { DATE, FLOATING, UTC, ZONED }

    final Kind kind;

    /** The local date-time; midnight for a DATE; the UTC date-time for UTC. */
    final LocalDateTime local;

    /** The TZID for {@link Kind#ZONED}, else {@code null}. */
    final String tzid;

    /** The zone's rules for {@link Kind#ZONED}, never {@code null} for that kind. */
    final ZoneRules rules;

    private CalTime(Kind kind, LocalDateTime local, String tzid, ZoneRules rules) {
        this.kind = kind;
        this.local = Objects.requireNonNull(local, "local");
        this.tzid = tzid;
        this.rules = rules;
    }

    static CalTime date(LocalDate date) {
        return new CalTime(Kind.DATE, date.atStartOfDay(), null, null);
    }

    static CalTime floating(LocalDateTime local) {
        return new CalTime(Kind.FLOATING, local, null, null);
    }

    static CalTime utc(Instant instant) {
        return new CalTime(Kind.UTC, LocalDateTime.ofInstant(instant, ZoneOffset.UTC), null, null);
    }

    static CalTime zoned(LocalDateTime local, String tzid, ZoneRules rules) {
        return new CalTime(Kind.ZONED, local, Objects.requireNonNull(tzid), Objects.requireNonNull(rules));
    }

    /** The same instant as a local time in the zone (UTC values and zoned values only). */
    static CalTime inZone(Instant instant, String tzid, ZoneRules rules) {
        return zoned(LocalDateTime.ofInstant(instant, rules.getOffset(instant)), tzid, rules);
    }

    LocalDate date() {
        return local.toLocalDate();
    }

    boolean isDate() {
        return kind == Kind.DATE;
    }

    /**
     * The instant this value denotes. Floating values and dates are read in {@code floatingZone}; a zoned local time
     * in a gap or overlap of its zone is resolved as RFC 5545 section 3.3.5 says (the offset before the change).
     */
    Instant instant(ZoneId floatingZone) {
        switch (kind) {
            case UTC:
                return local.toInstant(ZoneOffset.UTC);
            case ZONED:
                return Zones.resolve(local, rules);
            default:
                return Zones.resolve(local, floatingZone.getRules());
        }
    }

    /** A date-time of the same kind and zone at another local time. */
    CalTime withLocal(LocalDateTime newLocal) {
        return new CalTime(kind == Kind.DATE ? Kind.FLOATING : kind, newLocal, tzid, rules);
    }

    /** The 2.0 value text ({@code 20261224}, {@code 20261224T100000}, {@code 20261224T100000Z}). */
    String value20() {
        switch (kind) {
            case DATE:
                return formatDate(local.toLocalDate());
            case UTC:
                return formatDateTime(local) + "Z";
            default:
                return formatDateTime(local);
        }
    }

    /** This value as a 2.0 line: VALUE=DATE for dates, TZID for zoned times. */
    CalLine line20(String name) {
        switch (kind) {
            case DATE:
                return CalLine.of(name, value20(), "VALUE", "DATE");
            case ZONED:
                return CalLine.of(name, value20(), "TZID", tzid);
            default:
                return CalLine.of(name, value20());
        }
    }

    static String formatDate(LocalDate date) {
        return appendDate(new StringBuilder(8), date).toString();
    }

    static String formatDateTime(LocalDateTime t) {
        StringBuilder out = appendDate(new StringBuilder(15), t.toLocalDate()).append('T');
        return append2(append2(append2(out, t.getHour()), t.getMinute()), t.getSecond()).toString();
    }

    /** yyyyMMdd, as {@code String.format("%04d%02d%02d")} writes it (called per item: no Formatter). */
    private static StringBuilder appendDate(StringBuilder out, LocalDate date) {
        int year = date.getYear();
        if (year < 0 || year > 9999) {
            out.append(String.format(Locale.ROOT, "%04d", year));
        } else {
            append2(out, year / 100);
            append2(out, year % 100);
        }
        return append2(append2(out, date.getMonthValue()), date.getDayOfMonth());
    }

    private static StringBuilder append2(StringBuilder out, int twoDigits) {
        return out.append((char) ('0' + twoDigits / 10)).append((char) ('0' + twoDigits % 10));
    }

    static String formatUtc(Instant instant) {
        return formatDateTime(LocalDateTime.ofInstant(instant, ZoneOffset.UTC)) + "Z";
    }

    /**
     * Parses a date or date-time without zone information beyond a trailing {@code Z}: {@code yyyyMMdd},
     * {@code yyyyMMddTHHmmss[Z]}, {@code yyyyMMddTHHmm[Z]}; ISO 8601 extended forms ({@code 2026-12-24T10:00:00Z})
     * are accepted too. Years 1 to 9999.
     *
     * @return DATE, FLOATING or UTC; {@code null} when malformed
     */
    static CalTime parse(String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (v.indexOf('-') >= 0 || v.indexOf(':') >= 0) {
            v = v.replace("-", "").replace(":", "");
        }
        boolean utc = v.endsWith("Z") || v.endsWith("z");
        if (utc) {
            v = v.substring(0, v.length() - 1);
        }
        int t = v.indexOf('T') >= 0 ? v.indexOf('T') : v.indexOf('t');
        String datePart = t < 0 ? v : v.substring(0, t);
        if (datePart.length() != 8 || !digits(datePart)) {
            return null;
        }
        try {
            LocalDate date = LocalDate.of(Integer.parseInt(datePart.substring(0, 4)),
                    Integer.parseInt(datePart.substring(4, 6)), Integer.parseInt(datePart.substring(6, 8)));
            if (date.getYear() < 1) {
                return null;
            }
            if (t < 0) {
                return utc ? null : date(date);
            }
            String timePart = v.substring(t + 1);
            int seconds;
            if (timePart.length() == 6 && digits(timePart)) {
                seconds = Integer.parseInt(timePart.substring(4, 6));
            } else if (timePart.length() == 4 && digits(timePart)) {
                seconds = 0;
            } else {
                return null;
            }
            int hour = Integer.parseInt(timePart.substring(0, 2));
            int minute = Integer.parseInt(timePart.substring(2, 4));
            LocalDateTime local;
            if (hour == 24 && minute == 0 && seconds == 0) {
                local = date.plusDays(1).atStartOfDay(); // 240000: end of day, seen from some devices
            } else {
                local = date.atTime(hour, minute, Math.min(seconds, 59)); // 60: leap second
            }
            return utc ? utc(local.toInstant(ZoneOffset.UTC)) : floating(local);
        } catch (DateTimeException | NumberFormatException e) {
            return null;
        }
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return !s.isEmpty();
    }

    @Override
    public String toString() {
        return kind + ":" + value20() + (tzid == null ? "" : "@" + tzid);
    }
}
