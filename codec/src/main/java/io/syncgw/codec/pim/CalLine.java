package io.syncgw.codec.pim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One calendar content line: {@code NAME;PARAM=value:value}.
 *
 * <p>In the iCalendar 2.0 model every value is kept as it appears on the wire (text still escaped with {@code \,}
 * {@code \;} {@code \n} {@code \\}), parameter values without their quotes. In a vCalendar 1.0 tree (as read by
 * {@link CalText}) values are already quoted-printable decoded and carry no ENCODING or CHARSET parameter.
 *
 * @param name   the property name, upper case, without group prefix
 * @param params the parameters in order; names upper case
 * @param value  the value
 */
record CalLine(String name, List<Param> params, String value) {

    /**
     * One parameter.
     *
     * @param name  upper case
     * @param value the value without surrounding quotes; a 2.0 list stays one comma-separated string
     */
    record Param(String name, String value) {
        Param {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    CalLine {
        Objects.requireNonNull(name, "name");
        params = List.copyOf(params);
        Objects.requireNonNull(value, "value");
    }

    static CalLine of(String name, String value) {
        return new CalLine(name, List.of(), value);
    }

    static CalLine of(String name, String value, String... paramNameValues) {
        List<Param> params = new ArrayList<>();
        for (int i = 0; i + 1 < paramNameValues.length; i += 2) {
            if (paramNameValues[i + 1] != null) {
                params.add(new Param(paramNameValues[i], paramNameValues[i + 1]));
            }
        }
        return new CalLine(name, params, value);
    }

    /** The first value of a parameter, or {@code null}. */
    String param(String paramName) {
        for (Param p : params) {
            if (p.name().equals(paramName)) {
                return p.value();
            }
        }
        return null;
    }

    /** This line without the named parameters. */
    CalLine without(String... paramNames) {
        List<Param> kept = new ArrayList<>(params.size());
        outer:
        for (Param p : params) {
            for (String n : paramNames) {
                if (p.name().equals(n)) {
                    continue outer;
                }
            }
            kept.add(p);
        }
        return new CalLine(name, kept, value);
    }

    /** This line with one parameter set (replacing any of that name). */
    CalLine with(String paramName, String paramValue) {
        List<Param> kept = new ArrayList<>(without(paramName).params());
        if (paramValue != null) {
            kept.add(new Param(paramName, paramValue));
        }
        return new CalLine(name, kept, value);
    }

    CalLine withValue(String newValue) {
        return new CalLine(name, params, newValue);
    }

    CalLine withName(String newName) {
        return new CalLine(newName, params, value);
    }

    // ---- iCalendar 2.0 text values (RFC 5545 section 3.3.11) ------------------------------------------------

    /** Escapes text for a 2.0 TEXT value. Line breaks of any kind become {@code \n}. */
    static String escape20(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\':
                    out.append("\\\\");
                    break;
                case ';':
                    out.append("\\;");
                    break;
                case ',':
                    out.append("\\,");
                    break;
                case '\r':
                    if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                        i++;
                    }
                    out.append("\\n");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                default:
                    out.append(c);
            }
        }
        return out.toString();
    }

    /** Undoes {@link #escape20}; a backslash before any other character is kept with it. */
    static String unescape20(String value) {
        if (value.indexOf('\\') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char next = value.charAt(i + 1);
                switch (next) {
                    case 'n':
                    case 'N':
                        out.append('\n');
                        i++;
                        continue;
                    case '\\':
                    case ';':
                    case ',':
                        out.append(next);
                        i++;
                        continue;
                    default:
                        break;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Splits a 2.0 value on unescaped commas, unescaping each part (CATEGORIES, RESOURCES). */
    static List<String> splitList20(String value) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                part.append(c).append(value.charAt(++i));
            } else if (c == ',') {
                parts.add(unescape20(part.toString()));
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(unescape20(part.toString()));
        return parts;
    }

    /** Splits on a separator not preceded by a backslash, without unescaping. */
    static List<String> splitUnescaped(String value, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                part.append(c).append(value.charAt(++i));
            } else if (c == separator) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }

    // ---- vCalendar 1.0 text values -------------------------------------------------------------------------

    /**
     * Reads a 1.0 text value: {@code \;} {@code \,} {@code \\} stand for the character, {@code \n} for a line
     * break (some devices write it); any other backslash is literal. Line breaks become LF.
     */
    static String unescape10(String value) {
        String text = value.replace("\r\n", "\n").replace('\r', '\n');
        if (text.indexOf('\\') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(i + 1);
                if (next == ';' || next == ',' || next == '\\') {
                    out.append(next);
                    i++;
                    continue;
                }
                if (next == 'n' || next == 'N') {
                    out.append('\n');
                    i++;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * Writes a 1.0 text value so that {@link #unescape10} reads it back: a backslash is always doubled (devices such
     * as SyncEvolution read any backslash as an escape and drop a lone one), and {@code separator} (when not 0) is
     * escaped.
     */
    static String escape10(String text, char separator) {
        StringBuilder out = new StringBuilder(text.length() + 4);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (separator != 0 && c == separator) {
                out.append('\\').append(c);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    // ---- writing -----------------------------------------------------------------------------------------------

    /** The unfolded 2.0 line: parameter values quoted where they hold ':', ';' or ','; quotes and breaks dropped. */
    String render20() {
        StringBuilder out = new StringBuilder(name.length() + value.length() + 16).append(name);
        for (Param p : params) {
            String v = p.value().replace("\"", "").replace("\r", "").replace("\n", "");
            boolean quote = v.indexOf(':') >= 0 || v.indexOf(';') >= 0 || v.indexOf(',') >= 0 && !listParam(p.name());
            out.append(';').append(p.name()).append('=');
            if (quote) {
                out.append('"').append(v).append('"');
            } else {
                out.append(v);
            }
        }
        return out.append(':').append(value.replace("\r", "").replace("\n", "\\n")).toString();
    }

    /** Parameters whose value is a comma-separated list of (possibly quoted) values. */
    private static boolean listParam(String name) {
        return name.equals("MEMBER") || name.equals("DELEGATED-TO") || name.equals("DELEGATED-FROM");
    }

    /** Name and parameters, in a form independent of parameter order and case (for comparisons). */
    String canonicalHeader() {
        List<String> ps = new ArrayList<>();
        for (Param p : params) {
            ps.add(p.name() + "=" + p.value().toUpperCase(Locale.ROOT));
        }
        Collections.sort(ps);
        return name + ps;
    }
}
