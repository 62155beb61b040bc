package io.syncgw.codec.pim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class CalendarFormatTest {

    @Test
    void namesItsContentTypeAndVersion() {
        assertThat(CalendarFormat.VCALENDAR_10.contentType()).isEqualTo("text/x-vcalendar");
        assertThat(CalendarFormat.VCALENDAR_10.version()).isEqualTo("1.0");
        assertThat(CalendarFormat.ICALENDAR_20.contentType()).isEqualTo("text/calendar");
        assertThat(CalendarFormat.ICALENDAR_20.version()).isEqualTo("2.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/x-vcalendar", "TEXT/X-VCALENDAR", "text/x-vcalendar; charset=UTF-8",
        " Text/X-vCalendar ;charset=utf-8"})
    void recognisesVCalendar10(String contentType) {
        assertThat(CalendarFormat.ofContentType(contentType)).contains(CalendarFormat.VCALENDAR_10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/calendar", "TEXT/CALENDAR", "text/calendar; charset=UTF-8; method=PUBLISH",
        " Text/Calendar ;component=vevent"})
    void recognisesICalendar20(String contentType) {
        assertThat(CalendarFormat.ofContentType(contentType)).contains(CalendarFormat.ICALENDAR_20);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " ", ";charset=UTF-8", "text/x-vcard", "text/vcard", "text/plain",
        "application/calendar+xml", "text/calendarx", "x-text/calendar"})
    void refusesEverythingElse(String contentType) {
        assertThat(CalendarFormat.ofContentType(contentType)).isEmpty();
    }
}
