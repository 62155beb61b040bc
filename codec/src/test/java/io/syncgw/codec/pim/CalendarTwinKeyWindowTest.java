package io.syncgw.codec.pim;

import static io.syncgw.codec.pim.CalendarCodecConversionTest.ical;
import static io.syncgw.codec.pim.CalendarCodecConversionTest.vcal;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Twin keys (slow-sync matching), the filter span and occurrence queries. */
class CalendarTwinKeyWindowTest {

    private static final CalendarCodec CODEC = new CalendarCodec();

    private static final String BASE = ical("BEGIN:VEVENT", "UID:base", "DTSTAMP:20260101T000000Z",
            "DTSTART;TZID=Europe/Berlin:20261110T093000", "DTEND;TZID=Europe/Berlin:20261110T103000",
            "SUMMARY:Team meeting", "DESCRIPTION:agenda", "END:VEVENT");

    static Stream<Arguments> sameEvent() {
        return Stream.of(
                Arguments.of("1.0 in UTC", vcal("BEGIN:VEVENT", "DTSTART:20261110T083000Z", "DTEND:20261110T093000Z",
                        "SUMMARY:Team meeting", "END:VEVENT")),
                Arguments.of("1.0 local with TZ", vcal("TZ:+01:00", "BEGIN:VEVENT", "DTSTART:20261110T093000",
                        "DTEND:20261110T103000", "SUMMARY:Team meeting", "END:VEVENT")),
                Arguments.of("other UID, DESCRIPTION, DTSTAMP", BASE.replace("UID:base", "UID:other")
                        .replace("agenda", "new agenda").replace("DTSTAMP:20260101", "DTSTAMP:20260202")),
                Arguments.of("UTC instead of TZID", BASE.replace("DTSTART;TZID=Europe/Berlin:20261110T093000",
                        "DTSTART:20261110T083000Z").replace("DTEND;TZID=Europe/Berlin:20261110T103000",
                        "DTEND:20261110T093000Z")),
                Arguments.of("DURATION instead of DTEND", BASE.replace("DTEND;TZID=Europe/Berlin:20261110T103000",
                        "DURATION:PT1H")),
                Arguments.of("summary case and spacing", BASE.replace("SUMMARY:Team meeting", "SUMMARY:  TEAM   Meeting ")),
                Arguments.of("folded, LF", BASE.replace("SUMMARY:Team meeting", "SUMMARY:Team me\r\n eting")
                        .replace("\r\n", "\n")),
                Arguments.of("with an alarm", BASE.replace("END:VEVENT", "BEGIN:VALARM\r\nACTION:DISPLAY\r\n"
                        + "TRIGGER:-PT5M\r\nDESCRIPTION:x\r\nEND:VALARM\r\nEND:VEVENT")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sameEvent")
    void sameEventGivesSameKey(String variant, String item) {
        assertThat(CODEC.twinKey(item)).isEqualTo(CODEC.twinKey(BASE));
    }

    static Stream<Arguments> otherEvent() {
        return Stream.of(
                Arguments.of("other summary", BASE.replace("Team meeting", "Team meeting 2")),
                Arguments.of("other start", BASE.replace("20261110T093000", "20261110T090000")),
                Arguments.of("other end", BASE.replace("20261110T103000", "20261110T110000")),
                Arguments.of("other day", BASE.replace("20261110T", "20261111T")),
                Arguments.of("floating instead of zoned", BASE.replace(";TZID=Europe/Berlin", "")),
                Arguments.of("a task of that name", ical("BEGIN:VTODO", "SUMMARY:Team meeting",
                        "DUE;TZID=Europe/Berlin:20261110T093000", "END:VTODO")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherEvent")
    void otherEventGivesOtherKey(String variant, String item) {
        assertThat(CODEC.twinKey(item)).isNotEqualTo(CODEC.twinKey(BASE));
    }

    @Test
    void allDayEventsAreKeyedByDateWhateverTheConvention() {
        String v20 = ical("BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261224", "SUMMARY:Heiligabend", "END:VEVENT");
        String[] same = {
            ical("BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261224", "DTEND;VALUE=DATE:20261225", "SUMMARY:Heiligabend",
                    "END:VEVENT"),
            vcal("BEGIN:VEVENT", "DTSTART:20261224T000000", "DTEND:20261225T000000", "SUMMARY:Heiligabend",
                    "END:VEVENT"),
            vcal("BEGIN:VEVENT", "DTSTART:20261224T000000", "DTEND:20261224T235959", "SUMMARY:Heiligabend",
                    "END:VEVENT"),
            vcal("BEGIN:VEVENT", "X-FUNAMBOL-ALLDAY:1", "DTSTART:20261223T230000Z", "DTEND:20261224T230000Z",
                    "SUMMARY:Heiligabend", "END:VEVENT")};
        for (String item : same) {
            assertThat(CODEC.twinKey(item)).as(item).isEqualTo(CODEC.twinKey(v20));
        }
        assertThat(CODEC.twinKey(v20.replace("20261224", "20261225"))).isNotEqualTo(CODEC.twinKey(v20));
    }

    @Test
    void tasksAreKeyedBySummaryAndDue() {
        String task = ical("BEGIN:VTODO", "SUMMARY:Pay bills", "DUE;VALUE=DATE:20260701", "PRIORITY:3", "END:VTODO");

        assertThat(CODEC.twinKey(vcal("BEGIN:VTODO", "SUMMARY:pay  bills", "DUE:20260701T000000", "PRIORITY:1",
                "STATUS:COMPLETED", "END:VTODO"))).isEqualTo(CODEC.twinKey(task));
        assertThat(CODEC.twinKey(task.replace("20260701", "20260702"))).isNotEqualTo(CODEC.twinKey(task));
        assertThat(CODEC.twinKey(task.replace("Pay bills", "Pay rent"))).isNotEqualTo(CODEC.twinKey(task));
        assertThat(CODEC.twinKey(ical("BEGIN:VTODO", "SUMMARY:Pay bills", "END:VTODO")))
                .isNotEqualTo(CODEC.twinKey(task));
    }

    // ---- window ---------------------------------------------------------------------------------------------------

    @Test
    void aSingleEventSpansItsStartAndEnd() {
        CalendarWindow w = CODEC.window(BASE).orElseThrow();

        assertThat(w.firstStart()).isEqualTo(Instant.parse("2026-11-10T08:30:00Z"));
        assertThat(w.lastEnd()).contains(Instant.parse("2026-11-10T09:30:00Z"));
        assertThat(w.recurring()).isFalse();
        assertThat(w.overlaps(Instant.parse("2026-11-10T09:00:00Z"), Instant.parse("2026-11-11T00:00:00Z"))).isTrue();
        assertThat(w.overlaps(Instant.parse("2026-11-10T09:30:00Z"), Instant.parse("2026-11-11T00:00:00Z"))).isFalse();
    }

    @Test
    void recurringEventsSpanToTheirLastOccurrenceOrForEver() {
        String count = CalendarCorpusTest.item("e11-daily-count");
        String until = CalendarCorpusTest.item("e14-weekly-mwf-dst-newyork");
        String endless = CalendarCorpusTest.item("e19-monthly-first-monday-forever");

        assertThat(CODEC.window(count).orElseThrow().lastEnd()).contains(Instant.parse("2026-04-02T06:15:00Z"));
        assertThat(CODEC.window(until).orElseThrow().lastEnd()).contains(Instant.parse("2026-04-01T00:30:00Z"));
        CalendarWindow forever = CODEC.window(endless).orElseThrow();
        assertThat(forever.unbounded()).isTrue();
        assertThat(forever.recurring()).isTrue();
        assertThat(forever.overlaps(Instant.parse("2090-01-01T00:00:00Z"), Instant.parse("2090-02-01T00:00:00Z")))
                .isTrue();
        // the same from the 1.0 form
        assertThat(CODEC.window(CalendarCorpusTest.v10("e11-daily-count"))).isEqualTo(CODEC.window(count));
    }

    @Test
    void allDayAndFloatingItemsAreReadInTheGivenZone() {
        String allDay = CalendarCorpusTest.item("e07-allday-single");

        assertThat(CODEC.window(allDay).orElseThrow().firstStart()).isEqualTo(Instant.parse("2026-12-24T00:00:00Z"));
        CalendarWindow berlin = CODEC.window(allDay, ZoneId.of("Europe/Berlin")).orElseThrow();
        assertThat(berlin.firstStart()).isEqualTo(Instant.parse("2026-12-23T23:00:00Z"));
        assertThat(berlin.lastEnd()).contains(Instant.parse("2026-12-24T23:00:00Z"));
    }

    @Test
    void tasksSpanToTheirDueAndTasksWithoutDatesHaveNone() {
        assertThat(CODEC.window(CalendarCorpusTest.item("t02-due-utc-in-process")).orElseThrow().lastEnd())
                .contains(Instant.parse("2026-04-15T16:00:00Z"));
        assertThat(CODEC.window(CalendarCorpusTest.item("t06-floating-start-due")).orElseThrow())
                .isEqualTo(new CalendarWindow(Instant.parse("2026-03-01T09:00:00Z"),
                        Optional.of(Instant.parse("2026-03-05T18:00:00Z")), false));
        assertThat(CODEC.window(CalendarCorpusTest.item("t05-no-due"))).isEmpty();
    }

    // ---- occursBetween ----------------------------------------------------------------------------------------

    @Test
    void aRecurringEventIsInsideAWindowWhenAnOccurrenceIs() {
        String daily = CalendarCorpusTest.item("e12-daily-until-exdates"); // 1-30 June, 07:00 Berlin, not 6, 7, 13

        assertThat(CODEC.occursBetween(daily, i("2026-06-10T00:00:00Z"), i("2026-06-11T00:00:00Z"))).isTrue();
        assertThat(CODEC.occursBetween(daily, i("2026-06-06T00:00:00Z"), i("2026-06-08T00:00:00Z")))
                .as("both days excepted").isFalse();
        assertThat(CODEC.occursBetween(daily, i("2026-06-13T00:00:00Z"), i("2026-06-14T00:00:00Z"))).isFalse();
        assertThat(CODEC.occursBetween(daily, i("2026-06-10T05:30:00Z"), i("2026-06-10T06:00:00Z")))
                .as("between two occurrences").isFalse();
        assertThat(CODEC.occursBetween(daily, i("2026-06-10T05:29:00Z"), i("2026-06-10T05:31:00Z")))
                .as("during one").isTrue();
        assertThat(CODEC.occursBetween(daily, i("2026-07-01T00:00:00Z"), i("2027-01-01T00:00:00Z"))).isFalse();
        // the 1.0 form answers the same
        String v10 = CalendarCorpusTest.v10("e12-daily-until-exdates");
        assertThat(CODEC.occursBetween(v10, i("2026-06-06T00:00:00Z"), i("2026-06-08T00:00:00Z"))).isFalse();
        assertThat(CODEC.occursBetween(v10, i("2026-06-10T00:00:00Z"), i("2026-06-11T00:00:00Z"))).isTrue();
    }

    @Test
    void endlessRulesAreExpandedToTheWindowWhereverItIs() {
        String firstMonday = CalendarCorpusTest.item("e19-monthly-first-monday-forever");

        assertThat(CODEC.occursBetween(firstMonday, i("2035-03-05T17:00:00Z"), i("2035-03-05T19:00:00Z"))).isTrue();
        assertThat(CODEC.occursBetween(firstMonday, i("2035-03-06T00:00:00Z"), i("2035-03-31T00:00:00Z"))).isFalse();
        String birthday = CalendarCorpusTest.item("e10-allday-yearly-birthday");
        assertThat(CODEC.occursBetween(birthday, i("2031-06-12T12:00:00Z"), i("2031-06-12T13:00:00Z"))).isTrue();
        assertThat(CODEC.occursBetween(birthday, i("2031-06-13T00:00:00Z"), i("2032-06-12T00:00:00Z"))).isFalse();
    }

    @Test
    void singleItemsAndTasks() {
        assertThat(CODEC.occursBetween(BASE, i("2026-11-01T00:00:00Z"), i("2026-12-01T00:00:00Z"))).isTrue();
        assertThat(CODEC.occursBetween(BASE, i("2026-12-01T00:00:00Z"), i("2027-01-01T00:00:00Z"))).isFalse();
        String task = CalendarCorpusTest.item("t02-due-utc-in-process");
        assertThat(CODEC.occursBetween(task, i("2026-04-15T16:00:00Z"), i("2026-04-16T00:00:00Z"))).isTrue();
        assertThat(CODEC.occursBetween(task, i("2026-04-16T00:00:00Z"), i("2026-04-17T00:00:00Z"))).isFalse();
    }

    @Test
    void kindAndDetect() {
        assertThat(CODEC.kind(BASE)).isEqualTo(CalendarKind.EVENT);
        assertThat(CODEC.kind(CalendarCorpusTest.v10("t01-due-date-high"))).isEqualTo(CalendarKind.TODO);
        assertThat(CODEC.detect(BASE)).isEqualTo(CalendarFormat.ICALENDAR_20);
        assertThat(CODEC.detect("BEGIN:VCALENDAR\nversion: 2.0 \nEND:VCALENDAR")).isEqualTo(CalendarFormat.ICALENDAR_20);
        assertThat(CODEC.detect(CalendarCorpusTest.v10("e01-berlin-single"))).isEqualTo(CalendarFormat.VCALENDAR_10);
        assertThat(CODEC.detect(null)).isEqualTo(CalendarFormat.VCALENDAR_10);
    }

    private static Instant i(String s) {
        return Instant.parse(s);
    }
}
