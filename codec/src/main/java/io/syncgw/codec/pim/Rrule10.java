package io.syncgw.codec.pim;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recurrence rules between vCalendar 1.0 ({@code D1 #10}, {@code W2 MO TU #0}, {@code MP1 1+ MO},
 * {@code MD1 15 1-}, {@code YM1 6 7 #3}, {@code YD1 100}, end date {@code 20271231T000000Z}) and iCalendar 2.0
 * ({@code FREQ=...;INTERVAL=...;COUNT=...;UNTIL=...;BYDAY=...;BYMONTHDAY=...;BYMONTH=...;BYYEARDAY=...}).
 *
 * <p><b>1.0 {@code #n}</b> counts intervals, not occurrences (the versit example "W1 TU TH #5: weekly on Tuesday and
 * Thursday for 5 weeks", and what the Synthesis engine in SyncEvolution does). It is read as {@code COUNT=n} where
 * each interval has exactly one occurrence that always exists, and otherwise as an UNTIL at the end of the n-th
 * interval (weeks starting on Sunday, as Synthesis counts them). {@code #0} is forever; a rule with neither
 * {@code #n} nor an end date repeats twice ({@code #2}, the versit default). Time lists (D and W rules with
 * {@code 0900 1700}) become BYHOUR/BYMINUTE when all share one minute.
 *
 * <p><b>Writing 1.0</b>: COUNT is written as {@code #n} under the same condition, otherwise as the end date of the
 * last occurrence; UNTIL as the end date (a DATE as {@code T235959} local time); no end as {@code #0}. A yearly rule by
 * weekday or day in the start's month ({@code FREQ=YEARLY;BYMONTH=5;BYDAY=2SU}) is written as the monthly rule every
 * 12 months it equals ({@code MP12 2+ SU}); {@code FREQ=DAILY;BYDAY=...} as a weekly rule. What 1.0 has no form for
 * (BYSETPOS, BYWEEKNO, BYHOUR/BYMINUTE/BYSECOND, sub-daily frequencies, yearly by weekday in other months, a week
 * start that changes a multi-day weekly rule) makes {@link #to10} return {@code null}.
 */
final class Rrule10 {

    private static final Pattern HEAD = Pattern.compile("(D|W|MP|MD|YM|YD)(\\d{1,4})", Pattern.CASE_INSENSITIVE);
    private static final Pattern POSITION = Pattern.compile("([1-5])([+-]?)\\$?");
    private static final Pattern MONTH_DAY = Pattern.compile("(\\d{1,2})([+-]?)\\$?");
    private static final Pattern NUMBER = Pattern.compile("(\\d{1,3})\\$?");
    private static final Pattern TIME = Pattern.compile("(\\d{2})(\\d{2})\\$?");
    private static final List<String> DAYS = List.of("MO", "TU", "WE", "TH", "FR", "SA", "SU");

    /** The largest number of explicit occurrences written instead of a rule 1.0 cannot express. */
    static final int MAX_RDATES = 200;

    private Rrule10() {
    }

    // ---- 1.0 -> 2.0 ---------------------------------------------------------------------------------------------

    /**
     * A 1.0 rule as a 2.0 rule.
     *
     * @param rule   the 1.0 rule text
     * @param seed   the item's start as it is written in 2.0
     * @param time10 reads a 1.0 date-time the way the item's other times are read (TZ applied)
     * @return the 2.0 rule, or {@code null} when the 1.0 rule cannot be read
     */
    static String to20(String rule, CalTime seed, Function<String, CalTime> time10) {
        if (seed == null) {
            return null;
        }
        List<String> tokens = new ArrayList<>();
        for (String t : rule.strip().split("[\\s,]+")) {
            if (!t.isEmpty()) {
                tokens.add(t.toUpperCase(Locale.ROOT));
            }
        }
        if (tokens.isEmpty() || tokens.size() > 200) {
            return null;
        }
        Matcher head = HEAD.matcher(tokens.get(0));
        if (!head.matches()) {
            return null;
        }
        String kind = head.group(1).toUpperCase(Locale.ROOT);
        int interval = Integer.parseInt(head.group(2));
        if (interval < 1) {
            return null;
        }
        LocalDate seedDate = seed.date();
        Set<String> byDay = new LinkedHashSet<>();
        Set<Integer> numbers = new LinkedHashSet<>();
        Set<LocalTime> times = new LinkedHashSet<>();
        List<Integer> positions = new ArrayList<>();
        boolean lastWasDay = false;
        int i = 1;
        for (; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t.startsWith("#") || t.length() >= 8 && Character.isDigit(t.charAt(0))) {
                break;
            }
            if (DAYS.contains(t) && (kind.equals("W") || kind.equals("MP"))) {
                if (kind.equals("W")) {
                    byDay.add(t);
                } else {
                    List<Integer> ps = positions.isEmpty() ? List.of((seedDate.getDayOfMonth() - 1) / 7 + 1) : positions;
                    for (int p : ps) {
                        byDay.add(p + t);
                    }
                }
                lastWasDay = true;
                continue;
            }
            Matcher m;
            if (kind.equals("MP") && (m = POSITION.matcher(t)).matches()) {
                if (lastWasDay) {
                    positions = new ArrayList<>();
                }
                int p = Integer.parseInt(m.group(1));
                positions.add(m.group(2).equals("-") ? -p : p);
                lastWasDay = false;
            } else if ((kind.equals("D") || kind.equals("W")) && (m = TIME.matcher(t)).matches()) {
                int h = Integer.parseInt(m.group(1));
                int min = Integer.parseInt(m.group(2));
                if (h > 23 || min > 59) {
                    return null;
                }
                times.add(LocalTime.of(h, min));
            } else if (kind.equals("MD") && t.equals("LD")) {
                numbers.add(-1);
            } else if (kind.equals("MD") && (m = MONTH_DAY.matcher(t)).matches()) {
                int d = Integer.parseInt(m.group(1));
                if (d < 1 || d > 31) {
                    return null;
                }
                numbers.add(m.group(2).equals("-") ? -d : d);
            } else if ((kind.equals("YM") || kind.equals("YD")) && (m = NUMBER.matcher(t)).matches()) {
                int n = Integer.parseInt(m.group(1));
                if (n < 1 || n > (kind.equals("YM") ? 12 : 366)) {
                    return null;
                }
                numbers.add(n);
            } else {
                return null; // unknown modifier
            }
        }
        if (kind.equals("MP") && byDay.isEmpty()) {
            List<Integer> ps = positions.isEmpty() ? List.of((seedDate.getDayOfMonth() - 1) / 7 + 1) : positions;
            for (int p : ps) {
                byDay.add(p + day(seedDate.getDayOfWeek()));
            }
        }
        // the end: #n, an end date, or nothing (#2)
        Integer count = 2;
        CalTime until = null;
        if (i < tokens.size()) {
            String t = tokens.get(i);
            if (t.startsWith("#")) {
                try {
                    count = Integer.parseInt(t.substring(1));
                } catch (NumberFormatException e) {
                    return null;
                }
                if (count < 0 || count > 100_000) {
                    return null;
                }
            } else {
                until = time10.apply(t);
                if (until == null) {
                    return null;
                }
                count = null;
            }
            if (i + 1 < tokens.size()) {
                return null;
            }
        }

        StringBuilder out = new StringBuilder("FREQ=");
        switch (kind) {
            case "D":
                out.append("DAILY");
                break;
            case "W":
                out.append("WEEKLY");
                break;
            case "MP":
            case "MD":
                out.append("MONTHLY");
                break;
            default:
                out.append("YEARLY");
        }
        out.append(";INTERVAL=").append(interval);
        boolean single;
        switch (kind) {
            case "D":
                single = times.size() <= 1;
                break;
            case "W":
                single = byDay.size() <= 1 && times.size() <= 1;
                if (!byDay.isEmpty()) {
                    out.append(";BYDAY=").append(String.join(",", byDay));
                    if (interval > 1 && byDay.size() > 1 && byDay.contains("SU")) {
                        out.append(";WKST=SU"); // 1.0 weeks start on Sunday
                    }
                }
                break;
            case "MP":
                single = byDay.size() == 1 && Math.abs(Integer.parseInt(byDay.iterator().next()
                        .replaceAll("[A-Z]", ""))) <= 4;
                out.append(";BYDAY=").append(String.join(",", byDay));
                break;
            case "MD":
                if (numbers.isEmpty()) {
                    numbers.add(seedDate.getDayOfMonth());
                }
                single = numbers.size() == 1 && Math.abs(numbers.iterator().next()) <= 28;
                out.append(";BYMONTHDAY=").append(join(numbers));
                break;
            case "YM":
                if (numbers.isEmpty()) {
                    numbers.add(seedDate.getMonthValue());
                }
                single = numbers.size() == 1 && dayExistsEveryYear(Month.of(numbers.iterator().next()),
                        seedDate.getDayOfMonth());
                out.append(";BYMONTH=").append(join(numbers));
                break;
            default:
                if (numbers.isEmpty()) {
                    numbers.add(seedDate.getDayOfYear());
                }
                single = numbers.size() == 1 && numbers.iterator().next() <= 365;
                out.append(";BYYEARDAY=").append(join(numbers));
        }
        if (!times.isEmpty()) {
            Set<Integer> minutes = new LinkedHashSet<>();
            Set<Integer> hours = new LinkedHashSet<>();
            for (LocalTime t : times) {
                minutes.add(t.getMinute());
                hours.add(t.getHour());
            }
            if (minutes.size() > 1 || seed.isDate()) {
                return null;
            }
            out.append(";BYHOUR=").append(join(hours)).append(";BYMINUTE=").append(join(minutes));
        }
        if (count != null && count > 0) {
            if (single) {
                out.append(";COUNT=").append(count);
            } else {
                LocalDateTime end = endOfInterval(kind, interval, count, seed.local);
                out.append(";UNTIL=").append(until20(seed, seed.withLocal(end)));
            }
        } else if (until != null) {
            out.append(";UNTIL=").append(until20(seed, until));
        }
        return out.toString();
    }

    private static boolean dayExistsEveryYear(Month month, int day) {
        return day <= 28 || month != Month.FEBRUARY && day <= month.minLength();
    }

    private static String join(Set<Integer> numbers) {
        StringBuilder out = new StringBuilder();
        for (int n : numbers) {
            out.append(out.length() == 0 ? "" : ",").append(n);
        }
        return out.toString();
    }

    static String day(DayOfWeek dow) {
        return DAYS.get(dow.getValue() - 1);
    }

    /** The last second of the n-th interval from the seed (weeks from Sunday). */
    private static LocalDateTime endOfInterval(String kind, int interval, int n, LocalDateTime seed) {
        long steps = (long) interval * (n - 1);
        LocalDate d = seed.toLocalDate();
        LocalDate last;
        switch (kind) {
            case "D":
                return seed.plusDays(steps);
            case "W":
                last = d.with(TemporalAdjusters.previousOrSame(DayOfWeek.SUNDAY)).plusWeeks(steps).plusDays(6);
                break;
            case "MP":
            case "MD":
                last = d.withDayOfMonth(1).plusMonths(steps).with(TemporalAdjusters.lastDayOfMonth());
                break;
            default:
                last = LocalDate.of(d.getYear(), 12, 31).plusYears(steps);
        }
        return last.atTime(23, 59, 59);
    }

    /** UNTIL in the form RFC 5545 wants for the seed: DATE, floating, or UTC. */
    private static String until20(CalTime seed, CalTime until) {
        switch (seed.kind) {
            case DATE:
                return CalTime.formatDate(until.date());
            case FLOATING:
                return CalTime.formatDateTime(until.local); // a UTC end of a floating rule: its clock time
            default:
                CalTime u = until;
                if (u.kind == CalTime.Kind.FLOATING || u.kind == CalTime.Kind.DATE) {
                    u = seed.kind == CalTime.Kind.ZONED ? CalTime.zoned(u.local, seed.tzid, seed.rules)
                            : CalTime.utc(u.local.toInstant(java.time.ZoneOffset.UTC));
                }
                return CalTime.formatUtc(u.instant(java.time.ZoneOffset.UTC));
        }
    }

    // ---- 2.0 -> 1.0 ---------------------------------------------------------------------------------------------

    /** A 2.0 rule split into its parts (names upper case), or {@code null} when malformed. */
    static Map<String, String> parts(String rule) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : rule.strip().split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                return null;
            }
            parts.put(part.substring(0, eq).strip().toUpperCase(Locale.ROOT), part.substring(eq + 1).strip()
                    .toUpperCase(Locale.ROOT));
        }
        return parts.containsKey("FREQ") ? parts : null;
    }

    /**
     * A 2.0 rule as a 1.0 rule, or {@code null} when 1.0 cannot express it (BYSETPOS, BYWEEKNO, BYHOUR and the
     * like, sub-daily frequencies, yearly by weekday, BYDAY with BYMONTHDAY, weekly rules whose week start
     * matters).
     *
     * @param rule        the 2.0 rule
     * @param seed        the item's start
     * @param lastOfCount the last occurrence of a COUNT rule (computed by the caller), for the end date
     * @param write10     writes a time as the 1.0 output writes the item's times
     */
    static String to10(String rule, CalTime seed, Function<String, CalTime> lastOfCount,
            Function<CalTime, String> write10) {
        Map<String, String> parts = parts(rule);
        if (parts == null || seed == null) {
            return null;
        }
        Set<String> known = Set.of("FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH",
                "BYYEARDAY", "WKST");
        for (String name : parts.keySet()) {
            if (!known.contains(name)) {
                return null;
            }
        }
        int interval;
        try {
            interval = Integer.parseInt(parts.getOrDefault("INTERVAL", "1"));
        } catch (NumberFormatException e) {
            return null;
        }
        if (interval < 1 || interval > 999) {
            return null;
        }
        String freq = parts.get("FREQ");
        List<String> byDay = list(parts.get("BYDAY"));
        List<String> byMonthDay = list(parts.get("BYMONTHDAY"));
        List<String> byMonth = list(parts.get("BYMONTH"));
        List<String> byYearDay = list(parts.get("BYYEARDAY"));
        LocalDate seedDate = seed.date();
        if (freq.equals("YEARLY") && byYearDay.isEmpty() && byMonth.size() == 1
                && byMonth.get(0).equals(String.valueOf(seedDate.getMonthValue()))
                && (!byDay.isEmpty() || !byMonthDay.isEmpty())) {
            // yearly in the start's month by weekday or day: monthly every 12 months, which 1.0 has (MP12, MD12)
            freq = "MONTHLY";
            interval *= 12;
            byMonth = List.of();
        }
        StringBuilder out = new StringBuilder();
        boolean single;
        switch (freq) {
            case "DAILY":
                if (!byMonth.isEmpty() || !byMonthDay.isEmpty() || !byYearDay.isEmpty()) {
                    return null;
                }
                if (!byDay.isEmpty()) {
                    if (interval != 1 || !plainDays(byDay)) {
                        return null;
                    }
                    out.append("W1 ").append(String.join(" ", byDay)); // every listed weekday
                    single = byDay.size() == 1;
                } else {
                    out.append('D').append(interval);
                    single = true;
                }
                break;
            case "WEEKLY":
                if (!byMonth.isEmpty() || !byMonthDay.isEmpty() || !byYearDay.isEmpty() || !plainDays(byDay)) {
                    return null;
                }
                List<String> days = byDay.isEmpty() ? List.of(day(seedDate.getDayOfWeek())) : byDay;
                String wkst = parts.getOrDefault("WKST", "MO");
                if (interval > 1 && days.size() > 1 && days.contains("SU") && !wkst.equals("SU")) {
                    return null; // 1.0 readers count weeks from Sunday: the week start changes the result
                }
                out.append('W').append(interval).append(' ').append(String.join(" ", sortDays(days)));
                single = days.size() == 1;
                break;
            case "MONTHLY":
                if (!byMonth.isEmpty() || !byYearDay.isEmpty() || !byDay.isEmpty() && !byMonthDay.isEmpty()) {
                    return null;
                }
                if (!byDay.isEmpty()) {
                    Map<Integer, List<String>> byPosition = new java.util.TreeMap<>((a, b) ->
                            a > 0 && b > 0 ? a - b : a < 0 && b < 0 ? b - a : a > 0 ? -1 : 1);
                    for (String d : byDay) {
                        Matcher m = Pattern.compile("([+-]?\\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)").matcher(d);
                        if (!m.matches()) {
                            return null;
                        }
                        List<Integer> ps = new ArrayList<>();
                        if (m.group(1) == null) {
                            ps.addAll(List.of(1, 2, 3, 4, 5)); // every such weekday
                        } else {
                            int p = Integer.parseInt(m.group(1));
                            if (p == 0 || Math.abs(p) > 5) {
                                return null;
                            }
                            ps.add(p);
                        }
                        for (int p : ps) {
                            byPosition.computeIfAbsent(p, k -> new ArrayList<>()).add(m.group(2));
                        }
                    }
                    out.append("MP").append(interval);
                    int occurrences = 0;
                    for (Map.Entry<Integer, List<String>> e : byPosition.entrySet()) {
                        int p = e.getKey();
                        out.append(' ').append(Math.abs(p)).append(p > 0 ? '+' : '-');
                        for (String d : e.getValue()) {
                            out.append(' ').append(d);
                            occurrences++;
                        }
                    }
                    single = occurrences == 1 && Math.abs(byPosition.keySet().iterator().next()) <= 4;
                } else {
                    List<String> ds = byMonthDay.isEmpty() ? List.of(String.valueOf(seedDate.getDayOfMonth()))
                            : byMonthDay;
                    out.append("MD").append(interval);
                    for (String d : ds) {
                        int n;
                        try {
                            n = Integer.parseInt(d);
                        } catch (NumberFormatException e) {
                            return null;
                        }
                        if (n == 0 || Math.abs(n) > 31) {
                            return null;
                        }
                        out.append(' ').append(Math.abs(n)).append(n < 0 ? "-" : "");
                    }
                    int first = Math.abs(Integer.parseInt(ds.get(0)));
                    single = ds.size() == 1 && first <= 28;
                }
                break;
            case "YEARLY":
                if (!byDay.isEmpty()) {
                    return null;
                }
                if (!byYearDay.isEmpty()) {
                    if (!byMonth.isEmpty() || !byMonthDay.isEmpty()) {
                        return null;
                    }
                    out.append("YD").append(interval);
                    for (String d : byYearDay) {
                        int n = Integer.parseInt(d);
                        if (n < 1) {
                            return null; // negative year days: not in 1.0
                        }
                        out.append(' ').append(n);
                    }
                    single = byYearDay.size() == 1 && Integer.parseInt(byYearDay.get(0)) <= 365;
                } else {
                    if (!byMonthDay.isEmpty() && !(byMonthDay.size() == 1
                            && byMonthDay.get(0).equals(String.valueOf(seedDate.getDayOfMonth())))) {
                        return null;
                    }
                    List<String> ms = byMonth.isEmpty() ? List.of(String.valueOf(seedDate.getMonthValue())) : byMonth;
                    out.append("YM").append(interval);
                    for (String m : ms) {
                        out.append(' ').append(Integer.parseInt(m));
                    }
                    single = ms.size() == 1 && dayExistsEveryYear(Month.of(Integer.parseInt(ms.get(0))),
                            seedDate.getDayOfMonth());
                }
                break;
            default:
                return null;
        }
        if (parts.containsKey("COUNT")) {
            int count;
            try {
                count = Integer.parseInt(parts.get("COUNT"));
            } catch (NumberFormatException e) {
                return null;
            }
            if (count < 1) {
                return null;
            }
            if (single) {
                out.append(" #").append(count);
            } else {
                CalTime last = lastOfCount.apply(rule);
                if (last == null) {
                    return null;
                }
                out.append(' ').append(write10.apply(last));
            }
        } else if (parts.containsKey("UNTIL")) {
            CalTime until = CalTime.parse(parts.get("UNTIL"));
            if (until == null) {
                return null;
            }
            if (until.isDate()) {
                out.append(' ').append(CalTime.formatDate(until.date())).append("T235959");
            } else if (until.kind == CalTime.Kind.FLOATING && seed.kind == CalTime.Kind.ZONED) {
                out.append(' ').append(write10.apply(CalTime.zoned(until.local, seed.tzid, seed.rules)));
            } else {
                out.append(' ').append(write10.apply(until));
            }
        } else {
            out.append(" #0");
        }
        return out.toString();
    }

    private static List<String> list(String value) {
        List<String> items = new ArrayList<>();
        if (value != null) {
            for (String v : value.split(",")) {
                if (!v.isBlank()) {
                    items.add(v.strip());
                }
            }
        }
        return items;
    }

    private static boolean plainDays(List<String> days) {
        for (String d : days) {
            if (!DAYS.contains(d)) {
                return false;
            }
        }
        return true;
    }

    private static List<String> sortDays(List<String> days) {
        List<String> sorted = new ArrayList<>(new LinkedHashSet<>(days));
        sorted.sort((a, b) -> DAYS.indexOf(a) - DAYS.indexOf(b));
        return sorted;
    }
}
