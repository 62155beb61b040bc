package io.syncgw.codec.pim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ContentLinesTest {

    @Test
    void categoriesOfVCardsAndCalendarItemsInEveryCommonSpelling() {
        assertThat(ContentLines.categories("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\nCATEGORIES:Personal,Family\r\n"
                + "END:VCARD\r\n")).containsExactly("personal", "family");
        assertThat(ContentLines.categories("BEGIN:VCARD\r\nVERSION:2.1\r\nCATEGORIES:Business;VIP\r\nEND:VCARD"))
                .containsExactly("business", "vip");
        // folded, several lines, an escaped comma, a group prefix, duplicates
        assertThat(ContentLines.categories("BEGIN:VCARD\r\nitem1.CATEGORIES:Work\\, old,Pers\r\n onal\r\n"
                + "Categories:personal\r\nEND:VCARD\r\n")).containsExactly("work, old", "personal");
        // quoted-printable with a soft line break (vCard 2.1 / vCalendar 1.0)
        assertThat(ContentLines.categories("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
                + "CATEGORIES;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Gr=C3=\r\n=BCne;Urlaub\r\nEND:VEVENT\r\n"))
                .containsExactly("grüne", "urlaub");
        assertThat(ContentLines.categories("BEGIN:VCARD\r\nFN:No categories\r\nEND:VCARD\r\n")).isEmpty();
        assertThat(ContentLines.categories(null)).isEmpty();
        assertThat(ContentLines.categories("garbage without lines")).isEmpty();
    }

    @Test
    void instantsInTheFormsItemsUse() {
        assertThat(ContentLines.instant("20261129T101500Z")).contains(Instant.parse("2026-11-29T10:15:00Z"));
        assertThat(ContentLines.instant("2026-11-29T10:15:00Z")).contains(Instant.parse("2026-11-29T10:15:00Z"));
        assertThat(ContentLines.instant("2026-11-29T11:15:00+01:00")).contains(Instant.parse("2026-11-29T10:15:00Z"));
        assertThat(ContentLines.instant("2026-11-29T11:15:00+0100")).contains(Instant.parse("2026-11-29T10:15:00Z"));
        assertThat(ContentLines.instant("20261129")).contains(Instant.parse("2026-11-29T00:00:00Z"));
        assertThat(ContentLines.instant("2026-11-29")).contains(Instant.parse("2026-11-29T00:00:00Z"));
        assertThat(ContentLines.instant("20261329T101500Z")).isEmpty();
        assertThat(ContentLines.instant("yesterday")).isEmpty();
        assertThat(ContentLines.instant(null)).isEmpty();
    }

    @Test
    void valuesOfAProperty() {
        String card = "BEGIN:VCARD\r\nREV:20260101T000000Z\r\nNOTE;X-P=\"a:b\":the note\r\nEND:VCARD\r\n";
        assertThat(ContentLines.first(card, "REV")).contains("20260101T000000Z");
        assertThat(ContentLines.first(card, "note")).contains("the note");
        assertThat(ContentLines.first(card, "TEL")).isEmpty();
    }
}
