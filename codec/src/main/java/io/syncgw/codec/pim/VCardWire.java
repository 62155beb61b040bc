package io.syncgw.codec.pim;

import ezvcard.VCardDataType;
import ezvcard.parameter.Encoding;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Wire-level text work around ez-vcard: input repair before parsing, and the final line layout of written cards.
 *
 * <p>ez-vcard is asked to write unfolded lines; the layout is done here because ez-vcard 0.12.1 (through vinnie)
 * folds by characters, not octets, folds vCard 2.1 plain values in the middle of words (2.1 unfolding keeps the
 * whitespace, so that would change the value), writes 2.1 types as {@code TYPE=CELL}, and does not quoted-printable
 * encode non-ASCII 2.1 values unless they contain a line break.
 */
final class VCardWire {

    static final String CRLF = "\r\n";

    /** RFC 2425 section 5.8.1: lines SHOULD NOT be longer than 75 octets, excluding the line break. */
    static final int MAX_LINE_OCTETS = 75;

    private static final String HEX = "0123456789ABCDEF";

    private VCardWire() {
    }

    // ---- input repair -----------------------------------------------------------------------------------------

    /**
     * Indents bare base64 continuation lines. The versit spec folds base64 data onto lines starting with whitespace
     * and ends it with a blank line, but some phones write the data lines flush left; ez-vcard then skips them as
     * malformed and the photo comes out empty. A real property line always holds a colon, which base64 cannot.
     */
    static String indentBareBase64(String text) {
        if (!VCardStructure.containsIgnoreCase(text, 0, "BASE64")) {
            return text;
        }
        List<String> lines = lines(text, true);
        StringBuilder out = new StringBuilder(text.length() + 64);
        boolean inBase64 = false;
        for (String line : lines) {
            if (inBase64 && !line.isEmpty() && line.charAt(0) != ' ' && line.charAt(0) != '\t'
                    && isBase64Data(line)) {
                out.append(' ').append(line).append(CRLF);
                continue;
            }
            if (line.isEmpty()) {
                inBase64 = false; // the blank line that ends a 2.1 base64 block
            } else if (line.charAt(0) != ' ' && line.charAt(0) != '\t') {
                inBase64 = isBase64Header(line);
            }
            out.append(line).append(CRLF);
        }
        return out.toString();
    }

    /**
     * The lines of a text, as {@code text.split("\r\n|\r|\n", -1)} gives them ({@code anyLineEnd}) or split at
     * CRLF only, without a regular expression: a split by pattern costs a match attempt at every character (and
     * far more under the fuzzer's regex hooks). Empty lines, a trailing one included, are kept; callers skip them.
     */
    static List<String> lines(String text, boolean anyLineEnd) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                out.add(text.substring(start, i));
                start = ++i + 1;
            } else if (anyLineEnd && (c == '\r' || c == '\n')) {
                out.add(text.substring(start, i));
                start = i + 1;
            }
        }
        out.add(text.substring(start));
        return out;
    }

    /** Whether a line is nothing but base64 characters ({@code [A-Za-z0-9+/=]+}). */
    private static boolean isBase64Data(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
                    || c == '=')) {
                return false;
            }
        }
        return !line.isEmpty();
    }

    /** Whether a property line has a BASE64 encoding parameter ({@code ENCODING=BASE64} or bare {@code BASE64}). */
    private static boolean isBase64Header(String line) {
        int colon = line.indexOf(':');
        if (colon < 0) {
            return false;
        }
        for (String parameter : line.substring(0, colon).split(";")) {
            String bare = parameter.replace(" ", "").replace("\t", "").toUpperCase(Locale.ROOT);
            if (bare.equals("BASE64") || bare.equals("ENCODING=BASE64")) {
                return true;
            }
        }
        return false;
    }

    // ---- output layout ----------------------------------------------------------------------------------------

    /** Folds every line written unfolded by ez-vcard to at most 75 octets of UTF-8, never inside a character. */
    static String layout30(String unfolded) {
        StringBuilder out = new StringBuilder(unfolded.length() + unfolded.length() / 64 * 3 + 16);
        for (String line : lines(unfolded, false)) {
            if (!line.isEmpty()) {
                fold30(line, out);
            }
        }
        return out.toString();
    }

    private static void fold30(String line, StringBuilder out) {
        int octets = 0;
        for (int i = 0; i < line.length(); ) {
            int cp = line.codePointAt(i);
            int n = Character.charCount(cp);
            int width = utf8Length(cp);
            if (octets + width > MAX_LINE_OCTETS) {
                out.append(CRLF).append(' ');
                octets = 1;
            }
            out.append(line, i, i + n);
            octets += width;
            i += n;
        }
        out.append(CRLF);
    }

    private static int utf8Length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    /**
     * Rewrites every line written unfolded by ez-vcard in vCard 2.1 for what phones expect:
     * <ul>
     *   <li>types without parameter name, upper case: {@code TEL;WORK;VOICE:} (each with {@code TYPE=} when one of
 *       them would read back as something else without it, such as {@code A=B}, or {@code B}, an ENCODING);</li>
     *   <li>any value with a line break or a non-ASCII character as UTF-8 quoted-printable with
     *       {@code CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE}, line breaks as {@code =0D=0A}, soft line breaks so no
     *       line exceeds 75 characters;</li>
     *   <li>base64 data folded on lines starting with a space and ended by a blank line;</li>
     *   <li>other values unfolded, since a 2.1 fold can only be placed on existing whitespace.</li>
     * </ul>
     * Parameter values cannot contain ':' in 2.1 (ez-vcard refuses to write them), so the first ':' ends the header.
     */
    static String layout21(String unfolded) {
        StringBuilder out = new StringBuilder(unfolded.length() + 256);
        for (String line : lines(unfolded, false)) {
            if (!line.isEmpty()) {
                line21(line, out);
            }
        }
        return out.toString();
    }

    private static void line21(String line, StringBuilder out) {
        int colon = line.indexOf(':');
        if (colon < 0) {
            out.append(line).append(CRLF);
            return;
        }
        String value = line.substring(colon + 1);
        List<String> tokens = splitUnescaped(line.substring(0, colon));
        Set<String> types = new LinkedHashSet<>();
        List<String> others = new ArrayList<>();
        String encoding = null;
        String charset = null;
        for (String token : tokens.subList(1, tokens.size())) {
            int eq = token.indexOf('=');
            if (!token.regionMatches(true, 0, "ENCODING=", 0, 9)
                    && token.toUpperCase(Locale.ROOT).contains("QUOTED-PRINTABLE")) {
                // readers (phones, VCardStructure) take any mention for ENCODING=QUOTED-PRINTABLE, and a plain value
                // ending in '=' would then swallow the next line: only this writer's own ENCODING may say it
                continue;
            }
            if (eq < 0) {
                types.add(token.toUpperCase(Locale.ROOT));
                continue;
            }
            String name = token.substring(0, eq).toUpperCase(Locale.ROOT);
            String paramValue = token.substring(eq + 1);
            switch (name) {
                case "TYPE":
                    types.add(paramValue.toUpperCase(Locale.ROOT));
                    break;
                case "ENCODING":
                    encoding = paramValue;
                    break;
                case "CHARSET":
                    charset = paramValue;
                    break;
                default:
                    others.add(token);
            }
        }
        boolean base64 = "BASE64".equalsIgnoreCase(encoding) || "B".equalsIgnoreCase(encoding);
        String qpText = null;
        if ("QUOTED-PRINTABLE".equalsIgnoreCase(encoding)) {
            qpText = decodeQuotedPrintable(value, charsetOrUtf8(charset)); // re-encoded below, CRLF and UTF-8
        } else if (!base64 && !isAscii(value)) {
            qpText = value;
        }

        StringBuilder header = new StringBuilder(tokens.get(0));
        boolean bare = types.stream().allMatch(VCardWire::bareType); // all or none, so their order stays
        for (String type : types) {
            header.append(bare ? ";" : ";TYPE=").append(type);
        }
        for (String other : others) {
            header.append(';').append(other);
        }
        if (qpText != null) {
            header.append(";CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:");
            foldQuotedPrintable(header, encodeQuotedPrintable(qpText), out);
        } else if (base64) {
            header.append(";ENCODING=BASE64:");
            foldBase64(header, value, out);
        } else {
            if (encoding != null) {
                header.append(";ENCODING=").append(encoding);
            }
            if (charset != null) {
                header.append(";CHARSET=").append(charset);
            }
            out.append(header).append(':').append(value).append(CRLF);
        }
    }

    /**
     * Whether a type reads back as that type when written without {@code TYPE=}: letters, digits and '-' only (an
     * '=' would make it a parameter name, a ',' or a space is read differently by different readers), and not a
     * keyword that 2.1 readers, ez-vcard among them, take for an ENCODING or VALUE ({@code B}, {@code BASE64},
     * {@code 8BIT}, {@code URL}, {@code TEXT}...).
     */
    private static boolean bareType(String type) {
        if (type.isEmpty()) {
            return false;
        }
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return VCardDataType.find(type) == null && Encoding.find(type) == null;
    }

    /** Splits a 2.1 header on ';' not escaped by a backslash. */
    private static List<String> splitUnescaped(String header) {
        List<String> tokens = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '\\' && i + 1 < header.length()) {
                token.append(c).append(header.charAt(++i));
            } else if (c == ';') {
                tokens.add(token.toString());
                token.setLength(0);
            } else {
                token.append(c);
            }
        }
        tokens.add(token.toString());
        return tokens;
    }

    private static Charset charsetOrUtf8(String name) {
        try {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Decodes an unfolded quoted-printable value ({@code =XX} triplets, everything else literal). */
    static String decodeQuotedPrintable(String value, Charset charset) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '=' && i + 2 < value.length()
                    && Character.digit(value.charAt(i + 1), 16) >= 0 && Character.digit(value.charAt(i + 2), 16) >= 0) {
                bytes.write(Character.digit(value.charAt(i + 1), 16) * 16 + Character.digit(value.charAt(i + 2), 16));
                i += 2;
            } else if (c == '=' && i == value.length() - 1) {
                break; // a soft line break at the very end
            } else {
                byte[] literal = String.valueOf(c).getBytes(charset);
                bytes.write(literal, 0, literal.length);
            }
        }
        return new String(bytes.toByteArray(), charset);
    }

    /**
     * Encodes text as UTF-8 quoted-printable (RFC 2045 section 6.7), line breaks normalised to {@code =0D=0A} as
     * 2.1 devices expect. Space and tab stay literal except before a line break or at the end, where a decoder
     * would drop them.
     */
    static String encodeQuotedPrintable(String text) {
        byte[] bytes = text.replace("\r\n", "\n").replace('\r', '\n').replace("\n", CRLF)
                .getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length * 2);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            boolean printable = b >= 33 && b <= 126 && b != '=';
            boolean innerSpace = (b == ' ' || b == '\t') && i + 1 < bytes.length && bytes[i + 1] != '\r';
            if (printable || innerSpace) {
                out.append((char) b);
            } else {
                out.append('=').append(HEX.charAt(b >> 4)).append(HEX.charAt(b & 0xF));
            }
        }
        return out.toString();
    }

    /**
     * Writes header and encoded value with soft line breaks so no line, '=' included, exceeds 75 characters; never
     * splits an {@code =XX} triplet. A header longer than that is not broken (it cannot be). A line after a soft
     * break never starts with a space or tab: readers (ez-vcard among them) take that for an RFC 2425 fold and drop
     * the character, so it is written as {@code =20} / {@code =09}.
     */
    static void foldQuotedPrintable(CharSequence header, String encoded, StringBuilder out) {
        out.append(header);
        int lineLength = header.length();
        boolean valueOnLine = false;
        for (int i = 0; i < encoded.length(); ) {
            char c = encoded.charAt(i);
            int width = c == '=' ? utf8SequenceWidth(encoded, i) : 1;
            String token = encoded.substring(i, i + width);
            if (valueOnLine && lineLength + width + 1 > MAX_LINE_OCTETS) {
                out.append('=').append(CRLF);
                lineLength = 0;
                if (c == ' ' || c == '\t') {
                    token = c == ' ' ? "=20" : "=09";
                }
            }
            out.append(token);
            lineLength += token.length();
            valueOnLine = true;
            i += width;
        }
        out.append(CRLF);
    }

    /**
     * Width of the encoded token at {@code i}, an {@code =XX} triplet: a UTF-8 lead byte takes its continuation
     * bytes along, so a character is never split over two lines (some phones decode line by line).
     */
    private static int utf8SequenceWidth(String encoded, int i) {
        int lead = Integer.parseInt(encoded.substring(i + 1, i + 3), 16);
        int width = 3;
        if (lead >= 0xC0) {
            while (i + width + 2 < encoded.length() && encoded.charAt(i + width) == '='
                    && (Integer.parseInt(encoded.substring(i + width + 1, i + width + 3), 16) & 0xC0) == 0x80) {
                width += 3;
            }
        }
        return width;
    }

    /** versit 2.1 base64 block: data folded on lines starting with a space, then a blank line. */
    private static void foldBase64(CharSequence header, String data, StringBuilder out) {
        out.append(header);
        int first = Math.max(0, Math.min(data.length(), MAX_LINE_OCTETS - header.length()));
        out.append(data, 0, first);
        for (int i = first; i < data.length(); i += MAX_LINE_OCTETS - 1) {
            out.append(CRLF).append(' ').append(data, i, Math.min(data.length(), i + MAX_LINE_OCTETS - 1));
        }
        out.append(CRLF);
        if (!data.isEmpty()) {
            out.append(CRLF);
        }
    }
}
