package io.syncgw.codec.pim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A light reader of the content lines of a vCard or vCalendar/iCalendar text (RFC 2425 / RFC 5545 §3.1 and the 1.0
 * folding with QUOTED-PRINTABLE soft breaks): the values of one property, without a full parse. For the questions
 * the engine asks of every item it stores (categories, last modification), where a full parse would cost more than
 * the rest of the sync. Never throws for bad input; lines past {@value #MAX_LINES} are not read.
 */
public final class ContentLines {
    static final int MAX_LINES = 20_000;

    private ContentLines() {
    }

    /**
     * The values of every {@code name} property (group prefixes such as {@code item1.} ignored), unfolded and, when
     * the line says {@code ENCODING=QUOTED-PRINTABLE}, decoded as UTF-8. Empty for null text.
     */
    public static List<String> values(String text, String name) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        String wanted = name.toUpperCase(Locale.ROOT);
        List<String> lines = unfold(text);
        for (String line : lines) {
            int colon = valueStart(line);
            if (colon < 0) {
                continue;
            }
            String head = line.substring(0, colon);
            int semi = head.indexOf(';');
            String prop = (semi < 0 ? head : head.substring(0, semi)).trim();
            int dot = prop.lastIndexOf('.');
            if (dot >= 0) {
                prop = prop.substring(dot + 1);
            }
            if (!prop.equalsIgnoreCase(wanted)) {
                continue;
            }
            String value = line.substring(colon + 1);
            if (head.toUpperCase(Locale.ROOT).contains("QUOTED-PRINTABLE")) {
                value = decodeQuotedPrintable(value);
            }
            out.add(value);
        }
        return out;
    }

    /** The first value of {@code name}, if any. */
    public static Optional<String> first(String text, String name) {
        List<String> v = values(text, name);
        return v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /**
     * The categories of an item (CATEGORIES, separated by unescaped commas or semicolons, several lines allowed),
     * trimmed, lower case, without duplicates, in order.
     */
    public static List<String> categories(String text) {
        List<String> out = new ArrayList<>();
        for (String v : values(text, "CATEGORIES")) {
            StringBuilder cur = new StringBuilder();
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c == '\\' && i + 1 < v.length()) {
                    cur.append(v.charAt(++i));
                } else if (c == ',' || c == ';') {
                    add(out, cur);
                } else {
                    cur.append(c);
                }
            }
            add(out, cur);
        }
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String c = cur.toString().trim().toLowerCase(Locale.ROOT);
        cur.setLength(0);
        if (!c.isEmpty() && !out.contains(c)) {
            out.add(c);
        }
    }

    /**
     * An instant as items write them: {@code 20261129T101500Z}, {@code 2026-11-29T10:15:00Z} (or with an offset),
     * {@code 20261129T101500} / a date alone (read as UTC). Empty when it is none of these.
     */
    public static Optional<Instant> instant(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim();
        try {
            if (v.matches("\\d{8}T\\d{6}Z")) {
                return Optional.of(LocalDateTime.parse(v.substring(0, 15), BASIC).toInstant(ZoneOffset.UTC));
            }
            if (v.matches("\\d{8}T\\d{6}")) {
                return Optional.of(LocalDateTime.parse(v, BASIC).toInstant(ZoneOffset.UTC));
            }
            if (v.matches("\\d{8}")) {
                return Optional.of(LocalDate.parse(v, DateTimeFormatter.BASIC_ISO_DATE).atStartOfDay()
                        .toInstant(ZoneOffset.UTC));
            }
            if (v.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return Optional.of(LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC));
            }
            if (v.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:?\\d{2})")) {
                String iso = v.matches(".*[+-]\\d{4}$") ? v.substring(0, v.length() - 2) + ":"
                        + v.substring(v.length() - 2) : v;
                return Optional.of(OffsetDateTime.parse(iso).toInstant());
            }
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static final DateTimeFormatter BASIC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT);

    /** Lines with folding undone: RFC continuation lines (leading space/tab) and QP soft line breaks ("=" at end). */
    static List<String> unfold(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = null;
        boolean qpSoft = false;
        int start = 0;
        int n = text.length();
        while (start <= n && out.size() < MAX_LINES) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = n;
            }
            String line = text.substring(start, end);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (cur != null && (qpSoft || !line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t'))) {
                cur.append(qpSoft ? line : line.substring(1));
            } else {
                if (cur != null) {
                    out.add(cur.toString());
                }
                cur = new StringBuilder(line);
            }
            String sofar = cur.toString();
            qpSoft = sofar.endsWith("=") && valueStart(sofar) >= 0
                    && sofar.substring(0, valueStart(sofar)).toUpperCase(Locale.ROOT).contains("QUOTED-PRINTABLE");
            if (qpSoft) {
                cur.setLength(cur.length() - 1);
            }
            start = end + 1;
        }
        if (cur != null && cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }

    /** The colon that ends the property name and parameters (not one inside a quoted parameter value). */
    private static int valueStart(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ':' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static String decodeQuotedPrintable(String v) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '=' && i + 2 < v.length() && hex(v.charAt(i + 1)) >= 0 && hex(v.charAt(i + 2)) >= 0) {
                bytes.write(hex(v.charAt(i + 1)) * 16 + hex(v.charAt(i + 2)));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
