package io.syncgw.codec.pim;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed access to an iCalendar 2.0 tree (as read by {@link CalText}, or built from 1.0 by {@link VCal10}): the
 * item's kind, its dates resolved against its time zones, text values unescaped.
 */
final class CalModel {

    final CalComponent root;
    final CalComponent item;
    final boolean todo;
    private final Map<String, CalComponent> vtimezones = new HashMap<>();

    CalModel(CalComponent root) {
        this.root = root;
        this.item = root.item();
        this.todo = item.name.equals("VTODO");
        for (CalComponent vtz : root.children("VTIMEZONE")) {
            String tzid = vtz.value("TZID");
            if (tzid != null) {
                vtimezones.putIfAbsent(tzid.strip(), vtz);
            }
        }
    }

    CalComponent vtimezone(String tzid) {
        return vtimezones.get(tzid);
    }

    /** The rules a TZID stands for in this item, or {@code null}. */
    ZoneRules rules(String tzid) {
        return Zones.rules(tzid, vtimezones.get(tzid));
    }

    /** The first value of a date property, or {@code null} (absent or malformed). */
    CalTime time(String name) {
        CalLine line = item.first(name);
        if (line == null) {
            return null;
        }
        List<CalTime> times = times(line);
        return times.isEmpty() ? null : times.get(0);
    }

    /**
     * The values of a date line (a list for EXDATE and RDATE): VALUE=DATE or an 8-digit value gives a DATE, a TZID
     * that resolves gives zoned times, one that does not floating times. PERIOD values give their start.
     */
    List<CalTime> times(CalLine line) {
        List<CalTime> times = new ArrayList<>();
        String tzid = line.param("TZID");
        ZoneRules rules = tzid == null ? null : rules(tzid.strip());
        for (String part : line.value().split(",")) {
            String v = part.strip();
            int slash = v.indexOf('/');
            if (slash >= 0) {
                v = v.substring(0, slash); // PERIOD: its start
            }
            CalTime t = CalTime.parse(v);
            if (t == null) {
                continue;
            }
            if (t.kind == CalTime.Kind.FLOATING && rules != null) {
                t = CalTime.zoned(t.local, tzid.strip(), rules);
            }
            times.add(t);
        }
        return times;
    }

    CalTime start() {
        return time("DTSTART");
    }

    /** DTEND, or DTSTART + DURATION, or {@code null}. For a task: DUE, or DTSTART + DURATION. */
    CalTime end() {
        CalTime end = time(todo ? "DUE" : "DTEND");
        if (end != null) {
            return end;
        }
        CalTime start = start();
        String duration = item.value("DURATION");
        if (start != null && duration != null) {
            Dur d = Dur.parse(duration);
            if (d != null) {
                return d.addTo(start);
            }
        }
        return null;
    }

    /**
     * The effective end of an event: {@link #end()}, else the start (timed) or the next day (all-day),
     * RFC 5545 section 3.6.1.
     */
    CalTime effectiveEnd() {
        CalTime end = end();
        if (end != null) {
            return end;
        }
        CalTime start = start();
        if (start == null) {
            return null;
        }
        return start.isDate() ? CalTime.date(start.date().plusDays(1)) : start;
    }

    boolean allDay() {
        CalTime start = start();
        return start != null && start.isDate();
    }

    /** The unescaped text of the first line of that name, or {@code null}. */
    String text(String name) {
        String value = item.value(name);
        return value == null ? null : CalLine.unescape20(value);
    }

    /** Whether the item recurs (RRULE or RDATE). */
    boolean recurs() {
        return item.has("RRULE") || item.has("RDATE");
    }

    /** The instant of a time, floating times read in {@code floatingZone}. */
    static Instant instant(CalTime t, ZoneId floatingZone) {
        return t.instant(floatingZone);
    }

    /**
     * An RFC 5545 DURATION ({@code P1W}, {@code -PT15M}, {@code P1DT2H}): weeks and days are nominal (calendar
     * days), hours, minutes and seconds exact.
     *
     * @param negative whether it counts backwards
     * @param days     weeks times 7 plus days
     * @param seconds  hours, minutes and seconds, in seconds
     */
    record Dur(boolean negative, long days, long seconds) {

        static Dur parse(String value) {
            String v = value.strip().toUpperCase(Locale.ROOT);
            boolean negative = false;
            if (v.startsWith("+")) {
                v = v.substring(1);
            } else if (v.startsWith("-")) {
                negative = true;
                v = v.substring(1);
            }
            if (!v.startsWith("P") || v.length() < 3) {
                return null;
            }
            long days = 0;
            long seconds = 0;
            boolean time = false;
            long number = -1;
            for (int i = 1; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c >= '0' && c <= '9') {
                    number = (number < 0 ? 0 : number) * 10 + (c - '0');
                    if (number > 100_000_000L) {
                        return null;
                    }
                    continue;
                }
                if (c == 'T') {
                    if (time || number >= 0) {
                        return null;
                    }
                    time = true;
                    continue;
                }
                if (number < 0) {
                    return null;
                }
                switch (c) {
                    case 'W':
                        days += number * 7;
                        break;
                    case 'D':
                        days += number;
                        break;
                    case 'H':
                        seconds += number * 3600;
                        break;
                    case 'M':
                        seconds += time ? number * 60 : number * 30 * 86400; // months: not RFC 5545, tolerated
                        break;
                    case 'S':
                        seconds += number;
                        break;
                    default:
                        return null;
                }
                number = -1;
            }
            return number >= 0 ? null : new Dur(negative, days, seconds);
        }

        static Dur of(Duration duration) {
            long s = duration.getSeconds();
            boolean negative = s < 0;
            long abs = Math.abs(s);
            return abs % 86400 == 0 ? new Dur(negative, abs / 86400, 0) : new Dur(negative, 0, abs);
        }

        /** The time this much later (earlier when negative); days added on the local calendar. */
        CalTime addTo(CalTime t) {
            int sign = negative ? -1 : 1;
            if (t.isDate()) {
                LocalDate date = t.date().plusDays(sign * (days + seconds / 86400));
                return seconds % 86400 == 0 ? CalTime.date(date)
                        : CalTime.floating(t.local.plusDays(sign * days).plusSeconds(sign * seconds));
            }
            LocalDateTime local = t.local.plusDays(sign * days);
            if (seconds == 0) {
                return t.withLocal(local);
            }
            switch (t.kind) {
                case ZONED:
                    Instant i = Zones.resolve(local, t.rules).plusSeconds(sign * seconds);
                    return CalTime.inZone(i, t.tzid, t.rules);
                default:
                    return t.withLocal(local.plusSeconds(sign * seconds));
            }
        }

        /** The exact length, days counted as 24 hours. */
        Duration toDuration() {
            Duration d = Duration.ofDays(days).plusSeconds(seconds);
            return negative ? d.negated() : d;
        }

        /** RFC 5545 text: {@code -PT15M}, {@code P1D}, {@code PT1H30M}, {@code PT0S}. */
        @Override
        public String toString() {
            StringBuilder out = new StringBuilder(negative ? "-P" : "P");
            if (days > 0) {
                out.append(days).append('D');
            }
            if (seconds > 0 || days == 0) {
                out.append('T');
                long h = seconds / 3600;
                long m = seconds / 60 % 60;
                long s = seconds % 60;
                if (h > 0) {
                    out.append(h).append('H');
                }
                if (m > 0) {
                    out.append(m).append('M');
                }
                if (s > 0 || h == 0 && m == 0) {
                    out.append(s).append('S');
                }
            }
            return out.toString();
        }
    }
}
