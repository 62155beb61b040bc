package io.syncgw.codec.pim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ContactFormatTest {

    @Test
    void namesItsContentTypeAndVersion() {
        assertThat(ContactFormat.VCARD_21.contentType()).isEqualTo("text/x-vcard");
        assertThat(ContactFormat.VCARD_21.version()).isEqualTo("2.1");
        assertThat(ContactFormat.VCARD_30.contentType()).isEqualTo("text/vcard");
        assertThat(ContactFormat.VCARD_30.version()).isEqualTo("3.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/x-vcard", "TEXT/X-VCARD", "text/x-vcard; charset=UTF-8", " Text/X-vCard ;charset=utf-8"})
    void recognisesVCard21(String contentType) {
        assertThat(ContactFormat.ofContentType(contentType)).contains(ContactFormat.VCARD_21);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/vcard", "TEXT/VCARD", "text/vcard; charset=UTF-8", "text/directory",
        "text/directory;profile=vCard", "Text/Directory ; charset=\"utf-8\""})
    void recognisesVCard30(String contentType) {
        assertThat(ContactFormat.ofContentType(contentType)).contains(ContactFormat.VCARD_30);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " ", ";charset=UTF-8", "text/calendar", "text/x-vcalendar", "text/plain",
        "application/vnd.syncml+xml", "text/vcardx", "x-text/vcard"})
    void refusesEverythingElse(String contentType) {
        assertThat(ContactFormat.ofContentType(contentType)).isEmpty();
    }
}
