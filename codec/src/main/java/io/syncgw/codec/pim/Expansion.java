package io.syncgw.codec.pim;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
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
 *
 * <p><b>Bounds.</b> {@code Recur} steps through every period of a rule from its seed (DTSTART) to the end of the range
 * asked, whatever its start, at about 90 bytes per candidate date-time, and an occurrence it returns costs about 2 KB
 * more on the way. So one question (a window, an occursBetween, a rule written in 1.0) expands at most
 * {@value #MAX_OCCURRENCES} occurrences of a rule and steps through at most {@value #MAX_CANDIDATES} candidates for all
 * the item's rules together (estimated beforehand: {@link #candidates}). A rule beyond that, such as a daily rule from
 * the year 26 asked about this week, is answered from its bounds (UNTIL, COUNT), like a sub-daily rule: it occurs
 * wherever they allow, and its span ends at UNTIL, or, for COUNT, is unbounded.
 */
final class Expansion {

    /** Most occurrences expanded for one rule and question; beyond, the answer is computed from what was expanded. */
    static final int MAX_OCCURRENCES = 5_000;

    /** Most candidate date-times ical4j may step through for one question, all the item's rules together. */
    static final long MAX_CANDIDATES = 50_000;

    /** What one question may still spend on expansion, in candidates (see {@link #candidates}). */
    static final class Allowance {
        private long candidates = MAX_CANDIDATES;

        /** Takes {@code cost} when that much is left. */
        boolean take(long cost) {
            if (cost > candidates) {
                return false;
            }
            candidates -= cost;
            return true;
        }

        long left() {
            return candidates;
        }
    }

    private Expansion() {
    }

    /** An occurrence: from {@code start} (inclusive) to {@code end} (exclusive; equal for zero length). */
    record Occurrence(Instant start, Instant end) {
    }

    /**
     * The occurrences of a rule with the item's start as seed, as times of the start's kind, when the rule ends
     * (COUNT or UNTIL) and has at most {@code max} of them (and {@value #MAX_OCCURRENCES}), all within
     * {@value #MAX_CANDIDATES} candidates; else {@code null}.
     */
    static List<CalTime> finiteOccurrences(CalModel m, String rule, int max) {
        return finiteOccurrences(m, rule, max, new Allowance());
    }

    /** {@link #finiteOccurrences(CalModel, String, int)}, spending from the question's allowance. */
    static List<CalTime> finiteOccurrences(CalModel m, String rule, int max, Allowance allowance) {
        CalTime seed = seed(m);
        Map<String, String> parts = Rrule10.parts(rule);
        if (seed == null || parts == null || !parts.containsKey("COUNT") && !parts.containsKey("UNTIL")
                || subDaily(parts)) {
            return null;
        }
        String local = localRule(rule, seed);
        Map<String, String> localParts = local == null ? null : Rrule10.parts(local);
        if (localParts == null) {
            return null;
        }
        int limit = Math.min(max, MAX_OCCURRENCES);
        // ical4j is only asked as far as the allowance reaches: a COUNT rule whose COUNT is not reached by then, or
        // an UNTIL beyond it, is not known
        LocalDateTime end = LocalDateTime.of(9999, 12, 31, 23, 59);
        LocalDateTime reach = reach(localParts, seed.local, allowance.left());
        boolean cut = reach.isBefore(end);
        if (cut) {
            end = reach;
        }
        allowance.take(candidates(localParts, seed.local, end));
        List<CalTime> result = new ArrayList<>();
        try {
            if (seed.isDate()) {
                for (LocalDate d : Ical4j.expand(local, seed.date(), seed.date(), end.toLocalDate(), limit + 1)) {
                    result.add(CalTime.date(d));
                }
            } else {
                for (LocalDateTime t : Ical4j.expand(local, seed.local, seed.local, end, limit + 1)) {
                    result.add(seed.withLocal(t));
                }
            }
        } catch (RuntimeException e) {
            return null;
        }
        if (result.size() > limit) {
            return null;
        }
        if (cut && !countReached(localParts, result.size())) {
            CalTime until = localParts.containsKey("UNTIL") ? CalTime.parse(localParts.get("UNTIL")) : null;
            if (until == null || until.local.isAfter(end)) {
                return null;
            }
        }
        return result;
    }

    private static boolean countReached(Map<String, String> parts, int occurrences) {
        try {
            return parts.containsKey("COUNT") && occurrences >= Long.parseLong(parts.get("COUNT"));
        } catch (NumberFormatException e) {
            return false;
        }
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
        Allowance allowance = new Allowance();
        for (CalLine line : m.item.all("RRULE")) {
            String local = localRule(line.value(), seed);
            if (local == null) {
                continue;
            }
            Map<String, String> parts = Rrule10.parts(local);
            try {
                LocalDateTime a;
                LocalDateTime b;
                if (seed.isDate()) {
                    a = LocalDateTime.ofInstant(windowStart, ZoneOffset.UTC).toLocalDate().minusDays(1).atStartOfDay();
                    b = LocalDateTime.ofInstant(windowEnd, ZoneOffset.UTC).toLocalDate().plusDays(1).atStartOfDay();
                } else {
                    ZoneId zone = seed.kind == CalTime.Kind.ZONED ? null
                            : seed.kind == CalTime.Kind.UTC ? ZoneOffset.UTC : floating;
                    a = local(windowStart, seed, zone).minusDays(1);
                    b = local(windowEnd, seed, zone).plusDays(1);
                }
                if (subDaily(parts) || !allowance.take(candidates(parts, seed.local, b))) {
                    // not expanded (ical4j would walk every period from the seed): a COUNT rule whose occurrences
                    // the allowance still covers is taken whole, any other occurs wherever its bounds allow
                    List<CalTime> all = subDaily(parts) || !parts.containsKey("COUNT") ? null
                            : finiteOccurrences(m, line.value(), MAX_OCCURRENCES, allowance);
                    if (all != null) {
                        for (CalTime t : all) {
                            starts.add(t.instant(floating));
                        }
                        continue;
                    }
                    Instant s = seed.instant(floating);
                    Instant bound = bound(parts, seed, floating, length);
                    if (s.isBefore(to) && (bound == null || bound.isAfter(from))) {
                        result.add(new Occurrence(s.isAfter(from) ? s : from, s.isAfter(from) ? s : from));
                        return result;
                    }
                    continue;
                }
                if (seed.isDate()) {
                    for (LocalDate d : Ical4j.expand(local, seed.date(), a.toLocalDate(), b.toLocalDate(),
                            MAX_OCCURRENCES)) {
                        starts.add(CalTime.date(d).instant(floating));
                    }
                } else {
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

    /**
     * The end of a rule that is not expanded: UNTIL (plus the length), or for a sub-daily rule the seed plus COUNT
     * intervals; {@code null} when endless or not known without expanding.
     */
    static Instant bound(Map<String, String> parts, CalTime seed, ZoneId floating, Duration length) {
        if (parts.containsKey("UNTIL") || subDaily(parts)) {
            return subDailyBound(parts, seed, floating, length);
        }
        return null;
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

    /**
     * An upper bound of the candidate date-times ical4j's {@code Recur} steps through for a rule from {@code from}
     * (its seed) to {@code to}, or to UNTIL when that comes first: the periods between them (years, months, weeks,
     * days, hours, minutes or seconds by FREQ) divided by INTERVAL, times the candidates one period can hold by the
     * rule's expanding parts (BYMONTH of a yearly rule, BYYEARDAY, BYWEEKNO, BYMONTHDAY, BYDAY with five a month for
     * a weekday without ordinal, BYHOUR, BYMINUTE, BYSECOND). Parts that only filter (BYSETPOS, BYMONTH of a monthly
     * rule) do not lower it, and COUNT only to COUNT &times; 1,001 periods: ical4j stops after COUNT occurrences,
     * or after 1,000 periods in a row without a candidate. {@link Long#MAX_VALUE} when the rule cannot be read.
     */
    static long candidates(Map<String, String> parts, LocalDateTime from, LocalDateTime to) {
        Period period = Period.of(parts);
        if (period == null) {
            return Long.MAX_VALUE;
        }
        LocalDateTime end = period.until != null && period.until.isBefore(to) ? period.until : to;
        long units = end.isAfter(from) ? period.unit.between(from, end) : 0;
        long periods = (units + period.slack + period.interval - 1) / period.interval;
        if (period.count > 0) {
            periods = Math.min(periods, saturatedMultiply(period.count, 1_001));
        }
        return saturatedMultiply(periods, period.perPeriod);
    }

    /**
     * The latest end of range {@code to} for which {@link #candidates} stays within {@code allowance} (at least the
     * seed itself); the year 9999 when the allowance covers that.
     */
    static LocalDateTime reach(Map<String, String> parts, LocalDateTime from, long allowance) {
        LocalDateTime last = LocalDateTime.of(9999, 12, 31, 23, 59);
        Period period = Period.of(parts);
        if (period == null) {
            return from;
        }
        if (candidates(parts, from, last) <= allowance) {
            return last;
        }
        long units = saturatedMultiply(allowance / period.perPeriod, period.interval) - period.slack;
        if (units <= 0) {
            return from;
        }
        return units >= period.unit.between(from, last) ? last : from.plus(units, period.unit);
    }

    /** How ical4j steps through a rule: by what, how far, how many candidates each step. */
    private record Period(ChronoUnit unit, long interval, long perPeriod, int slack, LocalDateTime until, long count) {

        /** {@code null} when the rule cannot be read. */
        static Period of(Map<String, String> parts) {
            if (parts == null || parts.get("FREQ") == null) {
                return null;
            }
            long interval;
            try {
                interval = Long.parseLong(parts.getOrDefault("INTERVAL", "1"));
            } catch (NumberFormatException e) {
                return null;
            }
            if (interval < 1) {
                return null;
            }
            LocalDateTime until = null;
            if (parts.containsKey("UNTIL")) {
                CalTime u = CalTime.parse(parts.get("UNTIL"));
                if (u == null) {
                    return null;
                }
                until = u.local.plusDays(1); // a UTC or DATE UNTIL read as local time: a day's margin
            }
            long count = 0;
            if (parts.containsKey("COUNT")) {
                try {
                    count = Math.max(0, Long.parseLong(parts.get("COUNT")));
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            long timesOfDay = saturatedMultiply(saturatedMultiply(count(parts, "BYHOUR"), count(parts, "BYMINUTE")),
                    count(parts, "BYSECOND"));
            switch (parts.get("FREQ")) {
                case "YEARLY":
                    return new Period(ChronoUnit.YEARS, interval, saturatedMultiply(yearDays(parts), timesOfDay), 1,
                            until, count);
                case "MONTHLY":
                    return new Period(ChronoUnit.MONTHS, interval, saturatedMultiply(monthDays(parts), timesOfDay), 1,
                            until, count);
                case "WEEKLY":
                    return new Period(ChronoUnit.WEEKS, interval, saturatedMultiply(count(parts, "BYDAY"), timesOfDay),
                            2, until, count);
                case "DAILY":
                    return new Period(ChronoUnit.DAYS, interval, timesOfDay, 1, until, count);
                case "HOURLY":
                    return new Period(ChronoUnit.HOURS, interval,
                            saturatedMultiply(count(parts, "BYMINUTE"), count(parts, "BYSECOND")), 1, until, count);
                case "MINUTELY":
                    return new Period(ChronoUnit.MINUTES, interval, count(parts, "BYSECOND"), 1, until, count);
                case "SECONDLY":
                    return new Period(ChronoUnit.SECONDS, interval, 1, 1, until, count);
                default:
                    return null;
            }
        }

        /** Days a yearly rule can select in one year. */
        private static long yearDays(Map<String, String> parts) {
            if (parts.containsKey("BYYEARDAY")) {
                return count(parts, "BYYEARDAY");
            }
            if (parts.containsKey("BYWEEKNO")) {
                return saturatedMultiply(count(parts, "BYWEEKNO"), 7);
            }
            boolean dayParts = parts.containsKey("BYMONTHDAY") || parts.containsKey("BYDAY");
            long months = parts.containsKey("BYMONTH") ? count(parts, "BYMONTH") : dayParts ? 12 : 1;
            return saturatedMultiply(months, monthDays(parts));
        }

        /** Days a rule can select in one month: BYMONTHDAY's, BYDAY's (5 for a weekday without ordinal), or 1. */
        private static long monthDays(Map<String, String> parts) {
            long byMonthDay = parts.containsKey("BYMONTHDAY") ? count(parts, "BYMONTHDAY") : Long.MAX_VALUE;
            long byDay = Long.MAX_VALUE;
            if (parts.containsKey("BYDAY")) {
                byDay = 0;
                for (String day : parts.get("BYDAY").split(",", -1)) {
                    byDay += day.strip().length() > 2 ? 1 : 5; // "2SU", "-1SU": one a month; "SU": up to five
                }
            }
            long days = Math.min(byMonthDay, byDay);
            return days == Long.MAX_VALUE ? 1 : days;
        }

        /** The number of values of a list part; 1 when absent. */
        private static long count(Map<String, String> parts, String name) {
            String value = parts.get(name);
            return value == null ? 1 : value.split(",", -1).length;
        }
    }

    static long saturatedMultiply(long a, long b) {
        return a != 0 && b > Long.MAX_VALUE / a ? Long.MAX_VALUE : a * b;
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
