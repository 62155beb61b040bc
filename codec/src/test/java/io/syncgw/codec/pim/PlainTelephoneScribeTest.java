package io.syncgw.codec.pim;

import static org.assertj.core.api.Assertions.assertThat;

import ezvcard.VCard;
import ezvcard.io.text.VCardReader;
import ezvcard.property.Telephone;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The exception-free TEL reader gives exactly what ez-vcard's own scribe gives. */
class PlainTelephoneScribeTest {

    private static List<Telephone> read(String card, boolean plain) throws IOException {
        try (VCardReader reader = new VCardReader(card)) {
            if (plain) {
                reader.registerScribe(new PlainTelephoneScribe());
            }
            VCard v = reader.readNext();
            return v.getTelephoneNumbers();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "TEL;TYPE=CELL:+49 170 1234567",
        "TEL;CELL;VOICE:0170/123\\,456",
        "TEL:tel:+1-555-555-0100;ext=12",
        "TEL;VALUE=uri:tel:+1-555-555-0100",
        "TEL;VALUE=uri:+1 555",
        "TEL:TEL:+44 20",
        "TEL:tel",
        "TEL:",
        "TEL;ENCODING=QUOTED-PRINTABLE:+49=20170",
        "TEL:tel:%ZZ"})
    void readsEveryTelLineAsEzVcardDoes(String line) throws IOException {
        for (String version : List.of("2.1", "3.0", "4.0")) {
            String card = "BEGIN:VCARD\r\nVERSION:" + version + "\r\nFN:X\r\n" + line + "\r\nEND:VCARD\r\n";
            List<Telephone> expected = read(card, false);
            List<Telephone> actual = read(card, true);
            assertThat(actual).as("%s in %s", line, version).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                assertThat(actual.get(i).getText()).isEqualTo(expected.get(i).getText());
                assertThat(actual.get(i).getUri()).isEqualTo(expected.get(i).getUri());
                assertThat(actual.get(i).getTypes()).isEqualTo(expected.get(i).getTypes());
            }
        }
    }
}
