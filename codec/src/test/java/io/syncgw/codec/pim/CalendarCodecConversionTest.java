package io.syncgw.codec.pim;

import static io.syncgw.codec.pim.TestCards.crlf;
import static io.syncgw.codec.pim.TestCards.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.fortuna.ical4j.model.Component;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** vCalendar 1.0 as phones send it, read into iCalendar 2.0; and the 2.0 &rarr; 1.0 decisions one by one. */
class CalendarCodecConversionTest {

    private static final CalendarCodec CODEC = new CalendarCodec();

    static String vcal(String... itemLines) {
        List<String> lines = new ArrayList<>(List.of("BEGIN:VCALENDAR", "VERSION:1.0"));
        lines.addAll(List.of(itemLines));
        lines.add("END:VCALENDAR");
        return crlf(lines.toArray(new String[0]));
    }

    static String ical(String... itemLines) {
        List<String> lines = new ArrayList<>(List.of("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"));
        lines.addAll(List.of(itemLines));
        lines.add("END:VCALENDAR");
        return crlf(lines.toArray(new String[0]));
    }

    static String to20(String v10) {
        return text(CODEC.convert(v10, CalendarFormat.ICALENDAR_20));
    }

    static String to10(String v20) {
        return text(CODEC.convert(v20, CalendarFormat.VCALENDAR_10));
    }

    static Component parsed(String v20) {
        return IcalOracle.item(IcalOracle.parse(v20));
    }

    // ---- recurrence rules ---------------------------------------------------------------------------------------

    /** The brief's 1.0 rules, read as 2.0 rules; each also expands to the expected occurrences. */
    static Stream<Arguments> rules10() {
        return Stream.of(
                Arguments.of("D1 #10", "FREQ=DAILY;INTERVAL=1;COUNT=10", 10),
                Arguments.of("W2 MO TU #0", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU", 106),
                Arguments.of("MP1 1+ MO", "FREQ=MONTHLY;INTERVAL=1;BYDAY=1MO;COUNT=2", 2),
                Arguments.of("MP1 1- FR #3", "FREQ=MONTHLY;INTERVAL=1;BYDAY=-1FR;COUNT=3", 3),
                Arguments.of("MP1 1+ 3+ MO #0", "FREQ=MONTHLY;INTERVAL=1;BYDAY=1MO,3MO", 49),
                Arguments.of("MD1 15 #4", "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=15;COUNT=4", 4),
                Arguments.of("MD1 1 1- #0", "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=1,-1", 48),
                Arguments.of("MD1 LD #2", "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=-1;COUNT=2", 2),
                Arguments.of("YM1 6 #3", "FREQ=YEARLY;INTERVAL=1;BYMONTH=6;COUNT=3", 2),
                Arguments.of("YD1 100 #2", "FREQ=YEARLY;INTERVAL=1;BYYEARDAY=100;COUNT=2", 2),
                Arguments.of("D1 20271231T000000Z", "FREQ=DAILY;INTERVAL=1;UNTIL=20271231T000000Z", 725),
                // #n counts intervals: two days a week for 3 weeks (the versit reading, and Synthesis')
                Arguments.of("W1 MO WE #3", "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;UNTIL=20260124T235959Z", 6),
                // neither count nor end: the versit default #2
                Arguments.of("D2", "FREQ=DAILY;INTERVAL=2;COUNT=2", 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules10")
    void readsTheRules(String rule10, String rule20, int occurrencesInTwoYears) {
        String v10 = vcal("BEGIN:VEVENT", "DTSTART:20260105T090000Z", "DTEND:20260105T100000Z", "RRULE:" + rule10,
                "SUMMARY:r", "END:VEVENT");

        String v20 = to20(v10);

        assertThat(v20).contains("\r\nRRULE:" + rule20 + "\r\n");
        assertThat(IcalOracle.occurrences(parsed(v20), 2)).as(IcalOracle.occurrences(parsed(v20), 2).toString())
                .hasSize(occurrencesInTwoYears);
    }

    static Stream<Arguments> rules20() {
        return Stream.of(
                Arguments.of("FREQ=DAILY;COUNT=10", "D1 #10"),
                Arguments.of("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU", "W2 MO TU #0"),
                Arguments.of("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4", "W1 MO WE 20260114T090000Z"),
                Arguments.of("FREQ=MONTHLY;BYDAY=1MO", "MP1 1+ MO #0"),
                Arguments.of("FREQ=MONTHLY;BYDAY=-1FR,2TU;COUNT=5", "MP1 2+ TU 1- FR 20260310T090000Z"),
                Arguments.of("FREQ=MONTHLY;BYMONTHDAY=15", "MD1 15 #0"),
                Arguments.of("FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20261231T235959Z", "MD1 1- 20261231T235959Z"),
                Arguments.of("FREQ=YEARLY;BYMONTH=6;COUNT=3", "YM1 6 #3"),
                Arguments.of("FREQ=YEARLY;BYMONTH=1;BYDAY=2MO", "MP12 2+ MO #0"),
                Arguments.of("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", "W1 MO TU WE TH FR #0"),
                Arguments.of("FREQ=YEARLY", "YM1 1 #0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules20")
    void writesTheRules(String rule20, String rule10) {
        String v20 = ical("BEGIN:VEVENT", "UID:r", "DTSTAMP:20260101T000000Z", "DTSTART:20260105T090000Z",
                "DTEND:20260105T100000Z", "RRULE:" + rule20, "SUMMARY:r", "END:VEVENT");

        String v10 = to10(v20);

        assertThat(v10).contains("\r\nRRULE:" + rule10 + "\r\n");
        assertThat(IcalOracle.occurrences(parsed(to20(v10)), 2)).isEqualTo(IcalOracle.occurrences(parsed(v20), 2));
    }

    @Test
    void aFiniteRule10CannotExpressIsWrittenAsItsOccurrences() {
        String v20 = ical("BEGIN:VEVENT", "UID:r", "DTSTAMP:20260101T000000Z", "DTSTART:20260130T090000Z",
                "DTEND:20260130T100000Z", "RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3",
                "SUMMARY:last weekday", "END:VEVENT");

        String v10 = to10(v20);

        assertThat(v10).contains("\r\nRDATE:20260227T090000Z;20260331T090000Z\r\n").doesNotContain("RRULE");
        assertThat(IcalOracle.occurrences(parsed(to20(v10)), 2)).isEqualTo(IcalOracle.occurrences(parsed(v20), 2));
    }

    // ---- time zones -----------------------------------------------------------------------------------------------

    @Test
    void tzAndDaylightAreMatchedToAnIanaZone() {
        String v10 = vcal("TZ:+01:00", "DAYLIGHT:TRUE;+02:00;20260329T010000Z;20261025T010000Z;CET;CEST",
                "BEGIN:VEVENT", "DTSTART:20261005T080000Z", "DTEND:20261005T090000Z", "RRULE:W1 MO #10",
                "SUMMARY:weekly", "END:VEVENT");

        String v20 = to20(v10);

        assertThat(v20).contains("\r\nTZID:Europe/Berlin\r\n", "\r\nDTSTART;TZID=Europe/Berlin:20261005T100000\r\n");
        // the meeting stays at 10:00 local after the clock change on 25 October
        assertThat(IcalOracle.occurrences(parsed(v20), 1)).contains("i2026-10-26T09:00:00Z", "i2026-10-19T08:00:00Z");
    }

    @Test
    void localTimesWithTzAndDaylightWrittenInLocalTimeAreMatchedToo() {
        String v10 = vcal("TZ:-05", "DAYLIGHT:TRUE;-04;20260308T020000;20261101T020000;EST;EDT",
                "BEGIN:VEVENT", "DTSTART:20260710T090000", "DTEND:20260710T100000", "SUMMARY:local", "END:VEVENT");

        String v20 = to20(v10);

        assertThat(v20).contains("\r\nDTSTART;TZID=America/New_York:20260710T090000\r\n");
        assertThat(IcalOracle.key(IcalOracle.date(parsed(v20), "DTSTART"))).isEqualTo("i2026-07-10T13:00:00Z");
    }

    /**
     * CalendarCodecFuzzTest, crash-d36ab0da: a 1.0 event in Sydney ending 100 years later got a VTIMEZONE listing
     * every transition up to then (200 RDATE lines, a 5 KB item that took 5 MB to read each time); one ending in 9999
     * would have got 16,000 lines, more than the codec reads back. A range longer than Zones.MAX_EXPLICIT_YEARS gets
     * the zone's yearly rules, as an endless one does.
     */
    @Test
    void aLongRangeGetsTheCompactVtimezone() {
        for (String end : new String[] {"21261130T221500Z", "99991130T221500Z"}) {
            String v10 = vcal("TZ:+10:00", "DAYLIGHT:TRUE;+11:00;20261003T160000Z;20270403T160000Z;AEST;AEDT",
                    "BEGIN:VEVENT", "DTSTART:20261130T213000Z", "DTEND:" + end, "SUMMARY:long", "END:VEVENT");
            String v20 = to20(v10);
            assertThat(v20).contains("\r\nTZID:Australia/Sydney\r\n", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU")
                    .doesNotContain("RDATE");
            assertThat(v20.length()).isLessThan(1_000);
            assertThat(CODEC.convert(v20, CalendarFormat.ICALENDAR_20)).isEqualTo(new ConversionResult.Converted(v20));
            assertThat(IcalOracle.key(IcalOracle.date(parsed(v20), "DTSTART"))).isEqualTo("i2026-11-30T21:30:00Z");
        }
        // a short range still lists its transitions
        String v10 = vcal("TZ:+10:00", "DAYLIGHT:TRUE;+11:00;20261003T160000Z;20270403T160000Z;AEST;AEDT",
                "BEGIN:VEVENT", "DTSTART:20261130T213000Z", "DTEND:20281130T221500Z", "SUMMARY:long", "END:VEVENT");
        assertThat(to20(v10)).contains("RDATE").doesNotContain("RRULE");
    }

    /**
     * CalendarCodecFuzzTest, crash-208bf621: a generated VTIMEZONE describes the zone from 1970 at the earliest, not
     * its whole history (New York's goes back to 1883: 240 transitions in every copy of an item from the year 26).
     */
    @Test
    void aGeneratedVtimezoneStartsIn1970AtTheEarliest() {
        for (String start : new String[] {"00260302T140000Z", "19500302T140000Z"}) {
            String v10 = vcal("TZ:-05:00", "DAYLIGHT:TRUE;-04:00;20260308T070000Z;20261101T060000Z;EST;EDT",
                    "BEGIN:VEVENT", "DTSTART:" + start, "DTEND:" + start.substring(0, 8) + "T143000Z",
                    "RRULE:W1 MO WE FR 20260401T000000Z", "SUMMARY:Spin class", "END:VEVENT");
            String v20 = to20(v10);
            assertThat(v20).contains("\r\nTZID:America/New_York\r\n", "\r\nRDATE:19700426T020000\r\n")
                    .doesNotContain("RDATE:1968", "\r\nDTSTART:18831118");
            assertThat(v20.split("RDATE", -1).length - 1).isLessThan(100);
            assertThat(CODEC.convert(v20, CalendarFormat.ICALENDAR_20)).isEqualTo(new ConversionResult.Converted(v20));
        }
    }

    /**
     * The calendar twin of VCardCodecFuzzTest's crash-84eea810 (found by review, not yet by the fuzzer): a 2.0 line
     * {@code X-A;X-P=QUOTED-PRINTABLE:abc=} was written to 1.0 with its parameter, and the codec's 1.0 reader (like
     * phones) took the mention for the encoding: the '=' swallowed END:VEVENT and the codec refused its own output.
     * The 1.0 writer leaves such parameters out, and the reader looks at parameters only, not at property names.
     */
    @Test
    void aParameterMentioningQuotedPrintableCannotBreakA10Item() {
        String v20 = ical("BEGIN:VEVENT", "UID:a", "DTSTAMP:20260101T000000Z", "DTSTART:20260101T090000Z",
                "X-A;X-P=QUOTED-PRINTABLE:abc=", "X-QUOTED-PRINTABLE:def=", "END:VEVENT");
        String v10 = text(CODEC.convert(v20, CalendarFormat.VCALENDAR_10));
        assertThat(v10).contains("\r\nX-A:abc=\r\n", "\r\nX-QUOTED-PRINTABLE:def=\r\n")
                .doesNotContain("X-P=");
        assertThat(CODEC.convert(v10, CalendarFormat.VCALENDAR_10)).isEqualTo(new ConversionResult.Converted(v10));
        assertThat(CODEC.convert(v10, CalendarFormat.ICALENDAR_20)).isInstanceOf(ConversionResult.Converted.class);
    }

    @Test
    void tzWithoutAMatchingZoneGivesUtc() {
        String v10 = vcal("TZ:+03:17", "BEGIN:VEVENT", "DTSTART:20260710T090000", "SUMMARY:odd offset", "END:VEVENT");

        assertThat(to20(v10)).contains("\r\nDTSTART:20260710T054300Z\r\n");
    }

    @Test
    void noTzMeansFloatingTime() {
        String v10 = vcal("BEGIN:VEVENT", "DTSTART:20260710T090000", "DTEND:20260710T100000", "SUMMARY:f",
                "END:VEVENT");

        assertThat(to20(v10)).contains("\r\nDTSTART:20260710T090000\r\n", "\r\nDTEND:20260710T100000\r\n");
    }

    @Test
    void zonedTimesAreWrittenInUtcWithTzAndDaylightForTheYearsConcerned() {
        String v20 = ical("BEGIN:VEVENT", "UID:z", "DTSTAMP:20260101T000000Z",
                "DTSTART;TZID=Europe/Berlin:20261230T100000", "RRULE:FREQ=WEEKLY;COUNT=3", "SUMMARY:z", "END:VEVENT");

        String v10 = to10(v20);

        assertThat(v10).contains("\r\nTZ:+01:00\r\n", "\r\nDTSTART:20261230T090000Z\r\n",
                "\r\nDAYLIGHT:TRUE;+02:00;20260329T010000Z;20261025T010000Z;CET;CEST\r\n",
                "\r\nDAYLIGHT:TRUE;+02:00;20270328T010000Z;20271031T010000Z;CET;CEST\r\n");
    }

    @Test
    void aZoneWithoutDaylightSavingTimeSaysSo() {
        String v20 = ical("BEGIN:VEVENT", "UID:k", "DTSTAMP:20260101T000000Z",
                "DTSTART;TZID=Asia/Kolkata:20260710T100000", "SUMMARY:k", "END:VEVENT");

        String v10 = to10(v20);

        assertThat(v10).contains("\r\nTZ:+05:30\r\nDAYLIGHT:FALSE\r\n", "\r\nDTSTART:20260710T043000Z\r\n");
        assertThat(to20(v10)).contains("\r\nDTSTART;TZID=Asia/Kolkata:20260710T100000\r\n");
    }

    @Test
    void anUnknownTzidWithoutVtimezoneIsFloating() {
        String v20 = ical("BEGIN:VEVENT", "UID:u", "DTSTAMP:20260101T000000Z", "DTSTART;TZID=Mars/Olympus:20260710T100000",
                "SUMMARY:u", "END:VEVENT");

        assertThat(to10(v20)).contains("\r\nDTSTART:20260710T100000\r\n").doesNotContain("TZ:");
    }

    // ---- all-day --------------------------------------------------------------------------------------------------

    static Stream<Arguments> allDay10() {
        return Stream.of(
                Arguments.of("midnight to midnight", List.of("DTSTART:20261224T000000", "DTEND:20261225T000000"),
                        "20261224", "20261225"),
                Arguments.of("midnight to 23:59:59", List.of("DTSTART:20261224T000000", "DTEND:20261224T235959"),
                        "20261224", "20261225"),
                Arguments.of("multi-day to 23:59", List.of("DTSTART:20261224T000000", "DTEND:20261226T235900"),
                        "20261224", "20261227"),
                Arguments.of("date only", List.of("DTSTART:20261224", "DTEND:20261226"), "20261224", "20261226"),
                Arguments.of("Funambol hint", List.of("X-FUNAMBOL-ALLDAY:1", "DTSTART:20261224T000000",
                        "DTEND:20261224T000000"), "20261224", "20261225"),
                Arguments.of("S60 entry type", List.of("X-EPOCAGENDAENTRYTYPE:EVENT", "DTSTART:20261224T000000"),
                        "20261224", "20261225"),
                Arguments.of("hint with UTC times of a +01:00 phone", List.of("X-FUNAMBOL-ALLDAY:TRUE",
                        "DTSTART:20261223T230000Z", "DTEND:20261225T225959Z"), "20261224", "20261226"),
                Arguments.of("CDO hint with UTC times", List.of("X-MICROSOFT-CDO-ALLDAYEVENT:TRUE",
                        "DTSTART:20261223T230000Z", "DTEND:20261224T230000Z"), "20261224", "20261225"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allDay10")
    void readsAllDayConventions(String convention, List<String> lines, String start, String end) {
        List<String> item = new ArrayList<>(List.of("BEGIN:VEVENT", "SUMMARY:all day"));
        item.addAll(lines);
        item.add("END:VEVENT");

        String v20 = to20(vcal(item.toArray(new String[0])));

        assertThat(v20).contains("\r\nDTSTART;VALUE=DATE:" + start + "\r\n", "\r\nDTEND;VALUE=DATE:" + end + "\r\n")
                .doesNotContain("X-FUNAMBOL-ALLDAY", "X-MICROSOFT-CDO-ALLDAYEVENT");
    }

    @Test
    void aTimedEventInUtcIsNotMistakenForAllDay() {
        String v20 = ical("BEGIN:VEVENT", "UID:n", "DTSTAMP:20260101T000000Z",
                "DTSTART;TZID=Europe/Berlin:20261224T000000", "DTEND;TZID=Europe/Berlin:20261225T000000",
                "SUMMARY:24 hours", "END:VEVENT");

        String back = to20(to10(v20));

        assertThat(back).contains("\r\nDTSTART;TZID=Europe/Berlin:20261224T000000\r\n")
                .doesNotContain("VALUE=DATE");
    }

    // ---- alarms ---------------------------------------------------------------------------------------------------

    @Test
    void readsAalarmAndDalarmAsRelativeTriggers() {
        String v10 = vcal("BEGIN:VEVENT", "DTSTART:20260710T090000Z", "DTEND:20260710T100000Z", "SUMMARY:a",
                "AALARM;TYPE=WAVE;VALUE=URL:20260710T084500Z;PT5M;2;file:///beep.wav",
                "DALARM:20260709T090000Z;;;Tomorrow\\; really", "END:VEVENT");

        String v20 = to20(v10);

        assertThat(v20).contains("BEGIN:VALARM\r\nACTION:AUDIO\r\nTRIGGER:-PT15M\r\nATTACH:file:///beep.wav\r\n"
                + "REPEAT:2\r\nDURATION:PT5M\r\nEND:VALARM",
                "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-P1D\r\nDESCRIPTION:Tomorrow\\; really\r\nEND:VALARM");
        assertThat(to10(v20)).contains("\r\nAALARM:20260710T084500Z;PT5M;2;file:///beep.wav\r\n",
                "\r\nDALARM:20260709T090000Z;;;Tomorrow\\; really\r\n");
    }

    @Test
    void anAlarmAfterAMoveKeepsItsOffset() {
        String v10 = vcal("BEGIN:VEVENT", "DTSTART:20260710T090000Z", "DALARM:20260710T083000Z", "SUMMARY:m",
                "END:VEVENT");
        String moved = to20(v10).replace("DTSTART:20260710T090000Z", "DTSTART:20260712T090000Z");

        assertThat(to10(moved)).contains("\r\nDALARM:20260712T083000Z;;;m\r\n");
    }

    // ---- tasks ----------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "2.0 {0} -> 1.0 {1} -> 2.0 {2}")
    @CsvSource({"0,0,0", "1,1,1", "2,1,1", "4,1,1", "5,2,5", "6,3,9", "9,3,9"})
    void mapsPriorities(String p20, String p10, String back) {
        String v20 = ical("BEGIN:VTODO", "UID:p", "DTSTAMP:20260101T000000Z", "SUMMARY:p", "PRIORITY:" + p20,
                "END:VTODO");

        String v10 = to10(v20);

        if (p10 == null) {
            assertThat(v10).doesNotContain("PRIORITY");
        } else {
            assertThat(v10).contains("\r\nPRIORITY:" + p10 + "\r\n");
            assertThat(to20(v10)).contains("\r\nPRIORITY:" + back + "\r\n");
        }
    }

    @ParameterizedTest(name = "{0} <-> {1}")
    @CsvSource({"NEEDS-ACTION,NEEDS ACTION", "COMPLETED,COMPLETED", "IN-PROCESS,ACCEPTED", "CANCELLED,DECLINED"})
    void mapsTaskStatus(String s20, String s10) {
        String v20 = ical("BEGIN:VTODO", "UID:s", "DTSTAMP:20260101T000000Z", "SUMMARY:s", "STATUS:" + s20,
                "END:VTODO");

        String v10 = to10(v20);

        assertThat(v10).contains("\r\nSTATUS:" + s10 + "\r\n");
        assertThat(to20(v10)).contains("\r\nSTATUS:" + s20 + "\r\n");
    }

    @Test
    void readsTasksAsPhonesWriteThem() {
        String v10 = vcal("BEGIN:VTODO", "DUE:20260701T000000", "COMPLETED:20260630T081500Z", "PRIORITY:2",
                "STATUS:NEEDS_ACTION", "SUMMARY;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Garage aufr=E4umen",
                "CATEGORIES:Home;Weekend", "CLASS:private", "END:VTODO");

        String v20 = to20(v10);

        assertThat(v20).contains("\r\nDUE;VALUE=DATE:20260701\r\n", "\r\nCOMPLETED:20260630T081500Z\r\n",
                "\r\nPRIORITY:5\r\n", "\r\nSTATUS:NEEDS-ACTION\r\n", "\r\nSUMMARY:Garage aufräumen\r\n",
                "\r\nCATEGORIES:Home,Weekend\r\n", "\r\nCLASS:PRIVATE\r\n");
    }

    // ---- text -----------------------------------------------------------------------------------------------------

    @Test
    void readsQuotedPrintableInItsCharsetAndSoftLineBreaks() {
        String v10 = vcal("BEGIN:VEVENT", "DTSTART:20260710T090000",
                "SUMMARY;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Stra=C3=9Fe =E6=97=A5=",
                "=E6=9C=AC",
                "LOCATION;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:M=FCnchen",
                "DESCRIPTION;QUOTED-PRINTABLE:eins=0D=0Azwei",
                "END:VEVENT");

        String v20 = to20(v10);

        assertThat(v20).contains("\r\nSUMMARY:Straße 日本\r\n", "\r\nLOCATION:München\r\n",
                "\r\nDESCRIPTION:eins\\nzwei\r\n");
    }

    @Test
    void writesNonAsciiAndLineBreaksAsUtf8QuotedPrintable() {
        String v20 = ical("BEGIN:VEVENT", "UID:q", "DTSTAMP:20260101T000000Z", "DTSTART:20260710T090000Z",
                "SUMMARY:Grüße 😀", "DESCRIPTION:a\\nb\\, c\\; d", "CATEGORIES:A\\,B,C", "END:VEVENT");

        String v10 = to10(v20).replace("=\r\n", ""); // soft line breaks out

        assertThat(v10).contains("\r\nSUMMARY;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Gr=C3=BC=C3=9Fe =F0=9F=98=80\r\n",
                "\r\nDESCRIPTION;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:a=0D=0Ab, c; d\r\n",
                "\r\nCATEGORIES:A,B;C\r\n");
        assertThat(to20(v10)).contains("\r\nSUMMARY:Grüße 😀\r\n", "\r\nDESCRIPTION:a\\nb\\, c\\; d\r\n");
    }

    @Test
    void mapsAttendeesBothWays() {
        String v10 = vcal("BEGIN:VEVENT", "DTSTART:20260710T090000Z", "SUMMARY:m",
                "ATTENDEE;ROLE=ORGANIZER:Petra <petra@example.com>",
                "ATTENDEE;ROLE=ATTENDEE;STATUS=TENTATIVE;RSVP=YES;EXPECT=REQUEST:bob@example.com",
                "END:VEVENT");

        String v20 = to20(v10).replace("\r\n ", ""); // unfolded

        assertThat(v20).contains("\r\nORGANIZER;CN=Petra:mailto:petra@example.com\r\n",
                "\r\nATTENDEE;ROLE=OPT-PARTICIPANT;PARTSTAT=TENTATIVE;RSVP=TRUE:mailto:bob@example.com\r\n");
        assertThat(to10(v20)).contains("\r\nATTENDEE;ROLE=ORGANIZER:Petra <petra@example.com>\r\n",
                "\r\nATTENDEE;ROLE=ATTENDEE;EXPECT=REQUEST;STATUS=TENTATIVE;RSVP=YES:bob@example.com\r\n");
    }

    // ---- pass-through, output form, concurrency ---------------------------------------------------------------

    @Test
    void sameFormatIsPassedThroughByteForByte() {
        String sloppy10 = "begin:vcalendar\nversion:1.0\nbegin:vevent\ndtstart:20260710T090000\nsummary:x\n"
                + "end:vevent\nend:vcalendar";
        String odd20 = CalendarCorpusTest.item("e29-utf8-texts").replace("\r\n", "\n") + "\n\n";
        String noVersion = "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nSUMMARY:t\r\nEND:VTODO\r\nEND:VCALENDAR";

        assertThat(text(CODEC.convert(sloppy10, CalendarFormat.VCALENDAR_10))).isEqualTo(sloppy10);
        assertThat(text(CODEC.convert(odd20, CalendarFormat.ICALENDAR_20))).isEqualTo(odd20);
        assertThat(text(CODEC.convert(noVersion, CalendarFormat.VCALENDAR_10))).isEqualTo(noVersion);
        assertThat(CODEC.detect(noVersion)).isEqualTo(CalendarFormat.VCALENDAR_10);
        assertThat(CODEC.kind(sloppy10)).isEqualTo(CalendarKind.EVENT);
    }

    @Test
    void output20IsFoldedByOctetsAndGetsAProdIdOnlyWhenThereWasNone() {
        String v10 = vcal("BEGIN:VEVENT", "DTSTART:20260710T090000",
                "DESCRIPTION;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + "=E6=97=A5".repeat(60), "END:VEVENT");

        String v20 = to20(v10);

        assertThat(v20).contains("\r\nPRODID:-//syncgw//NONSGML syncgw//EN\r\n");
        for (String line : v20.split("\r\n")) {
            assertThat(line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(75);
        }
        assertThat(IcalOracle.values(parsed(v20), "DESCRIPTION")).containsExactly("日".repeat(60));
    }

    @Test
    void convertsConcurrentlyLikeSequentially() throws Exception {
        List<String> inputs = new ArrayList<>();
        CalendarCorpusTest.corpus().forEach(name -> {
            inputs.add(CalendarCorpusTest.item(name));
            inputs.add(CalendarCorpusTest.read(CalendarCorpusTest.dir().resolve(name + ".vcs")));
        });
        List<String> sequential = new ArrayList<>();
        for (String input : inputs) {
            sequential.add(both(input));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 3; round++) {
                List<Future<String>> futures = new ArrayList<>();
                for (String input : inputs) {
                    futures.add(pool.submit(() -> both(input)));
                }
                for (int i = 0; i < futures.size(); i++) {
                    assertThat(futures.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(sequential.get(i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String both(String input) {
        return text(CODEC.convert(input, CalendarFormat.VCALENDAR_10)) + text(CODEC.convert(input,
                CalendarFormat.ICALENDAR_20)) + CODEC.twinKey(input) + CODEC.window(input)
                + CODEC.occursBetween(input, Instant.parse("2026-06-01T00:00:00Z"), Instant.parse("2026-07-01T00:00:00Z"))
                + CODEC.merge(input, input, Set.of());
    }
}
