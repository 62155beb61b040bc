package io.syncgw.engine.sync;

import io.syncgw.codec.pim.CalendarCodec;
import io.syncgw.codec.pim.CalendarFormat;
import io.syncgw.codec.pim.CalendarKind;
import io.syncgw.codec.pim.ConversionResult;
import io.syncgw.codec.pim.CalendarWindow;
import io.syncgw.codec.pim.ContentLines;
import io.syncgw.engine.port.ItemIndex;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The calendar (VEVENT) and tasks (VTODO) datastores: vCalendar 1.0 and iCalendar 2.0, converted for the device that
 * prefers the other, twin keys (summary + start + end for events, summary + due for tasks), and merging an update
 * from a limited device into the server's fuller copy. The conversion rules are {@link CalendarCodec}'s.
 */
public final class CalendarContent implements ItemContent {
    private static final List<String> TYPES = List.of(CalendarFormat.ICALENDAR_20.contentType(),
            CalendarFormat.VCALENDAR_10.contentType());
    private final Datastore datastore;
    private final CalendarKind kind;
    private final CalendarCodec codec;

    /** @param datastore {@link Datastore#CALENDAR} or {@link Datastore#TASKS} */
    public CalendarContent(Datastore datastore, CalendarCodec codec) {
        this.datastore = datastore;
        this.kind = switch (datastore) {
            case CALENDAR -> CalendarKind.EVENT;
            case TASKS -> CalendarKind.TODO;
            case CONTACTS -> throw new IllegalArgumentException("contacts are not calendar items");
        };
        this.codec = codec;
        warmUp();
    }

    /**
     * Converts, merges and keys one item now, so that ical4j loads its classes, zone data and resource files at
     * start-up and not on an event loop when the first calendar session needs them.
     */
    private void warmUp() {
        String component = kind == CalendarKind.EVENT
                ? "BEGIN:VEVENT\r\nUID:warm-up\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Warm-up\r\n"
                + "DTSTART;TZID=Europe/Berlin:20260301T090000\r\nDTEND;TZID=Europe/Berlin:20260301T100000\r\n"
                + "RRULE:FREQ=WEEKLY;COUNT=3\r\nEND:VEVENT\r\n"
                : "BEGIN:VTODO\r\nUID:warm-up\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Warm-up\r\nDUE:20260301\r\n"
                + "PRIORITY:1\r\nEND:VTODO\r\n";
        String item = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//syncgw//warm-up//EN\r\n" + component
                + "END:VCALENDAR\r\n";
        codec.twinKey(item);
        String v10 = convert(item, CalendarFormat.ICALENDAR_20.contentType(), CalendarFormat.VCALENDAR_10.contentType());
        convert(v10, CalendarFormat.VCALENDAR_10.contentType(), CalendarFormat.ICALENDAR_20.contentType());
        codec.merge(item, v10, Set.of());
    }

    @Override
    public Datastore datastore() {
        return datastore;
    }

    @Override
    public List<String> contentTypes() {
        return TYPES;
    }

    @Override
    public String defaultDeviceType() {
        return CalendarFormat.VCALENDAR_10.contentType();
    }

    /**
     * The format the text declares (its VERSION), when the declared type is absent or a calendar type and the item
     * is this datastore's kind; an event sent to tasks, a task sent to calendar, or text that is not one calendar
     * item is refused.
     */
    @Override
    public Optional<String> storedType(String declaredType, String text) {
        if (declaredType != null && !declaredType.isBlank() && CalendarFormat.ofContentType(declaredType).isEmpty()) {
            return Optional.empty();
        }
        if (codec.kind(text) != kind) {
            return Optional.empty();
        }
        return Optional.of(codec.detect(text).contentType());
    }

    @Override
    public String twinKey(String text) {
        return codec.twinKey(text);
    }

    @Override
    public String convert(String text, String storedType, String wantedType) {
        Optional<CalendarFormat> wanted = CalendarFormat.ofContentType(wantedType);
        Optional<CalendarFormat> stored = CalendarFormat.ofContentType(storedType);
        if (wanted.isEmpty() || stored.isPresent() && stored.get() == wanted.get()) {
            return text;
        }
        ConversionResult r = codec.convert(text, wanted.get());
        return r instanceof ConversionResult.Converted c ? c.text() : text;
    }

    /** Categories and the span over all occurrences ({@link CalendarCodec#window}: light, Recur only for COUNT). */
    @Override
    public ItemIndex index(String text) {
        List<String> categories = ContentLines.categories(text);
        Optional<CalendarWindow> w = codec.window(text);
        if (w.isEmpty()) {
            return new ItemIndex(categories, null, null, false);
        }
        return new ItemIndex(categories, w.get().firstStart(), w.get().lastEnd().orElse(null), w.get().recurring());
    }

    @Override
    public Optional<Instant> modified(String text) {
        return ContentLines.first(text, "LAST-MODIFIED").flatMap(ContentLines::instant);
    }

    @Override
    public boolean occursBetween(String text, Instant from, Instant to) {
        return codec.occursBetween(text, from == null ? Instant.EPOCH : from,
                to == null ? Instant.parse("9999-12-31T00:00:00Z") : to);
    }

    @Override
    public Optional<String> merge(String serverCopy, String deviceVersion, Set<String> supported) {
        ConversionResult r = codec.merge(serverCopy, deviceVersion, supported);
        return r instanceof ConversionResult.Converted c ? Optional.of(c.text()) : Optional.empty();
    }
}
