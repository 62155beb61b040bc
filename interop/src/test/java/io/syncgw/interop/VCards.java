package io.syncgw.interop;

import ezvcard.Ezvcard;
import ezvcard.VCard;
import ezvcard.parameter.VCardParameter;
import ezvcard.property.Address;
import ezvcard.property.Email;
import ezvcard.property.FormattedName;
import ezvcard.property.Note;
import ezvcard.property.Organization;
import ezvcard.property.StructuredName;
import ezvcard.property.Uid;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Deterministic vCard test data (in the spirit of SyncEvolution's gen-vcards) and field-by-field comparison of
 * the contacts in two file-backend directories.
 *
 * <p>Contact {@code i} always has the same UID ({@code gen-00000i}), file name ({@code gen-00000i.vcf}), name,
 * two TELs, EMAIL, ADR and ORG; {@code rev} only changes the NOTE, and an edit may also change the cell phone.
 * Names carry non-ASCII letters that ISO-8859-1 can encode (ü, é, ç, ß, Ø, í, ...), so the same names also
 * work for vCard 2.1 with {@code CHARSET=ISO-8859-1}. All lines end in CRLF.
 */
public final class VCards {

    /** Which kind of vCard to generate. */
    public enum Flavor {
        /** vCard 3.0, raw UTF-8 (for {@code databaseFormat=text/vcard}). */
        V30,
        /** vCard 2.1, N and FN as {@code CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE} ({@code text/x-vcard}). */
        V21_QP_LATIN1,
        /** vCard 2.1, N and FN as {@code CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE} ({@code text/x-vcard}). */
        V21_QP_UTF8
    }

    /** A generated contact's name: N = {@code family;given;;;}, FN = {@code given family-part}. */
    public record Name(String given, String family) {
        /** The FN value, e.g. {@code Jürgen Müller 7}; unique per contact. */
        public String fn() {
            return given + " " + family;
        }

        /** N as {@link Contact#n()} reports it: {@code family;given;additional;prefixes;suffixes}. */
        public String n() {
            return family + ";" + given + ";;;";
        }
    }

    private static final String[] GIVEN =
            {"Anna", "Bernd", "Chloé", "Dmitri", "Eve", "François", "Grete", "Hiro", "Inés", "Jürgen"};
    private static final String[] FAMILY =
            {"Müller", "Smith", "O'Brien", "Nguyen", "García", "Kowalski", "Ødegaard", "Rossi", "Weiß", "Tanaka"};

    private VCards() {
    }

    // ----------------------------------------------------------------------------------------------- generators

    /** The name of contact {@code i}; any 10 consecutive {@code i} use every given and every family name. */
    public static Name name(int i) {
        return new Name(GIVEN[Math.floorMod(i, 10)], FAMILY[Math.floorMod(i * 3 + i / 10, 10)] + " " + i);
    }

    /** The file name (= LUID on the client) of contact {@code i}: {@code gen-000042.vcf}. */
    public static String fileName(int i) {
        return uid(i) + ".vcf";
    }

    /** The UID of contact {@code i}: {@code gen-000042}. */
    public static String uid(int i) {
        return String.format(Locale.ROOT, "gen-%06d", i);
    }

    /** The cell phone number contact {@code i} has until it is edited. */
    public static String defaultCell(int i) {
        return String.format(Locale.ROOT, "+49 170 %07d", i);
    }

    /** vCard 3.0 of contact {@code i}; {@code rev} goes into the NOTE. */
    public static String vcard30(int i, String rev) {
        return vcard30(i, rev, defaultCell(i));
    }

    /** vCard 3.0 of contact {@code i} with a given cell phone number (to simulate an edit). */
    public static String vcard30(int i, String rev, String cell) {
        return folded(lines30(i, rev, cell));
    }

    /**
     * vCard 3.0 of contact {@code i} with a photo: {@code PHOTO;ENCODING=b;TYPE=JPEG:} and the base64 of
     * {@code jpeg} (folded at 75 octets), before {@code END:VCARD}.
     */
    public static String vcard30WithPhoto(int i, String rev, byte[] jpeg) {
        List<String> lines = lines30(i, rev, defaultCell(i));
        lines.add(lines.size() - 1, "PHOTO;ENCODING=b;TYPE=JPEG:" + Base64.getEncoder().encodeToString(jpeg));
        return folded(lines);
    }

    /**
     * {@code size} deterministic bytes that look like a JPEG file to anyone checking the magic: they start with
     * {@code FF D8 FF E0} and a JFIF APP0 header and end with {@code FF D9}; the rest is pseudo-random from
     * {@code seed} (incompressible, like real image data). Not a decodable image.
     */
    public static byte[] jpeg(int size, long seed) {
        byte[] head = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00,
                0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00};
        if (size < head.length + 2) {
            throw new IllegalArgumentException("size " + size + " too small");
        }
        byte[] out = new byte[size];
        new SplittableRandom(seed).nextBytes(out);
        System.arraycopy(head, 0, out, 0, head.length);
        out[size - 2] = (byte) 0xFF;
        out[size - 1] = (byte) 0xD9;
        return out;
    }

    /**
     * The decoded bytes of the first PHOTO of a vCard file, or null when it has none: the file is unfolded (CRLF
     * or LF followed by a space or tab), the PHOTO line's value is taken after the first ':' and base64-decoded
     * with whitespace ignored. Independent of ez-vcard, to compare photos byte for byte.
     */
    public static byte[] photo(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String unfolded = text.replaceAll("\\r?\\n[ \\t]", "");
        for (String line : unfolded.split("\\r?\\n")) {
            String upper = line.toUpperCase(Locale.ROOT);
            if (upper.startsWith("PHOTO;") || upper.startsWith("PHOTO:")) {
                String value = line.substring(line.indexOf(':') + 1).replaceAll("\\s", "");
                if (value.regionMatches(true, 0, "data:", 0, 5)) { // vCard 4 style data URI, just in case
                    value = value.substring(value.indexOf(',') + 1);
                }
                return Base64.getMimeDecoder().decode(value);
            }
        }
        return null;
    }

    private static String folded(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            sb.append(fold(line));
        }
        return sb.toString();
    }

    private static List<String> lines30(int i, String rev, String cell) {
        Name name = name(i);
        List<String> lines = new ArrayList<>();
        lines.add("BEGIN:VCARD");
        lines.add("VERSION:3.0");
        lines.add("UID:" + uid(i));
        lines.add("N:" + name.family() + ";" + name.given() + ";;;");
        lines.add("FN:" + name.fn());
        lines.add("TEL;TYPE=CELL:" + cell);
        lines.add("TEL;TYPE=WORK,VOICE:" + String.format(Locale.ROOT, "+1 555 %07d", i));
        lines.add("EMAIL;TYPE=INTERNET:" + uid(i) + "@example.com");
        lines.add("ADR;TYPE=HOME:;;Street " + i + ";City;;" + String.format(Locale.ROOT, "%05d", i) + ";Country");
        lines.add("ORG:Example Org " + (i % 7) + ";Dept " + (i % 3));
        lines.add("NOTE:generated contact " + i + " rev " + rev);
        lines.add("END:VCARD");
        return lines;
    }

    /**
     * vCard 2.1 of contact {@code i} whose N and FN are the name's bytes in {@code charset}, quoted-printable
     * encoded, e.g. {@code N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller 1;Anna;;;}.
     */
    public static String vcard21(int i, String rev, Charset charset) {
        Name name = name(i);
        String params = ";CHARSET=" + charset.name() + ";ENCODING=QUOTED-PRINTABLE:";
        return String.join("\r\n",
                "BEGIN:VCARD",
                "VERSION:2.1",
                "UID:" + uid(i),
                "N" + params + qp(name.family(), charset) + ";" + qp(name.given(), charset) + ";;;",
                "FN" + params + qp(name.fn(), charset),
                "TEL;CELL:" + defaultCell(i),
                "TEL;WORK;VOICE:" + String.format(Locale.ROOT, "+1 555 %07d", i),
                "EMAIL;INTERNET:" + uid(i) + "@example.com",
                "ADR;HOME:;;Street " + i + ";City;;" + String.format(Locale.ROOT, "%05d", i) + ";Country",
                "ORG:Example Org " + (i % 7) + ";Dept " + (i % 3),
                "NOTE:generated contact " + i + " rev " + rev,
                "END:VCARD") + "\r\n";
    }

    /** The vCard of contact {@code i} in the given flavor. */
    public static String vcard(Flavor flavor, int i, String rev) {
        return switch (flavor) {
            case V30 -> vcard30(i, rev);
            case V21_QP_LATIN1 -> vcard21(i, rev, StandardCharsets.ISO_8859_1);
            case V21_QP_UTF8 -> vcard21(i, rev, StandardCharsets.UTF_8);
        };
    }

    /** Writes contacts 1..n as {@code gen-00000i.vcf} into {@code dir}; returns the files. */
    public static List<Path> writeAll(Path dir, int n, Flavor flavor, String rev) {
        return writeRange(dir, 1, n, flavor, rev);
    }

    /** Writes contacts {@code from..to} (inclusive) into {@code dir}; returns the files. */
    public static List<Path> writeRange(Path dir, int from, int to, Flavor flavor, String rev) {
        List<Path> files = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            files.add(write(dir, i, vcard(flavor, i, rev)));
        }
        return files;
    }

    /**
     * Writes {@code content} as contact {@code i}'s file. When the file already exists its modification time
     * is guaranteed to move forward by at least one second: SyncEvolution's file backend detects changes by
     * mtime, and a rewrite within the same second would go unnoticed.
     */
    public static Path write(Path dir, int i, String content) {
        return writeFile(dir.resolve(fileName(i)), content);
    }

    /** Like {@link #write(Path, int, String)} for any file name (e.g. an item the server created). */
    public static Path writeFile(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            FileTime before = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
            Files.writeString(file, content, StandardCharsets.UTF_8);
            if (before != null) {
                long beforeS = before.toMillis() / 1000;
                long nowS = Files.getLastModifiedTime(file).toMillis() / 1000;
                if (nowS <= beforeS) {
                    Files.setLastModifiedTime(file, FileTime.fromMillis((beforeS + 1) * 1000));
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** RFC 2425 folding: lines longer than 75 octets continue on the next line after CRLF + space. */
    static String fold(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= 75) {
            return line + "\r\n";
        }
        StringBuilder out = new StringBuilder();
        int octets = 0;
        int limit = 75;
        for (int cp : line.codePoints().toArray()) {
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (octets + len > limit) { // never split a UTF-8 sequence
                out.append("\r\n ");
                octets = 0;
                limit = 74;
            }
            out.appendCodePoint(cp);
            octets += len;
        }
        return out.append("\r\n").toString();
    }

    /** Quoted-printable of the text's bytes in {@code charset}; printable ASCII except '=' stays literal. */
    static String qp(String text, Charset charset) {
        if (!charset.newEncoder().canEncode(text)) {
            throw new IllegalArgumentException(charset + " cannot encode " + text);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte b : text.getBytes(charset)) {
            int c = b & 0xff;
            if (c >= 32 && c <= 126 && c != '=') {
                out.write(c);
            } else {
                out.writeBytes(String.format(Locale.ROOT, "=%02X", c).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    // ----------------------------------------------------------------------------------------------- comparison

    /**
     * One parsed contact, reduced to the compared fields: N, FN, TEL, EMAIL, ADR, ORG, NOTE. Multi-valued fields
     * are sorted and carry their TYPEs, so property order and parameter spelling (2.1 {@code TEL;CELL} vs
     * 3.0 {@code TEL;TYPE=CELL}) do not matter; trailing empty ORG components are dropped. PRODID, REV, UID,
     * VERSION and all other properties (SyncEvolution writes many empty ones, e.g. {@code NICKNAME:}) are
     * ignored.
     *
     * @param file   the file it came from (its name is the client's LUID)
     * @param uid    the UID, or null
     * @param fields field name -> normalized value
     */
    public record Contact(Path file, String uid, Map<String, String> fields) {
        public String fn() {
            return fields.get("FN");
        }

        /** N as {@code family;given;additional;prefixes;suffixes}. */
        public String n() {
            return fields.get("N");
        }
    }

    /** Parses one file holding exactly one vCard (2.1 or 3.0; QP and CHARSET are decoded). */
    public static Contact parse(Path file) {
        List<VCard> cards;
        try {
            cards = Ezvcard.parse(Files.readString(file, StandardCharsets.UTF_8)).all();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (cards.size() != 1) {
            throw new IllegalStateException(file + " holds " + cards.size() + " vCards, expected 1");
        }
        VCard card = cards.get(0);
        Map<String, String> f = new LinkedHashMap<>();
        StructuredName n = card.getStructuredName();
        f.put("N", n == null ? null : String.join(";", nz(n.getFamily()), nz(n.getGiven()),
                String.join(",", n.getAdditionalNames()), String.join(",", n.getPrefixes()),
                String.join(",", n.getSuffixes())));
        FormattedName fn = card.getFormattedName();
        f.put("FN", fn == null ? null : fn.getValue());
        f.put("TEL", sorted(card.getTelephoneNumbers(), t ->
                (t.getText() != null ? t.getText() : String.valueOf(t.getUri())) + types(t.getTypes())));
        f.put("EMAIL", sorted(card.getEmails(), (Email e) -> e.getValue() + types(e.getTypes())));
        f.put("ADR", sorted(card.getAddresses(), (Address a) -> String.join(";",
                String.join(",", a.getPoBoxes()), String.join(",", a.getExtendedAddresses()),
                String.join(",", a.getStreetAddresses()), String.join(",", a.getLocalities()),
                String.join(",", a.getRegions()), String.join(",", a.getPostalCodes()),
                String.join(",", a.getCountries())) + types(a.getTypes())));
        // Synthesis pads ORG with empty components ("Org;Dept;;"); trailing empty components carry no data
        f.put("ORG", sorted(card.getOrganizations(), (Organization o) -> stripTrailingEmpty(o.getValues())));
        f.put("NOTE", sorted(card.getNotes(), (Note note) -> note.getValue()));
        Uid uid = card.getUid();
        return new Contact(file, uid == null ? null : uid.getValue(), f);
    }

    /** Parses every item file of a file-backend directory (hidden files are skipped), sorted by file name. */
    public static List<Contact> readDir(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().map(VCards::parse).collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** The contacts of a directory keyed by FN; fails on a duplicate key (that is itself a sync bug). */
    public static Map<String, Contact> byFn(Path dir) {
        return byKey(dir, Contact::fn);
    }

    /** The contacts of a directory keyed by any function, e.g. {@code Contact::uid}; fails on duplicates. */
    public static Map<String, Contact> byKey(Path dir, Function<Contact, String> key) {
        Map<String, Contact> out = new TreeMap<>();
        for (Contact c : readDir(dir)) {
            Contact old = out.put(key.apply(c), c);
            if (old != null) {
                throw new AssertionError("two items in " + dir + " share the key '" + key.apply(c) + "': "
                        + old.file().getFileName() + " and " + c.file().getFileName());
            }
        }
        return out;
    }

    /**
     * Compares the contacts of two directories field by field, matched by FN. Returns one human-readable line per
     * difference (missing, extra, duplicate or differing contact); an empty list means equal.
     */
    public static List<String> compareDirs(Path expected, Path actual) {
        List<String> diffs = new ArrayList<>();
        Map<String, List<Contact>> exp = group(readDir(expected));
        Map<String, List<Contact>> act = group(readDir(actual));
        for (Map.Entry<String, List<Contact>> e : exp.entrySet()) {
            if (e.getValue().size() > 1) {
                diffs.add("duplicate FN '" + e.getKey() + "' in " + expected + ": " + files(e.getValue()));
            }
        }
        for (Map.Entry<String, List<Contact>> e : act.entrySet()) {
            if (e.getValue().size() > 1) {
                diffs.add("duplicate FN '" + e.getKey() + "' in " + actual + ": " + files(e.getValue()));
            }
            if (!exp.containsKey(e.getKey())) {
                diffs.add("unexpected contact '" + e.getKey() + "' in " + files(e.getValue()));
            }
        }
        for (Map.Entry<String, List<Contact>> e : exp.entrySet()) {
            List<Contact> other = act.get(e.getKey());
            if (other == null) {
                diffs.add("missing contact '" + e.getKey() + "' (" + files(e.getValue()) + ") in " + actual);
                continue;
            }
            Contact a = e.getValue().get(0);
            Contact b = other.get(0);
            for (String field : a.fields().keySet()) {
                if (!Objects.equals(a.fields().get(field), b.fields().get(field))) {
                    diffs.add("'" + e.getKey() + "' " + field + ": expected <" + a.fields().get(field) + "> ("
                            + a.file().getFileName() + ") but was <" + b.fields().get(field) + "> (" + b.file() + ")");
                }
            }
        }
        return diffs;
    }

    private static Map<String, List<Contact>> group(List<Contact> contacts) {
        return contacts.stream().collect(Collectors.groupingBy(c -> String.valueOf(c.fn()), TreeMap::new,
                Collectors.toList()));
    }

    private static String files(List<Contact> contacts) {
        return contacts.stream().map(c -> c.file().toString()).collect(Collectors.joining(", "));
    }

    private static <T> String sorted(Collection<T> values, Function<T, String> f) {
        return values.stream().map(f).sorted().collect(Collectors.joining(" | "));
    }

    private static String types(Collection<? extends VCardParameter> types) {
        if (types.isEmpty()) {
            return "";
        }
        TreeSet<String> names = new TreeSet<>();
        for (VCardParameter t : types) {
            names.add(t.getValue().toLowerCase(Locale.ROOT));
        }
        return " " + names;
    }

    private static String stripTrailingEmpty(List<String> components) {
        int end = components.size();
        while (end > 0 && (components.get(end - 1) == null || components.get(end - 1).isEmpty())) {
            end--;
        }
        return String.join(";", components.subList(0, end));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
