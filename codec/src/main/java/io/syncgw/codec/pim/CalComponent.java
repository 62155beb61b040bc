package io.syncgw.codec.pim;

import java.util.ArrayList;
import java.util.List;

/**
 * A calendar component ({@code VCALENDAR}, {@code VEVENT}, {@code VTODO}, {@code VALARM}, {@code VTIMEZONE},
 * {@code STANDARD}, {@code DAYLIGHT}) with its lines and sub-components in order. Mutable; each conversion builds its
 * own.
 */
final class CalComponent {

    final String name;
    final List<CalLine> lines = new ArrayList<>();
    final List<CalComponent> children = new ArrayList<>();

    CalComponent(String name) {
        this.name = name;
    }

    /** The first line of that name, or {@code null}. */
    CalLine first(String lineName) {
        for (CalLine line : lines) {
            if (line.name().equals(lineName)) {
                return line;
            }
        }
        return null;
    }

    /** The value of the first line of that name, or {@code null}. */
    String value(String lineName) {
        CalLine line = first(lineName);
        return line == null ? null : line.value();
    }

    List<CalLine> all(String lineName) {
        List<CalLine> found = new ArrayList<>();
        for (CalLine line : lines) {
            if (line.name().equals(lineName)) {
                found.add(line);
            }
        }
        return found;
    }

    boolean has(String lineName) {
        return first(lineName) != null;
    }

    void removeAll(String lineName) {
        lines.removeIf(line -> line.name().equals(lineName));
    }

    List<CalComponent> children(String componentName) {
        List<CalComponent> found = new ArrayList<>();
        for (CalComponent child : children) {
            if (child.name.equals(componentName)) {
                found.add(child);
            }
        }
        return found;
    }

    /** The single VEVENT or VTODO of a VCALENDAR tree (checked by {@link CalText}). */
    CalComponent item() {
        for (CalComponent child : children) {
            if (child.name.equals("VEVENT") || child.name.equals("VTODO")) {
                return child;
            }
        }
        throw new IllegalStateException("no VEVENT or VTODO");
    }

    /** A deep copy. */
    CalComponent copy() {
        CalComponent copy = new CalComponent(name);
        copy.lines.addAll(lines);
        for (CalComponent child : children) {
            copy.children.add(child.copy());
        }
        return copy;
    }

    /** Writes this component as unfolded 2.0 lines, CRLF after each. */
    void render20(StringBuilder out) {
        out.append("BEGIN:").append(name).append(VCardWire.CRLF);
        for (CalLine line : lines) {
            out.append(line.render20()).append(VCardWire.CRLF);
        }
        for (CalComponent child : children) {
            child.render20(out);
        }
        out.append("END:").append(name).append(VCardWire.CRLF);
    }
}
