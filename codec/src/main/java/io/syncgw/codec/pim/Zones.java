package io.syncgw.codec.pim;

import java.io.IOException;
import java.io.InputStream;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneOffsetTransitionRule;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Time zones: resolving a TZID to rules, writing a compact VTIMEZONE for an IANA zone, and the vCalendar 1.0
 * {@code TZ}/{@code DAYLIGHT} description (reading it, matching it to an IANA zone, writing it for a zone).
 *
 * <p>TZID resolution, in order: an IANA zone ID of the JVM's tzdb (the embedded VTIMEZONE of such a TZID is taken to
 * mean that zone); the IANA ID at the end of a prefixed TZID ({@code /mozilla.org/20050126_1/Europe/Berlin},
 * {@code /freeassociation.sourceforge.net/Tzfile/Europe/Berlin}); a Windows zone name from ical4j's alias tables
 * ({@code W. Europe Standard Time}); otherwise the item's own VTIMEZONE, through ical4j's
 * {@code ZoneRulesBuilder} (cached by its text). A TZID that none of these resolves is read as floating time.
 */
final class Zones {

    /**
     * Zones tried first when matching a vCalendar 1.0 TZ/DAYLIGHT description, so that a description matches the
     * zone most people mean (Europe/Berlin rather than Africa/Ceuta for CET/CEST). Only these are candidates for
     * a description without daylight saving time.
     */
    static final List<String> PREFERRED = List.of(
            "Europe/London", "Europe/Berlin", "Europe/Helsinki", "Europe/Moscow", "Europe/Istanbul", "Europe/Lisbon",
            "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
            "America/Anchorage", "Pacific/Honolulu", "America/Halifax", "America/St_Johns", "America/Sao_Paulo",
            "America/Argentina/Buenos_Aires", "America/Mexico_City", "America/Bogota", "America/Santiago",
            "Asia/Kolkata", "Asia/Tokyo", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Singapore", "Asia/Dubai",
            "Asia/Karachi", "Asia/Dhaka", "Asia/Bangkok", "Asia/Jakarta", "Asia/Seoul", "Asia/Tehran",
            "Asia/Jerusalem", "Asia/Kathmandu", "Asia/Manila", "Australia/Sydney", "Australia/Adelaide",
            "Australia/Brisbane", "Australia/Perth", "Australia/Darwin", "Australia/Lord_Howe", "Pacific/Auckland",
            "Africa/Johannesburg", "Africa/Cairo", "Africa/Nairobi", "Atlantic/Reykjavik", "Atlantic/Azores",
            "UTC");

    private static final int CACHE_LIMIT = 1000;
    private static final Map<String, Object> KNOWN = new ConcurrentHashMap<>();
    private static final Object NONE = new Object();
    private static final Map<String, String> WINDOWS_NAMES = windowsNames();
    private static final Map<Tz10, Object> MATCHES = new ConcurrentHashMap<>();
    private static final Map<String, Object> FIXED_MATCHES = new ConcurrentHashMap<>();
    private static final DateTimeFormatter ZONE_NAME = DateTimeFormatter.ofPattern("zzz", Locale.ENGLISH);

    private Zones() {
    }

    // ---- TZID resolution --------------------------------------------------------------------------------------

    /** The IANA zone a TZID names (directly, after a path prefix, or as a Windows name), or {@code null}. */
    static ZoneId knownZone(String tzid) {
        if (tzid == null) {
            return null;
        }
        Object cached = KNOWN.get(tzid);
        if (cached == null) {
            ZoneId zone = lookUp(tzid.strip());
            cached = zone == null ? NONE : zone;
            if (KNOWN.size() < CACHE_LIMIT) {
                KNOWN.put(tzid, cached);
            }
        }
        return cached == NONE ? null : (ZoneId) cached;
    }

    private static ZoneId lookUp(String tzid) {
        if (tzid.isEmpty() || tzid.length() > 200) {
            return null;
        }
        ZoneId direct = region(tzid);
        if (direct != null) {
            return direct;
        }
        String[] segments = tzid.split("/");
        for (int take = Math.min(3, segments.length - 1); take >= 1; take--) {
            String tail = String.join("/", java.util.Arrays.copyOfRange(segments, segments.length - take,
                    segments.length));
            ZoneId zone = region(tail);
            if (zone != null && tail.contains("/")) {
                return zone;
            }
        }
        String windows = WINDOWS_NAMES.get(tzid);
        return windows == null ? null : region(windows);
    }

    private static ZoneId region(String id) {
        if (id.equalsIgnoreCase("UTC") || id.equalsIgnoreCase("GMT") || id.equals("Z") || id.equals("Etc/UTC")) {
            return ZoneOffset.UTC;
        }
        if (id.startsWith("ical4j-local-") || !ZoneId.getAvailableZoneIds().contains(id)) {
            return null;
        }
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** Windows zone names from ical4j's alias tables, mapped to IANA IDs the JVM knows. */
    private static Map<String, String> windowsNames() {
        Map<String, String> names = new LinkedHashMap<>();
        for (String resource : List.of("net/fortuna/ical4j/transform/compliance/msTimezoneNames",
                "net/fortuna/ical4j/transform/compliance/msTimezoneIds")) {
            Properties properties = new Properties();
            try (InputStream in = Zones.class.getClassLoader().getResourceAsStream(resource)) {
                if (in != null) {
                    properties.load(in);
                }
            } catch (IOException | IllegalArgumentException e) {
                continue; // the table is a convenience
            }
            for (String name : properties.stringPropertyNames()) {
                names.putIfAbsent(name, properties.getProperty(name).strip());
            }
        }
        return Collections.unmodifiableMap(names);
    }

    /**
     * The rules for a TZID: a known zone's, else those of the item's VTIMEZONE of that TZID.
     *
     * @return the rules, or {@code null} when the TZID cannot be resolved
     */
    static ZoneRules rules(String tzid, CalComponent vtimezone) {
        ZoneId zone = knownZone(tzid);
        if (zone != null) {
            return zone.getRules();
        }
        return vtimezone == null ? null : Ical4j.zoneRules(vtimezone);
    }

    /** RFC 5545 section 3.3.5: a local time in a gap or an overlap is read with the offset before the change. */
    static Instant resolve(LocalDateTime local, ZoneRules rules) {
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (offsets.size() == 1) {
            return local.toInstant(offsets.get(0));
        }
        ZoneOffsetTransition transition = rules.getTransition(local);
        return local.toInstant(transition.getOffsetBefore());
    }

    // ---- VTIMEZONE writing ------------------------------------------------------------------------------------

    /**
     * Longest range of years whose transitions {@link #vtimezone} lists one by one: a longer range gets the compact
     * form, as an unbounded one does (an item from 2026 to 9999 would otherwise get 16,000 RDATE lines, more than the
     * codec reads back).
     */
    static final int MAX_EXPLICIT_YEARS = 10;

    /**
     * The earliest year {@link #vtimezone} describes: an item from the year 26 would otherwise get the zone's whole
     * history (up to 310 transitions), which every client, and ical4j in every call of the codec, has to read. The
     * codec itself reads an IANA TZID by the JVM's rules, not by the VTIMEZONE.
     */
    static final int EARLIEST_YEAR = 1970;

    /**
     * A VTIMEZONE for an IANA zone, correct from the year before {@code fromYear} (or from {@value #EARLIEST_YEAR}):
     * the transitions up to {@code toYear} (inclusive) listed explicitly, or, for an unbounded range ({@code toYear} =
     * {@link Integer#MAX_VALUE}) or one longer than {@value #MAX_EXPLICIT_YEARS} years, yearly RRULE observances from
     * the zone's current rules (the compact form most clients write). A zone whose rules cannot be written as RRULEs
     * gets its transitions listed up to {@code toYear}, for at most 50 years.
     */
    static CalComponent vtimezone(ZoneId zone, int itemFromYear, int toYear) {
        int fromYear = Math.max(itemFromYear, EARLIEST_YEAR);
        ZoneRules rules = zone.getRules();
        CalComponent vtz = new CalComponent("VTIMEZONE");
        vtz.lines.add(CalLine.of("TZID", zone.getId()));
        Instant rangeStart = LocalDate.of(fromYear - 1, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);
        if (rules.isFixedOffset()) {
            ZoneOffset offset = rules.getOffset(rangeStart);
            vtz.children.add(observance("STANDARD", LocalDateTime.of(1970, 1, 1, 0, 0), offset, offset,
                    name(zone, rangeStart), List.of()));
            return vtz;
        }
        boolean unbounded = toYear == Integer.MAX_VALUE || (long) toYear - fromYear > MAX_EXPLICIT_YEARS;
        List<ZoneOffsetTransitionRule> transitionRules = rules.getTransitionRules();
        List<ZoneOffsetTransition> historic = rules.getTransitions();
        int rulesFromYear = historic.isEmpty() ? Integer.MIN_VALUE
                : historic.get(historic.size() - 1).getInstant().atOffset(ZoneOffset.UTC).getYear() + 1;
        int ruleStartYear = Math.max(rulesFromYear, fromYear - 1);
        boolean useRules = unbounded && !transitionRules.isEmpty() && rrulesExact(transitionRules, ruleStartYear);
        int explicitEndYear = useRules ? ruleStartYear - 1 : (int) Math.min(fromYear + 50, toYear + 1L);
        Instant explicitEnd = LocalDate.of(explicitEndYear + 1, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);

        List<ZoneOffsetTransition> explicit = new ArrayList<>();
        ZoneOffsetTransition before = rules.previousTransition(rangeStart.plusNanos(1));
        if (before != null) {
            explicit.add(before);
        } else {
            ZoneOffset offset = rules.getOffset(rangeStart);
            vtz.children.add(observance(rules.isDaylightSavings(rangeStart) ? "DAYLIGHT" : "STANDARD",
                    LocalDateTime.of(1601, 1, 1, 0, 0), offset, offset, name(zone, rangeStart), List.of()));
        }
        for (ZoneOffsetTransition t = rules.nextTransition(rangeStart);
                t != null && t.getInstant().isBefore(explicitEnd); t = rules.nextTransition(t.getInstant())) {
            explicit.add(t);
        }
        // one observance per (kind, offsets, name), the later onsets as RDATEs
        Map<String, List<ZoneOffsetTransition>> groups = new LinkedHashMap<>();
        for (ZoneOffsetTransition t : explicit) {
            String kind = rules.isDaylightSavings(t.getInstant()) ? "DAYLIGHT" : "STANDARD";
            String key = kind + t.getOffsetBefore() + t.getOffsetAfter() + name(zone, t.getInstant());
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
        }
        for (List<ZoneOffsetTransition> group : groups.values()) {
            ZoneOffsetTransition first = group.get(0);
            List<String> rdates = new ArrayList<>();
            for (ZoneOffsetTransition t : group.subList(1, group.size())) {
                rdates.add(CalTime.formatDateTime(t.getDateTimeBefore()));
            }
            CalComponent o = observance(rules.isDaylightSavings(first.getInstant()) ? "DAYLIGHT" : "STANDARD",
                    first.getDateTimeBefore(), first.getOffsetBefore(), first.getOffsetAfter(),
                    name(zone, first.getInstant()), rdates);
            vtz.children.add(o);
        }
        if (useRules) {
            for (ZoneOffsetTransitionRule rule : transitionRules) {
                ZoneOffsetTransition t = rule.createTransition(ruleStartYear);
                CalComponent o = observance(rules.isDaylightSavings(t.getInstant()) ? "DAYLIGHT" : "STANDARD",
                        t.getDateTimeBefore(), t.getOffsetBefore(), t.getOffsetAfter(), name(zone, t.getInstant()),
                        List.of());
                o.lines.add(CalLine.of("RRULE", "FREQ=YEARLY;BYMONTH=" + rule.getMonth().getValue() + ";"
                        + rrulePattern(rule)));
                vtz.children.add(o);
            }
        }
        return vtz;
    }

    private static CalComponent observance(String kind, LocalDateTime start, ZoneOffset from, ZoneOffset to,
            String tzname, List<String> rdates) {
        CalComponent o = new CalComponent(kind);
        o.lines.add(CalLine.of("DTSTART", CalTime.formatDateTime(start)));
        o.lines.add(CalLine.of("TZOFFSETFROM", offset20(from)));
        o.lines.add(CalLine.of("TZOFFSETTO", offset20(to)));
        if (tzname != null && !tzname.isEmpty()) {
            o.lines.add(CalLine.of("TZNAME", CalLine.escape20(tzname)));
        }
        for (String rdate : rdates) {
            o.lines.add(CalLine.of("RDATE", rdate));
        }
        return o;
    }

    /** {@code +0100}, {@code -0330}, {@code +053328} (seconds only when there are any). */
    static String offset20(ZoneOffset offset) {
        int total = offset.getTotalSeconds();
        int abs = Math.abs(total);
        String s = String.format(Locale.ROOT, "%s%02d%02d", total < 0 ? "-" : "+", abs / 3600, abs / 60 % 60);
        return abs % 60 == 0 ? s : s + String.format(Locale.ROOT, "%02d", abs % 60);
    }

    /** {@code +01:00} as vCalendar 1.0 writes offsets. */
    static String offset10(ZoneOffset offset) {
        int total = offset.getTotalSeconds();
        int abs = Math.abs(total);
        return String.format(Locale.ROOT, "%s%02d:%02d", total < 0 ? "-" : "+", abs / 3600, abs / 60 % 60);
    }

    /** The zone's short name at an instant (CET, CEST, EST...), without characters 1.0 and 2.0 lists use. */
    static String name(ZoneId zone, Instant at) {
        ZonedDateTime zdt = ZonedDateTime.ofInstant(at, zone);
        String key = zone.getId() + zdt.getOffset() + zone.getRules().isDaylightSavings(at);
        String cached = NAMES.get(key);
        if (cached == null) {
            cached = ZONE_NAME.format(zdt).replace(";", "").replace(",", "").replace(":", "");
            if (NAMES.size() < CACHE_LIMIT) {
                NAMES.put(key, cached);
            }
        }
        return cached;
    }

    private static final Map<String, String> NAMES = new ConcurrentHashMap<>();

    private static final Map<String, CalComponent> VTIMEZONES = new ConcurrentHashMap<>();

    /** {@link #vtimezone(ZoneId, int, int)}, cached (a copy each time: components are mutable). */
    static CalComponent cachedVtimezone(ZoneId zone, int fromYear, int toYear) {
        String key = zone.getId() + "/" + fromYear + "/" + toYear;
        CalComponent cached = VTIMEZONES.get(key);
        if (cached == null) {
            cached = vtimezone(zone, fromYear, toYear);
            if (VTIMEZONES.size() < CACHE_LIMIT) {
                VTIMEZONES.put(key, cached);
            }
        }
        return cached.copy();
    }

    /** The RRULE day part for a transition rule: BYDAY=2SU, BYDAY=-1SU, BYMONTHDAY=... */
    private static String rrulePattern(ZoneOffsetTransitionRule rule) {
        int dom = rule.getDayOfMonthIndicator();
        DayOfWeek dow = rule.getDayOfWeek();
        int monthLength = rule.getMonth().maxLength();
        if (dow == null) {
            return "BYMONTHDAY=" + dom;
        }
        String day = dow.name().substring(0, 2);
        if (dom > 0 && (dom - 1) % 7 == 0) {
            return "BYDAY=" + ((dom - 1) / 7 + 1) + day;
        }
        if (dom > 0 && dom + 6 == monthLength || dom == -1) {
            return "BYDAY=-1" + day;
        }
        StringBuilder days = new StringBuilder("BYMONTHDAY=");
        for (int i = 0; i < 7; i++) {
            days.append(i == 0 ? "" : ",").append(dom > 0 ? dom + i : dom - i);
        }
        return days + ";BYDAY=" + day;
    }

    /** Whether each rule's RRULE pattern, at the onset's local time, gives its transitions for 28 years. */
    private static boolean rrulesExact(List<ZoneOffsetTransitionRule> rules, int fromYear) {
        for (ZoneOffsetTransitionRule rule : rules) {
            LocalDateTime first = rule.createTransition(fromYear).getDateTimeBefore();
            for (int year = fromYear; year < fromYear + 28; year++) {
                LocalDateTime actual = rule.createTransition(year).getDateTimeBefore();
                LocalDate nominal = nominalDate(rule, year);
                if (!actual.toLocalDate().equals(nominal) || !actual.toLocalTime().equals(first.toLocalTime())) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The date {@link #rrulePattern} selects in a year. */
    private static LocalDate nominalDate(ZoneOffsetTransitionRule rule, int year) {
        int dom = rule.getDayOfMonthIndicator();
        DayOfWeek dow = rule.getDayOfWeek();
        LocalDate monthStart = LocalDate.of(year, rule.getMonth(), 1);
        int length = monthStart.lengthOfMonth();
        if (dow == null) {
            return dom > 0 ? monthStart.withDayOfMonth(Math.min(dom, length)) : monthStart.withDayOfMonth(length + dom + 1);
        }
        if (dom > 0 && (dom - 1) % 7 == 0) {
            return monthStart.with(TemporalAdjusters.dayOfWeekInMonth((dom - 1) / 7 + 1, dow));
        }
        if (dom > 0 && dom + 6 == rule.getMonth().maxLength() || dom == -1) {
            return monthStart.with(TemporalAdjusters.lastInMonth(dow));
        }
        LocalDate anchor = dom > 0 ? monthStart.withDayOfMonth(dom) : monthStart.withDayOfMonth(length + dom + 1);
        return dom > 0 ? anchor.with(TemporalAdjusters.nextOrSame(dow)) : anchor.with(TemporalAdjusters.previousOrSame(dow));
    }

    // ---- vCalendar 1.0 TZ and DAYLIGHT --------------------------------------------------------------------------

    /**
     * One 1.0 daylight saving period ({@code DAYLIGHT:TRUE;+02:00;start;end;CET;CEST}).
     *
     * @param start    first instant in daylight time; null when the period began before what the line says (the first
     *                 half of a line whose end comes before its start)
     * @param end      first instant back in standard time; null when the period ends after what the line says (the
     *                 second half of such a line)
     * @param offset   the offset during the period
     * @param stdName  the standard time's name, may be empty
     * @param dstName  the daylight time's name, may be empty
     */
    record Dst10(Instant start, Instant end, ZoneOffset offset, String stdName, String dstName) {

        /** Longest daylight saving period assumed for the open side of a half period. */
        private static final Duration OPEN_SIDE = Duration.ofDays(240);

        Instant from() {
            return start != null ? start : end.minus(OPEN_SIDE);
        }

        Instant until() {
            return end != null ? end : start.plus(OPEN_SIDE);
        }
    }

    /**
     * A vCalendar 1.0 time zone description: TZ (the standard offset) and the DAYLIGHT periods given.
     *
     * @param std     the standard offset
     * @param periods the daylight saving periods, possibly none
     */
    record Tz10(ZoneOffset std, List<Dst10> periods) {

        Tz10 {
            Objects.requireNonNull(std, "std");
            periods = List.copyOf(periods);
        }

        /** The offset in force at an instant. */
        ZoneOffset offsetAt(Instant instant) {
            for (Dst10 p : periods) {
                if (!instant.isBefore(p.from()) && instant.isBefore(p.until())) {
                    return p.offset();
                }
            }
            return std;
        }

        /** The instant of a local time (local times in daylight periods take the daylight offset). */
        Instant instantOf(LocalDateTime local) {
            for (Dst10 p : periods) {
                LocalDateTime startLocal = LocalDateTime.ofInstant(p.from(), std);
                LocalDateTime endLocal = LocalDateTime.ofInstant(p.until(), p.offset());
                if (!local.isBefore(startLocal) && local.isBefore(endLocal)) {
                    return local.toInstant(p.offset());
                }
            }
            return local.toInstant(std);
        }
    }

    /**
     * Reads TZ and DAYLIGHT lines of a 1.0 VCALENDAR. DAYLIGHT start and end are instants when written in UTC;
     * local ones are read in standard time (start) and daylight time (end).
     *
     * @return the description, or {@code null} when there is no (readable) TZ
     */
    static Tz10 readTz10(CalComponent vcalendar) {
        String tz = vcalendar.value("TZ");
        ZoneOffset std = tz == null ? null : parseOffset(tz);
        if (std == null) {
            return null;
        }
        List<Dst10> periods = new ArrayList<>();
        for (CalLine line : vcalendar.all("DAYLIGHT")) {
            List<String> parts = CalLine.splitUnescaped(line.value(), ';');
            if (parts.size() < 4 || !parts.get(0).strip().equalsIgnoreCase("TRUE")) {
                continue;
            }
            ZoneOffset offset = parseOffset(parts.get(1));
            CalTime start = CalTime.parse(parts.get(2));
            CalTime end = CalTime.parse(parts.get(3));
            if (offset == null || start == null || end == null) {
                continue;
            }
            Instant s = start.kind == CalTime.Kind.UTC ? start.instant(ZoneOffset.UTC) : start.local.toInstant(std);
            Instant e = end.kind == CalTime.Kind.UTC ? end.instant(ZoneOffset.UTC) : end.local.toInstant(offset);
            String stdName = parts.size() > 4 ? parts.get(4).strip() : "";
            String dstName = parts.size() > 5 ? parts.get(5).strip() : "";
            if (e.isAfter(s)) {
                periods.add(new Dst10(s, e, offset, stdName, dstName));
            } else if (e.isBefore(s)) {
                // the next start and the next end, the end first (SyncEvolution writes them so): daylight saving time
                // is in force until the end and again from the start
                periods.add(new Dst10(null, e, offset, stdName, dstName));
                periods.add(new Dst10(s, null, offset, stdName, dstName));
            } else {
                continue;
            }
            if (periods.size() >= 200) {
                break;
            }
        }
        periods.sort((a, b) -> a.from().compareTo(b.from()));
        return new Tz10(std, periods);
    }

    /** {@code +01:00}, {@code +0100}, {@code +01}, {@code -5}, {@code +5:30}, {@code Z}; {@code null} if none. */
    static ZoneOffset parseOffset(String value) {
        String v = value.strip();
        if (v.equalsIgnoreCase("Z")) {
            return ZoneOffset.UTC;
        }
        if (v.isEmpty() || v.charAt(0) != '+' && v.charAt(0) != '-') {
            if (v.isEmpty() || !Character.isDigit(v.charAt(0))) {
                return null;
            }
            v = "+" + v;
        }
        int sign = v.charAt(0) == '-' ? -1 : 1;
        String rest = v.substring(1);
        int hours;
        int minutes = 0;
        try {
            int colon = rest.indexOf(':');
            if (colon >= 0) {
                hours = Integer.parseInt(rest.substring(0, colon));
                minutes = Integer.parseInt(rest.substring(colon + 1));
            } else if (rest.length() <= 2) {
                hours = Integer.parseInt(rest);
            } else if (rest.length() == 4) {
                hours = Integer.parseInt(rest.substring(0, 2));
                minutes = Integer.parseInt(rest.substring(2));
            } else {
                return null;
            }
            return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
        } catch (NumberFormatException | DateTimeException e) {
            return null;
        }
    }

    /**
     * The IANA zone a 1.0 description stands for: same standard offset at {@code reference}, and a daylight saving
     * transition within 26 hours of each DAYLIGHT start and end with the same offsets (the tolerance absorbs
     * devices that write the transitions in local rather than UTC time). A description without DAYLIGHT periods
     * matches only a {@link #PREFERRED} zone without daylight saving time in the two years around the reference.
     *
     * @return the zone, or {@code null}
     */
    static ZoneId match(Tz10 tz, Instant reference) {
        // a description without DST periods is matched around its reference: cached per year
        String key = tz.periods().isEmpty() ? tz.std() + "@" + LocalDateTime.ofInstant(reference, ZoneOffset.UTC)
                .getYear() : null;
        Object cached = key != null ? FIXED_MATCHES.get(key) : MATCHES.get(tz);
        if (cached != null) {
            return cached == NONE ? null : (ZoneId) cached;
        }
        ZoneId found = null;
        for (String id : PREFERRED) {
            ZoneId zone = region(id);
            if (zone != null && matches(zone.getRules(), tz, reference)) {
                found = zone;
                break;
            }
        }
        if (found == null && !tz.periods().isEmpty()) {
            Set<String> all = new TreeSet<>(ZoneId.getAvailableZoneIds());
            for (String id : all) {
                if (!id.contains("/") || id.startsWith("Etc/") || id.startsWith("SystemV/")
                        || id.startsWith("ical4j-local-")) {
                    continue;
                }
                ZoneId zone = region(id);
                if (zone != null && matches(zone.getRules(), tz, reference)) {
                    found = zone;
                    break;
                }
            }
        }
        if (key != null && FIXED_MATCHES.size() < CACHE_LIMIT) {
            FIXED_MATCHES.put(key, found == null ? NONE : found);
        } else if (key == null && MATCHES.size() < CACHE_LIMIT) {
            MATCHES.put(tz, found == null ? NONE : found);
        }
        return found;
    }

    private static boolean matches(ZoneRules rules, Tz10 tz, Instant reference) {
        Duration tolerance = Duration.ofHours(26);
        if (tz.periods().isEmpty()) {
            if (!rules.getStandardOffset(reference).equals(tz.std()) || !rules.getOffset(reference).equals(tz.std())) {
                return false;
            }
            ZoneOffsetTransition next = rules.nextTransition(reference.minus(Duration.ofDays(366)));
            return next == null || next.getInstant().isAfter(reference.plus(Duration.ofDays(366)));
        }
        for (Dst10 p : tz.periods()) {
            if (p.start() != null && p.end() != null) {
                Instant mid = p.start().plus(Duration.between(p.start(), p.end()).dividedBy(2));
                if (!rules.getOffset(mid).equals(p.offset()) || !rules.getStandardOffset(mid).equals(tz.std())) {
                    return false;
                }
            }
            if (p.start() != null) {
                ZoneOffsetTransition in = rules.nextTransition(p.start().minus(tolerance));
                if (in == null || in.getInstant().isAfter(p.start().plus(tolerance))
                        || !in.getOffsetBefore().equals(tz.std()) || !in.getOffsetAfter().equals(p.offset())) {
                    return false;
                }
            }
            if (p.end() != null) {
                ZoneOffsetTransition out = rules.nextTransition(p.end().minus(tolerance));
                if (out == null || out.getInstant().isAfter(p.end().plus(tolerance))
                        || !out.getOffsetBefore().equals(p.offset()) || !out.getOffsetAfter().equals(tz.std())) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The 1.0 lines describing a zone for the years concerned: {@code TZ:} the standard offset at
     * {@code reference}, and one {@code DAYLIGHT:TRUE;offset;start;end;std;dst} per daylight saving period
     * overlapping those years (start and end in UTC), or {@code DAYLIGHT:FALSE} when there is none. At most
     * {@code maxPeriods} periods are written. The names come from {@code zone} (may be {@code null}: no names).
     */
    static List<CalLine> tz10Lines(ZoneRules rules, ZoneId zone, Instant reference, int fromYear, int toYear,
            int maxPeriods) {
        List<CalLine> lines = new ArrayList<>();
        ZoneOffset std = rules.getStandardOffset(reference);
        lines.add(CalLine.of("TZ", offset10(std)));
        Instant from = LocalDate.of(fromYear, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant to = LocalDate.of(toYear + 1, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);
        List<CalLine> daylight = new ArrayList<>();
        ZoneOffsetTransition t = rules.previousTransition(from.plusNanos(1));
        if (t == null || !rules.isDaylightSavings(t.getInstant())) {
            t = rules.nextTransition(from);
        }
        while (t != null && t.getInstant().isBefore(to) && daylight.size() < maxPeriods) {
            if (rules.isDaylightSavings(t.getInstant())) {
                ZoneOffsetTransition end = rules.nextTransition(t.getInstant());
                if (end == null) {
                    break; // daylight time for ever: not a period 1.0 can state
                }
                daylight.add(CalLine.of("DAYLIGHT", "TRUE;" + offset10(t.getOffsetAfter()) + ";"
                        + CalTime.formatUtc(t.getInstant()) + ";" + CalTime.formatUtc(end.getInstant()) + ";"
                        + (zone == null ? "" : name(zone, end.getInstant())) + ";"
                        + (zone == null ? "" : name(zone, t.getInstant()))));
                t = end;
            }
            t = rules.nextTransition(t.getInstant());
        }
        if (daylight.isEmpty()) {
            lines.add(CalLine.of("DAYLIGHT", "FALSE"));
        } else {
            lines.addAll(daylight);
        }
        return lines;
    }
}
