package io.syncgw.codec.pim;

import static io.syncgw.codec.pim.TestCards.crlf;
import static io.syncgw.codec.pim.TestCards.text;
import static org.assertj.core.api.Assertions.assertThat;

import ezvcard.VCard;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import net.fortuna.ical4j.model.Component;
import org.junit.jupiter.api.Test;

/** An update from a limited device never erases what it cannot hold: calendar items and contacts. */
class CalendarMergeTest {

    private static final CalendarCodec CODEC = new CalendarCodec();
    private static final VCardCodec CARDS = new VCardCodec();

    /** The 2.0 original: organizer, attendees (one with CUTYPE), categories, description, class, DTSTAMP. */
    private static final String ORIGINAL = CalendarCorpusTest.item("e30-attendees-categories");

    /** What a 1.0 phone without DESCRIPTION, CATEGORIES and ATTENDEE fields sends back after editing. */
    private static String limitedPhoneEdit() {
        String v10 = CalendarCorpusTest.v10("e30-attendees-categories");
        StringBuilder edited = new StringBuilder();
        for (String line : v10.split("\r\n")) {
            if (line.startsWith("DESCRIPTION") || line.startsWith("CATEGORIES") || line.startsWith("ATTENDEE")) {
                continue;
            }
            edited.append(line.replace("SUMMARY:Project kickoff", "SUMMARY:Project kick-off (moved)")
                    .replace("DTSTART:20261116T090000Z", "DTSTART:20261116T100000Z")
                    .replace("DTEND:20261116T103000Z", "DTEND:20261116T113000Z")).append("\r\n");
        }
        return edited.toString();
    }

    @Test
    void anUpdateFromALimited10DeviceKeepsAttendeesCategoriesAndDescription() {
        Set<String> ctcap = Set.of("BEGIN", "END", "VERSION", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "AALARM",
                "DALARM", "RRULE", "CLASS", "UID");

        String merged = text(CODEC.merge(ORIGINAL, limitedPhoneEdit(), ctcap));

        Component item = IcalOracle.item(IcalOracle.parse(merged));
        Component original = IcalOracle.item(IcalOracle.parse(ORIGINAL));
        assertThat(CODEC.detect(merged)).isEqualTo(CalendarFormat.ICALENDAR_20);
        assertThat(IcalOracle.values(item, "SUMMARY")).containsExactly("Project kick-off (moved)");
        assertThat(IcalOracle.key(IcalOracle.date(item, "DTSTART"))).isEqualTo("i2026-11-16T10:00:00Z");
        assertThat(merged).contains("DTSTART;TZID=Europe/Berlin:20261116T110000")
                .as("the device's UTC time back in the original's zone");
        for (String kept : List.of("DESCRIPTION", "CATEGORIES", "ATTENDEE", "ORGANIZER", "DTSTAMP", "UID", "CLASS")) {
            assertThat(item.getProperties(kept).toString()).as(kept)
                    .isEqualTo(original.getProperties(kept).toString());
        }
        assertThat(merged.replace("\r\n ", "")).contains("CUTYPE=INDIVIDUAL");
    }

    @Test
    void anUnchangedEchoFromA10DeviceKeepsEverything2Point0Had() {
        String echo = CalendarCorpusTest.v10("e30-attendees-categories");

        String merged = text(CODEC.merge(ORIGINAL, echo, Set.of()));

        Component item = IcalOracle.item(IcalOracle.parse(merged));
        Component original = IcalOracle.item(IcalOracle.parse(ORIGINAL));
        for (Object p : original.getProperties()) {
            assertThat(item.getProperties().toString()).contains(p.toString().strip());
        }
    }

    @Test
    void aPropertyTheDeviceSupportsAndLeftOutIsDeleted() {
        String withoutLocation = CalendarCorpusTest.v10("e01-berlin-single").replace("LOCATION:Room 4.12\r\n", "");

        String merged = text(CODEC.merge(CalendarCorpusTest.item("e01-berlin-single"), withoutLocation,
                Set.of("DTSTART", "DTEND", "SUMMARY", "LOCATION")));

        assertThat(merged).doesNotContain("LOCATION").contains("DTSTAMP:20260101T000000Z");
    }

    @Test
    void exactValuesSurviveTheirCoarse10Form() {
        // priority 3 reads as 1 on the phone; the phone edits only the summary
        String task = CalendarCorpusTest.item("t09-priority-3");
        String edited = CalendarCorpusTest.v10("t09-priority-3").replace("Clean the garage", "Clean the cellar");

        String merged = text(CODEC.merge(task, edited, Set.of()));

        assertThat(merged).contains("\r\nPRIORITY:3\r\n", "\r\nSUMMARY:Clean the cellar\r\n");
        // the phone sets another priority: the phone wins
        assertThat(text(CODEC.merge(task, edited.replace("PRIORITY:1", "PRIORITY:3"), Set.of())))
                .contains("\r\nPRIORITY:9\r\n");
        // percent complete has no 1.0 form: kept
        String t02 = CalendarCorpusTest.item("t02-due-utc-in-process");
        assertThat(text(CODEC.merge(t02, CalendarCorpusTest.v10("t02-due-utc-in-process")
                .replace("Prepare slides", "Prepare the slides"), Set.of()))).contains("\r\nPERCENT-COMPLETE:50\r\n");
    }

    @Test
    void alarmDetailsAndRulesOneZeroCannotHoldAreKept() {
        String server = CalendarCorpusTest.item("e25-alarm-relative").replace("END:VEVENT",
                "BEGIN:VALARM\r\nACTION:EMAIL\r\nTRIGGER:-P1D\r\nSUMMARY:tomorrow\r\nDESCRIPTION:Dentist tomorrow\r\n"
                        + "ATTENDEE:mailto:me@example.com\r\nEND:VALARM\r\nEND:VEVENT");
        String echo = text(CODEC.convert(server, CalendarFormat.VCALENDAR_10));

        assertThat(text(CODEC.merge(server, echo, Set.of()))).contains("ACTION:EMAIL", "ACTION:DISPLAY",
                "TRIGGER:-PT15M");
        // the phone moves the alarm: its alarms win
        String moved = echo.replace("DALARM:20260505T114500Z", "DALARM:20260505T113000Z");
        String merged = text(CODEC.merge(server, moved, Set.of()));
        assertThat(merged).contains("TRIGGER:-PT30M").doesNotContain("ACTION:EMAIL");

        // an endless rule 1.0 cannot express comes back with the phone's edit
        String rule = CalendarCorpusTest.item("e39-endless-bysetpos");
        String edited = CalendarCorpusTest.v10("e39-endless-bysetpos").replace("Timesheet", "Time sheet");
        assertThat(text(CODEC.merge(rule, edited, Set.of()))).contains(
                "RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "SUMMARY:Time sheet");
    }

    @Test
    void a20DeviceKeepsWhatItsCtCapLacks() {
        String edited = ORIGINAL.replace("DESCRIPTION:Agenda: goals\\, roles\\, timeline\r\n", "")
                .replace("Project kickoff", "Kickoff");

        String merged = text(CODEC.merge(ORIGINAL, edited, Set.of("SUMMARY", "DTSTART", "DTEND", "ATTENDEE")));
        String deleted = text(CODEC.merge(ORIGINAL, edited, Set.of("SUMMARY", "DESCRIPTION")));

        assertThat(merged).contains("DESCRIPTION:Agenda", "SUMMARY:Kickoff");
        assertThat(deleted).doesNotContain("DESCRIPTION").contains("SUMMARY:Kickoff");
        assertThat(deleted).as("nothing to keep: the device's version as it is").isEqualTo(edited);
    }

    @Test
    void bothIn10GivesA10Result() {
        String server = CalendarCorpusTest.v10("e25-alarm-relative");
        String phone = server.replace("DALARM:20260505T114500Z;;;Dentist in 15 minutes\r\n", "")
                .replace("SUMMARY:Dentist", "SUMMARY:Dentist (Dr. Who)");

        String merged = text(CODEC.merge(server, phone, Set.of("DTSTART", "DTEND", "SUMMARY")));

        assertThat(CODEC.detect(merged)).isEqualTo(CalendarFormat.VCALENDAR_10);
        assertThat(merged).contains("SUMMARY:Dentist (Dr. Who)", "DALARM:20260505T114500Z;;;Dentist in 15 minutes");
    }

    @Test
    void anotherKindOfItemOrAnUnreadableServerCopyGivesTheDevicesVersion() {
        String task = CalendarCorpusTest.item("t01-due-date-high");

        assertThat(text(CODEC.merge(ORIGINAL, task, Set.of()))).isEqualTo(task);
        assertThat(text(CODEC.merge("garbage", task, Set.of()))).isEqualTo(task);
        assertThat(CODEC.merge(ORIGINAL, "garbage", Set.of())).isInstanceOf(ConversionResult.Invalid.class);
    }

    // ---- contacts -------------------------------------------------------------------------------------------------

    private static final String SERVER_CARD = crlf("BEGIN:VCARD", "VERSION:3.0", "N:Doe;Jane;;;", "FN:Jane Doe",
            "NICKNAME:JD", "TEL;TYPE=CELL:+49 170 1", "NOTE:met at the fair", "CATEGORIES:Customers",
            "PHOTO;ENCODING=b;TYPE=JPEG:" + Base64.getEncoder().encodeToString(VCardCodecParsingTest.image()),
            "X-EVOLUTION-SPOUSE:John", "END:VCARD");

    @Test
    void aPhoneWithoutNoteOrPhotoFieldsDoesNotEraseThem() {
        String phone = crlf("BEGIN:VCARD", "VERSION:2.1", "N:Doe;Jane", "FN:Jane Doe", "TEL;CELL:+49 170 2",
                "END:VCARD");

        String merged = text(CARDS.merge(SERVER_CARD, phone, Set.of("N", "FN", "TEL")));

        VCard card = TestCards.parse(merged);
        assertThat(CARDS.detect(merged)).isEqualTo(ContactFormat.VCARD_21);
        assertThat(card.getTelephoneNumbers()).hasSize(1);
        assertThat(card.getTelephoneNumbers().get(0).getText()).isEqualTo("+49 170 2");
        assertThat(card.getNotes().get(0).getValue()).isEqualTo("met at the fair");
        assertThat(card.getPhotos().get(0).getData()).isEqualTo(VCardCodecParsingTest.image());
        assertThat(card.getNickname().getValues()).containsExactly("JD");
        assertThat(card.getCategories().getValues()).containsExactly("Customers");
        assertThat(card.getExtendedProperty("X-EVOLUTION-SPOUSE").getValue()).isEqualTo("John");
    }

    @Test
    void anUnknownCtCapMeansWhatTheFormatDefines() {
        String phone = crlf("BEGIN:VCARD", "VERSION:2.1", "N:Doe;Jane", "FN:Jane Doe", "TEL;CELL:+49 170 1",
                "END:VCARD");

        VCard card = TestCards.parse(text(CARDS.merge(SERVER_CARD, phone, Set.of())));

        assertThat(card.getNotes()).as("2.1 has NOTE: the phone deleted it").isEmpty();
        assertThat(card.getPhotos()).as("2.1 has PHOTO: deleted too").isEmpty();
        assertThat(card.getNickname()).as("2.1 has no NICKNAME: kept").isNotNull();
        assertThat(card.getCategories()).as("2.1 has no CATEGORIES: kept").isNotNull();
        assertThat(card.getExtendedProperty("X-EVOLUTION-SPOUSE")).as("unknown X- property: kept").isNotNull();
    }

    @Test
    void aCardHoldingEverythingIsTheDevicesVersionUnchanged() {
        String phone = SERVER_CARD.replace("met at the fair", "met at the fair 2025");

        assertThat(text(CARDS.merge(SERVER_CARD, phone, Set.of()))).isEqualTo(phone);
        assertThat(text(CARDS.merge("garbage", phone, Set.of("N")))).isEqualTo(phone);
        assertThat(CARDS.merge(SERVER_CARD, "garbage", Set.of())).isInstanceOf(ConversionResult.Invalid.class);
        assertThat(CARDS.merge(SERVER_CARD, null, null)).isInstanceOf(ConversionResult.Invalid.class);
    }

    // regressions found by CalendarInteropIT with the real SyncEvolution (helper report D1, D6)

    @Test
    void a10DevicesAttendeeLineKeepsTheServersParametersItDoesNotCarry() {
        String v10 = CalendarCorpusTest.v10("e30-attendees-categories");
        // SyncEvolution writes attendees with only STATUS, the name quoted
        String device = v10.replaceAll("ATTENDEE;ROLE=ATTENDEE;[^:]*:Jane Doe <jane@example.com>",
                "ATTENDEE;STATUS=ACCEPTED:\"Jane Doe\" <jane@example.com>")
                .replace("SUMMARY:Project kickoff", "SUMMARY:Project kickoff (room 4)");
        String merged = text(CODEC.merge(ORIGINAL, device, Set.of())).replace("\r\n ", "");
        assertThat(merged).contains("SUMMARY:Project kickoff (room 4)");
        String jane = merged.lines().filter(l -> l.endsWith("mailto:jane@example.com")).findFirst().orElseThrow();
        String bob = merged.lines().filter(l -> l.endsWith("mailto:bob@example.com")).findFirst().orElseThrow();
        assertThat(jane).contains("RSVP=TRUE").contains("PARTSTAT=ACCEPTED").contains("ROLE=REQ-PARTICIPANT");
        assertThat(bob).contains("ROLE=OPT-PARTICIPANT").contains("CUTYPE=INDIVIDUAL").contains("CN=Bob Roe");
    }

    @Test
    void aReRenderedItemThatChangedOnlyBookkeepingLeavesTheServerCopyAsItIs() {
        String v10 = CalendarCorpusTest.v10("e30-attendees-categories");
        String rerendered = v10.replace("END:VEVENT", "LAST-MODIFIED:20261201T101010Z\r\nDCREATED:20261201T101010Z"
                + "\r\nEND:VEVENT");
        assertThat(text(CODEC.merge(ORIGINAL, rerendered, Set.of()))).isEqualTo(ORIGINAL);
        String v20 = ORIGINAL.replace("DTSTAMP:20260101T000000Z", "DTSTAMP:20261201T101010Z");
        assertThat(text(CODEC.merge(ORIGINAL, v20, Set.of()))).isEqualTo(ORIGINAL);
    }

    @Test
    void aReminderA10DeviceWritesAsAalarmAndDalarmIsTheSameReminder() {
        String original = CalendarCorpusTest.item("e25-alarm-relative");
        String v10 = CalendarCorpusTest.v10("e25-alarm-relative");
        String both = v10.lines().flatMap(l -> l.startsWith("AALARM") ? java.util.stream.Stream.of(l,
                "D" + l.substring(1)) : l.startsWith("DALARM") ? java.util.stream.Stream.of(l, "A" + l.substring(1))
                : java.util.stream.Stream.of(l)).reduce("", (a, b) -> a + b + "\r\n");
        assertThat(both).contains("AALARM").contains("DALARM");
        assertThat(text(CODEC.merge(original, both, Set.of()))).as("nothing changed").isEqualTo(original);
    }

    @Test
    void relatedToIsKeptWhenA10DeviceLeavesItOut() {
        String original = CalendarCorpusTest.item("t10-class-related");
        assertThat(original).contains("RELATED-TO");
        String v10 = CalendarCorpusTest.v10("t10-class-related");
        String dropped = v10.lines().filter(l -> !l.startsWith("RELATED-TO")).reduce("", (a, b) -> a + b + "\r\n")
                .replace("SUMMARY:", "SUMMARY:Renamed ");
        String merged = text(CODEC.merge(original, dropped, Set.of("SUMMARY", "RELATED-TO", "DUE")));
        assertThat(merged).contains("RELATED-TO").contains("SUMMARY:Renamed ");
    }

    @Test
    void anAalarmAndADalarmAtTheSameTimeAreOneReminderWhenRead() {
        String v10 = "BEGIN:VCALENDAR\r\nVERSION:1.0\r\nBEGIN:VEVENT\r\nUID:pair\r\nSUMMARY:Dentist\r\n"
                + "DTSTART:20260505T120000Z\r\nDTEND:20260505T130000Z\r\n"
                + "AALARM:20260505T114500Z;;;Dentist in 15 minutes\r\nDALARM:20260505T114500Z;;;Dentist in 15 minutes"
                + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        String v20 = text(CODEC.convert(v10, CalendarFormat.ICALENDAR_20));
        assertThat(v20.split("BEGIN:VALARM", -1)).as(v20).hasSize(2);
        assertThat(v20).contains("ACTION:DISPLAY").contains("TRIGGER:-PT15M");
        String twoTimes = v10.replace("DALARM:20260505T114500Z", "DALARM:20260505T113000Z");
        assertThat(text(CODEC.convert(twoTimes, CalendarFormat.ICALENDAR_20)).split("BEGIN:VALARM", -1)).hasSize(3);
    }

    @Test
    void aYearlyRuleWithOrWithoutTheStartsMonthIsTheSameRule() {
        String server = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\nUID:bday\r\n"
                + "SUMMARY:Anna's birthday\r\nDTSTART;VALUE=DATE:20260612\r\nDTEND;VALUE=DATE:20260613\r\n"
                + "RRULE:FREQ=YEARLY;INTERVAL=1;BYMONTH=6\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        String device = server.replace("RRULE:FREQ=YEARLY;INTERVAL=1;BYMONTH=6", "RRULE:FREQ=YEARLY")
                .replace("UID:bday", "UID:bday\r\nDTSTAMP:20261129T221940Z");
        assertThat(text(CODEC.merge(server, device, Set.of()))).isEqualTo(server);
        String otherMonth = server.replace("BYMONTH=6", "BYMONTH=7");
        assertThat(text(CODEC.merge(otherMonth, device, Set.of()))).as("a real change").isNotEqualTo(otherMonth);
    }
}
