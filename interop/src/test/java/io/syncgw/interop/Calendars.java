package io.syncgw.interop;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.Temporal;
import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.data.ParserException;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Component;
import net.fortuna.ical4j.model.Parameter;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.component.CalendarComponent;
import net.fortuna.ical4j.model.component.VAlarm;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.component.VToDo;
import net.fortuna.ical4j.model.property.DateListProperty;
import net.fortuna.ical4j.model.property.DateProperty;

/**
 * Calendar test data and its judge for {@link CalendarInteropIT}: the codec's corpus (read where the codec keeps it),
 * the items in a SyncEvolution file-backend directory, the items a session carried on the wire (from its message
 * dumps), and what an iCalendar 2.0 item <em>means</em>, aspect by aspect, as ical4j 4.2.3 reads it (its own
 * {@code CalendarBuilder} and recurrence rules; IANA zones by java.time). Nothing here uses the gateway's codec:
 * the gateway runs as a separate process and the interop module does not link against it.
 *
 * <h2>What an item means ({@link #meaning})</h2>
 *
 * <ul>
 *   <li><b>Instants</b>: DTSTART, the end (DTEND, DUE for a task, else DTSTART + DURATION), DUE, COMPLETED and every
 *       EXDATE, as instants ({@code i2026-11-10T08:30:00Z}) for UTC and zoned times, whatever TZID names the zone and
 *       however the VTIMEZONE is written; as dates ({@code d2026-12-24}) for all-day values; as local times
 *       ({@code f...}) for floating ones. A TZID naming an IANA zone is resolved with java.time's rules for it; any
 *       other TZID with the item's VTIMEZONE, through ical4j (see {@link #withoutIanaVtimezones} for why).</li>
 *   <li><b>Occurrences</b>: the start of every occurrence over two years from DTSTART (each RRULE expanded by ical4j's
 *       {@code Recur} in DTSTART's zone, RDATEs added, EXDATEs removed), in the same keys.</li>
 *   <li><b>Alarms</b>: each AUDIO or DISPLAY alarm as its ACTION and its offset from the start (from the end/due when
 *       there is no start), whether its TRIGGER is relative (to START or END) or absolute.</li>
 *   <li><b>Fields</b>: UID, SUMMARY, LOCATION, DESCRIPTION (unescaped text, UTF-8), CLASS (absent = PUBLIC), TRANSP
 *       (absent = OPAQUE), STATUS, PRIORITY (0 or absent = none), CATEGORIES (as a set), and the people (ORGANIZER and
 *       each ATTENDEE by address, with CN, ROLE, PARTSTAT (absent = NEEDS-ACTION), RSVP (absent = FALSE), CUTYPE
 *       (absent = INDIVIDUAL)); RELATED-TO; for tasks also PERCENT-COMPLETE.</li>
 * </ul>
 *
 * <h2>Through a vCalendar 1.0 device ({@link Vocabulary#VCAL10})</h2>
 *
 * An item that went through a 1.0 device is compared with the 1.0 form of the same meaning, because 1.0 (and
 * SyncEvolution's 1.0 handling, announced in its DevInf CTCap) cannot carry more:
 * <ul>
 *   <li>PRIORITY in 1.0's three buckets (2.0 1-4 = high, 5 = normal, 6-9 = low), as RFC 5545 section 3.8.1.9 maps
 *       them; STATUS in 1.0's words (NEEDS-ACTION = NEEDS ACTION, IN-PROCESS = ACCEPTED, CANCELLED = DECLINED).</li>
 *   <li>Alarms by their distinct offsets only: SyncEvolution reads every AALARM and DALARM back as ACTION:DISPLAY,
 *       and writes its one reminder as an AALARM plus a DALARM at the same time.</li>
 *   <li>People by address, CN and PARTSTAT: SyncEvolution's 1.0 CTCap lists only ATTENDEE;ROLE=ORGANIZER and
 *       ATTENDEE;STATUS; ROLE, RSVP and CUTYPE are not kept by it.</li>
 *   <li>A task's DTSTART date equals local midnight of that date: 1.0 has no DATE value, all-day travels as
 *       {@code T000000} and SyncEvolution makes a DATE of it again for events and DUE, not for a task's DTSTART.</li>
 *   <li>No PERCENT-COMPLETE (not expressible in 1.0) and no RELATED-TO (SyncEvolution announces it for 1.0 but does
 *       not keep it).</li>
 * </ul>
 * Instants, occurrences, alarm offsets, SUMMARY, LOCATION, DESCRIPTION, UID, CLASS, TRANSP, CATEGORIES are exact in
 * both vocabularies.
 */
public final class Calendars {

    /** Occurrences are compared over this many years from each item's start. */
    public static final int OCCURRENCE_YEARS = 2;

    /** Which items: events ({@code eNN-*}, datastore {@code calendar}) or tasks ({@code tNN-*}, {@code tasks}). */
    public enum Kind {
        EVENT("e", "calendar", "VEVENT"),
        TASK("t", "tasks", "VTODO");

        private final String prefix;
        private final String datastore;
        private final String component;

        Kind(String prefix, String datastore, String component) {
            this.prefix = prefix;
            this.datastore = datastore;
            this.component = component;
        }

        /** The SyncEvolution datastore and the gateway's datastore name. */
        public String datastore() {
            return datastore;
        }

        /** VEVENT or VTODO. */
        public String component() {
            return component;
        }
    }

    /** How the meaning of an item is written down; see the class comment. */
    public enum Vocabulary {
        /** Everything iCalendar 2.0 says. */
        ICAL20,
        /** What survives a vCalendar 1.0 device. */
        VCAL10
    }

    private Calendars() {
    }

    // ------------------------------------------------------------------------------------------------ the corpus

    /**
     * The codec's corpus, {@code <repo>/codec/src/test/resources/calendar/}. It is read in place, not copied: the
     * codec's {@code CalendarCorpusTest} keeps the files, their expected 1.0 forms and {@code index.txt} (which exists
     * for tests outside the codec) consistent, and a copy here could silently drift from them.
     */
    public static Path corpusDir() {
        Path dir = InteropEnv.repoRoot().resolve("codec").resolve("src").resolve("test").resolve("resources")
                .resolve("calendar");
        if (!Files.isRegularFile(dir.resolve("index.txt"))) {
            throw new IllegalStateException("the calendar corpus is missing: no " + dir.resolve("index.txt"));
        }
        return dir;
    }

    /** The corpus items of a kind, from {@code index.txt}, in order. */
    public static List<String> corpus(Kind kind) {
        return read(corpusDir().resolve("index.txt")).lines().map(String::strip)
                .filter(l -> l.startsWith(kind.prefix)).collect(Collectors.toList());
    }

    /** A corpus file: {@code name + ".ics"} (the iCalendar 2.0 input), {@code ".vcs"}, {@code ".back.ics"}. */
    public static String corpusText(String name, String extension) {
        return read(corpusDir().resolve(name + extension));
    }

    /** The UID of corpus item {@code name} (all corpus UIDs are {@code NAME@corpus.syncgw.io}). */
    public static String corpusUid(String name) {
        return name + "@corpus.syncgw.io";
    }

    /** The corpus item name of a UID ({@code e01-berlin-single@corpus.syncgw.io} = {@code e01-berlin-single}). */
    public static String nameOfUid(String uid) {
        int at = uid.indexOf('@');
        return at < 0 ? uid : uid.substring(0, at);
    }

    // ---------------------------------------------------------------------------------------------- files on disk

    /**
     * One calendar item: where it came from, its text, its VEVENT or VTODO as ical4j reads it, and the {@code notes}
     * on what is not valid iCalendar 2.0 in it and had to be read around (see {@link #parse}); empty for a valid item.
     */
    public record Item(String origin, String text, CalendarComponent component, List<String> notes) {

        public Item {
            notes = List.copyOf(notes);
        }

        public String uid() {
            return component.getProperty("UID").map(Property::getValue).orElse("");
        }

        public String summary() {
            return component.getProperty("SUMMARY").map(Property::getValue).orElse("");
        }

        /** The raw value of a property, or null. */
        public String value(String property) {
            return component.getProperty(property).map(Property::getValue).orElse(null);
        }

        @Override
        public String toString() {
            return origin + " (" + uid() + ")";
        }
    }

    /**
     * A floating absolute alarm trigger, {@code TRIGGER;VALUE=DATE-TIME:20261030T000000}: SyncEvolution writes the
     * alarm of an all-day event that way. RFC 5545 (section 3.8.6.3) wants absolute triggers in UTC and ical4j refuses
     * the item, so the judge reads such a trigger itself, as local time like the all-day start it belongs to.
     */
    private static final Pattern FLOATING_TRIGGER = Pattern.compile(
            "(?m)^TRIGGER;VALUE=DATE-TIME:(\\d{8}T\\d{6})(\\r?)$");
    private static final String FLOATING_TRIGGER_PROPERTY = "X-INTEROP-FLOATING-TRIGGER";
    /** An ATTACH line without VALUE=BINARY: its value must be a URI (RFC 5545 section 3.8.1.1). */
    private static final Pattern ATTACH_URI = Pattern.compile(
            "(?mi)^ATTACH(?![^:\\r\\n]*VALUE=BINARY)[^:\\r\\n]*:(.*?)\\r?$");

    /**
     * Parses one iCalendar 2.0 text; {@code origin} names it in messages. ical4j reads strictly; two kinds of invalid
     * content are read around and recorded in {@link Item#notes()}, so that the caller decides whether its source may
     * produce them: a floating absolute TRIGGER (read as local time) and an ATTACH whose value is no URI (left out).
     * Anything else ical4j refuses fails here.
     */
    public static Item parse(String origin, String text) {
        List<String> notes = new ArrayList<>();
        String readable = yearlyObservances(withoutIanaVtimezones(unfold(text)));
        Matcher floating = FLOATING_TRIGGER.matcher(readable);
        while (floating.find()) {
            notes.add("absolute TRIGGER in floating time (RFC 5545 3.8.6.3: must be UTC): " + floating.group().strip());
        }
        readable = FLOATING_TRIGGER.matcher(readable).replaceAll(FLOATING_TRIGGER_PROPERTY + ":$1$2");
        StringBuilder withoutBadAttach = new StringBuilder();
        Matcher attach = ATTACH_URI.matcher(readable);
        while (attach.find()) {
            if (!isUri(attach.group(1).strip())) {
                notes.add("ATTACH value is not a URI (RFC 5545 3.8.1.1): " + attach.group().strip());
                attach.appendReplacement(withoutBadAttach, "X-INTEROP-INVALID-ATTACH:");
            }
        }
        attach.appendTail(withoutBadAttach);
        readable = withoutBadAttach.toString();
        Calendar calendar;
        try {
            calendar = new CalendarBuilder().build(new StringReader(readable));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParserException | RuntimeException e) {
            throw new IllegalArgumentException("ical4j cannot read " + origin + ": " + e.getMessage() + "\n" + text,
                    e);
        }
        for (CalendarComponent c : calendar.getComponents()) {
            if (c.getName().equals("VEVENT") || c.getName().equals("VTODO")) {
                return new Item(origin, text, c, notes);
            }
        }
        throw new IllegalArgumentException(origin + " holds no VEVENT or VTODO:\n" + text);
    }

    private static boolean isUri(String value) {
        try {
            return new java.net.URI(value).getScheme() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static final Pattern VTIMEZONE = Pattern.compile(
            "(?ms)^BEGIN:VTIMEZONE\\r?\\n(.*?)^END:VTIMEZONE\\r?\\n");
    private static final Pattern TZID_LINE = Pattern.compile("(?m)^TZID:(.*?)\\r?$");

    /**
     * The text without the VTIMEZONEs of TZIDs that name IANA zones ({@code Europe/Berlin}): for those the judge uses
     * ical4j's own definition of the zone, as CalDAV servers and most clients do (RFC 7809), and not the VTIMEZONE in
     * the item. Two reasons: ical4j 4.2.3 computes wrong offsets from VTIMEZONEs whose observances are RDATE lists or
     * {@code FREQ=MONTHLY;INTERVAL=12} rules for the years after the current one (checked by hand: the gateway's
     * Europe/Berlin VTIMEZONE with RDATEs through 2029 puts 2027-06-20 15:00 at +01:00), and SyncEvolution stores a
     * received item with its own VTIMEZONE for the name, outdated for some zones. A TZID that is no IANA name
     * ({@code Custom Office Zone}, SyncEvolution's {@code Kolkata}, {@code Macquarie}) is read with its VTIMEZONE.
     */
    static String withoutIanaVtimezones(String text) {
        Matcher m = VTIMEZONE.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            Matcher tzid = TZID_LINE.matcher(m.group(1));
            boolean iana = tzid.find() && isIanaZone(tzid.group(1).strip());
            m.appendReplacement(out, iana ? "" : Matcher.quoteReplacement(m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static boolean isIanaZone(String tzid) {
        if (!tzid.contains("/")) {
            return false;
        }
        try {
            java.time.ZoneId.of(tzid);
            return true;
        } catch (java.time.DateTimeException e) {
            return false;
        }
    }

    private static final Pattern MONTHLY_BY_12 = Pattern.compile(
            "(?i)^RRULE:(.*;)?FREQ=MONTHLY;(.*;)?INTERVAL=12(;.*)?$");

    /**
     * SyncEvolution writes the yearly rules of a VTIMEZONE observance as {@code FREQ=MONTHLY;INTERVAL=12;BYDAY=-1SU}
     * (from the month of the observance's DTSTART), which is the same as {@code FREQ=YEARLY;BYMONTH=M;BYDAY=-1SU}.
     * ical4j 4.2.3 builds wrong zone rules from the MONTHLY form: for SyncEvolution's Europe/Berlin it puts
     * 2027-06-20 15:00 at +01:00 (checked by hand, the YEARLY form gives +02:00), which would shift every zoned
     * occurrence after 2026 by an hour on both sides of a comparison and hide real errors. The judge therefore reads
     * such an observance in its YEARLY form; nothing else in the text is changed.
     */
    static String yearlyObservances(String text) {
        String[] lines = text.split("\r?\n", -1);
        boolean inObservance = false;
        String month = null;
        List<Integer> rules = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String upper = lines[i].toUpperCase(Locale.ROOT);
            if (upper.equals("BEGIN:STANDARD") || upper.equals("BEGIN:DAYLIGHT")) {
                inObservance = true;
                month = null;
                rules.clear();
            } else if (inObservance && (upper.equals("END:STANDARD") || upper.equals("END:DAYLIGHT"))) {
                for (int r : rules) {
                    if (month != null) {
                        String rule = lines[r].substring("RRULE:".length());
                        List<String> parts = new ArrayList<>();
                        for (String part : rule.split(";")) {
                            String pu = part.toUpperCase(Locale.ROOT);
                            if (pu.equals("FREQ=MONTHLY")) {
                                parts.add("FREQ=YEARLY");
                            } else if (!pu.equals("INTERVAL=12")) {
                                parts.add(part);
                            }
                        }
                        if (parts.stream().noneMatch(x -> x.toUpperCase(Locale.ROOT).startsWith("BYMONTH="))) {
                            parts.add("BYMONTH=" + Integer.parseInt(month));
                        }
                        lines[r] = "RRULE:" + String.join(";", parts);
                    }
                }
                inObservance = false;
            } else if (inObservance && upper.startsWith("DTSTART:") && upper.length() >= 14) {
                month = upper.substring(12, 14);
            } else if (inObservance && MONTHLY_BY_12.matcher(upper).matches()) {
                rules.add(i);
            }
        }
        return String.join("\r\n", lines);
    }

    /** Every file of a file-backend directory, parsed, by UID; fails on a second item with the same UID. */
    public static Map<String, Item> readDir(Path dir) {
        Map<String, Item> byUid = new TreeMap<>();
        for (Path file : files(dir)) {
            Item item = parse(file.toString(), read(file));
            Item before = byUid.put(item.uid(), item);
            if (before != null) {
                throw new AssertionError("two items with UID " + item.uid() + " in " + dir + ": " + before.origin()
                        + " and " + file);
            }
        }
        return byUid;
    }

    /** The regular files of a directory, sorted by name. */
    public static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file of {@code dir} holding the item with this UID. */
    public static Path fileOf(Path dir, String uid) {
        for (Path file : files(dir)) {
            if (unfold(read(file)).lines().anyMatch(l -> l.equals("UID:" + uid))) {
                return file;
            }
        }
        throw new AssertionError("no item with UID " + uid + " in " + dir);
    }

    /**
     * Writes a file, CRLF line ends as written by the caller, and moves its mtime at least 2 s past the previous one
     * (SyncEvolution's file backend sees a change by the mtime).
     */
    public static void write(Path file, String text) {
        try {
            FileTime before = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
            Instant at = Instant.now();
            if (before != null && !at.isAfter(before.toInstant().plusSeconds(2))) {
                at = before.toInstant().plusSeconds(2);
            }
            Files.setLastModifiedTime(file, FileTime.from(at));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Undoes line folding (RFC 5545 section 3.1). */
    public static String unfold(String text) {
        return text.replace("\r\n ", "").replace("\r\n\t", "").replace("\n ", "").replace("\n\t", "");
    }

    /**
     * The text with one property of the VEVENT/VTODO set to {@code line} ({@code "SUMMARY:New"}): the first line of
     * that property inside the item is replaced, or the line is added before the item's END. The text is unfolded
     * first; everything else stays as it was.
     */
    public static String withProperty(String text, String name, String line) {
        List<String> out = new ArrayList<>();
        boolean inItem = false;
        boolean done = false;
        int depth = 0;
        for (String l : unfold(text).split("\r?\n", -1)) {
            String upper = l.toUpperCase(Locale.ROOT);
            if (upper.equals("BEGIN:VEVENT") || upper.equals("BEGIN:VTODO")) {
                inItem = true;
                depth = 0;
            } else if (inItem && upper.startsWith("BEGIN:")) {
                depth++;
            } else if (inItem && depth > 0 && upper.startsWith("END:")) {
                depth--;
            } else if (inItem && depth == 0 && (upper.equals("END:VEVENT") || upper.equals("END:VTODO"))) {
                if (!done) {
                    out.add(line);
                    done = true;
                }
                inItem = false;
            } else if (inItem && depth == 0 && !done && propertyName(upper).equals(name)) {
                out.add(line);
                done = true;
                continue;
            }
            out.add(l);
        }
        return String.join("\r\n", out);
    }

    private static String propertyName(String line) {
        int end = 0;
        while (end < line.length() && line.charAt(end) != ';' && line.charAt(end) != ':') {
            end++;
        }
        return line.substring(0, end);
    }

    // ------------------------------------------------------------------------------------------------ on the wire

    /**
     * One item a session carried, from SyncEvolution's XML message dumps (loglevel 4): the command ({@code Add},
     * {@code Replace}, {@code Delete}), its Meta/Type, the datastore (the Sync's LocURI without {@code ./}), the
     * item's Source or Target LocURI, its data, and whether the client sent it.
     */
    public record WireItem(String command, String type, String datastore, String luid, String data,
                           boolean outgoing, String dump) {
        /** The VERSION line of the data, or "" when it has none. */
        public String version() {
            Matcher m = Pattern.compile("(?m)^VERSION:(\\S+)").matcher(data);
            return m.find() ? m.group(1) : "";
        }

        /** The UID of the data, or "". */
        public String uid() {
            Matcher m = Pattern.compile("(?m)^UID:(.*?)\\r?$").matcher(unfold(data));
            return m.find() ? m.group(1).strip() : "";
        }

        @Override
        public String toString() {
            return (outgoing ? "sent " : "received ") + command + " " + type + " " + datastore + "/" + luid
                    + " VERSION:" + version() + " " + uid() + " (" + dump + ")";
        }
    }

    private static final Pattern DUMP = Pattern.compile("syncevolution-log_trm\\d+_\\d+_(outgoing|incoming)\\.xml");
    private static final Pattern SYNC = Pattern.compile("<Sync>(.*?)</Sync>", Pattern.DOTALL);
    private static final Pattern COMMAND = Pattern.compile("<(Add|Replace|Delete)>(.*?)</\\1>", Pattern.DOTALL);
    private static final Pattern ITEM = Pattern.compile("<Item>(.*?)</Item>", Pattern.DOTALL);
    private static final Pattern TYPE = Pattern.compile("<Type[^>]*>([^<]*)</Type>");
    private static final Pattern SYNC_TARGET = Pattern.compile("^.*?<Target><LocURI>([^<]*)</LocURI>",
            Pattern.DOTALL);
    private static final Pattern LOC = Pattern.compile("<(Source|Target)><LocURI>([^<]*)</LocURI>");
    private static final Pattern DATA = Pattern.compile("<Data>(.*?)</Data>", Pattern.DOTALL);

    /**
     * Every Add, Replace and Delete item in a session's message dumps, in message order. The dumps are SyncEvolution's
     * XML translations; the item data in them is the data as received (not XML-escaped, sometimes in CDATA), so they
     * are read with patterns, not as XML.
     */
    public static List<WireItem> wireItems(Path sessionDir) {
        List<Path> dumps;
        try (Stream<Path> s = Files.list(sessionDir)) {
            dumps = s.filter(p -> DUMP.matcher(p.getFileName().toString()).matches()).sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<WireItem> out = new ArrayList<>();
        for (Path dump : dumps) {
            boolean outgoing = dump.getFileName().toString().endsWith("_outgoing.xml");
            String xml = read(dump);
            Matcher sync = SYNC.matcher(xml);
            while (sync.find()) {
                String body = sync.group(1);
                Matcher target = SYNC_TARGET.matcher(body);
                String datastore = target.find() ? target.group(1).replaceFirst("^\\./", "") : "";
                Matcher cmd = COMMAND.matcher(body);
                while (cmd.find()) {
                    String c = cmd.group(2);
                    int firstItem = c.indexOf("<Item>");
                    Matcher cmdType = TYPE.matcher(firstItem < 0 ? c : c.substring(0, firstItem));
                    String type = cmdType.find() ? cmdType.group(1).strip() : "";
                    Matcher item = ITEM.matcher(c);
                    while (item.find()) {
                        String it = item.group(1);
                        Matcher itemType = TYPE.matcher(it);
                        String t = itemType.find() ? itemType.group(1).strip() : type;
                        Matcher loc = LOC.matcher(it);
                        String luid = loc.find() ? loc.group(2) : "";
                        Matcher data = DATA.matcher(it);
                        String d = data.find() ? cdata(data.group(1)) : "";
                        out.add(new WireItem(cmd.group(1), t, datastore, luid, d, outgoing,
                                dump.getFileName().toString()));
                    }
                }
            }
        }
        return out;
    }

    private static String cdata(String s) {
        String t = s.strip();
        if (t.startsWith("<![CDATA[") && t.endsWith("]]>")) {
            return t.substring(9, t.length() - 3);
        }
        return s;
    }

    /** The DevInf a session's first outgoing dump announced for a datastore: its Rx-Pref CTType, or "". */
    public static String announcedRxPref(Path sessionDir, String datastore) {
        try (Stream<Path> s = Files.list(sessionDir)) {
            Optional<Path> first = s.filter(p -> p.getFileName().toString().matches(
                    "syncevolution-log_trm001_\\d+_outgoing\\.xml")).findFirst();
            if (first.isEmpty()) {
                return "";
            }
            String xml = read(first.get());
            Matcher m = Pattern.compile("<SourceRef>\\./" + Pattern.quote(datastore)
                    + "</SourceRef>.*?<Rx-Pref><CTType>([^<]*)</CTType>", Pattern.DOTALL).matcher(xml);
            return m.find() ? m.group(1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CTTypes a session's DevInf lists (Rx, Tx, CTCap) for a datastore, as a set. */
    public static Set<String> announcedTypes(Path sessionDir, String datastore) {
        Set<String> types = new TreeSet<>();
        try (Stream<Path> s = Files.list(sessionDir)) {
            Optional<Path> first = s.filter(p -> p.getFileName().toString().matches(
                    "syncevolution-log_trm001_\\d+_outgoing\\.xml")).findFirst();
            if (first.isEmpty()) {
                return types;
            }
            String xml = read(first.get());
            Matcher ds = Pattern.compile("<DataStore><SourceRef>\\./" + Pattern.quote(datastore)
                    + "</SourceRef>(.*?)</DataStore>", Pattern.DOTALL).matcher(xml);
            if (ds.find()) {
                Matcher t = Pattern.compile("<CTType>([^<]*)</CTType>").matcher(ds.group(1));
                while (t.find()) {
                    types.add(t.group(1).strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return types;
    }

    // ------------------------------------------------------------------------------------------------ the meaning

    /** What an item means, aspect by aspect (see the class comment), as comparable strings in a sorted map. */
    public static SortedMap<String, String> meaning(Item item, Vocabulary v) {
        CalendarComponent c = item.component();
        boolean todo = c.getName().equals("VTODO");
        SortedMap<String, String> m = new TreeMap<>();
        m.put("component", c.getName());
        m.put("UID", text(c, "UID"));
        Temporal start = date(c, "DTSTART");
        m.put("DTSTART", todo && v == Vocabulary.VCAL10 ? key(midnight(start)) : key(start));
        m.put("end", key(end(c)));
        m.put("DUE", key(date(c, "DUE")));
        m.put("COMPLETED", key(date(c, "COMPLETED")));
        m.put("EXDATE", dates(c, "EXDATE").toString());
        List<String> occurrences = occurrences(c, OCCURRENCE_YEARS);
        if (todo && v == Vocabulary.VCAL10) {
            occurrences = occurrences.stream().map(k -> k.startsWith("d") ? "f" + k.substring(1) + "T00:00" : k)
                    .sorted().collect(Collectors.toList());
        }
        m.put("occurrences", occurrences.toString());
        m.put("alarms", alarms(c, v).toString());
        for (String p : List.of("SUMMARY", "LOCATION", "DESCRIPTION")) {
            m.put(p, text(c, p));
        }
        m.put("CLASS", orDefault(text(c, "CLASS"), "PUBLIC").toUpperCase(Locale.ROOT));
        m.put("TRANSP", orDefault(text(c, "TRANSP"), "OPAQUE").toUpperCase(Locale.ROOT));
        m.put("STATUS", status(text(c, "STATUS"), v));
        m.put("PRIORITY", priority(text(c, "PRIORITY"), v));
        m.put("CATEGORIES", categories(c).toString());
        m.put("people", people(c, v).toString());
        if (todo && v == Vocabulary.ICAL20) {
            m.put("PERCENT-COMPLETE", orDefault(text(c, "PERCENT-COMPLETE"), "0"));
        }
        if (v == Vocabulary.ICAL20) {
            m.put("RELATED-TO", text(c, "RELATED-TO"));
        }
        return m;
    }

    /**
     * The aspects in which {@code actual} means something else than {@code expected}, one line each
     * ({@code "aspect: expected X but was Y"}); empty when they mean the same. {@code ignored} aspects are skipped.
     */
    public static List<String> differences(SortedMap<String, String> expected, SortedMap<String, String> actual,
                                           Set<String> ignored) {
        List<String> out = new ArrayList<>();
        Set<String> aspects = new TreeSet<>(expected.keySet());
        aspects.addAll(actual.keySet());
        for (String a : aspects) {
            if (ignored.contains(a)) {
                continue;
            }
            String e = expected.get(a);
            String x = actual.get(a);
            if (!Objects.equals(e, x)) {
                out.add(a + ": expected " + e + " but was " + x);
            }
        }
        return out;
    }

    /**
     * Compares two sets of items by UID: every expected item must be there and mean the same, and there must be no
     * other item. {@code ignoredByUid} names aspects to skip for single items (each with its documented reason in the
     * caller). Returns one line per problem; empty when all is well.
     */
    public static List<String> compareAll(Map<String, Item> expected, Map<String, Item> actual, Vocabulary v,
                                          Map<String, Set<String>> ignoredByUid) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Item> e : expected.entrySet()) {
            Item a = actual.get(e.getKey());
            if (a == null) {
                problems.add(e.getKey() + ": missing (expected like " + e.getValue().origin() + ")");
                continue;
            }
            List<String> diff = differences(meaning(e.getValue(), v), meaning(a, v),
                    ignoredByUid.getOrDefault(e.getKey(), Set.of()));
            for (String d : diff) {
                problems.add(e.getKey() + " (" + a.origin() + " vs " + e.getValue().origin() + ") " + d);
            }
        }
        for (String uid : actual.keySet()) {
            if (!expected.containsKey(uid)) {
                problems.add(uid + ": unexpected item " + actual.get(uid).origin());
            }
        }
        return problems;
    }

    // ---- aspects -----------------------------------------------------------------------------------------------

    /** "d2026-12-24" for a date, "f2026-04-18T19:00" for a floating time, "i" + ISO instant otherwise; "-" for none. */
    public static String key(Temporal t) {
        if (t == null) {
            return "-";
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
        if (t instanceof ZonedDateTime z) {
            return z.toInstant();
        }
        if (t instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (t instanceof Instant i) {
            return i;
        }
        if (t instanceof LocalDateTime l) {
            return l.toInstant(ZoneOffset.UTC);
        }
        return ((LocalDate) t).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    private static Temporal midnight(Temporal t) {
        return t instanceof LocalDate d ? d.atStartOfDay() : t;
    }

    static Temporal date(Component c, String name) {
        Optional<Property> p = c.getProperty(name);
        return p.map(value -> temporals(value).get(0)).orElse(null);
    }

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

    /**
     * The values of a date property. A TZID naming an IANA zone is resolved with java.time's rules of that zone, not
     * by ical4j (see {@link #withoutIanaVtimezones}); anything else (UTC, dates, floating times, other TZIDs with
     * their VTIMEZONE) as ical4j reads it.
     */
    static List<Temporal> temporals(Property p) {
        String tzid = p.getParameter("TZID").map(Parameter::getValue).orElse(null);
        List<Temporal> out = new ArrayList<>();
        if (tzid != null && isIanaZone(tzid.strip())) {
            java.time.ZoneId zone = java.time.ZoneId.of(tzid.strip());
            for (String v : p.getValue().split(",")) {
                String value = v.strip();
                out.add(value.length() == 8 ? LocalDate.parse(value, DateTimeFormatter.BASIC_ISO_DATE)
                        : LocalDateTime.parse(value, LOCAL).atZone(zone));
            }
            return out;
        }
        if (p instanceof DateProperty<?> d) {
            out.add(d.getDate());
        } else {
            for (Object d : ((DateListProperty<?>) p).getDates()) {
                out.add((Temporal) d);
            }
        }
        return out;
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
            return start.plus(((net.fortuna.ical4j.model.property.Duration) duration.get()).getDuration());
        }
        return null;
    }

    private static List<String> dates(Component c, String name) {
        Set<String> keys = new TreeSet<>();
        for (Property p : c.getProperties(name)) {
            for (Temporal d : temporals(p)) {
                keys.add(key(d));
            }
        }
        return new ArrayList<>(keys);
    }

    /**
     * The occurrence starts over {@code years} years from DTSTART: DTSTART itself, each RRULE expanded by ical4j's
     * {@code Recur} from DTSTART (in DTSTART's own zone, see {@link #temporals}), each RDATE, less each EXDATE.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static List<String> occurrences(Component c, int years) {
        Temporal start = date(c, "DTSTART");
        Set<String> keys = new TreeSet<>();
        if (start == null) {
            return new ArrayList<>(keys);
        }
        keys.add(key(start));
        Temporal until;
        if (start instanceof LocalDate d) {
            until = d.plusYears(years);
        } else if (start instanceof LocalDateTime l) {
            until = l.plusYears(years);
        } else if (start instanceof ZonedDateTime z) {
            until = z.plusYears(years);
        } else {
            start = ZonedDateTime.ofInstant(instant(start), ZoneOffset.UTC);
            until = ((ZonedDateTime) start).plusYears(years);
        }
        for (Property rrule : c.getProperties("RRULE")) {
            net.fortuna.ical4j.model.Recur recur = new net.fortuna.ical4j.model.Recur(rrule.getValue());
            for (Object d : recur.getDates(start, start, until)) {
                keys.add(key((Temporal) d));
            }
        }
        for (Property rdate : c.getProperties("RDATE")) {
            for (Temporal d : temporals(rdate)) {
                keys.add(key(d));
            }
        }
        keys.removeAll(dates(c, "EXDATE"));
        return new ArrayList<>(keys);
    }

    /**
     * AUDIO and DISPLAY alarms as "ACTION offset", the offset from the start (else the end), sorted. 1.0: the distinct
     * offsets only (SyncEvolution reads AALARM and DALARM back as DISPLAY, and writes one reminder as an AALARM and a
     * DALARM at the same time).
     */
    static List<String> alarms(CalendarComponent c, Vocabulary v) {
        List<VAlarm> alarms = c instanceof VEvent e ? e.getAlarms() : ((VToDo) c).getAlarms();
        Temporal start = date(c, "DTSTART");
        Temporal end = end(c);
        Temporal anchor = start != null ? start : end;
        List<String> out = new ArrayList<>();
        for (VAlarm alarm : alarms) {
            String action = alarm.getProperty("ACTION").map(Property::getValue).orElse("")
                    .toUpperCase(Locale.ROOT);
            if (!action.equals("AUDIO") && !action.equals("DISPLAY")) {
                continue;
            }
            Optional<Property> trigger = alarm.getProperty("TRIGGER");
            Optional<Property> floating = alarm.getProperty(FLOATING_TRIGGER_PROPERTY);
            Duration offset;
            if (trigger.isPresent()) {
                offset = triggerOffset(trigger.get().getValue().strip(), trigger.get(), anchor, start, end);
            } else if (floating.isPresent()) {
                offset = triggerOffset(floating.get().getValue().strip(), null, anchor, start, end);
            } else {
                out.add(action + " no-trigger");
                continue;
            }
            out.add(v == Vocabulary.VCAL10 ? offset.toString() : action + " " + offset);
        }
        if (v == Vocabulary.VCAL10) {
            return new ArrayList<>(new TreeSet<>(out)); // one reminder travels as AALARM + DALARM at the same time
        }
        Collections.sort(out);
        return out;
    }

    /**
     * The trigger as an offset from {@code anchor} (the start, else the end); {@code trigger} is null for a floating
     * absolute one.
     */
    private static Duration triggerOffset(String value, Property trigger, Temporal anchor, Temporal start,
                                          Temporal end) {
        boolean absolute = trigger == null || value.matches("\\d{8}T\\d{6}Z?");
        if (absolute) {
            if (anchor == null) {
                return Duration.ZERO;
            }
            if (value.endsWith("Z")) {
                Instant at = LocalDateTime.parse(value.substring(0, value.length() - 1),
                        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")).toInstant(ZoneOffset.UTC);
                return Duration.between(instant(anchor), at);
            }
            LocalDateTime local = LocalDateTime.parse(value, DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss"));
            // a floating trigger: local time, like an all-day or floating start
            if (anchor instanceof LocalDate d) {
                return Duration.between(d.atStartOfDay(), local);
            }
            if (anchor instanceof LocalDateTime l) {
                return Duration.between(l, local);
            }
            if (anchor instanceof ZonedDateTime z) {
                return Duration.between(z, local.atZone(z.getZone()));
            }
            return Duration.between(instant(anchor), local.toInstant(ZoneOffset.UTC));
        }
        Duration offset = duration(((net.fortuna.ical4j.model.property.Trigger) trigger).getDuration());
        boolean related = trigger.getParameter("RELATED").map(Parameter::getValue).orElse("START")
                .equalsIgnoreCase("END");
        if (related && start != null && end != null) {
            offset = offset.plus(between(start, end));
        }
        return offset;
    }

    private static Duration between(Temporal a, Temporal b) {
        if (a instanceof LocalDate da && b instanceof LocalDate db) {
            return Duration.between(da.atStartOfDay(), db.atStartOfDay());
        }
        if (a instanceof LocalDateTime la && b instanceof LocalDateTime lb) {
            return Duration.between(la, lb);
        }
        return Duration.between(instant(a), instant(b));
    }

    private static Duration duration(TemporalAmount amount) {
        if (amount instanceof Duration d) {
            return d;
        }
        Period period = (Period) amount;
        return Duration.ofDays(period.getDays()).plusDays(period.toTotalMonths() * 30L);
    }

    private static String text(Component c, String name) {
        List<String> values = new ArrayList<>();
        for (Property p : c.getProperties(name)) {
            values.add(p.getValue());
        }
        Collections.sort(values);
        return values.isEmpty() ? "-" : String.join(" | ", values);
    }

    private static String orDefault(String value, String dflt) {
        return value.equals("-") ? dflt : value;
    }

    private static String status(String status, Vocabulary v) {
        String s = status.toUpperCase(Locale.ROOT);
        if (v == Vocabulary.ICAL20) {
            return s;
        }
        return switch (s) {
            case "NEEDS-ACTION" -> "NEEDS ACTION";
            case "IN-PROCESS" -> "ACCEPTED";
            case "CANCELLED" -> "DECLINED";
            default -> s;
        };
    }

    private static String priority(String priority, Vocabulary v) {
        int p;
        try {
            p = priority.equals("-") ? 0 : Integer.parseInt(priority.strip());
        } catch (NumberFormatException e) {
            return "invalid " + priority;
        }
        if (p <= 0) {
            return "none";
        }
        if (v == Vocabulary.ICAL20) {
            return Integer.toString(p);
        }
        return p <= 4 ? "high" : p == 5 ? "normal" : "low";
    }

    private static List<String> categories(Component c) {
        Set<String> all = new TreeSet<>();
        for (Property p : c.getProperties("CATEGORIES")) {
            for (String v : ((net.fortuna.ical4j.model.property.Categories) p).getCategories().getTexts()) {
                if (!v.isBlank()) {
                    all.add(v.strip());
                }
            }
        }
        return new ArrayList<>(all);
    }

    /** ORGANIZER and ATTENDEEs by address with their parameters (1.0: CN and PARTSTAT only), sorted. */
    static List<String> people(Component c, Vocabulary v) {
        List<String> all = new ArrayList<>();
        for (String name : List.of("ORGANIZER", "ATTENDEE")) {
            for (Property p : c.getProperties(name)) {
                Map<String, String> params = new LinkedHashMap<>();
                params.put("CN", p.getParameter("CN").map(Parameter::getValue).orElse("-"));
                if (name.equals("ATTENDEE")) {
                    params.put("PARTSTAT", p.getParameter("PARTSTAT").map(Parameter::getValue)
                            .orElse("NEEDS-ACTION").toUpperCase(Locale.ROOT));
                    if (v == Vocabulary.ICAL20) {
                        params.put("ROLE", p.getParameter("ROLE").map(Parameter::getValue)
                                .orElse("REQ-PARTICIPANT").toUpperCase(Locale.ROOT));
                        params.put("RSVP", p.getParameter("RSVP").map(Parameter::getValue).orElse("FALSE")
                                .toUpperCase(Locale.ROOT));
                        params.put("CUTYPE", p.getParameter("CUTYPE").map(Parameter::getValue)
                                .orElse("INDIVIDUAL").toUpperCase(Locale.ROOT));
                    }
                }
                all.add(name + ":" + p.getValue().strip().toLowerCase(Locale.ROOT) + params);
            }
        }
        Collections.sort(all);
        return all;
    }
}
