package io.syncgw.codec.pim;

import java.io.IOException;
import java.io.StringReader;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.Temporal;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.data.CalendarParserFactory;
import net.fortuna.ical4j.data.ContentHandlerContext;
import net.fortuna.ical4j.data.DefaultComponentFactorySupplier;
import net.fortuna.ical4j.data.DefaultParameterFactorySupplier;
import net.fortuna.ical4j.data.DefaultPropertyFactorySupplier;
import net.fortuna.ical4j.data.ParserException;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.ComponentFactory;
import net.fortuna.ical4j.model.ParameterFactory;
import net.fortuna.ical4j.model.PropertyFactory;
import net.fortuna.ical4j.model.Recur;
import net.fortuna.ical4j.model.TimeZone;
import net.fortuna.ical4j.model.TimeZoneRegistry;
import net.fortuna.ical4j.model.ZoneRulesBuilder;
import net.fortuna.ical4j.model.component.VTimeZone;

/**
 * Everything the codec asks of ical4j 4.2.3: the full parse that validates iCalendar 2.0 input, recurrence rule
 * expansion ({@link Recur}), and zone rules from a VTIMEZONE that names no IANA zone ({@link ZoneRulesBuilder}).
 *
 * <p>Zone rules are built once per VTIMEZONE text and cached (the last {@value #ZONE_CACHE_LIMIT}), a VTIMEZONE
 * ical4j cannot build included (ical4j throws, for instance, for an observance whose yearly RRULE has BYMONTH but no
 * BYDAY; that took 2 MB and a few milliseconds each time the item's times were read, dozens of times per item).
 * {@link ZoneRulesBuilder} expands every observance from its DTSTART to five years from now, at about 30 KB per
 * onset: a VTIMEZONE is only built when that is at most {@value #MAX_ZONE_ONSETS} onsets (see {@link #onsetBound};
 * Outlook's observances from 1601 make about 860). Others, such as an observance from the year 1 or one that recurs
 * daily or hourly, resolve to no zone: their TZID is read as floating time.
 *
 * <p>Parsing goes through a time-zone registry of the codec's own that registers nothing: ical4j's default registry
 * gives every VTIMEZONE it parses one of a JVM-wide pool of 1,500 zone IDs ({@code ical4j-local-N}) released only
 * when the registry is garbage collected, and building the zone rules of a full tzurl.org VTIMEZONE costs about 2 ms
 * per item. Dates in the parsed model are therefore not zone-correct; the codec reads them itself ({@link Zones}).
 */
final class Ical4j {

    private static final int ZONE_CACHE_LIMIT = 256;

    /** Most onsets of a VTIMEZONE's observances that {@link ZoneRulesBuilder} is asked to compute. */
    static final int MAX_ZONE_ONSETS = 1_000;

    /** VTIMEZONE text to rules (empty: not buildable), least recently used dropped first. */
    private static final Map<String, Optional<ZoneRules>> ZONE_CACHE = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<ZoneRules>> eldest) {
            return size() > ZONE_CACHE_LIMIT;
        }
    };

    private static final TimeZoneRegistry NO_REGISTRATION = new TimeZoneRegistry() {
        private final Map<String, ZoneRules> nonEmpty = Map.of("UTC", ZoneOffset.UTC.getRules());

        @Override
        public void register(TimeZone timezone) {
            // nothing: see the class comment
        }

        @Override
        public void register(TimeZone timezone, boolean update) {
            // nothing
        }

        @Override
        public void clear() {
            // nothing registered
        }

        @Override
        public TimeZone getTimeZone(String id) {
            return null;
        }

        @Override
        public Map<String, ZoneRules> getZoneRules() {
            return nonEmpty; // non-empty, so that TzId.toZoneId asks getZoneId below
        }

        @Override
        public ZoneId getZoneId(String tzId) {
            ZoneId known = Zones.knownZone(tzId);
            return known != null ? known : ZoneOffset.UTC;
        }

        @Override
        public String getTzId(String zoneId) {
            return zoneId;
        }
    };

    private Ical4j() {
    }

    /*
     * ical4j's factories, built once. Its default suppliers build new lists of all its property, parameter and
     * component factories for every line and parameter parsed, about 20 KB a line; the factories hold nothing but
     * the names they take, so one list of each serves every parse.
     */
    private static final List<PropertyFactory<?>> PROPERTY_FACTORIES =
            List.copyOf(new DefaultPropertyFactorySupplier().get());
    private static final List<ParameterFactory<?>> PARAMETER_FACTORIES =
            List.copyOf(new DefaultParameterFactorySupplier().get());
    private static final List<ComponentFactory<?>> COMPONENT_FACTORIES =
            List.copyOf(new DefaultComponentFactorySupplier().get());

    /** Parses with ical4j. */
    static Calendar parse(String text) throws IOException, ParserException {
        ContentHandlerContext context = new ContentHandlerContext()
                .withPropertyFactorySupplier(() -> PROPERTY_FACTORIES)
                .withParameterFactorySupplier(() -> PARAMETER_FACTORIES)
                .withComponentFactorySupplier(() -> COMPONENT_FACTORIES);
        CalendarBuilder builder = new CalendarBuilder(CalendarParserFactory.getInstance().get(), context,
                NO_REGISTRATION);
        return builder.build(new StringReader(text));
    }

    /**
     * Validates iCalendar 2.0 text by a full ical4j parse.
     *
     * @return {@code null} when ical4j reads it, else why not
     */
    static String validate(String text) {
        try {
            Calendar calendar = parse(text);
            return calendar == null ? "not valid iCalendar: no calendar" : null;
        } catch (ParserException e) {
            return "not valid iCalendar: line " + e.getLineNo() + ": " + message(e);
        } catch (IOException | RuntimeException e) {
            return "not valid iCalendar: " + message(e);
        }
    }

    private static String message(Exception e) {
        Throwable cause = e.getCause() != null && e.getMessage() == null ? e.getCause() : e;
        String message = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        return message.length() > 200 ? message.substring(0, 200) : message;
    }

    /**
     * The rules of a VTIMEZONE component, or {@code null} when ical4j cannot build them or they would take more than
     * {@value #MAX_ZONE_ONSETS} onsets to build. Either answer is cached.
     */
    static ZoneRules zoneRules(CalComponent vtimezone) {
        StringBuilder text = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:syncgw\r\n");
        vtimezone.render20(text);
        text.append("END:VCALENDAR\r\n");
        String key = text.toString();
        synchronized (ZONE_CACHE) {
            Optional<ZoneRules> cached = ZONE_CACHE.get(key);
            if (cached != null) {
                return cached.orElse(null);
            }
        }
        ZoneRules rules = null;
        // ical4j builds to five years from now; a day's margin, and the same answer all day
        LocalDateTime horizon = LocalDate.now(ZoneOffset.UTC).plusYears(5).plusDays(1).atStartOfDay();
        if (onsetBound(vtimezone, horizon) <= MAX_ZONE_ONSETS) {
            try {
                Calendar calendar = parse(key);
                VTimeZone vtz = (VTimeZone) calendar.getComponent("VTIMEZONE").orElse(null);
                if (vtz != null) {
                    rules = new ZoneRulesBuilder().vTimeZone(vtz).build();
                }
            } catch (IOException | ParserException | RuntimeException e) {
                rules = null; // remembered: the next item with this VTIMEZONE does not pay for the attempt again
            }
        }
        synchronized (ZONE_CACHE) {
            ZONE_CACHE.put(key, Optional.ofNullable(rules));
        }
        return rules;
    }

    /**
     * An upper bound of the onsets {@link ZoneRulesBuilder} computes for a VTIMEZONE when it builds the zone up to
     * {@code horizon} (five years from now): for each observance its DTSTART, its RDATE values, and the candidates of
     * each RRULE from DTSTART to the horizon ({@link Expansion#candidates}). {@link Long#MAX_VALUE} when a DTSTART
     * cannot be read (ical4j refuses it, or reads it otherwise).
     */
    static long onsetBound(CalComponent vtimezone, LocalDateTime horizon) {
        long total = 0;
        for (CalComponent observance : vtimezone.children) {
            CalTime start = CalTime.parse(observance.value("DTSTART"));
            if (start == null) {
                return Long.MAX_VALUE;
            }
            total = saturatedAdd(total, 1);
            for (CalLine rdate : observance.all("RDATE")) {
                total = saturatedAdd(total, rdate.value().split(",", -1).length);
            }
            for (CalLine rrule : observance.all("RRULE")) {
                total = saturatedAdd(total, Expansion.candidates(Rrule10.parts(rrule.value()), start.local, horizon));
            }
        }
        return total;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /**
     * Occurrences of a recurrence rule from a local date-time seed, in {@code [from, to]}, at most {@code max}.
     * The rule's UNTIL must be a local date-time (the caller converts it).
     */
    static List<LocalDateTime> expand(String rule, LocalDateTime seed, LocalDateTime from, LocalDateTime to, int max) {
        Recur<LocalDateTime> recur = new Recur<>(rule);
        return new ArrayList<>(recur.getDates(seed, from, to, max));
    }

    /** Occurrences of a recurrence rule from a date seed (all-day items); the rule's UNTIL must be a DATE. */
    static List<LocalDate> expand(String rule, LocalDate seed, LocalDate from, LocalDate to, int max) {
        Recur<LocalDate> recur = new Recur<>(rule);
        return new ArrayList<>(recur.getDates(seed, from, to, max));
    }

    /** Parses a rule the way ical4j does (for validation): throws IllegalArgumentException when ical4j refuses. */
    static Recur<Temporal> recur(String rule) {
        return new Recur<>(rule);
    }
}
