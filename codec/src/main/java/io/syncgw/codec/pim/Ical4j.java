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
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.data.CalendarParserFactory;
import net.fortuna.ical4j.data.ContentHandlerContext;
import net.fortuna.ical4j.data.ParserException;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Recur;
import net.fortuna.ical4j.model.TimeZone;
import net.fortuna.ical4j.model.TimeZoneRegistry;
import net.fortuna.ical4j.model.ZoneRulesBuilder;
import net.fortuna.ical4j.model.component.VTimeZone;

/**
 * Everything the codec asks of ical4j 4.2.3: the full parse that validates iCalendar 2.0 input, recurrence rule
 * expansion ({@link Recur}), and zone rules from a VTIMEZONE that names no IANA zone ({@link ZoneRulesBuilder}).
 *
 * <p>Parsing goes through a time-zone registry of the codec's own that registers nothing: ical4j's default registry
 * gives every VTIMEZONE it parses one of a JVM-wide pool of 1,500 zone IDs ({@code ical4j-local-N}) released only
 * when the registry is garbage collected, and building the zone rules of a full tzurl.org VTIMEZONE costs about 2 ms
 * per item. Dates in the parsed model are therefore not zone-correct; the codec reads them itself ({@link Zones}).
 */
final class Ical4j {

    private static final int ZONE_CACHE_LIMIT = 256;

    /** VTIMEZONE text to rules, least recently used dropped first. */
    private static final Map<String, ZoneRules> ZONE_CACHE = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ZoneRules> eldest) {
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

    /** Parses with ical4j. */
    static Calendar parse(String text) throws IOException, ParserException {
        CalendarBuilder builder = new CalendarBuilder(CalendarParserFactory.getInstance().get(),
                new ContentHandlerContext(), NO_REGISTRATION);
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

    /** The rules of a VTIMEZONE component, or {@code null} when ical4j cannot build them. */
    static ZoneRules zoneRules(CalComponent vtimezone) {
        StringBuilder text = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:syncgw\r\n");
        vtimezone.render20(text);
        text.append("END:VCALENDAR\r\n");
        String key = text.toString();
        synchronized (ZONE_CACHE) {
            ZoneRules cached = ZONE_CACHE.get(key);
            if (cached != null) {
                return cached;
            }
        }
        ZoneRules rules;
        try {
            Calendar calendar = parse(key);
            VTimeZone vtz = (VTimeZone) calendar.getComponent("VTIMEZONE").orElse(null);
            if (vtz == null) {
                return null;
            }
            rules = new ZoneRulesBuilder().vTimeZone(vtz).build();
        } catch (IOException | ParserException | RuntimeException e) {
            return null;
        }
        synchronized (ZONE_CACHE) {
            ZONE_CACHE.put(key, rules);
        }
        return rules;
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
