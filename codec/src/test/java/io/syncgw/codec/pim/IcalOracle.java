package io.syncgw.codec.pim;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.Temporal;
import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.data.ParserException;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Component;
import net.fortuna.ical4j.model.Period;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.component.CalendarComponent;
import net.fortuna.ical4j.model.property.DateProperty;
import net.fortuna.ical4j.model.property.Duration;

/**
 * ical4j 4.2.3 used the ordinary way (its own CalendarBuilder and time-zone registry), independently of the codec:
 * the tests' judge of what an iCalendar 2.0 item means.
 */
final class IcalOracle {

    private IcalOracle() {
    }

    static Calendar parse(String text) {
        try {
            return new CalendarBuilder().build(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParserException e) {
            throw new IllegalArgumentException("ical4j refuses: " + e.getMessage() + "\n" + text, e);
        }
    }

    static CalendarComponent item(Calendar calendar) {
        for (CalendarComponent c : calendar.getComponents()) {
            if (c.getName().equals("VEVENT") || c.getName().equals("VTODO")) {
                return c;
            }
        }
        throw new AssertionError("no VEVENT or VTODO");
    }

    /** "d20261224" for a date, "f20261224T100000" for a floating time, "i" + ISO instant otherwise. */
    static String key(Temporal t) {
        if (t == null) {
            return null;
        }
        if (t instanceof LocalDate) {
            return "d" + t;
        }
        if (t instanceof LocalDateTime) {
            return "f" + t;
        }
        return "i" + instant(t);
    }

    static Instant instant(Temporal t) {
        if (t instanceof ZonedDateTime) {
            return ((ZonedDateTime) t).toInstant();
        }
        if (t instanceof OffsetDateTime) {
            return ((OffsetDateTime) t).toInstant();
        }
        if (t instanceof Instant) {
            return (Instant) t;
        }
        if (t instanceof LocalDateTime) {
            return ((LocalDateTime) t).toInstant(ZoneOffset.UTC);
        }
        return ((LocalDate) t).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    static Temporal date(Component c, String name) {
        Optional<Property> p = c.getProperty(name);
        return p.map(value -> ((DateProperty<?>) value).getDate()).orElse(null);
    }

    /** DTEND (DUE for a task), else DTSTART + DURATION, else null. */
    static Temporal end(Component c) {
        Temporal end = date(c, c.getName().equals("VTODO") ? "DUE" : "DTEND");
        if (end != null) {
            return end;
        }
        Temporal start = date(c, "DTSTART");
        Optional<Property> duration = c.getProperty("DURATION");
        if (start != null && duration.isPresent()) {
            TemporalAmount amount = ((Duration) duration.get()).getDuration();
            return start.plus(amount);
        }
        return null;
    }

    /** The occurrence starts (as {@link #key}s) from DTSTART over the given number of years, by ical4j. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Set<String> occurrences(Component c, int years) {
        Temporal start = date(c, "DTSTART");
        Set<String> keys = new TreeSet<>();
        if (start == null) {
            return keys;
        }
        Period period;
        if (start instanceof LocalDate) {
            LocalDate s = (LocalDate) start;
            period = new Period<>(s, s.plusYears(years));
        } else if (start instanceof LocalDateTime) {
            LocalDateTime s = (LocalDateTime) start;
            period = new Period<>(s, s.plusYears(years));
        } else {
            ZonedDateTime s = start instanceof ZonedDateTime ? (ZonedDateTime) start
                    : ZonedDateTime.ofInstant(instant(start), ZoneOffset.UTC);
            period = new Period<>(s, s.plusYears(years));
        }
        Set<Period<Temporal>> set = c.calculateRecurrenceSet(period);
        for (Period<Temporal> p : set) {
            keys.add(key(p.getStart()));
        }
        return keys;
    }

    /** The values of a text property (unescaped by ical4j), sorted. */
    static List<String> values(Component c, String name) {
        List<String> values = new ArrayList<>();
        for (Property p : c.getProperties(name)) {
            values.add(p.getValue());
        }
        Collections.sort(values);
        return values;
    }
}
