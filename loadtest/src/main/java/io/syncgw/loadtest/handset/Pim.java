package io.syncgw.loadtest.handset;

import java.util.Base64;
import java.util.SplittableRandom;

/**
 * Generated address-book and calendar entries shaped like the ones in the recorded SyncEvolution sessions: vCard 2.1
 * (quoted-printable notes, umlauts) or 3.0, vCalendar 1.0 or iCalendar 2.0 events, CR LF line ends. Every entry is
 * unique by its {@code key} (names, phone digits and e-mail address carry it), so the server's twin matching never
 * merges two generated contacts; the same key and revision always give the same text.
 */
public final class Pim {
    private static final String[] GIVEN = {"Anna", "Bernd", "Chloé", "Dmitri", "Eva", "Fatima", "Günter", "Hanna",
        "Ivan", "Jürgen", "Karin", "Luis", "Marta", "Niels", "Olga", "Paul", "Queenie", "Renée", "Sven", "Tomás"};
    private static final String[] FAMILY = {"Müller", "Schmidt", "Dubois", "Rossi", "García", "Nowak", "Jensen",
        "Kowalski", "Öztürk", "Smith", "Novák", "Larsen", "Weiß", "Fischer", "Moreau", "Silva"};
    private static final String[] CITY = {"Berlin", "München", "Lyon", "Milano", "Sevilla", "Kraków", "Aarhus"};
    private static final String CRLF = "\r\n";

    private Pim() {
    }

    /**
     * A contact.
     *
     * @param key        unique among all generated contacts of a run (e.g. account*1e6 + device*1e4 + n)
     * @param revision   0 for the original; each edit increments it (changes the note and a phone number)
     * @param vcard21    vCard 2.1, else 3.0
     * @param photoBytes size of a JPEG-like photo before base64, 0 for none
     */
    public static String contact(long key, int revision, boolean vcard21, int photoBytes) {
        SplittableRandom rnd = new SplittableRandom(key * 31 + 7);
        String given = GIVEN[rnd.nextInt(GIVEN.length)];
        String family = FAMILY[rnd.nextInt(FAMILY.length)] + " " + key;
        String city = CITY[rnd.nextInt(CITY.length)];
        String digits = pad(key % 1_000_000_000L, 9);
        StringBuilder sb = new StringBuilder(512 + photoBytes * 4 / 3 + photoBytes / 40);
        line(sb, "BEGIN:VCARD");
        line(sb, vcard21 ? "VERSION:2.1" : "VERSION:3.0");
        line(sb, "N:" + family + ";" + given + ";;;");
        line(sb, "FN:" + given + " " + family);
        line(sb, "ORG:Example Org " + (key % 97) + ";Dept " + (key % 7));
        if (vcard21) {
            line(sb, "TEL;CELL:+49 170 " + digits);
            line(sb, "TEL;WORK;VOICE:+49 30 " + rev(digits, revision));
            line(sb, "EMAIL;INTERNET:c" + key + "@example.com");
            line(sb, "ADR;HOME:;;Hauptstraße " + (key % 200 + 1) + ";" + city + ";;" + (10000 + key % 89999)
                    + ";Deutschland");
            line(sb, "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Gr=C3=BC=C3=9Fe, revision " + revision);
        } else {
            line(sb, "TEL;TYPE=CELL:+49 170 " + digits);
            line(sb, "TEL;TYPE=WORK,VOICE:+49 30 " + rev(digits, revision));
            line(sb, "EMAIL;TYPE=INTERNET:c" + key + "@example.com");
            line(sb, "ADR;TYPE=HOME:;;Hauptstraße " + (key % 200 + 1) + ";" + city + ";;" + (10000 + key % 89999)
                    + ";Deutschland");
            line(sb, "NOTE:Grüße\\, revision " + revision);
        }
        if (photoBytes > 0) {
            byte[] jpeg = new byte[photoBytes];
            new SplittableRandom(key).nextBytes(jpeg);
            jpeg[0] = (byte) 0xFF;
            jpeg[1] = (byte) 0xD8;
            String b64 = Base64.getEncoder().encodeToString(jpeg);
            sb.append(vcard21 ? "PHOTO;ENCODING=BASE64;TYPE=JPEG:" : "PHOTO;ENCODING=b;TYPE=JPEG:").append(CRLF);
            for (int i = 0; i < b64.length(); i += 72) {
                sb.append(' ').append(b64, i, Math.min(b64.length(), i + 72)).append(CRLF);
            }
            if (vcard21) {
                sb.append(CRLF); // 2.1 ends a base64 value with an empty line
            }
        }
        line(sb, "END:VCARD");
        return sb.toString();
    }

    /** An event, one hour, somewhere in 2030; {@code vcal10}: vCalendar 1.0, else iCalendar 2.0. */
    public static String event(long key, int revision, boolean vcal10) {
        SplittableRandom rnd = new SplittableRandom(key * 17 + 3);
        int month = 1 + rnd.nextInt(12);
        int day = 1 + rnd.nextInt(28);
        int hour = 7 + rnd.nextInt(11);
        String date = "2030" + pad(month, 2) + pad(day, 2) + "T";
        String start = date + pad(hour, 2) + "0000Z";
        String end = date + pad(hour + 1, 2) + "0000Z";
        StringBuilder sb = new StringBuilder(400);
        line(sb, "BEGIN:VCALENDAR");
        if (vcal10) {
            line(sb, "VERSION:1.0");
        } else {
            line(sb, "VERSION:2.0");
            line(sb, "PRODID:-//syncgw//loadtest//EN");
        }
        line(sb, "BEGIN:VEVENT");
        if (!vcal10) {
            line(sb, "DTSTAMP:20261129T080000Z");
        }
        line(sb, "UID:event-" + key + "@loadtest.example");
        line(sb, "SUMMARY:Meeting " + key + " (" + revision + ")");
        line(sb, "DESCRIPTION:generated event " + key + " revision " + revision);
        line(sb, "LOCATION:Room " + (key % 50));
        line(sb, "DTSTART:" + start);
        line(sb, "DTEND:" + end);
        line(sb, "END:VEVENT");
        line(sb, "END:VCALENDAR");
        return sb.toString();
    }

    private static String rev(String digits, int revision) {
        return revision == 0 ? digits : digits.substring(0, 6) + pad(revision % 1000, 3);
    }

    /** A non-negative number with leading zeros to {@code width} digits (String.format costs the simulator's CPU). */
    static String pad(long value, int width) {
        String digits = Long.toString(value);
        return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
    }

    private static void line(StringBuilder sb, String s) {
        sb.append(s).append(CRLF);
    }
}
