package io.syncgw.codec.pim;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * The codec's own light reader of calendar text, for both formats: unfolds lines, splits them into name, parameters
 * and value, builds the component tree and checks the item structure. No ical4j: this is the "light line scan" the
 * cheap methods of {@link CalendarCodec} run on.
 *
 * <p>Unfolding: a line starting with a space or tab continues the previous one. In iCalendar 2.0 (RFC 5545 section
 * 3.1) the line break and that one whitespace character are removed; in vCalendar 1.0 (versit, like vCard 2.1) only
 * the line break is, since 1.0 folds at existing whitespace. In 1.0 a quoted-printable value ending in {@code =}
 * continues on the next line (soft line break). Line ends may be CRLF, LF or CR.
 *
 * <p>1.0 values are quoted-printable decoded here, with their {@code CHARSET} (UTF-8 when none is given; ISO-8859-1
 * when the bytes are not UTF-8), and the ENCODING and CHARSET parameters removed. Bare 1.0 parameters
 * ({@code DALARM;QUOTED-PRINTABLE:}) are read as {@code ENCODING=}, others as {@code TYPE=}.
 *
 * <p>Structure: exactly one {@code VCALENDAR} holding exactly one {@code VEVENT} or {@code VTODO} (with
 * {@code VALARM}s inside) and any {@code VTIMEZONE}s, nothing after it; at most {@value #MAX_LINES} property lines
 * and {@value #MAX_TIMEZONES} time zones, at most {@value #MAX_LIST_VALUES} values in a list-valued line.
 */
final class CalText {

    /** Most property lines in one item. Real items have a few dozen; the limit bounds the work per item. */
    static final int MAX_LINES = 2000;

    /** Most VTIMEZONE components in one item. */
    static final int MAX_TIMEZONES = 20;

    /** Most parameters on one line; real lines have a handful. */
    static final int MAX_PARAMS = 100;

    /**
     * Most values in one list-valued line (EXDATE, RDATE, CATEGORIES, RESOURCES): ical4j 4.2.3 parses such a list in
     * time quadratic in its length (40,000 EXDATEs in one line take seconds).
     */
    static final int MAX_LIST_VALUES = 1000;

    /** Most VALARM components in one item. */
    static final int MAX_ALARMS = 50;

    /**
     * A parse result.
     *
     * @param root    the VCALENDAR, or {@code null} when refused
     * @param v10     whether the text is vCalendar 1.0 ({@code VERSION:1.0}, or no VERSION at all)
     * @param problem why the text was refused, or {@code null}
     */
    record Parsed(CalComponent root, boolean v10, String problem) {
        boolean valid() {
            return problem == null;
        }
    }

    private CalText() {
    }

    /** Whether the text declares {@code VERSION:2.0} at calendar level (else it is read as 1.0). */
    static boolean declares20(String text) {
        int depth = 0;
        int start = 0;
        int n = text.length();
        while (start < n) {
            int end = start;
            while (end < n && text.charAt(end) != '\r' && text.charAt(end) != '\n') {
                end++;
            }
            String line = text.substring(start, end).strip();
            start = end + 1;
            String upper = line.toUpperCase(Locale.ROOT);
            if (upper.startsWith("BEGIN:")) {
                depth++;
                if (depth > 1) {
                    return false; // VERSION comes before the components
                }
            } else if (depth == 1 && upper.startsWith("VERSION")) {
                int colon = upper.indexOf(':');
                return colon > 0 && upper.substring(colon + 1).strip().equals("2.0");
            }
        }
        return false;
    }

    /** Parses and checks the whole text. */
    static Parsed parse(String text) {
        boolean v10 = !declares20(text);
        Deque<CalComponent> stack = new ArrayDeque<>();
        CalComponent root = null;
        int count = 0;
        int items = 0;
        int zones = 0;
        int alarms = 0;
        LogicalLines lines = new LogicalLines(text, v10);
        for (String raw = lines.next(); raw != null; raw = lines.next()) {
            String line = stripBlank(raw);
            if (line.isEmpty()) {
                continue;
            }
            CalLine parsed = split(line, v10);
            if (parsed == null) {
                return refused(v10, "malformed line: " + abbreviate(line));
            }
            String name = parsed.name();
            if (name.equals("BEGIN")) {
                String component = parsed.value().strip().toUpperCase(Locale.ROOT);
                if (stack.isEmpty()) {
                    if (root != null) {
                        return refused(v10, "more than one VCALENDAR");
                    }
                    if (!component.equals("VCALENDAR")) {
                        return refused(v10, "does not start with BEGIN:VCALENDAR");
                    }
                } else {
                    String parent = stack.peek().name;
                    boolean allowed;
                    switch (parent) {
                        case "VCALENDAR":
                            allowed = component.equals("VEVENT") || component.equals("VTODO")
                                    || component.equals("VTIMEZONE");
                            break;
                        case "VEVENT":
                        case "VTODO":
                            allowed = component.equals("VALARM");
                            break;
                        case "VTIMEZONE":
                            allowed = component.equals("STANDARD") || component.equals("DAYLIGHT");
                            break;
                        default:
                            allowed = false;
                    }
                    if (!allowed) {
                        return refused(v10, "unsupported component " + abbreviate(component) + " in " + parent);
                    }
                    if (component.equals("VEVENT") || component.equals("VTODO")) {
                        if (++items > 1) {
                            return refused(v10, "more than one VEVENT or VTODO");
                        }
                    } else if (component.equals("VTIMEZONE") && ++zones > MAX_TIMEZONES) {
                        return refused(v10, "more than " + MAX_TIMEZONES + " VTIMEZONE components");
                    } else if (component.equals("VALARM") && ++alarms > MAX_ALARMS) {
                        return refused(v10, "more than " + MAX_ALARMS + " VALARM components");
                    }
                }
                CalComponent created = new CalComponent(component);
                if (stack.isEmpty()) {
                    root = created;
                } else {
                    stack.peek().children.add(created);
                }
                stack.push(created);
            } else if (name.equals("END")) {
                String component = parsed.value().strip().toUpperCase(Locale.ROOT);
                if (stack.isEmpty() || !stack.peek().name.equals(component)) {
                    return refused(v10, "unexpected END:" + abbreviate(component));
                }
                stack.pop();
            } else {
                if (stack.isEmpty()) {
                    return refused(v10, root == null ? "does not start with BEGIN:VCALENDAR"
                            : "unexpected content after END:VCALENDAR");
                }
                if (++count > MAX_LINES) {
                    return refused(v10, "more than " + MAX_LINES + " lines");
                }
                if (LISTS.contains(name) && separators(parsed.value()) >= MAX_LIST_VALUES) {
                    return refused(v10, "more than " + MAX_LIST_VALUES + " values in " + name);
                }
                stack.peek().lines.add(v10 ? decode10(parsed) : parsed);
            }
        }
        if (root == null) {
            return refused(v10, "does not start with BEGIN:VCALENDAR");
        }
        if (!stack.isEmpty()) {
            return refused(v10, "truncated: missing END:" + stack.peek().name);
        }
        if (items == 0) {
            return refused(v10, "no VEVENT or VTODO");
        }
        return new Parsed(root, v10, null);
    }

    private static final java.util.Set<String> LISTS = java.util.Set.of("EXDATE", "RDATE", "CATEGORIES", "RESOURCES");

    private static int separators(String value) {
        int n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ',' || c == ';') {
                n++;
            }
        }
        return n;
    }

    private static Parsed refused(boolean v10, String problem) {
        return new Parsed(null, v10, problem);
    }

    private static String abbreviate(String s) {
        String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        StringBuilder out = new StringBuilder(shown.length());
        shown.codePoints().forEach(cp -> out.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
        return out.toString();
    }

    /** Splits a logical line; {@code null} when it has no name or no colon. */
    static CalLine split(String line, boolean v10) {
        int i = 0;
        int n = line.length();
        while (i < n && line.charAt(i) != ';' && line.charAt(i) != ':') {
            i++;
        }
        if (i == n) {
            return null;
        }
        String name = line.substring(0, i).strip();
        int dot = name.lastIndexOf('.');
        if (dot >= 0) {
            name = name.substring(dot + 1); // a group prefix ("item1.DESCRIPTION")
        }
        if (name.isEmpty() || !validName(name)) {
            return null;
        }
        List<CalLine.Param> params = new ArrayList<>();
        while (i < n && line.charAt(i) == ';') {
            i++;
            int start = i;
            boolean quoted = false;
            StringBuilder token = new StringBuilder();
            while (i < n) {
                char c = line.charAt(i);
                if (c == '"' && !v10) {
                    quoted = !quoted;
                } else if (!quoted && (c == ';' || c == ':')) {
                    break;
                } else {
                    token.append(c);
                }
                i++;
            }
            if (i == start && i < n && line.charAt(i) == ':') {
                break; // "NAME;:value"
            }
            String t = token.toString().strip();
            if (t.isEmpty()) {
                continue;
            }
            if (params.size() >= MAX_PARAMS) {
                return null;
            }
            int eq = t.indexOf('=');
            if (eq < 0) {
                String upper = t.toUpperCase(Locale.ROOT);
                boolean encoding = upper.equals("QUOTED-PRINTABLE") || upper.equals("BASE64") || upper.equals("8BIT")
                        || upper.equals("7BIT");
                params.add(new CalLine.Param(encoding ? "ENCODING" : "TYPE", t));
            } else {
                String pname = t.substring(0, eq).strip().toUpperCase(Locale.ROOT);
                if (pname.isEmpty()) {
                    continue;
                }
                String pvalue = t.substring(eq + 1).strip();
                if (v10 && pvalue.length() >= 2 && pvalue.startsWith("\"") && pvalue.endsWith("\"")) {
                    pvalue = pvalue.substring(1, pvalue.length() - 1); // STATUS="NEEDS ACTION" (SyncEvolution)
                }
                params.add(new CalLine.Param(pname, pvalue));
            }
        }
        if (i >= n || line.charAt(i) != ':') {
            return null;
        }
        return new CalLine(name.toUpperCase(Locale.ROOT), params, line.substring(i + 1));
    }

    private static boolean validName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** Decodes a 1.0 quoted-printable value and drops ENCODING/CHARSET. */
    private static CalLine decode10(CalLine line) {
        String encoding = line.param("ENCODING");
        String charsetName = line.param("CHARSET");
        if (encoding == null && charsetName == null) {
            return line;
        }
        String value = line.value();
        if (encoding != null && encoding.equalsIgnoreCase("QUOTED-PRINTABLE")) {
            Charset charset = charset(charsetName);
            value = VCardWire.decodeQuotedPrintable(value, charset);
            if (charsetName == null && value.indexOf('\uFFFD') >= 0 && line.value().indexOf('\uFFFD') < 0) {
                value = VCardWire.decodeQuotedPrintable(line.value(), StandardCharsets.ISO_8859_1);
            }
            return new CalLine(line.name(), line.without("ENCODING", "CHARSET").params(), value);
        }
        if (encoding != null && !(encoding.equalsIgnoreCase("8BIT") || encoding.equalsIgnoreCase("7BIT"))) {
            return line.without("CHARSET"); // BASE64 stays as it is
        }
        return new CalLine(line.name(), line.without("ENCODING", "CHARSET").params(), value);
    }

    private static Charset charset(String name) {
        try {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name.strip());
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** Strips whitespace, control characters (some phones append NUL) and byte order marks at both ends. */
    static String stripBlank(String s) {
        return VCardStructure.stripBlank(s);
    }

    /** Iterates logical (unfolded) lines; linear in the input however it is folded. */
    static final class LogicalLines {
        private final String text;
        private final boolean v10;
        private int pos;

        LogicalLines(String text, boolean v10) {
            this.text = text;
            this.v10 = v10;
        }

        String next() {
            String line = physical();
            if (line == null) {
                return null;
            }
            int colon = line.indexOf(':');
            boolean quotedPrintable = v10 && colon >= 0 && isQuotedPrintable(line.substring(0, colon));
            if (pos >= text.length() || !(text.charAt(pos) == ' ' || text.charAt(pos) == '\t'
                    || quotedPrintable && line.length() - 1 > colon && line.charAt(line.length() - 1) == '=')) {
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
                } else if (v10) {
                    logical.append(continuation);
                } else {
                    logical.append(continuation, 1, continuation.length());
                }
                if (colon < 0) {
                    colon = logical.indexOf(":", Math.max(0, length - 1));
                    quotedPrintable = v10 && colon >= 0 && isQuotedPrintable(logical.substring(0, colon));
                }
            }
            return logical.toString();
        }

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

        /** Whether a parameter mentions QUOTED-PRINTABLE; the property name does not count ({@code X-QUOTED-PRINTABLE:}). */
        private static boolean isQuotedPrintable(String header) {
            int semicolon = header.indexOf(';');
            return semicolon >= 0 && VCardStructure.containsIgnoreCase(header, semicolon + 1, "QUOTED-PRINTABLE");
        }
    }
}
