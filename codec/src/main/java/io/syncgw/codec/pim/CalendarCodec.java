package io.syncgw.codec.pim;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Converts calendar items (one event or one task) between vCalendar 1.0 and iCalendar 2.0, computes slow-sync twin
 * keys, the time span a date-range filter needs, and merges an update from a limited device into the server's copy.
 *
 * <p><b>Model.</b> The hub is the iCalendar 2.0 content-line tree. iCalendar 2.0 input is validated by a full
 * ical4j 4.2.3 parse; vCalendar 1.0 is read and written by the codec's own code ({@link VCal10}; ical4j does not
 * read 1.0), mapped onto the 2.0 tree property by property. Recurrences are expanded by ical4j's {@code Recur}.
 *
 * <p><b>Conversion decisions</b> (2.0 &harr; 1.0):
 * <ul>
 *   <li>Times: 2.0 UTC and TZID-qualified times are written in 1.0 in UTC ({@code ...Z}); for a TZID the item also
 *       gets {@code TZ:} (standard offset) and one {@code DAYLIGHT:TRUE;offset;start;end;std;dst} per daylight saving
 *       period of the years concerned (start to last occurrence, at most 12; 5 years for endless rules), or
 *       {@code DAYLIGHT:FALSE}. Reading 1.0, a TZ/DAYLIGHT description is matched to an IANA zone (same offsets,
 *       transitions within 26 h); times then become local times in that zone with a generated VTIMEZONE, so a
 *       weekly meeting keeps its local time across DST. Without a match, times are converted to UTC with TZ and
 *       DAYLIGHT. Without TZ, 1.0 local times are floating, as in 2.0.</li>
 *   <li>All-day: 2.0 {@code DTSTART;VALUE=DATE:20261224} / {@code DTEND;VALUE=DATE:20261225} is written as 1.0
 *       {@code DTSTART:20261224T000000} / {@code DTEND:20261225T000000} (local midnight to midnight, the end
 *       exclusive, no hint). Read as all-day: date-only values; local midnight to a later local midnight or to
 *       {@code T235900}/{@code T235959}; or any event with {@code X-FUNAMBOL-ALLDAY:1},
 *       {@code X-MICROSOFT-CDO-ALLDAYEVENT:TRUE} or {@code X-EPOCAGENDAENTRYTYPE:EVENT|ANNIVERSARY} (UTC values of
 *       such an event are taken to the nearest midnight of the TZ wall clock, or of UTC). Multi-day events keep their
 *       exclusive end date, so no day is lost or added. A task's local-midnight DUE or DTSTART reads as a DATE.</li>
 *   <li>Recurrence: see {@link Rrule10}. A 2.0 rule 1.0 cannot express is written as the list of its occurrences
 *       ({@code RDATE}, up to 200) when it ends, and left out when it does not.</li>
 *   <li>Alarms: a VALARM with ACTION AUDIO becomes {@code AALARM}, DISPLAY {@code DALARM}
 *       ({@code runTime;snooze;repeat;text}); the absolute run time is the trigger applied to DTSTART (DTEND/DUE when
 *       RELATED=END), in UTC for zoned items. Back in 2.0 every alarm gets a TRIGGER relative to DTSTART (a task
 *       without DTSTART: RELATED=END to DUE), so the offset is kept when the event moves. 1.0 {@code MALARM} becomes an
 *       EMAIL alarm; EMAIL and PROCEDURE alarms are not written in 1.0.</li>
 *   <li>Tasks: PRIORITY 2.0 1&ndash;4 &rarr; 1.0 1 (high), 5 &rarr; 2, 6&ndash;9 &rarr; 3 (low), 0 &rarr; none; 1.0 1
 *       &rarr; 1, 2 &rarr; 5, 3 &rarr; 9, 4&ndash;9 kept. STATUS NEEDS-ACTION &harr; NEEDS ACTION, COMPLETED &harr;
 *       COMPLETED, IN-PROCESS &harr; ACCEPTED, CANCELLED &harr; DECLINED (events: TENTATIVE and CONFIRMED as
 *       they are, CANCELLED &harr; DECLINED). COMPLETED, DUE, SUMMARY, DESCRIPTION, LOCATION, CATEGORIES (1.0
 *       separates them with ';'), CLASS, UID kept. PERCENT-COMPLETE has no 1.0 form.</li>
 *   <li>ATTENDEE: 2.0 CN, ROLE, PARTSTAT, RSVP &harr; 1.0 {@code Name <address>}, ROLE/EXPECT, STATUS, RSVP;
 *       ORGANIZER &harr; {@code ATTENDEE;ROLE=ORGANIZER}. Other parameters are not expressible.</li>
 *   <li>Text: 1.0 values with non-ASCII characters or line breaks are written as UTF-8 quoted-printable
 *       ({@code CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE}); read with their CHARSET (UTF-8 by default, ISO-8859-1
 *       when the bytes are not UTF-8). {@code X-} properties are kept both ways. 2.0 output is folded at 75 octets,
 *       never inside a character.</li>
 *   <li>What 1.0 cannot express is listed in {@link #NOT_EXPRESSIBLE_IN_10} and is left out of 1.0 output;
 *       {@link #merge} keeps it on the server.</li>
 * </ul>
 *
 * <p><b>Cost.</b> {@link #convert} parses fully (ical4j for 2.0 input, about 0.2 ms per item, plus writing).
 * {@link #detect}, {@link #kind}, {@link #twinKey} and {@link #window} use the codec's light line reader only (no
 * ical4j parse; {@link #window} asks ical4j's {@code Recur} for the last occurrence of a COUNT rule, and a TZID that
 * is no IANA zone needs its VTIMEZONE built once, cached). {@link #occursBetween} expands recurrences with
 * {@code Recur}. {@link #merge} converts both inputs and the server copy through the device's format.
 *
 * <p><b>Limits.</b> Input over {@link #maxInputBytes()} octets of UTF-8 (default {@value #DEFAULT_MAX_INPUT_BYTES})
 * is refused unparsed, as is text that is not exactly one {@code VCALENDAR} holding one {@code VEVENT} or
 * {@code VTODO}, or has more than {@value CalText#MAX_LINES} lines, {@value CalText#MAX_TIMEZONES} VTIMEZONEs or
 * {@value CalText#MAX_ALARMS} VALARMs. A TZID that resolves to no zone is read as floating time; so is one whose
 * VTIMEZONE ical4j cannot build, or would have to expand to more than {@value Ical4j#MAX_ZONE_ONSETS} onsets to
 * build (an observance from the year 1, or recurring daily: see {@link Ical4j}). The work of recurrence expansion does
 * not depend on the dates: one question ({@link #window}, {@link #occursBetween}, a conversion) expands at most
 * {@value Expansion#MAX_OCCURRENCES} occurrences of a rule and steps through at most
 * {@value Expansion#MAX_CANDIDATES} candidate dates for all the item's rules; a rule beyond that (a daily rule
 * started centuries ago) is answered from its bounds, as rules recurring more often than daily always are (see
 * {@link Expansion}). A VTIMEZONE the codec writes describes its zone from {@value Zones#EARLIEST_YEAR} on, with
 * the zone's yearly rules for ranges over {@value Zones#MAX_EXPLICIT_YEARS} years.
 *
 * <p><b>Errors</b> are values: no method throws for bad input, {@code null} included. Instances are immutable and
 * thread-safe.
 */
public final class CalendarCodec {

    /** Default for {@link #maxInputBytes()}: 1 MiB. */
    public static final int DEFAULT_MAX_INPUT_BYTES = 1024 * 1024;

    /**
     * The iCalendar 2.0 properties (of a VEVENT or VTODO; {@code VALARM:} entries name alarm details, {@code ATTENDEE;}
     * parameters) that vCalendar 1.0 cannot express: left out of 1.0 output, kept on the server by {@link #merge}.
     * Listed with what the server does in the README section "Calendar conversion: what vCalendar 1.0 cannot
     * express".
     */
    public static final List<String> NOT_EXPRESSIBLE_IN_10 = List.of(
            "DTSTAMP", "PERCENT-COMPLETE", "RECURRENCE-ID", "COMMENT", "CONTACT", "REQUEST-STATUS", "COLOR",
            "CONFERENCE", "IMAGE", "CALSCALE", "METHOD", "TZID", "DURATION", "RRULE:BYSETPOS", "RRULE:BYWEEKNO",
            "RRULE:BYHOUR", "RRULE:SUB-DAILY", "RRULE:YEARLY-BYDAY", "RRULE:WKST", "RRULE:SECOND-RULE",
            "PRIORITY:2-4,6-8", "CATEGORIES:COMMA", "ATTENDEE;CUTYPE", "ATTENDEE;DELEGATED-TO",
            "ATTENDEE;DELEGATED-FROM", "ATTENDEE;SENT-BY", "ATTENDEE;DIR", "ATTENDEE;LANGUAGE", "ATTENDEE;MEMBER",
            "ATTENDEE;PARTSTAT=IN-PROCESS", "ATTACH;VALUE=BINARY", "VALARM:ACTION=EMAIL", "VALARM:ACTION=PROCEDURE",
            "VALARM:RELATED=END", "X-PARAM;VALUE", "IANA-PROPERTY");

    private final int maxInputBytes;

    /** A codec refusing input over {@value #DEFAULT_MAX_INPUT_BYTES} octets. */
    public CalendarCodec() {
        this(DEFAULT_MAX_INPUT_BYTES);
    }

    /**
     * A codec with its own input limit.
     *
     * @param maxInputBytes the largest input accepted, in octets of UTF-8; must be positive
     * @throws IllegalArgumentException if {@code maxInputBytes} is not positive
     */
    public CalendarCodec(int maxInputBytes) {
        if (maxInputBytes <= 0) {
            throw new IllegalArgumentException("maxInputBytes must be positive: " + maxInputBytes);
        }
        this.maxInputBytes = maxInputBytes;
    }

    /**
     * The largest input accepted.
     *
     * @return the limit in octets of UTF-8
     */
    public int maxInputBytes() {
        return maxInputBytes;
    }

    /**
     * The format of an item, from the {@code VERSION} of its VCALENDAR: {@code 2.0} is iCalendar, anything else
     * (also no VERSION, or no calendar at all) vCalendar 1.0, as phones behave. Does not validate. Light: no parse.
     *
     * @param text the item text, may be {@code null}
     * @return the format, never {@code null}
     */
    public CalendarFormat detect(String text) {
        return text != null && CalText.declares20(text) ? CalendarFormat.ICALENDAR_20 : CalendarFormat.VCALENDAR_10;
    }

    /**
     * Whether an item is an event or a task. Light: the codec's line reader, no ical4j.
     *
     * @param text the item text, may be {@code null}
     * @return EVENT or TODO; UNKNOWN for text refused as an item (see the class limits)
     */
    public CalendarKind kind(String text) {
        CalText.Parsed parsed = light(text);
        if (parsed == null || checkDates(parsed) != null) {
            return CalendarKind.UNKNOWN;
        }
        return parsed.root().item().name.equals("VTODO") ? CalendarKind.TODO : CalendarKind.EVENT;
    }

    /**
     * Converts an item to the target format. Parses fully.
     *
     * <p>An item already in the target format is returned unchanged, byte for byte, after validation (2.0: a full
     * ical4j parse; 1.0: the codec's reader, dates readable). Otherwise see the class comment for what is mapped how.
     * Output has CRLF line ends; 2.0 output is folded at 75 octets and gets {@code PRODID} only when the input had
     * none.
     *
     * @param text   the item text, may be {@code null}
     * @param target the format wanted
     * @return the converted text, or why the input was refused; never {@code null}
     */
    public ConversionResult convert(String text, CalendarFormat target) {
        if (target == null) {
            return new ConversionResult.Invalid("no target format");
        }
        String input = text == null ? "" : text;
        try {
            Read read = read(input);
            if (read.problem != null) {
                return new ConversionResult.Invalid(read.problem);
            }
            CalendarFormat source = read.v10 ? CalendarFormat.VCALENDAR_10 : CalendarFormat.ICALENDAR_20;
            if (source == target) {
                return new ConversionResult.Converted(input);
            }
            return new ConversionResult.Converted(target == CalendarFormat.ICALENDAR_20 ? write20(read.tree20)
                    : VCal10.write(new CalModel(read.tree20)));
        } catch (RuntimeException e) {
            return new ConversionResult.Invalid("cannot convert: "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        }
    }

    /**
     * The twin key: equal for two items that are the same event or task, whatever their format, so a repeated slow
     * sync matches them instead of adding duplicates. Light: no ical4j parse.
     *
     * <p>Events: SUMMARY (normalised as contact names are: NFC, whitespace collapsed, case folded) + start + end
     * (DTEND, or DTSTART + DURATION, or the start itself, or the next day for an all-day event). Tasks: SUMMARY +
     * DUE. All-day values count by date, floating times by their local time, others by instant, so a 2.0 event in
     * Europe/Berlin and its 1.0 form in UTC get the same key. Text refused as an item gets {@code "raw"} + U+001F +
     * the SHA-256 of its whitespace-normalised text.
     *
     * @param text the item text, may be {@code null}
     * @return the key, never {@code null}
     */
    public String twinKey(String text) {
        String input = text == null ? "" : text;
        try {
            CalModel m = model(input);
            if (m != null) {
                StringBuilder key = new StringBuilder(m.todo ? "todo" : "event");
                key.append(TwinKey.SECTION).append(TwinKey.normalise(m.text("SUMMARY")));
                if (m.todo) {
                    key.append(TwinKey.SECTION).append(timeKey(m.time("DUE")));
                } else {
                    key.append(TwinKey.SECTION).append(timeKey(m.start())).append(TwinKey.PART)
                            .append(timeKey(m.effectiveEnd()));
                }
                return key.toString();
            }
        } catch (RuntimeException e) {
            // keyed by its text below
        }
        return TwinKey.ofRawText(input);
    }

    private static String timeKey(CalTime t) {
        if (t == null) {
            return "";
        }
        switch (t.kind) {
            case DATE:
                return "d" + CalTime.formatDate(t.date());
            case FLOATING:
                return "f" + CalTime.formatDateTime(t.local);
            default:
                return "i" + t.instant(ZoneOffset.UTC).getEpochSecond();
        }
    }

    /**
     * The span of an item for a date-range filter, floating times and dates read in UTC. See
     * {@link #window(String, ZoneId)}.
     *
     * @param text the item text, may be {@code null}
     * @return the span, or empty for an item without dates (a task without DTSTART and DUE) or refused text
     */
    public Optional<CalendarWindow> window(String text) {
        return window(text, ZoneOffset.UTC);
    }

    /**
     * The span of an item for a date-range filter: first start and last end. Light: the codec's line reader; only
     * a COUNT rule is expanded (ical4j {@code Recur}) to find its last occurrence. An endless rule gives an
     * unbounded span. EXDATEs are not applied (the span may be a little wide; {@link #occursBetween} is exact).
     *
     * @param text         the item text, may be {@code null}
     * @param floatingZone where floating times and all-day dates are read (the device's or account's zone)
     * @return the span, or empty for an item without dates or refused text
     */
    public Optional<CalendarWindow> window(String text, ZoneId floatingZone) {
        ZoneId floating = floatingZone == null ? ZoneOffset.UTC : floatingZone;
        try {
            CalModel m = model(text == null ? "" : text);
            if (m == null) {
                return Optional.empty();
            }
            CalTime seed = Expansion.seed(m);
            if (seed == null) {
                return Optional.empty();
            }
            Instant first = seed.instant(floating);
            java.time.Duration length = Expansion.length(m, seed, floating);
            Instant last = m.todo ? first : first.plus(length);
            CalTime due = m.todo ? m.time("DUE") : null;
            if (due != null && due.instant(floating).isAfter(last)) {
                last = due.instant(floating);
            }
            boolean recurring = m.recurs();
            for (CalLine line : m.item.all("RDATE")) {
                for (CalTime t : m.times(line)) {
                    Instant i = t.instant(floating);
                    if (i.isBefore(first)) {
                        first = i;
                    }
                    if (i.plus(length).isAfter(last)) {
                        last = i.plus(length);
                    }
                }
            }
            if (Expansion.endless(m)) {
                return Optional.of(new CalendarWindow(first, Optional.empty(), true));
            }
            Expansion.Allowance allowance = new Expansion.Allowance();
            for (CalLine line : m.item.all("RRULE")) {
                java.util.Map<String, String> parts = Rrule10.parts(line.value());
                Instant bound = null;
                if (parts != null && parts.containsKey("UNTIL")) {
                    CalTime until = CalTime.parse(parts.get("UNTIL"));
                    if (until != null) {
                        // UNTIL bounds the rule without expanding it; a DATE or floating one in the item's zone
                        CalTime u = until.kind == CalTime.Kind.FLOATING && seed.kind == CalTime.Kind.ZONED
                                ? CalTime.zoned(until.local, seed.tzid, seed.rules) : until;
                        bound = u.instant(floating); // the last start is at the latest there
                    }
                } else if (Expansion.subDaily(parts)) {
                    bound = Expansion.subDailyBound(parts, seed, floating, java.time.Duration.ZERO);
                } else {
                    List<CalTime> occurrences = Expansion.finiteOccurrences(m, line.value(),
                            Expansion.MAX_OCCURRENCES, allowance);
                    if (occurrences != null) {
                        for (CalTime t : occurrences) {
                            Instant end = t.instant(floating).plus(length);
                            if (end.isAfter(last)) {
                                last = end;
                            }
                        }
                        continue;
                    }
                }
                if (bound == null) {
                    return Optional.of(new CalendarWindow(first, Optional.empty(), true));
                }
                if (bound.plus(length).isAfter(last)) {
                    last = bound.plus(length);
                }
            }
            return Optional.of(new CalendarWindow(first, Optional.of(last), recurring));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether any occurrence of an item lies in {@code [from, to)} (an occurrence of zero length at {@code from}
     * counts), recurrences expanded with their exceptions (EXDATE) and extra dates (RDATE); floating times and
     * dates read in UTC. Expands with ical4j's {@code Recur}, no full parse.
     *
     * @param text the item text, may be {@code null}
     * @param from the window start, inclusive
     * @param to   the window end, exclusive
     * @return false also for refused text and items without dates
     */
    public boolean occursBetween(String text, Instant from, Instant to) {
        return occursBetween(text, from, to, ZoneOffset.UTC);
    }

    /**
     * As {@link #occursBetween(String, Instant, Instant)}, floating times and dates read in {@code floatingZone}.
     *
     * @param text         the item text, may be {@code null}
     * @param from         the window start, inclusive
     * @param to           the window end, exclusive
     * @param floatingZone where floating times and all-day dates are read
     * @return whether an occurrence lies in the window
     */
    public boolean occursBetween(String text, Instant from, Instant to, ZoneId floatingZone) {
        if (from == null || to == null || !from.isBefore(to)) {
            return false;
        }
        ZoneId floating = floatingZone == null ? ZoneOffset.UTC : floatingZone;
        try {
            CalModel m = model(text == null ? "" : text);
            return m != null && !Expansion.between(m, from, to, floating, 1).isEmpty();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * An update from a device, with what the device cannot hold kept from the server's copy, so an update from a
     * limited device never erases it.
     *
     * <p>Per property (DTEND, DUE and DURATION count as one; all VALARMs as one): when the device does not support
     * it — it is not in {@code deviceSupportedProperties} (the device's CTCap property names, in its own format's
     * names: {@code AALARM}, {@code DALARM}, {@code DCREATED} for 1.0; a property the device sent counts as
     * supported) or its format cannot express it ({@link #NOT_EXPRESSIBLE_IN_10}) — the server copy's value is
     * kept. When the device supports it and sent what the server copy turns into in the device's format (it did not
     * change it), the server copy's full value is kept too: attendee parameters, a priority of 3 the device shows
     * as 1, the TZID of times the device got in UTC, alarm details. Otherwise the device's value wins (a supported
     * property the device left out is deleted). Device times in UTC are put back into the server copy's zone.
     *
     * <p>The result is iCalendar 2.0 unless both inputs are vCalendar 1.0; when it holds nothing beyond the
     * device's version, it is the device's version unchanged. Parses both inputs fully.
     *
     * @param serverCopy                the server's version of the item (either format); when refused as an item,
     *                                  the device's version is the result
     * @param deviceVersion             the device's update
     * @param deviceSupportedProperties the device's CTCap property names; empty means unknown: the device is
     *                                  assumed to support what its format defines
     * @return the merged item, or why the device's version was refused; never {@code null}
     */
    public ConversionResult merge(String serverCopy, String deviceVersion, Set<String> deviceSupportedProperties) {
        String device = deviceVersion == null ? "" : deviceVersion;
        try {
            Read d = read(device);
            if (d.problem != null) {
                return new ConversionResult.Invalid(d.problem);
            }
            Read s = read(serverCopy == null ? "" : serverCopy);
            if (s.problem != null) {
                return new ConversionResult.Converted(device);
            }
            return CalendarMerge.merge(s.tree20, s.v10, d.tree20, d.v10, device, serverCopy,
                    deviceSupportedProperties == null ? Set.of() : deviceSupportedProperties);
        } catch (RuntimeException e) {
            return new ConversionResult.Invalid("cannot merge: "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        }
    }

    // ---- internals --------------------------------------------------------------------------------------------

    /** A fully read and validated item: its 2.0 tree, or why it was refused. */
    static final class Read {
        final CalComponent tree20;
        final boolean v10;
        final String problem;

        Read(CalComponent tree20, boolean v10, String problem) {
            this.tree20 = tree20;
            this.v10 = v10;
            this.problem = problem;
        }
    }

    /** Reads and validates fully: 2.0 through ical4j, 1.0 through the codec's reader. */
    Read read(String input) {
        String problem = precheck(input);
        if (problem != null) {
            return new Read(null, false, problem);
        }
        CalText.Parsed parsed = CalText.parse(input);
        if (!parsed.valid()) {
            return new Read(null, parsed.v10(), parsed.problem());
        }
        String dates = checkDates(parsed);
        if (dates != null) {
            return new Read(null, parsed.v10(), dates);
        }
        if (!parsed.v10()) {
            String invalid = Ical4j.validate(input);
            if (invalid != null) {
                return new Read(null, false, invalid);
            }
            return new Read(parsed.root(), false, null);
        }
        return new Read(VCal10.to20(parsed.root()), true, null);
    }

    /** Checks the item's main dates are readable. */
    private static String checkDates(CalText.Parsed parsed) {
        CalComponent item = parsed.root().item();
        for (String name : List.of("DTSTART", "DTEND", "DUE")) {
            CalLine line = item.first(name);
            if (line != null && CalTime.parse(line.value()) == null) {
                return "unreadable " + name + ": " + abbreviate(line.value());
            }
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** The light read: the codec's reader only. {@code null} when refused. */
    private CalText.Parsed light(String text) {
        String input = text == null ? "" : text;
        if (precheck(input) != null) {
            return null;
        }
        CalText.Parsed parsed = CalText.parse(input);
        return parsed.valid() ? parsed : null;
    }

    /** The 2.0 model of an item, by the light read (1.0 mapped by the codec's reader); {@code null} when refused. */
    private CalModel model(String input) {
        CalText.Parsed parsed = light(input);
        if (parsed == null || checkDates(parsed) != null) {
            return null;
        }
        return new CalModel(parsed.v10() ? VCal10.to20WithoutTimezones(parsed.root()) : parsed.root());
    }

    /** Writes a 2.0 tree: CRLF, folded at 75 octets of UTF-8. */
    static String write20(CalComponent tree20) {
        StringBuilder unfolded = new StringBuilder(1024);
        tree20.render20(unfolded);
        return VCardWire.layout30(unfolded.toString());
    }

    private String precheck(String input) {
        if (VCardStructure.stripBlank(input).isEmpty()) {
            return "empty input";
        }
        if (utf8Length(input, maxInputBytes) > maxInputBytes) {
            return "input larger than " + maxInputBytes + " bytes";
        }
        return null;
    }

    private static long utf8Length(String s, int limit) {
        if (s.length() > limit) {
            return s.length();
        }
        long octets = 0;
        for (int i = 0; i < s.length() && octets <= limit; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                octets++;
            } else if (c < 0x800) {
                octets += 2;
            } else if (Character.isHighSurrogate(c)) {
                octets += 4;
                i++;
            } else {
                octets += 3;
            }
        }
        return octets;
    }
}
