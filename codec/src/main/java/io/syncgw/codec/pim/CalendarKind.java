package io.syncgw.codec.pim;

/** What a calendar item is: an event ({@code VEVENT}), a task ({@code VTODO}), or neither (not a usable item). */
public enum CalendarKind {

    /** One {@code VEVENT}: the {@code calendar} datastore. */
    EVENT,

    /** One {@code VTODO}: the {@code tasks} datastore. */
    TODO,

    /** Not exactly one complete {@code VCALENDAR} with one {@code VEVENT} or {@code VTODO}. */
    UNKNOWN
}
