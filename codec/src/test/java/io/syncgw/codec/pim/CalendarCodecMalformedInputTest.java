package io.syncgw.codec.pim;

import static io.syncgw.codec.pim.TestCards.crlf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.management.ManagementFactory;
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

    // ---- custom time zones (a VTIMEZONE that names no IANA zone): built by ical4j once, within a bound ------------

    /** An event at 09:00-10:00 local time on 2026-10-30 in a custom zone with EST/EDT offsets. */
    private static String customZoneEvent(String tzid, String standardStart, String standardRule, String daylightStart,
            String daylightRule) {
        return crlf("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:x", "BEGIN:VTIMEZONE", "TZID:" + tzid,
                "BEGIN:STANDARD", "DTSTART:" + standardStart, "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "TZNAME:EST",
                standardRule, "END:STANDARD", "BEGIN:DAYLIGHT", "DTSTART:" + daylightStart, "TZOFFSETFROM:-0500",
                "TZOFFSETTO:-0400", "TZNAME:EDT", daylightRule, "END:DAYLIGHT", "END:VTIMEZONE", "BEGIN:VEVENT",
                "UID:zone@example.com", "DTSTAMP:20260101T000000Z", "DTSTART;TZID=" + tzid + ":20261030T090000",
                "DTEND;TZID=" + tzid + ":20261030T100000", "RRULE:FREQ=WEEKLY;COUNT=4", "SUMMARY:Office hours",
                "END:VEVENT", "END:VCALENDAR");
    }

    private static long allocatedBy(Runnable body) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        body.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    private static Instant firstStart(String item) {
        return CODEC.window(item).orElseThrow().firstStart();
    }

    private static final Instant AT_0900_FLOATING = Instant.parse("2026-10-30T09:00:00Z");
    private static final Instant AT_0900_EDT = Instant.parse("2026-10-30T13:00:00Z");

    /**
     * CalendarCodecFuzzTest, crash-6074ddc0: a custom VTIMEZONE whose STANDARD rule has BYMONTH but no BYDAY
     * ({@code BYDAY} mutated into {@code BSTATUSYDAY}). ical4j's ZoneRulesBuilder throws for it after expanding the
     * observances (about 2 MB), the failure was not cached, and the item's times are read dozens of times per
     * conversion: 135 MB allocated for a 698-byte item. Fixed in Ical4j.zoneRules: a VTIMEZONE that cannot be built
     * is remembered as such. The TZID then reads as floating time, as before.
     */
    @Test
    void aVtimezoneIcal4jCannotBuildIsTriedOnlyOnce() {
        String item = customZoneEvent("Fuzz Finding 6074 Zone", "19701101T020000", "RRULE:FREQ=YEARLY;BYMONTH=11",
                "19700308T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU");
        assertThat(firstStart(item)).as("read as floating time").isEqualTo(AT_0900_FLOATING);
        long bytes = allocatedBy(() -> {
            for (int i = 0; i < 10; i++) {
                assertThat(firstStart(item)).isEqualTo(AT_0900_FLOATING);
                assertThat(CODEC.convert(item, CalendarFormat.VCALENDAR_10)).isInstanceOf(ConversionResult.Converted.class);
            }
        });
        assertThat(bytes).as("ten windows and conversions after the first").isLessThan(20L << 20);
    }

    /**
     * ical4j's ZoneRulesBuilder expands every observance from its DTSTART to five years from now: from the year 1 that
     * is 4,000 onsets and 120 MB, and an hourly observance is far worse. Such zones are not built (their TZID reads
     * as floating time); Outlook's observances from 1601 still are.
     */
    @Test
    void customZonesAreBuiltOnlyWithinTheOnsetBound() {
        String yearly2Sun = "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU";
        String yearly1Sun = "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU";
        assertThat(firstStart(customZoneEvent("Bound 1970", "19701101T020000", yearly1Sun, "19700308T020000",
                yearly2Sun))).isEqualTo(AT_0900_EDT);
        assertThat(firstStart(customZoneEvent("Bound Outlook", "16010101T020000", yearly1Sun, "16010101T020000",
                yearly2Sun))).isEqualTo(AT_0900_EDT);

        String fromYear1 = customZoneEvent("Bound Year 1", "00011101T020000", yearly1Sun, "00010308T020000",
                yearly2Sun);
        String hourly = customZoneEvent("Bound Hourly", "20201101T020000", "RRULE:FREQ=HOURLY", "19700308T020000",
                yearly2Sun);
        String secondly = customZoneEvent("Bound Secondly", "20201101T020000", "RRULE:FREQ=SECONDLY;COUNT=2",
                "19700308T020000", yearly2Sun);
        for (String item : new String[] {fromYear1, hourly, secondly}) {
            long bytes = allocatedBy(() -> assertThat(firstStart(item)).isEqualTo(AT_0900_FLOATING));
            assertThat(bytes).as("first use, nothing cached").isLessThan(20L << 20);
        }
    }

    @Test
    void theOnsetBoundCountsWhatZoneRulesBuilderExpands() {
        String observance = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTIMEZONE\r\nTZID:z\r\n"
                + "BEGIN:STANDARD\r\nDTSTART:%s\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\n%s"
                + "END:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nDTSTART:20260101T000000\r\nEND:VEVENT\r\n"
                + "END:VCALENDAR\r\n";
        java.time.LocalDateTime horizon = java.time.LocalDateTime.of(2031, 12, 31, 0, 0);
        java.util.function.BiFunction<String, String, Long> bound = (start, lines) -> Ical4j.onsetBound(
                CalText.parse(String.format(observance, start, lines)).root().children("VTIMEZONE").get(0), horizon);
        // DTSTART, then once a year from 1970 (1601) to 2031
        assertThat(bound.apply("19701101T020000", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\n")).isEqualTo(1 + 62);
        assertThat(bound.apply("16010101T020000", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\n")).isEqualTo(1 + 431);
        assertThat(bound.apply("19701101T020000", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU;UNTIL=19791231T000000Z\r\n"))
                .isEqualTo(1 + 10);
        assertThat(bound.apply("19701101T020000", "RDATE:19711101T020000,19721101T020000\r\n")).isEqualTo(3);
        assertThat(bound.apply("19701101T020000", "")).isEqualTo(1);
        // every Sunday of March: up to five a year; every Sunday of the year: up to 60 (12 months of five)
        assertThat(bound.apply("20260301T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=SU\r\n")).isEqualTo(1 + 6 * 5);
        assertThat(bound.apply("20260301T020000", "RRULE:FREQ=YEARLY;BYDAY=SU\r\n")).isEqualTo(1 + 6 * 60);
        // 2,130 whole days to the horizon; COUNT lowers that only to COUNT x 1,001 (ical4j gives up after 1,000
        // periods without a candidate)
        assertThat(bound.apply("20260301T020000", "RRULE:FREQ=DAILY\r\n")).isEqualTo(1 + 2_131);
        assertThat(bound.apply("20260301T020000", "RRULE:FREQ=DAILY;COUNT=2\r\n")).isEqualTo(1 + 2_002);
        assertThat(bound.apply("20260301T020000", "RRULE:FREQ=DAILY;COUNT=5000\r\n")).isEqualTo(1 + 2_131);
        assertThat(bound.apply("20260301T020000", "RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=1SU,-1SU\r\n"))
                .isEqualTo(1 + 35 * 2);
        assertThat(bound.apply("20260301T020000", "RRULE:FREQ=SECONDLY\r\n")).isGreaterThan(Ical4j.MAX_ZONE_ONSETS);
        assertThat(bound.apply("20260301T020000", "RRULE:FREQ=YEARLY;INTERVAL=0\r\n")).isEqualTo(Long.MAX_VALUE);
        assertThat(bound.apply("20260301T020000", "RRULE:BYMONTH=3\r\n")).isEqualTo(Long.MAX_VALUE);
        assertThat(bound.apply("garbage", "")).isEqualTo(Long.MAX_VALUE);
    }

    // ---- recurrence expansion: bounded whatever the dates ----------------------------------------------------------

    private static String event(String start, String end, String rule, String... more) {
        StringBuilder lines = new StringBuilder();
        for (String line : more) {
            lines.append(line).append("\r\n");
        }
        return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20260101T000000Z\r\n"
                + "DTSTART:" + start + "\r\nDTEND:" + end + "\r\nRRULE:" + rule + "\r\n" + lines
                + "END:VEVENT\r\nEND:VCALENDAR\r\n";
    }

    private static final Instant DAY = Instant.parse("2026-03-30T00:00:00Z");
    private static final Instant NEXT_DAY = Instant.parse("2026-03-31T00:00:00Z");

    /**
     * CalendarCodecFuzzTest, crash-57c310c9: a 1.0 event from the year 26 to 2026 ({@code DTSTART:00260105T000000},
     * {@code W1 MO 20260302T235959}). Asked whether it occurs on a day in 2026, ical4j stepped through 104,000 weeks
     * from the year 26 and, since each occurrence lasts 2,000 years, returned 50,000 of them: 190 MB per question,
     * 420 MB for the 282-byte item. Fixed in Expansion: one question steps through at most
     * Expansion.MAX_CANDIDATES candidates (estimated beforehand) and expands at most Expansion.MAX_OCCURRENCES
     * occurrences; a rule beyond that occurs wherever its bounds allow.
     */
    @Test
    void recurrenceExpansionIsBoundedWhateverTheDates() {
        String crash = crlf("BEGIN:VCALENDAR", "VERSION:1.0", "BEGIN:VEVENT", "UID:e36@corpus.syncgw.io",
                "DTSTART:00260105T000000", "DTEND:20260106T000000", "RRULE:W1 MO 20260302T235959",
                "EXDATE:20260119T000000", "SUMMARY:Bin collection", "END:VEVENT", "END:VCALENDAR");
        String dailyFromYear26 = event("00260105T090000", "00260105T100000", "FREQ=DAILY");
        String tenDaysInYear26 = event("00260105T090000", "00260105T100000", "FREQ=DAILY;COUNT=10");
        String yearlyEveryDay = event("00260105T090000", "00260105T100000", "FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR,SA,SU");
        String weekly50000 = event("20260105T090000", "20260105T100000",
                "FREQ=WEEKLY;COUNT=49999;BYDAY=MO,TU,WE,TH,FR,SA,SU");
        String dailyButThatDay = event("20000101T090000", "20000101T100000", "FREQ=DAILY",
                "EXDATE:20260330T090000");

        assertThat(CODEC.occursBetween(crash, DAY, NEXT_DAY)).as("2,000 years long").isTrue();
        assertThat(CODEC.occursBetween(dailyFromYear26, DAY, NEXT_DAY)).as("by its bounds: endless").isTrue();
        assertThat(CODEC.occursBetween(tenDaysInYear26, DAY, NEXT_DAY)).as("COUNT=10: expanded whole").isFalse();
        assertThat(CODEC.occursBetween(tenDaysInYear26, Instant.parse("0026-01-10T00:00:00Z"),
                Instant.parse("0026-01-11T00:00:00Z"))).isTrue();
        assertThat(CODEC.occursBetween(dailyButThatDay, DAY, NEXT_DAY)).as("26 years of days: exact").isFalse();
        assertThat(CODEC.occursBetween(dailyButThatDay, NEXT_DAY, NEXT_DAY.plus(Duration.ofDays(1)))).isTrue();
        assertThat(CODEC.window(weekly50000).orElseThrow().unbounded()).as("more than can be expanded").isTrue();
        assertThat(CODEC.window(event("20260105T090000", "20260105T100000", "FREQ=DAILY;COUNT=3")).orElseThrow()
                .lastEnd()).contains(Instant.parse("2026-01-07T10:00:00Z"));

        for (String item : new String[] {crash, dailyFromYear26, tenDaysInYear26, yearlyEveryDay, weekly50000}) {
            long bytes = allocatedBy(() -> {
                CODEC.occursBetween(item, DAY, NEXT_DAY);
                CODEC.occursBetween(item, Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("2100-01-01T00:00:00Z"));
                CODEC.window(item);
                CODEC.convert(item, CalendarFormat.VCALENDAR_10);
                CODEC.convert(item, CalendarFormat.ICALENDAR_20);
            });
            assertThat(bytes).as(item).isLessThan(64L << 20);
        }
    }

    /**
     * CalendarCodecFuzzTest, crash-208bf621: a 1.0 event from the year 26 matched to America/New_York gets a
     * VTIMEZONE with the zone's whole history (240 transitions: the item needs them), and every reading of it by
     * ical4j cost 5 MB. Part of that was ical4j building new lists of all its factories for every line; Ical4j.parse
     * now gives it one list of each (the factories hold nothing but their names). The rest, about 17 KB per date
     * ical4j parses, is ical4j's and bounded: no zone has more than about 310 transitions.
     */
    @Test
    void ical4jParsesWithSharedFactories() throws Exception {
        String lines = "X-A:b\r\n".repeat(250);
        String text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\n" + lines
                + "END:VEVENT\r\nEND:VCALENDAR\r\n";
        Ical4j.parse(text);
        long[] bytes = new long[1];
        bytes[0] = allocatedBy(() -> {
            try {
                assertThat(Ical4j.parse(text).getComponents()).hasSize(1);
            } catch (java.io.IOException | net.fortuna.ical4j.data.ParserException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(bytes[0]).as("250 lines (1.8 MB with ical4j's own suppliers)").isLessThan(1L << 20);
    }
}
