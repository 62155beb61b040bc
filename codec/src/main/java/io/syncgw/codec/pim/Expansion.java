package io.syncgw.codec.pim;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Recurrence expansion over the 2.0 model: rules expanded by ical4j's {@link net.fortuna.ical4j.model.Recur} on the
 * item's local time (so a weekly 10:00 meeting stays at 10:00 across a DST change), then resolved to instants in the
 * item's zone; RDATEs added, EXDATEs removed, DTSTART always the first occurrence.
 */
final class Expansion {

    /** Most occurrences expanded for one question; beyond, the answer is computed from what was expanded. */
    static final int MAX_OCCURRENCES = 50_000;

    private Expansion() {
    }

    /** An occurrence: from {@code start} (inclusive) to {@code end} (exclusive; equal for zero length). */
    record Occurrence(Instant start, Instant end) {
    }

    /**
     * The occurrences of a rule with the item's start as seed, as times of the start's kind, when the rule ends
     * (COUNT or UNTIL) and has at most {@code max} of them; else {@code null}.
     */
    static List<CalTime> finiteOccurrences(CalModel m, String rule, int max) {
        CalTime seed = seed(m);
        Map<String, String> parts = Rrule10.parts(rule);
        if (seed == null || parts == null || !parts.containsKey("COUNT") && !parts.containsKey("UNTIL")
                || subDaily(parts)) {
            return null;
        }
        String local = localRule(rule, seed);
        if (local == null) {
            return null;
        }
        List<CalTime> result = new ArrayList<>();
        try {
            if (seed.isDate()) {
                for (LocalDate d : Ical4j.expand(local, seed.date(), seed.date(), LocalDate.of(9999, 12, 31), max + 1)) {
                    result.add(CalTime.date(d));
                }
            } else {
                for (LocalDateTime t : Ical4j.expand(local, seed.local, seed.local,
                        LocalDateTime.of(9999, 12, 31, 23, 59), max + 1)) {
                    result.add(seed.withLocal(t));
                }
            }
        } catch (RuntimeException e) {
            return null;
        }
        return result.size() > max ? null : result;
    }

    /** DTSTART, or a task's DUE. */
    static CalTime seed(CalModel m) {
        CalTime start = m.start();
        return start != null ? start : m.todo ? m.time("DUE") : null;
    }

    /**
     * The rule with UNTIL in the seed's local terms (a DATE for a date seed, a local date-time in the seed's zone
     * otherwise), as the local expansion needs it; {@code null} when malformed.
     */
    static String localRule(String rule, CalTime seed) {
        Map<String, String> parts = Rrule10.parts(rule);
        if (parts == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> e : parts.entrySet()) {
            String value = e.getValue();
            if (e.getKey().equals("UNTIL")) {
                CalTime until = CalTime.parse(value);
                if (until == null) {
                    return null;
                }
                if (seed.isDate()) {
                    value = CalTime.formatDate(until.kind == CalTime.Kind.UTC ? until.date() : until.date());
                } else if (until.isDate()) {
                    value = CalTime.formatDateTime(until.date().atTime(23, 59, 59));
                } else if (until.kind == CalTime.Kind.UTC && seed.kind == CalTime.Kind.ZONED) {
                    Instant i = until.instant(ZoneOffset.UTC);
                    value = CalTime.formatDateTime(LocalDateTime.ofInstant(i, seed.rules.getOffset(i)));
                } else {
                    value = CalTime.formatDateTime(until.local);
                }
            }
            out.append(out.length() == 0 ? "" : ";").append(e.getKey()).append('=').append(value);
        }
        return out.toString();
    }

    /** The absolute time of an alarm: its anchor plus its TRIGGER, or its absolute TRIGGER; {@code null} if none. */
    static CalTime alarmTime(CalModel m, CalComponent alarm) {
        CalLine trigger = alarm.first("TRIGGER");
        if (trigger == null) {
            return null;
        }
        if ("DATE-TIME".equalsIgnoreCase(trigger.param("VALUE"))) {
            return CalTime.parse(trigger.value());
        }
        CalModel.Dur d = CalModel.Dur.parse(trigger.value());
        if (d == null) {
            return null;
        }
        boolean end = "END".equalsIgnoreCase(trigger.param("RELATED"));
        CalTime anchor = end ? m.effectiveEnd() : m.start();
        if (anchor == null && m.todo) {
            anchor = m.time("DUE");
        }
        if (anchor == null) {
            return null;
        }
        if (anchor.isDate()) {
            anchor = CalTime.floating(anchor.local);
        }
        return d.addTo(anchor);
    }

    /**
     * The occurrences starting before {@code to} and ending after {@code from} (an occurrence of zero length at
     * {@code from} counts), in order; at most {@code max}.
     */
    static List<Occurrence> between(CalModel m, Instant from, Instant to, ZoneId floating, int max) {
        CalTime seed = seed(m);
        List<Occurrence> result = new ArrayList<>();
        if (seed == null) {
            return result;
        }
        Duration length = length(m, seed, floating);
        Set<Instant> excluded = new HashSet<>();
        Set<LocalDate> excludedDates = new HashSet<>();
        for (CalLine line : m.item.all("EXDATE")) {
            for (CalTime t : m.times(line)) {
                if (t.isDate()) {
                    excludedDates.add(t.date());
                } else {
                    excluded.add(t.instant(floating));
                }
            }
        }
        TreeSet<Instant> starts = new TreeSet<>();
        starts.add(seed.instant(floating));
        for (CalLine line : m.item.all("RDATE")) {
            for (CalTime t : m.times(line)) {
                starts.add(t.instant(floating));
            }
        }
        Instant windowStart = from.minus(length).minus(Duration.ofDays(2));
        Instant windowEnd = to.plus(Duration.ofDays(2));
        for (CalLine line : m.item.all("RRULE")) {
            String local = localRule(line.value(), seed);
            if (local == null) {
                continue;
            }
            Map<String, String> parts = Rrule10.parts(local);
            if (subDaily(parts)) {
                // not expanded (ical4j walks every interval from the seed): occurs wherever its bounds allow
                Instant s = seed.instant(floating);
                Instant bound = subDailyBound(parts, seed, floating, length);
                if (s.isBefore(to) && (bound == null || bound.isAfter(from))) {
                    result.add(new Occurrence(s.isAfter(from) ? s : from, s.isAfter(from) ? s : from));
                    return result;
                }
                continue;
            }
            try {
                if (seed.isDate()) {
                    LocalDate a = LocalDateTime.ofInstant(windowStart, ZoneOffset.UTC).toLocalDate().minusDays(1);
                    LocalDate b = LocalDateTime.ofInstant(windowEnd, ZoneOffset.UTC).toLocalDate().plusDays(1);
                    for (LocalDate d : Ical4j.expand(local, seed.date(), a, b, MAX_OCCURRENCES)) {
                        starts.add(CalTime.date(d).instant(floating));
                    }
                } else {
                    ZoneId zone = seed.kind == CalTime.Kind.ZONED ? null
                            : seed.kind == CalTime.Kind.UTC ? ZoneOffset.UTC : floating;
                    LocalDateTime a = local(windowStart, seed, zone).minusDays(1);
                    LocalDateTime b = local(windowEnd, seed, zone).plusDays(1);
                    for (LocalDateTime t : Ical4j.expand(local, seed.local, a, b, MAX_OCCURRENCES)) {
                        starts.add(seed.withLocal(t).instant(floating));
                    }
                }
            } catch (RuntimeException e) {
                // a rule ical4j cannot expand: the item counts with its other occurrences
            }
        }
        for (Instant s : starts) {
            if (result.size() >= max) {
                break;
            }
            if (excluded.contains(s) || excludedDates.contains(LocalDateTime.ofInstant(s,
                    floating.getRules().getOffset(s)).toLocalDate()) && seed.isDate()) {
                continue;
            }
            Instant e = s.plus(length);
            boolean overlaps = s.isBefore(to) && (e.isAfter(from) || e.equals(s) && !s.isBefore(from));
            if (overlaps) {
                result.add(new Occurrence(s, e));
            }
        }
        return result;
    }

    private static LocalDateTime local(Instant instant, CalTime seed, ZoneId zone) {
        if (zone == null) {
            return LocalDateTime.ofInstant(instant, seed.rules.getOffset(instant));
        }
        return LocalDateTime.ofInstant(instant, zone.getRules().getOffset(instant));
    }

    /**
     * Whether a rule recurs more often than daily (SECONDLY, MINUTELY, HOURLY). Such rules are never expanded:
     * ical4j steps through every interval from the seed, which for a rule started years ago takes minutes. They are
     * not PIM data a phone creates; the codec treats them by their bounds.
     */
    static boolean subDaily(Map<String, String> parts) {
        String freq = parts == null ? null : parts.get("FREQ");
        return "SECONDLY".equals(freq) || "MINUTELY".equals(freq) || "HOURLY".equals(freq);
    }

    /** The end of a sub-daily rule: UNTIL, or the seed plus COUNT intervals; {@code null} when endless. */
    static Instant subDailyBound(Map<String, String> parts, CalTime seed, ZoneId floating, Duration length) {
        Instant s = seed.instant(floating);
        if (parts.containsKey("UNTIL")) {
            CalTime until = CalTime.parse(parts.get("UNTIL"));
            return until == null ? null : until.instant(floating).plus(length);
        }
        if (!parts.containsKey("COUNT")) {
            return null;
        }
        try {
            long count = Long.parseLong(parts.get("COUNT"));
            long interval = Long.parseLong(parts.getOrDefault("INTERVAL", "1"));
            long unit = parts.get("FREQ").equals("HOURLY") ? 3600 : parts.get("FREQ").equals("MINUTELY") ? 60 : 1;
            return s.plusSeconds(Math.multiplyExact(Math.multiplyExact(count, interval), unit)).plus(length);
        } catch (NumberFormatException | ArithmeticException | java.time.DateTimeException e) {
            return null;
        }
    }

    /** The length of one occurrence. */
    static Duration length(CalModel m, CalTime seed, ZoneId floating) {
        CalTime end = m.todo ? null : m.effectiveEnd();
        if (end == null) {
            return Duration.ZERO;
        }
        Duration d = Duration.between(seed.instant(floating), end.instant(floating));
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** Whether the rule of the item has no end. */
    static boolean endless(CalModel m) {
        for (CalLine line : m.item.all("RRULE")) {
            Map<String, String> parts = Rrule10.parts(line.value());
            if (parts != null && !parts.containsKey("COUNT") && !parts.containsKey("UNTIL")) {
                return true;
            }
        }
        return false;
    }

    /** The frequency of the first rule, upper case, or {@code null}. */
    static String frequency(CalModel m) {
        String rule = m.item.value("RRULE");
        Map<String, String> parts = rule == null ? null : Rrule10.parts(rule);
        return parts == null ? null : parts.get("FREQ").toUpperCase(Locale.ROOT);
    }
}
