package io.syncgw.codec.pim;

import static io.syncgw.codec.pim.TestCards.crlf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad calendar input gives {@code Invalid}, a raw-text key, UNKNOWN, no window; never an exception. */
class CalendarCodecMalformedInputTest {

    private static final CalendarCodec CODEC = new CalendarCodec();

    private static final String EVENT = CalendarCorpusTest.item("e30-attendees-categories");

    private static final String SPECIALS = ";:=\\,\"\r\n \t\u00e4";

    private static final Instant FROM = Instant.parse("2020-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2030-01-01T00:00:00Z");

    static String cal(String version, String... lines) {
        StringBuilder out = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:" + version + "\r\n");
        for (String line : lines) {
            out.append(line).append("\r\n");
        }
        return out.append("END:VCALENDAR\r\n").toString();
    }

    static Stream<Arguments> malformed() {
        Random random = new Random(7);
        char[] noise = new char[4096];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (char) random.nextInt(0x3000);
        }
        String twoMiB = cal("2.0", "BEGIN:VEVENT", "DTSTART:20260101T000000Z", "DESCRIPTION:" + "x".repeat(2 << 20),
                "END:VEVENT");
        return Stream.of(
                Arguments.of("null", null, "empty"),
                Arguments.of("empty", "", "empty"),
                Arguments.of("blank", " \r\n\t\r\n", "empty"),
                Arguments.of("garbage", "hello world\nthis is not a calendar", "malformed line"),
                Arguments.of("noise", new String(noise), "malformed"),
                Arguments.of("a vCard", TestCards.PHONE_21, "does not start with BEGIN:VCALENDAR"),
                Arguments.of("BEGIN only", "BEGIN:VCALENDAR", "truncated"),
                Arguments.of("truncated 2.0", EVENT.substring(0, EVENT.indexOf("END:VEVENT")), "truncated"),
                Arguments.of("truncated 1.0", "BEGIN:VCALENDAR\r\nVERSION:1.0\r\nBEGIN:VEVENT\r\nSUMMARY:x",
                        "truncated"),
                Arguments.of("truncated in a soft break", cal("1.0", "BEGIN:VEVENT",
                        "SUMMARY;ENCODING=QUOTED-PRINTABLE:abc=", "END:VEVENT"), "unexpected END:VCALENDAR"),
                Arguments.of("no item", cal("2.0", "PRODID:x"), "no VEVENT or VTODO"),
                Arguments.of("two events", cal("1.0", "BEGIN:VEVENT", "SUMMARY:a", "END:VEVENT", "BEGIN:VEVENT",
                        "SUMMARY:b", "END:VEVENT"), "more than one VEVENT or VTODO"),
                Arguments.of("event and task", cal("1.0", "BEGIN:VEVENT", "SUMMARY:a", "END:VEVENT", "BEGIN:VTODO",
                        "SUMMARY:b", "END:VTODO"), "more than one VEVENT or VTODO"),
                Arguments.of("two calendars", EVENT + EVENT, "more than one VCALENDAR"),
                Arguments.of("trailing garbage", EVENT + "garbage:yes\r\n", "after END:VCALENDAR"),
                Arguments.of("a journal", cal("2.0", "BEGIN:VJOURNAL", "SUMMARY:j", "END:VJOURNAL"),
                        "unsupported component VJOURNAL"),
                Arguments.of("alarm in alarm", cal("2.0", "BEGIN:VEVENT", "BEGIN:VALARM", "BEGIN:VALARM",
                        "END:VALARM", "END:VALARM", "END:VEVENT"), "unsupported component VALARM in VALARM"),
                Arguments.of("mismatched END", cal("2.0", "BEGIN:VEVENT", "END:VTODO"), "unexpected END:VTODO"),
                Arguments.of("unreadable DTSTART", cal("2.0", "BEGIN:VEVENT", "DTSTART:tomorrow", "END:VEVENT"),
                        "unreadable DTSTART"),
                Arguments.of("DTSTART month 13", cal("1.0", "BEGIN:VEVENT", "DTSTART:20261301T000000", "END:VEVENT"),
                        "unreadable DTSTART"),
                Arguments.of("bad RRULE for ical4j", cal("2.0", "BEGIN:VEVENT", "UID:x", "DTSTAMP:20260101T000000Z",
                        "DTSTART:20260101T000000Z", "RRULE:FREQ=FORTNIGHTLY", "END:VEVENT"), "not valid iCalendar"),
                Arguments.of("too many dates in one line", cal("2.0", "BEGIN:VEVENT", "DTSTART:20260101T000000Z",
                        "EXDATE:" + "20260102T000000Z,".repeat(1000) + "20260103T000000Z", "END:VEVENT"),
                        "more than 1000 values in EXDATE"),
                Arguments.of("too many lines", cal("1.0", "BEGIN:VEVENT", "EXDATE:20260101T000000Z\r\n".repeat(2000)
                        + "SUMMARY:x", "END:VEVENT"), "more than 2000 lines"),
                Arguments.of("too many time zones", cal("2.0", ("BEGIN:VTIMEZONE\r\nTZID:a\r\nBEGIN:STANDARD\r\n"
                        + "DTSTART:19700101T000000\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\n"
                        + "END:VTIMEZONE\r\n").repeat(21) + "BEGIN:VEVENT", "END:VEVENT"), "more than 20 VTIMEZONE"),
                Arguments.of("too many alarms", cal("2.0", "BEGIN:VEVENT", "BEGIN:VALARM\r\nEND:VALARM\r\n".repeat(51)
                        + "SUMMARY:x", "END:VEVENT"), "more than 50 VALARM"),
                Arguments.of("2 MiB item", twoMiB, "larger than"),
                Arguments.of("2 MiB garbage", "\u00e4".repeat(1024 * 1024 + 1), "larger than"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void convertGivesInvalid(String name, String input, String reason) {
        for (CalendarFormat target : CalendarFormat.values()) {
            ConversionResult result = CODEC.convert(input, target);

            assertThat(result).isInstanceOf(ConversionResult.Invalid.class);
            assertThat(((ConversionResult.Invalid) result).reason()).contains(reason);
        }
        assertThat(CODEC.merge(EVENT, input, Set.of())).isInstanceOf(ConversionResult.Invalid.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void theLightMethodsGiveTheirNeutralAnswers(String name, String input, String reason) {
        if (!reason.startsWith("not valid iCalendar")) { // only the full parse finds those
            assertThat(CODEC.twinKey(input)).startsWith("raw\u001F").hasSize(4 + 64);
            assertThat(CODEC.kind(input)).isEqualTo(CalendarKind.UNKNOWN);
            assertThat(CODEC.window(input)).isEmpty();
            assertThat(CODEC.occursBetween(input, FROM, TO)).isFalse();
        }
        assertThat(CODEC.detect(input)).isNotNull();
        // a refused server copy: the device's version is the result
        assertThat(TestCards.text(CODEC.merge(input, EVENT, Set.of()))).isEqualTo(EVENT);
    }

    /** Inputs within the limits built to make a careless reader or expander slow. */
    static Stream<Arguments> adversarial() {
        String head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20260101T000000Z\r\n";
        String end = "END:VEVENT\r\nEND:VCALENDAR\r\n";
        String head10 = "BEGIN:VCALENDAR\r\nVERSION:1.0\r\nBEGIN:VEVENT\r\n";
        return Stream.of(
                Arguments.of("secondly for ever", head + "DTSTART:20260101T000000Z\r\nRRULE:FREQ=SECONDLY\r\n" + end),
                Arguments.of("secondly, 100 million", head + "DTSTART:20260101T000000Z\r\n"
                        + "RRULE:FREQ=SECONDLY;COUNT=100000000\r\n" + end),
                Arguments.of("daily until 9999", head + "DTSTART:20260101T000000Z\r\n"
                        + "RRULE:FREQ=DAILY;UNTIL=99991231T000000Z\r\n" + end),
                Arguments.of("a date that never comes", head + "DTSTART:20260101T000000Z\r\n"
                        + "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\r\n" + end),
                Arguments.of("1.0 rule counting 100000 weeks", head10 + "DTSTART:20260101T000000Z\r\n"
                        + "RRULE:W1 MO TU WE TH FR SA SU #99999\r\n" + end),
                Arguments.of("1999 EXDATEs", head + "DTSTART:20260101T000000Z\r\nRRULE:FREQ=DAILY\r\n"
                        + "EXDATE:20260102T000000Z\r\n".repeat(1990) + end),
                Arguments.of("one EXDATE line of 999 dates", head + "DTSTART:20260101T000000Z\r\nRRULE:FREQ=DAILY\r\n"
                        + "EXDATE:" + "20260102T000000Z,".repeat(998) + "20260103T000000Z\r\n" + end),
                Arguments.of("200,000 parameters", head + "X-A" + ";A=1".repeat(200_000) + ":v\r\n" + end),
                Arguments.of("99 parameters on 1000 lines", head + ("X-A" + ";A=1".repeat(99) + ":v\r\n").repeat(1000)
                        + end),
                Arguments.of("200,000 soft line breaks", head10 + "DESCRIPTION;ENCODING=QUOTED-PRINTABLE:"
                        + "ab=\r\n".repeat(200_000) + "x\r\n" + end),
                Arguments.of("150,000 folds", head + "DESCRIPTION:" + "ab\r\n ".repeat(150_000) + "x\r\n" + end),
                Arguments.of("DAYLIGHT 200 times", "BEGIN:VCALENDAR\r\nVERSION:1.0\r\nTZ:+01:00\r\n"
                        + "DAYLIGHT:TRUE;+02:00;20260329T010000Z;20261025T010000Z;CET;CEST\r\n".repeat(500)
                        + "BEGIN:VEVENT\r\nDTSTART:20260601T100000\r\nRRULE:D1 #0\r\n" + end));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adversarial")
    void adversarialInputFinishesQuickly(String name, String input) {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (CalendarFormat target : CalendarFormat.values()) {
                assertThat(CODEC.convert(input, target)).isNotNull();
            }
            assertThat(CODEC.twinKey(input)).isNotEmpty();
            assertThat(CODEC.window(input)).isNotNull();
            assertThat(CODEC.occursBetween(input, Instant.parse("2031-01-01T00:00:00Z"),
                    Instant.parse("2031-01-02T00:00:00Z"))).isNotNull();
            assertThat(CODEC.merge(input, input, Set.of())).isNotNull();
        });
    }

    @Test
    void everyPrefixOfAnItemIsRefusedUntilItsEndLine() {
        for (String item : new String[] {EVENT, CalendarCorpusTest.read(CalendarCorpusTest.dir()
                .resolve("e30-attendees-categories.vcs"))}) {
            int end = item.indexOf("END:VCALENDAR") + "END:VCALENDAR".length();
            for (int length = 0; length <= item.length(); length++) {
                String prefix = item.substring(0, length);
                ConversionResult result = CODEC.convert(prefix, CalendarFormat.ICALENDAR_20);
                if (length < end) {
                    assertThat(result).as("prefix of %d chars", length).isInstanceOf(ConversionResult.Invalid.class);
                    assertThat(CODEC.twinKey(prefix)).startsWith("raw");
                } else {
                    assertThat(result).as("prefix of %d chars", length).isInstanceOf(ConversionResult.Converted.class);
                    assertThat(CODEC.twinKey(prefix)).isEqualTo(CODEC.twinKey(item));
                }
            }
        }
    }

    @Test
    void corruptedItemsNeverThrow() {
        Random random = new Random(11);
        String[] items = {EVENT, CalendarCorpusTest.read(CalendarCorpusTest.dir().resolve("e30-attendees-categories.vcs")),
            CalendarCorpusTest.item("e14-weekly-mwf-dst-newyork"), CalendarCorpusTest.item("t08-alarm-before-due")};
        for (int round = 0; round < 400; round++) {
            String item = items[round % items.length];
            StringBuilder corrupted = new StringBuilder(item);
            for (int edits = 1 + random.nextInt(5); edits > 0; edits--) {
                int at = 16 + random.nextInt(corrupted.length() - 32); // keep BEGIN and END intact
                corrupted.setCharAt(at, SPECIALS.charAt(random.nextInt(SPECIALS.length())));
            }
            String input = corrupted.toString();
            for (CalendarFormat target : CalendarFormat.values()) {
                assertThat(CODEC.convert(input, target)).isNotNull();
            }
            assertThat(CODEC.twinKey(input)).isNotEmpty();
            assertThat(CODEC.kind(input)).isNotNull();
            assertThat(CODEC.window(input)).isNotNull();
            CODEC.occursBetween(input, FROM, TO);
            assertThat(CODEC.merge(item, input, Set.of("SUMMARY"))).isNotNull();
            assertThat(CODEC.merge(input, item, Set.of())).isNotNull();
        }
    }

    @Test
    void randomTextNeverThrows() {
        Random random = new Random(3);
        String alphabet = "BEGIN:VCALENDAR\r\nEND:VEVENT;=\\,\"DTSTART:2026T00Z RRULE:FREQ=W1#0\u00e4\u65e5 \t";
        for (int round = 0; round < 300; round++) {
            StringBuilder text = new StringBuilder("BEGIN:VCALENDAR\r\n");
            for (int i = random.nextInt(400); i > 0; i--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String input = text.toString();
            assertThat(CODEC.convert(input, CalendarFormat.VCALENDAR_10)).isNotNull();
            assertThat(CODEC.convert(input, CalendarFormat.ICALENDAR_20)).isNotNull();
            assertThat(CODEC.twinKey(input)).isNotEmpty();
            assertThat(CODEC.window(input)).isNotNull();
        }
    }

    @Test
    void sizeLimitIsConfigurableAndCountsUtf8Octets() {
        String item = crlf("BEGIN:VCALENDAR", "VERSION:1.0", "BEGIN:VTODO", "SUMMARY:Grüße", "END:VTODO",
                "END:VCALENDAR");
        int octets = item.getBytes(StandardCharsets.UTF_8).length;

        assertThat(new CalendarCodec(octets).convert(item, CalendarFormat.ICALENDAR_20))
                .isInstanceOf(ConversionResult.Converted.class);
        assertThat(new CalendarCodec(octets - 1).convert(item, CalendarFormat.ICALENDAR_20))
                .isInstanceOf(ConversionResult.Invalid.class);
        assertThat(new CalendarCodec(octets - 1).convert(item, CalendarFormat.VCALENDAR_10))
                .as("pass-through is limited too").isInstanceOf(ConversionResult.Invalid.class);
        assertThat(CODEC.maxInputBytes()).isEqualTo(CalendarCodec.DEFAULT_MAX_INPUT_BYTES).isEqualTo(1024 * 1024);
        assertThatIllegalArgumentException().isThrownBy(() -> new CalendarCodec(0));
    }

    @Test
    void nullArgumentsAreValuesToo() {
        assertThat(CODEC.convert(EVENT, null)).isInstanceOf(ConversionResult.Invalid.class);
        assertThat(CODEC.occursBetween(EVENT, null, TO)).isFalse();
        assertThat(CODEC.occursBetween(EVENT, TO, FROM)).isFalse();
        assertThat(CODEC.window(EVENT, null)).isPresent();
        assertThat(CODEC.merge(null, EVENT, null)).isInstanceOf(ConversionResult.Converted.class);
        assertThat(CODEC.merge(EVENT, null, Set.of())).isInstanceOf(ConversionResult.Invalid.class);
    }
}
