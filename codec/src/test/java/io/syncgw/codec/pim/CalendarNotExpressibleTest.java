package io.syncgw.codec.pim;

import static io.syncgw.codec.pim.CalendarCodecConversionTest.ical;
import static io.syncgw.codec.pim.TestCards.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every property vCalendar 1.0 cannot express: listed in {@link CalendarCodec#NOT_EXPRESSIBLE_IN_10} and in the
 * README table, absent from what a 1.0 device receives, and back after an update from that device.
 */
class CalendarNotExpressibleTest {

    private static final CalendarCodec CODEC = new CalendarCodec();

    /** An event holding an example of each entry, with the text that shows it in 2.0 (unfolded). */
    private static final String EVENT = ical(
            "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "BEGIN:VEVENT", "UID:sink", "DTSTAMP:20260101T000000Z",
            "DTSTART;TZID=Europe/Berlin:20260302T090000", "DURATION:PT1H",
            "RECURRENCE-ID;TZID=Europe/Berlin:20260302T090000",
            "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,SU;INTERVAL=2;WKST=MO;COUNT=4",
            "RRULE:FREQ=MONTHLY;BYSETPOS=1;BYDAY=MO;BYWEEKNO=10;BYHOUR=9;COUNT=2",
            "SUMMARY:sink", "COMMENT:a comment", "CONTACT:Jim Dolittle\\, ABC Industries", "REQUEST-STATUS:2.0;Success",
            "COLOR:turquoise", "CONFERENCE;VALUE=URI:https://chat.example.com/audio?id=123456",
            "IMAGE;VALUE=URI:https://example.com/image.png", "ATTACH;ENCODING=BASE64;VALUE=BINARY:QUJD",
            "ATTENDEE;CN=Al;CUTYPE=GROUP;DELEGATED-TO=\"mailto:b@example.com\";DELEGATED-FROM=\"mailto:c@example.com\""
                    + ";SENT-BY=\"mailto:d@example.com\";DIR=\"ldap://example.com/al\";LANGUAGE=de"
                    + ";MEMBER=\"mailto:team@example.com\";PARTSTAT=IN-PROCESS:mailto:al@example.com",
            "X-SYNCGW-NOTE;X-P=\"a:b\":kept", "FOO-BAR:an IANA property of the future",
            "BEGIN:VALARM", "ACTION:EMAIL", "TRIGGER:-P1D", "SUMMARY:s", "DESCRIPTION:d",
            "ATTENDEE:mailto:me@example.com", "END:VALARM",
            "BEGIN:VALARM", "ACTION:PROCEDURE", "TRIGGER:-PT1H", "ATTACH:ftp://example.com/run.exe", "END:VALARM",
            "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER;RELATED=END:-PT5M", "DESCRIPTION:ends soon", "END:VALARM",
            "END:VEVENT");

    private static final String TASK = ical("BEGIN:VTODO", "UID:sink-task", "DTSTAMP:20260101T000000Z",
            "SUMMARY:task", "PERCENT-COMPLETE:40", "PRIORITY:3", "CATEGORIES:Work\\, urgent,Home", "END:VTODO");

    /** Each entry and what shows it in the 2.0 text; {@code null} where the entry is about the 1.0 side only. */
    private static final Map<String, String> SHOWN_BY = Map.ofEntries(
            Map.entry("DTSTAMP", "DTSTAMP:20260101T000000Z"),
            Map.entry("PERCENT-COMPLETE", "PERCENT-COMPLETE:40"),
            Map.entry("RECURRENCE-ID", "RECURRENCE-ID;TZID=Europe/Berlin:20260302T090000"),
            Map.entry("COMMENT", "COMMENT:a comment"),
            Map.entry("CONTACT", "CONTACT:Jim Dolittle\\, ABC Industries"),
            Map.entry("REQUEST-STATUS", "REQUEST-STATUS:2.0;Success"),
            Map.entry("COLOR", "COLOR:turquoise"),
            Map.entry("CONFERENCE", "CONFERENCE;VALUE=URI:https://chat.example.com/audio?id=123456"),
            Map.entry("IMAGE", "IMAGE;VALUE=URI:https://example.com/image.png"),
            Map.entry("CALSCALE", "CALSCALE:GREGORIAN"),
            Map.entry("METHOD", "METHOD:PUBLISH"),
            Map.entry("TZID", "DTSTART;TZID=Europe/Berlin:20260302T090000"),
            Map.entry("DURATION", "DURATION:PT1H"),
            Map.entry("RRULE:BYSETPOS", "BYSETPOS=1"),
            Map.entry("RRULE:BYWEEKNO", "BYWEEKNO=10"),
            Map.entry("RRULE:BYHOUR", "BYHOUR=9"),
            Map.entry("RRULE:SECOND-RULE", "RRULE:FREQ=MONTHLY;BYSETPOS=1"),
            Map.entry("RRULE:WKST", "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,SU;INTERVAL=2;WKST=MO;COUNT=4"),
            Map.entry("PRIORITY:2-4,6-8", "PRIORITY:3"),
            Map.entry("CATEGORIES:COMMA", "CATEGORIES:Work\\, urgent,Home"),
            Map.entry("ATTENDEE;CUTYPE", "CUTYPE=GROUP"),
            Map.entry("ATTENDEE;DELEGATED-TO", "DELEGATED-TO="),
            Map.entry("ATTENDEE;DELEGATED-FROM", "DELEGATED-FROM="),
            Map.entry("ATTENDEE;SENT-BY", "SENT-BY="),
            Map.entry("ATTENDEE;DIR", "DIR="),
            Map.entry("ATTENDEE;LANGUAGE", "LANGUAGE=de"),
            Map.entry("ATTENDEE;MEMBER", "MEMBER="),
            Map.entry("ATTENDEE;PARTSTAT=IN-PROCESS", "PARTSTAT=IN-PROCESS"),
            Map.entry("ATTACH;VALUE=BINARY", "ATTACH;ENCODING=BASE64;VALUE=BINARY:QUJD"),
            Map.entry("VALARM:ACTION=EMAIL", "ACTION:EMAIL"),
            Map.entry("VALARM:ACTION=PROCEDURE", "ACTION:PROCEDURE"),
            Map.entry("VALARM:RELATED=END", "TRIGGER;RELATED=END:-PT5M"),
            Map.entry("X-PARAM;VALUE", "X-P=\"a:b\""),
            Map.entry("IANA-PROPERTY", "FOO-BAR:an IANA property of the future"));

    /** Entries shown by the 1.0 form of other items (tested in the corpus and conversion tests). */
    private static final Set<String> ELSEWHERE = Set.of("RRULE:SUB-DAILY", "RRULE:YEARLY-BYDAY");

    @Test
    void everyEntryIsInTheReadmeTable() throws IOException {
        String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("## Calendar conversion: what vCalendar 1.0 cannot express");
        assertThat(section).isPositive();
        String table = readme.substring(section);
        for (String entry : CalendarCodec.NOT_EXPRESSIBLE_IN_10) {
            assertThat(table).as(entry).contains("`" + entry + "`");
        }
    }

    @Test
    void everyEntryHasAnExampleHere() {
        for (String entry : CalendarCodec.NOT_EXPRESSIBLE_IN_10) {
            assertThat(SHOWN_BY.containsKey(entry) || ELSEWHERE.contains(entry)).as(entry).isTrue();
        }
    }

    @Test
    void noneReachesA10DeviceAndAnUpdateFromItKeepsThemAll() {
        for (String item : List.of(EVENT, TASK)) {
            assertThat(Ical4j.validate(item)).isNull();
            String v10 = text(CODEC.convert(item, CalendarFormat.VCALENDAR_10));
            String edited = v10.replace("SUMMARY:sink", "SUMMARY:sink edited").replace("SUMMARY:task",
                    "SUMMARY:task edited");

            String merged = text(CODEC.merge(item, edited, Set.of())).replace("\r\n ", "");

            for (Map.Entry<String, String> e : SHOWN_BY.entrySet()) {
                if (!item.contains(e.getValue())) {
                    continue;
                }
                assertThat(v10.replace("\r\n ", "")).as(e.getKey()).doesNotContain(e.getValue());
                assertThat(merged).as(e.getKey()).contains(e.getValue());
            }
            assertThat(merged).contains("SUMMARY:" + (item == EVENT ? "sink" : "task") + " edited");
        }
    }

    @Test
    void theSinkStillGoesToA10DeviceWithWhatItCanHold() {
        String v10 = text(CODEC.convert(EVENT, CalendarFormat.VCALENDAR_10));

        assertThat(v10).contains("\r\nDTSTART:20260302T080000Z\r\n", "\r\nDTEND:20260302T090000Z\r\n",
                "\r\nSUMMARY:sink\r\n", "\r\nATTENDEE;ROLE=ATTENDEE:Al <al@example.com>\r\n",
                "\r\nX-SYNCGW-NOTE:kept\r\n", "\r\nDALARM:20260302T085500Z;;;ends soon\r\n", "\r\nRDATE:");
    }
}
