package io.syncgw.codec.pim;

import java.util.Locale;

/**
 * A light line scan of raw vCard text, independent of ez-vcard: finds the {@code VERSION} of the outer card and checks
 * that the text is exactly one complete {@code BEGIN:VCARD ... END:VCARD} block. ez-vcard is lenient on purpose and
 * returns a card for truncated input (no {@code END:VCARD}, not even a warning), which a sync must refuse rather than
 * store half a contact.
 *
 * <p>Lines are unfolded the RFC 2425 way (a line starting with space or tab continues the previous one) and, for
 * quoted-printable values (any parameter mentioning QUOTED-PRINTABLE), the vCard 2.1 way (a trailing {@code =} is a
 * soft line break), so a {@code BEGIN:VCARD} inside a folded value is not mistaken for structure. Line ends may be
 * CRLF, LF or CR.
 */
final class VCardStructure {

    /** Deepest nesting of cards (2.1 AGENT) accepted; ez-vcard writes nested cards recursively. */
    static final int MAX_NESTING = 8;

    /**
     * Most property lines accepted in one card. Real cards have well under a hundred; ez-vcard 0.12.1 writes a card
     * in time quadratic in the number of properties of one kind (45,000 TEL lines, under 1 MiB, take half a minute).
     */
    static final int MAX_PROPERTIES = 1000;

    /**
     * The scan result.
     *
     * @param version the outer card's {@code VERSION} value, stripped; {@code null} when absent
     * @param problem why the text is not exactly one complete card; {@code null} when it is
     */
    record Scan(String version, String problem) {
        boolean valid() {
            return problem == null;
        }
    }

    private VCardStructure() {
    }

    /** Scans the whole text. */
    static Scan scan(String text) {
        return scan(text, false);
    }

    /** The outer card's {@code VERSION} value, or {@code null}; stops at the first one found. */
    static String version(String text) {
        return scan(text, true).version();
    }

    private static Scan scan(String text, boolean versionOnly) {
        LogicalLines lines = new LogicalLines(text);
        int depth = 0;
        int cards = 0;
        int properties = 0;
        String version = null;
        for (String line = lines.next(); line != null; line = lines.next()) {
            String trimmed = stripBlank(line);
            if (trimmed.isEmpty()) {
                continue; // blank lines: trailing ones are common, and 2.1 ends base64 blocks with one
            }
            int colon = trimmed.indexOf(':');
            String name = colon < 0 ? trimmed : propertyName(trimmed.substring(0, colon));
            String value = colon < 0 ? "" : trimmed.substring(colon + 1).strip();
            boolean vcardValue = value.equalsIgnoreCase("VCARD");
            if (depth == 0) {
                if (!(name.equals("BEGIN") && vcardValue)) {
                    return new Scan(version, cards == 0 ? "does not start with BEGIN:VCARD"
                            : "unexpected content after END:VCARD");
                }
                if (cards > 0) {
                    return new Scan(version, "more than one vCard");
                }
                depth = 1;
            } else if (name.equals("BEGIN") && vcardValue) {
                depth++; // a 2.1 AGENT card nested in the outer one
                if (depth > MAX_NESTING) {
                    return new Scan(version, "vCards nested deeper than " + MAX_NESTING);
                }
            } else if (name.equals("END") && vcardValue) {
                depth--;
                if (depth == 0) {
                    cards++;
                }
            } else if (colon >= 0 && ++properties > MAX_PROPERTIES) {
                return new Scan(version, "more than " + MAX_PROPERTIES + " properties");
            } else if (depth == 1 && version == null && name.equals("VERSION")) {
                version = value;
                if (versionOnly) {
                    return new Scan(version, null);
                }
            }
        }
        if (depth > 0) {
            return new Scan(version, "truncated: missing END:VCARD");
        }
        if (cards == 0) {
            return new Scan(version, "no vCard found");
        }
        return new Scan(version, null);
    }

    /**
     * The outer card of a text whose {@link #scan} is valid, reduced to its BEGIN, VERSION and END lines and the
     * properties named (group prefix ignored) that belong to it, not to a nested card. Kept lines are copied
     * verbatim, continuation lines and line ends included, so a reader parses them exactly as in the whole card.
     *
     * @param text  the card text
     * @param names upper-case property names to keep
     * @return the reduced card, and whether a dropped line was quoted-printable; {@code null} when a line folds onto
     *         a blank line ({@link #foldsOntoBlankLine})
     */
    static Reduced keep(String text, java.util.Set<String> names) {
        if (foldsOntoBlankLine(text)) {
            return null;
        }
        LogicalLines lines = new LogicalLines(text);
        StringBuilder out = new StringBuilder(Math.min(text.length(), 512));
        boolean quotedPrintableDropped = false;
        int properties = 0;
        int depth = 0;
        int start = lines.pos;
        for (String line = lines.next(); line != null; start = lines.pos, line = lines.next()) {
            String trimmed = stripBlank(line);
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            String name = colon < 0 ? trimmed : propertyName(trimmed.substring(0, colon));
            boolean vcardValue = colon >= 0 && trimmed.substring(colon + 1).strip().equalsIgnoreCase("VCARD");
            boolean kept;
            if (name.equals("BEGIN") && vcardValue) {
                kept = ++depth == 1;
            } else if (name.equals("END") && vcardValue) {
                kept = depth-- == 1;
            } else {
                kept = depth == 1 && colon >= 0 && (name.equals("VERSION") || names.contains(name));
                if (kept && !name.equals("VERSION")) {
                    properties++;
                }
                if (!kept && colon >= 0 && LogicalLines.isQuotedPrintable(trimmed, colon)) {
                    quotedPrintableDropped = true;
                }
            }
            if (kept) {
                out.append(text, start, lines.pos);
                char last = out.charAt(out.length() - 1);
                if (last != '\n' && last != '\r') {
                    out.append("\r\n");
                }
            }
        }
        return new Reduced(out.toString(), quotedPrintableDropped, properties);
    }

    /**
     * Whether a blank physical line (or the very start) is followed by a folded, space- or tab-led one: readers
     * differ on where such a continuation belongs (ez-vcard appends it to the line before the blank one).
     */
    static boolean foldsOntoBlankLine(String text) {
        boolean previousBlank = true;
        for (String line : VCardWire.lines(text, true)) {
            if (previousBlank && !line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                return true;
            }
            previousBlank = stripBlank(line).isEmpty();
        }
        return false;
    }

    /**
     * A card reduced by {@link #keep}.
     *
     * @param text                   the kept lines
     * @param quotedPrintableDropped whether a dropped line was quoted-printable (its charset could have decided how a
     *                               reader decodes the kept ones)
     * @param kept                   how many of the named properties were kept
     */
    record Reduced(String text, boolean quotedPrintableDropped, int kept) {
    }

    /** Upper-cased property name of a line's header, without group prefix and parameters. */
    static String propertyName(String header) {
        int semicolon = header.indexOf(';');
        String name = semicolon < 0 ? header : header.substring(0, semicolon);
        int dot = name.lastIndexOf('.');
        return name.substring(dot + 1).strip().toUpperCase(Locale.ROOT);
    }

    /**
     * Whether {@code text} from {@code from} on contains {@code needle} (upper-case ASCII) in any letter case, as
     * {@code text.substring(from).toUpperCase(Locale.ROOT).contains(needle)} without the copies.
     */
    static boolean containsIgnoreCase(String text, int from, String needle) {
        return containsIgnoreCase(text, from, text.length(), needle);
    }

    /** {@link #containsIgnoreCase(String, int, String)} within {@code text[from, to)}. */
    static boolean containsIgnoreCase(String text, int from, int to, String needle) {
        int n = needle.length();
        int last = to - n;
        for (int i = from; i <= last; i++) {
            int j = 0;
            while (j < n && sameIgnoringCase(text.charAt(i + j), needle.charAt(j))) {
                j++;
            }
            if (j == n) {
                return true;
            }
        }
        return false;
    }

    /** {@code String.regionMatches(true, ...)} for one character against an upper-case one, char by char. */
    private static boolean sameIgnoringCase(char c, char upper) {
        if (c == upper) {
            return true;
        }
        char u = Character.toUpperCase(c);
        return u == upper || Character.toLowerCase(u) == Character.toLowerCase(upper);
    }

    /** Strips whitespace, control characters (some phones append NUL) and a byte order mark. */
    static String stripBlank(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isBlank(s.charAt(start))) {
            start++;
        }
        while (end > start && isBlank(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isBlank(char c) {
        return Character.isWhitespace(c) || Character.isISOControl(c) || c == '\uFEFF';
    }

    /** Iterates logical (unfolded) lines. */
    static final class LogicalLines {
        private final String text;
        private int pos;

        LogicalLines(String text) {
            this.text = text;
        }

        /** The next logical line; linear in its length however it is folded (the input may be adversarial). */
        String next() {
            String line = physical();
            if (line == null) {
                return null;
            }
            int colon = line.indexOf(':');
            boolean quotedPrintable = colon >= 0 && isQuotedPrintable(line, colon);
            if (!continues(line, colon, quotedPrintable)) {
                return line; // the common case: one physical line
            }
            StringBuilder logical = new StringBuilder(line);
            while (pos < text.length()) {
                char c = text.charAt(pos);
                boolean folded = c == ' ' || c == '\t';
                int length = logical.length();
                boolean softBreak = quotedPrintable && length - 1 > colon && logical.charAt(length - 1) == '=';
                if (!folded && !softBreak) {
                    break;
                }
                String continuation = physical();
                if (softBreak) {
                    logical.setLength(length - 1);
                    logical.append(continuation);
                } else {
                    logical.append(continuation, 1, continuation.length());
                }
                if (colon < 0) { // header folded: look for its end in the new part only
                    colon = logical.indexOf(":", Math.max(0, length - 1));
                    quotedPrintable = colon >= 0 && isQuotedPrintable(logical.substring(0, colon), colon);
                }
            }
            return logical.toString();
        }

        /** Whether the line read last continues on the next physical line (as the loop in {@link #next} decides). */
        private boolean continues(String line, int colon, boolean quotedPrintable) {
            if (pos >= text.length()) {
                return false;
            }
            char c = text.charAt(pos);
            int length = line.length();
            return c == ' ' || c == '\t'
                    || quotedPrintable && length - 1 > colon && line.charAt(length - 1) == '=';
        }

        /** The next physical line without its terminator, or {@code null} at the end. */
        private String physical() {
            if (pos >= text.length()) {
                return null;
            }
            int start = pos;
            while (pos < text.length() && text.charAt(pos) != '\r' && text.charAt(pos) != '\n') {
                pos++;
            }
            String line = text.substring(start, pos);
            if (pos < text.length() && text.charAt(pos) == '\r') {
                pos++;
            }
            if (pos < text.length() && text.charAt(pos) == '\n') {
                pos++;
            }
            return line;
        }

        /**
         * Whether a parameter of the header mentions QUOTED-PRINTABLE: {@code ENCODING=QUOTED-PRINTABLE}, the bare 2.1
         * {@code QUOTED-PRINTABLE}, or a garbled form of either, as lenient readers take them. The property name and
         * group do not count ({@code X-QUOTED-PRINTABLE:a=} is a plain value, for ez-vcard too).
         */
        private static boolean isQuotedPrintable(String line, int headerEnd) {
            int semicolon = line.indexOf(';');
            return semicolon >= 0 && semicolon < headerEnd
                    && containsIgnoreCase(line, semicolon + 1, headerEnd, "QUOTED-PRINTABLE");
        }
    }
}
