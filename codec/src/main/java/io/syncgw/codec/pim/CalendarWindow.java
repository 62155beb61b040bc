package io.syncgw.codec.pim;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The span of time a calendar item occupies, for a date-range filter: from its first start to its last end.
 *
 * @param firstStart the start of the first occurrence (a task: its DTSTART, else its DUE)
 * @param lastEnd    the end of the last occurrence; empty when the item recurs without end
 * @param recurring  whether the item recurs (RRULE or RDATE): then it is inside a window only when one of its
 *                   occurrences is, which {@link CalendarCodec#occursBetween} tells
 */
public record CalendarWindow(Instant firstStart, Optional<Instant> lastEnd, boolean recurring) {

    /**
     * @param firstStart the first start
     * @param lastEnd    the last end, empty for unbounded
     * @param recurring  whether the item recurs
     * @throws NullPointerException if {@code firstStart} or {@code lastEnd} is null
     */
    public CalendarWindow {
        Objects.requireNonNull(firstStart, "firstStart");
        Objects.requireNonNull(lastEnd, "lastEnd");
    }

    /**
     * Whether the item recurs for ever.
     *
     * @return true when there is no last end
     */
    public boolean unbounded() {
        return lastEnd.isEmpty();
    }

    /**
     * Whether the span meets {@code [from, to)}: a necessary condition for the item to be inside that window, and a
     * sufficient one when the item does not recur. An item of zero length at {@code from} meets it.
     *
     * @param from the window start, inclusive
     * @param to   the window end, exclusive
     * @return false when the item certainly lies outside
     */
    public boolean overlaps(Instant from, Instant to) {
        if (!firstStart.isBefore(to)) {
            return false;
        }
        return lastEnd.isEmpty() || lastEnd.get().isAfter(from) || lastEnd.get().equals(firstStart)
                && !firstStart.isBefore(from);
    }
}
