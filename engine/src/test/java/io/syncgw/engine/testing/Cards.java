package io.syncgw.engine.testing;

/** Deterministic vCards like SyncEvolution's generator. */
public final class Cards {
    private static final String[] FIRST = {"Anna", "Bernd", "Chloé", "Dmitri", "Eve", "François", "Grete", "Hiro",
        "Ines", "Jürgen"};
    private static final String[] LAST = {"Müller", "Smith", "O'Brien", "Nguyen", "García", "Kowalski", "Ødegaard",
        "Rossi", "Schmidt", "Tanaka"};

    private Cards() {
    }

    public static String v30(int i, int rev) {
        String fn = FIRST[i % 10];
        String ln = LAST[(i / 10) % 10];
        return "BEGIN:VCARD\r\nVERSION:3.0\r\nN:" + ln + " " + i + ";" + fn + ";;;\r\nFN:" + fn + " " + ln + " " + i
                + "\r\nTEL;TYPE=CELL:+49 170 " + String.format("%07d", i) + "\r\nEMAIL;TYPE=INTERNET:gen-" + i
                + "@example.com\r\nNOTE:generated contact " + i + " rev " + rev + "\r\nEND:VCARD\r\n";
    }

    public static String v21(int i, int rev) {
        String fn = FIRST[i % 10];
        String ln = LAST[(i / 10) % 10];
        return "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8:" + ln + " " + i + ";" + fn + ";;;\r\nTEL;CELL:+49 170 "
                + String.format("%07d", i) + "\r\nNOTE:rev " + rev + "\r\nEND:VCARD\r\n";
    }
}
