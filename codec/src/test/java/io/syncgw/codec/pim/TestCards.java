package io.syncgw.codec.pim;

import static org.assertj.core.api.Assertions.assertThat;

import ezvcard.VCard;
import ezvcard.io.text.VCardReader;
import ezvcard.property.BinaryProperty;
import ezvcard.property.RawProperty;
import ezvcard.property.VCardProperty;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Sample cards and an independent view of a card's content, for comparing cards by their fields. */
final class TestCards {

    /** What SyncEvolution sends (vCard 3.0). */
    static final String SYNCEVOLUTION_30 = crlf(
            "BEGIN:VCARD",
            "VERSION:3.0",
            "PRODID:-//Synthesis AG//NONSGML SyncML Engine V3.4.0.47//EN",
            "REV:20100328T103410Z",
            "N:Müller 1;Bernd;;;",
            "FN:Bernd Müller 1",
            "ORG:Example Org 1;Dept 1;;",
            "TEL;TYPE=CELL:+49 170 0000001",
            "TEL;TYPE=WORK,VOICE:+1 555 0000001",
            "EMAIL;TYPE=INTERNET:gen-000001@example.com",
            "ADR;TYPE=HOME:;;Street 1;City;;00001;Country",
            "NOTE:generated contact 1 rev 2",
            "END:VCARD");

    /** A 2.1 phone card: ISO-8859-1 and UTF-8 quoted-printable. */
    static final String PHONE_21 = crlf(
            "BEGIN:VCARD",
            "VERSION:2.1",
            "N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen",
            "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller",
            "TEL;CELL:+49 170 1234567",
            "END:VCARD");

    /** A 3.0 card with a bit of everything that must survive conversion. */
    static final String RICH_30 = crlf(
            "BEGIN:VCARD",
            "VERSION:3.0",
            "N:Ødegaard;François;Jean;Dr.;Jr.",
            "FN:Dr. François Jean Ødegaard Jr.",
            "NICKNAME:Fran",
            "ORG:Strauß & Söhne;Vertrieb",
            "TITLE:Directeur général",
            "TEL;TYPE=CELL:+47 900 00 001",
            "TEL;TYPE=WORK,VOICE:+33 1 23 45 67 89",
            "TEL;TYPE=HOME,FAX:+33 1 98 76 54 32",
            "EMAIL;TYPE=INTERNET,WORK:francois@example.com",
            "EMAIL;TYPE=INTERNET,HOME:fo@example.org",
            "ADR;TYPE=WORK:;Bât. B;12 rue de l'Église;Paris;;75001;France",
            "ADR;TYPE=HOME:;;Storgata 1;Oslo;;0155;Norge",
            "URL:https://example.com/~fo",
            "BDAY:1970-01-31",
            "CATEGORIES:Kunden,VIP",
            "NOTE:Zeile 1\\nZeile 2 mit Umlauten: äöü ÄÖÜ ß\\, und Komma",
            "X-EVOLUTION-SPOUSE:Åse",
            "X-CUSTOM;X-PARAM=one:value; with semicolon",
            "UID:abc-123",
            "END:VCARD");

    private TestCards() {
    }

    /** Joins lines with CRLF, with a final CRLF. */
    static String crlf(String... lines) {
        return String.join("\r\n", lines) + "\r\n";
    }

    static String text(ConversionResult result) {
        assertThat(result).isInstanceOf(ConversionResult.Converted.class);
        return ((ConversionResult.Converted) result).text();
    }

    /** Parses exactly one card with ez-vcard, which the tests trust as a reader. */
    static VCard parse(String text) {
        try (VCardReader reader = new VCardReader(text)) {
            List<VCard> cards = reader.readAll();
            assertThat(cards).hasSize(1);
            return cards.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The card's content as sorted lines "NAME|TYPES|OTHER-PARAMS|value": properties with their types (upper case,
     * sorted), their other parameters and their values. Transport details are left out: the ENCODING and CHARSET
     * parameters, and the kind of line break inside values (2.1 uses CRLF, 3.0 "\n").
     */
    static List<String> fields(String text) {
        List<String> fields = new ArrayList<>();
        for (VCardProperty property : parse(text).getProperties()) {
            fields.add(field(property));
        }
        Collections.sort(fields);
        return fields;
    }

    private static String field(VCardProperty property) {
        String name = property instanceof RawProperty
                ? ((RawProperty) property).getPropertyName().toUpperCase(Locale.ROOT)
                : property.getClass().getSimpleName();
        List<String> types = new ArrayList<>();
        for (String type : property.getParameters().getTypes()) {
            types.add(type.toUpperCase(Locale.ROOT));
        }
        Collections.sort(types);
        List<String> others = new ArrayList<>();
        for (Map.Entry<String, List<String>> parameter : property.getParameters()) {
            String key = parameter.getKey();
            if (key != null && !key.equals("TYPE") && !key.equals("ENCODING") && !key.equals("CHARSET")) {
                others.add(key + "=" + parameter.getValue());
            }
        }
        Collections.sort(others);
        String value;
        if (property instanceof BinaryProperty<?>) {
            BinaryProperty<?> binary = (BinaryProperty<?>) property;
            value = binary.getData() != null
                    ? "data:" + binary.getContentType() + ":" + Base64.getEncoder().encodeToString(binary.getData())
                    : "url:" + binary.getUrl();
        } else {
            VCardProperty copy = property.copy();
            copy.getParameters().clear();
            value = copy.toString();
        }
        value = value.replace("\r\n", "\n").replace('\r', '\n');
        return name + "|" + types + "|" + others + "|" + value;
    }
}
