package io.syncgw.codec.pim;

import static io.syncgw.codec.pim.TestCards.crlf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input gives {@code Invalid} or a raw-text key, never an exception. */
class VCardCodecMalformedInputTest {

    private static final String TWO_MIB_CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;John;;;\r\nNOTE:"
            + "x".repeat(2 * 1024 * 1024) + "\r\nEND:VCARD\r\n";

    private static final String SPECIALS = ";:=\\,\"\r\n \t\u00e4";

    private final VCardCodec codec = new VCardCodec();

    static Stream<Arguments> malformed() {
        Random random = new Random(7);
        char[] noise = new char[4096];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (char) random.nextInt(0x3000);
        }
        return Stream.of(
                Arguments.of("null", null, "empty"),
                Arguments.of("empty", "", "empty"),
                Arguments.of("blank", " \r\n\t\r\n", "empty"),
                Arguments.of("garbage", "hello world\nthis is not a vcard", "BEGIN:VCARD"),
                Arguments.of("noise", new String(noise), "BEGIN:VCARD"),
                Arguments.of("BEGIN only", "BEGIN:VCARD", "END:VCARD"),
                Arguments.of("truncated", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Trunc\r\nTEL:123\r\n", "END:VCARD"),
                Arguments.of("truncated 2.1", "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;John\r\nNOTE:abc", "END:VCARD"),
                Arguments.of("truncated in a soft break",
                        "BEGIN:VCARD\r\nVERSION:2.1\r\nNOTE;ENCODING=QUOTED-PRINTABLE:abc=\r\nEND:VCARD\r\n",
                        "END:VCARD"),
                Arguments.of("END only", "END:VCARD\r\n", "BEGIN:VCARD"),
                Arguments.of("no BEGIN", "VERSION:3.0\r\nFN:x\r\nEND:VCARD\r\n", "BEGIN:VCARD"),
                Arguments.of("two cards", TestCards.PHONE_21 + TestCards.SYNCEVOLUTION_30, "more than one"),
                Arguments.of("trailing garbage", TestCards.PHONE_21 + "garbage\r\n", "after END:VCARD"),
                Arguments.of("nested too deep", "BEGIN:VCARD\r\nAGENT:\r\n".repeat(10) + "END:VCARD\r\n".repeat(10),
                        "nested"),
                Arguments.of("too many properties",
                        "BEGIN:VCARD\r\nN:a;b\r\n" + "TEL:+49 170 1234567\r\n".repeat(1000) + "END:VCARD\r\n",
                        "more than 1000 properties"),
                Arguments.of("2 MiB card", TWO_MIB_CARD, "larger than"),
                Arguments.of("2 MiB garbage", "\u00e4".repeat(1024 * 1024 + 1), "larger than"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void convertGivesInvalid(String name, String input, String reason) {
        for (ContactFormat target : ContactFormat.values()) {
            ConversionResult result = codec.convert(input, target);

            assertThat(result).isInstanceOf(ConversionResult.Invalid.class);
            assertThat(((ConversionResult.Invalid) result).reason()).contains(reason);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void twinKeyFallsBackToRawTextAndDisplayNameIsEmpty(String name, String input, String reason) {
        assertThat(codec.twinKey(input)).startsWith("raw\u001F").hasSize(4 + 64);
        assertThat(codec.displayName(input)).isEmpty();
        assertThat(codec.detect(input)).isNotNull();
    }

    /** Inputs just under the size limit built to make a careless parser quadratic. */
    static Stream<Arguments> adversarial() {
        String head = "BEGIN:VCARD\r\nVERSION:2.1\r\n";
        String end = "END:VCARD\r\n";
        return Stream.of(
                Arguments.of("45,000 TEL lines", head + "TEL:+49 170 1234567\r\n".repeat(45_000) + end),
                Arguments.of("400,000 ';' without ':'", head + "X" + ";A".repeat(400_000) + "\r\n" + end),
                Arguments.of("200,000 parameters", head + "X" + ";A=1".repeat(200_000) + ":v\r\n" + end),
                Arguments.of("200,000 soft line breaks",
                        head + "NOTE;ENCODING=QUOTED-PRINTABLE:" + "ab=\r\n".repeat(200_000) + "x\r\n" + end),
                Arguments.of("150,000 folds in a header", head + "X" + ";A\r\n ".repeat(150_000) + ":v\r\n" + end),
                Arguments.of("150,000 bare base64 lines",
                        head + "PHOTO;ENCODING=BASE64;JPEG:\r\n" + "QUJD\r\n".repeat(150_000) + "\r\n" + end));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adversarial")
    void adversarialInputFinishesQuickly(String name, String input) {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (ContactFormat target : ContactFormat.values()) {
                assertThat(codec.convert(input, target)).isNotNull();
            }
            assertThat(codec.twinKey(input)).isNotEmpty();
            assertThat(codec.displayName(input)).isNotNull();
        });
    }

    @Test
    void everyPrefixOfACardIsInvalidUntilItsEndLine() {
        String card = TestCards.SYNCEVOLUTION_30;
        int end = card.indexOf("END:VCARD") + "END:VCARD".length();
        for (int length = 0; length <= card.length(); length++) {
            String prefix = card.substring(0, length);
            ConversionResult result = codec.convert(prefix, ContactFormat.VCARD_21);
            if (length < end) {
                assertThat(result).as("prefix of %d chars", length).isInstanceOf(ConversionResult.Invalid.class);
                assertThat(codec.twinKey(prefix)).startsWith("raw");
            } else {
                assertThat(result).as("prefix of %d chars", length).isInstanceOf(ConversionResult.Converted.class);
                assertThat(codec.twinKey(prefix)).isEqualTo(codec.twinKey(card));
            }
        }
    }

    @Test
    void corruptedCardsNeverThrow() {
        Random random = new Random(11);
        String card = TestCards.RICH_30;
        for (int round = 0; round < 500; round++) {
            StringBuilder corrupted = new StringBuilder(card);
            for (int edits = 1 + random.nextInt(5); edits > 0; edits--) {
                int at = 13 + random.nextInt(corrupted.length() - 30); // keep BEGIN and END intact
                corrupted.setCharAt(at, SPECIALS.charAt(random.nextInt(SPECIALS.length())));
            }
            String input = corrupted.toString();
            for (ContactFormat target : ContactFormat.values()) {
                assertThat(codec.convert(input, target)).isNotNull();
            }
            assertThat(codec.twinKey(input)).isNotEmpty();
            assertThat(codec.displayName(input)).isNotNull();
        }
    }

    @Test
    void sizeLimitIsConfigurableAndCountsUtf8Octets() {
        String card = crlf("BEGIN:VCARD", "VERSION:3.0", "N:Müller;Jürgen;;;", "END:VCARD");
        int octets = card.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;

        assertThat(new VCardCodec(octets).convert(card, ContactFormat.VCARD_21))
                .isInstanceOf(ConversionResult.Converted.class);
        assertThat(new VCardCodec(octets - 1).convert(card, ContactFormat.VCARD_21))
                .isInstanceOf(ConversionResult.Invalid.class);
        assertThat(new VCardCodec(octets - 1).convert(card, ContactFormat.VCARD_30))
                .as("pass-through is limited too").isInstanceOf(ConversionResult.Invalid.class);
        assertThat(codec.maxInputBytes()).isEqualTo(VCardCodec.DEFAULT_MAX_INPUT_BYTES).isEqualTo(1024 * 1024);
        assertThatIllegalArgumentException().isThrownBy(() -> new VCardCodec(0));
    }

    @Test
    void nullTargetIsInvalid() {
        assertThat(codec.convert(TestCards.PHONE_21, null)).isInstanceOf(ConversionResult.Invalid.class);
    }
}
