package io.syncgw.codec.pim;

import ezvcard.VCard;
import ezvcard.property.BinaryProperty;
import ezvcard.property.Email;
import ezvcard.property.FormattedName;
import ezvcard.property.Organization;
import ezvcard.property.ProductId;
import ezvcard.property.Revision;
import ezvcard.property.StructuredName;
import ezvcard.property.Telephone;
import ezvcard.property.Uid;
import ezvcard.property.VCardProperty;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;

/** Builds twin keys; see {@link VCardCodec#twinKey(String)} for the contract. */
final class TwinKey {

    /** Between parts of a section. Normalised parts hold no control characters, so neither separator can occur. */
    static final char PART = '\u001F';

    /**
     * The properties {@link #identity} reads (N, FN, ORG, TEL, EMAIL): a card reduced to these (and its BEGIN,
     * VERSION and END) has the same identity key as the whole card.
     */
    static final java.util.Set<String> IDENTITY_PROPERTIES = java.util.Set.of("N", "FN", "ORG", "TEL", "EMAIL");

    /** Between sections. */
    static final char SECTION = '\u001E';

    private TwinKey() {
    }

    /**
     * The key of a parsed card.
     *
     * @param canonicalLines renders a card as canonical 3.0 lines, for cards without name, phone or e-mail
     */
    static String of(VCard card, Function<VCard, List<String>> canonicalLines) {
        String identity = identity(card);
        if (identity != null) {
            return identity;
        }
        StringBuilder key = new StringBuilder(64);
        key.append("content");
        SortedSet<String> lines = new TreeSet<>();
        for (String line : canonicalLines.apply(withoutVolatile(card))) {
            // a comma in a component of ADR or N is a list separator in 3.0 and text in 2.1, which 3.0 escapes
            String normalised = normalise(line.replace("\\,", ","));
            if (!normalised.isEmpty()) {
                lines.add(normalised);
            }
        }
        lines.forEach(line -> key.append(PART).append(line));
        return key.toString();
    }

    /**
     * The key from the identity properties alone ({@link #IDENTITY_PROPERTIES}), or {@code null} when the card has
     * neither name, organisation, phone nor e-mail.
     */
    static String identity(VCard card) {
        String name = name(card);
        SortedSet<String> phones = new TreeSet<>();
        for (Telephone telephone : card.getTelephoneNumbers()) {
            String number = telephone.getText() != null ? telephone.getText()
                    : telephone.getUri() != null ? telephone.getUri().getNumber() : null;
            String digits = digits(number);
            if (!digits.isEmpty()) {
                phones.add(digits);
            }
        }
        SortedSet<String> emails = new TreeSet<>();
        for (Email email : card.getEmails()) {
            String address = normalise(email.getValue());
            if (!address.isEmpty()) {
                emails.add(address);
            }
        }
        if (name.isEmpty() && phones.isEmpty() && emails.isEmpty()) {
            return null;
        }
        return join(name, phones, emails);
    }

    private static String join(String name, SortedSet<String> phones, SortedSet<String> emails) {
        StringBuilder key = new StringBuilder(64);
        key.append(name);
        key.append(SECTION).append("tel");
        phones.forEach(phone -> key.append(PART).append(phone));
        key.append(SECTION).append("email");
        emails.forEach(email -> key.append(PART).append(email));
        return key.toString();
    }

    /**
     * The identity key of a card reduced to its identity lines ({@link VCardStructure#keep}) when every such line is
     * plain: one physical line, no backslash, parameters only bare words or {@code TYPE=} word lists (no encoding,
     * charset or value type), no comma in N or ORG (a 3.0 list) and no {@code tel:} URI. Such lines mean the same to
     * every reader, so they are read here without ez-vcard, giving what {@link #identity} gives for the parsed card.
     *
     * @return the key; {@code null} when a line is not plain or the card has no identity (read the card then)
     */
    static String ofPlainLines(String reduced) {
        String[] n = null;
        String fn = null;
        String org = null;
        SortedSet<String> phones = new TreeSet<>();
        SortedSet<String> emails = new TreeSet<>();
        for (String line : VCardWire.lines(reduced, true)) {
            if (line.isEmpty()) {
                continue;
            }
            char first = line.charAt(0);
            int colon = line.indexOf(':');
            if (first == ' ' || first == '\t' || colon < 0 || line.indexOf('\\') >= 0) {
                return null;
            }
            String header = line.substring(0, colon);
            String value = line.substring(colon + 1);
            int semicolon = header.indexOf(';');
            String name = semicolon < 0 ? header : header.substring(0, semicolon);
            name = name.substring(name.lastIndexOf('.') + 1).toUpperCase(Locale.ROOT);
            if (name.equals("BEGIN") || name.equals("END") || name.equals("VERSION")) {
                continue;
            }
            if (semicolon >= 0 && !plainParameters(header.substring(semicolon + 1))) {
                return null;
            }
            switch (name) {
                case "N" -> {
                    if (value.indexOf(',') >= 0) {
                        return null;
                    }
                    if (n == null) {
                        n = value.split(";", -1);
                    }
                }
                case "FN" -> {
                    if (fn == null && !normalise(value).isEmpty()) {
                        fn = normalise(value);
                    }
                }
                case "ORG" -> {
                    if (value.indexOf(',') >= 0) {
                        return null;
                    }
                    if (org == null) {
                        StringBuilder key = new StringBuilder("org");
                        for (String unit : value.split(";", -1)) {
                            String normalised = normalise(unit);
                            if (!normalised.isEmpty()) {
                                key.append(PART).append(normalised);
                            }
                        }
                        if (key.length() > 3) {
                            org = key.toString();
                        }
                    }
                }
                case "TEL" -> {
                    if (value.regionMatches(true, 0, "tel:", 0, 4)) {
                        return null;
                    }
                    String digits = digits(value);
                    if (!digits.isEmpty()) {
                        phones.add(digits);
                    }
                }
                case "EMAIL" -> {
                    String address = normalise(value);
                    if (!address.isEmpty()) {
                        emails.add(address);
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        String name = "";
        if (n != null) {
            String family = normalise(n[0]);
            String given = n.length > 1 ? normalise(n[1]) : "";
            String middle = n.length > 2 ? normalise(n[2]) : "";
            if (!(family.isEmpty() && given.isEmpty() && middle.isEmpty())) {
                name = "n" + PART + family + PART + given + PART + middle;
            }
        }
        if (name.isEmpty()) {
            name = fn != null ? "fn" + PART + fn : org != null ? org : "";
        }
        if (name.isEmpty() && phones.isEmpty() && emails.isEmpty()) {
            return null;
        }
        return join(name, phones, emails);
    }

    /** Bare words ({@code CELL}, {@code INTERNET}) and {@code TYPE=} word lists: nothing that changes a value. */
    private static boolean plainParameters(String parameters) {
        for (String parameter : parameters.split(";", -1)) {
            int equals = parameter.indexOf('=');
            String words = parameter;
            if (equals >= 0) {
                if (!parameter.substring(0, equals).equalsIgnoreCase("TYPE")) {
                    return false;
                }
                words = parameter.substring(equals + 1);
            }
            if (words.isEmpty()) {
                return false;
            }
            for (int i = 0; i < words.length(); i++) {
                char c = words.charAt(i);
                boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
                if (!letter && !(c == ',' && equals >= 0)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** "n" + family, given, middle; else "fn" + FN; else "org" + ORG components; else "". */
    private static String name(VCard card) {
        StructuredName n = card.getStructuredName();
        if (n != null) {
            String family = normalise(commasAsSpaces(n.getFamily()));
            String given = normalise(commasAsSpaces(n.getGiven()));
            String middle = normalise(commasAsSpaces(String.join(" ", n.getAdditionalNames())));
            if (!(family.isEmpty() && given.isEmpty() && middle.isEmpty())) {
                return "n" + PART + family + PART + given + PART + middle;
            }
        }
        for (FormattedName fn : card.getFormattedNames()) {
            String formatted = normalise(fn.getValue());
            if (!formatted.isEmpty()) {
                return "fn" + PART + formatted;
            }
        }
        for (Organization org : card.getOrganizations()) {
            StringBuilder key = new StringBuilder("org");
            boolean any = false;
            for (String unit : org.getValues()) {
                String normalised = normalise(unit);
                if (!normalised.isEmpty()) {
                    key.append(PART).append(normalised);
                    any = true;
                }
            }
            if (any) {
                return key.toString();
            }
        }
        return "";
    }

    /**
     * A comma in a name counts as a space: in 3.0 it separates a list of names ({@code N:Doe;John;Paul,Peter;;}),
     * which 2.1 has no syntax for, so ez-vcard writes the list joined by commas and reads it back as one name
     * ("Paul,Peter"); either way the key is "paul peter".
     */
    private static String commasAsSpaces(String name) {
        return name == null ? null : name.replace(',', ' ');
    }

    /** The card less what changes without the contact changing: PRODID, REV, UID and binary data. */
    private static VCard withoutVolatile(VCard card) {
        VCard copy = new VCard();
        for (VCardProperty property : card.getProperties()) {
            if (!(property instanceof ProductId || property instanceof Revision || property instanceof Uid
                    || property instanceof BinaryProperty)) {
                copy.addProperty(property);
            }
        }
        return copy;
    }

    /** Digits only, as ASCII, with '+' in front when the number starts with one. */
    static String digits(String number) {
        if (number == null) {
            return "";
        }
        StringBuilder digits = new StringBuilder(number.length());
        String stripped = number.strip();
        if (stripped.startsWith("+")) {
            digits.append('+');
        }
        for (int i = 0; i < stripped.length(); ) {
            int cp = stripped.codePointAt(i);
            int d = Character.digit(cp, 10);
            if (d >= 0) {
                digits.append((char) ('0' + d));
            }
            i += Character.charCount(cp);
        }
        return digits.length() == 1 && digits.charAt(0) == '+' ? "" : digits.toString();
    }

    /** NFC, control characters out, whitespace collapsed and trimmed, case folded. {@code null} is "". */
    static String normalise(String value) {
        if (value == null) {
            return "";
        }
        if (isAscii(value)) {
            // NFC leaves ASCII as it is, and upper then lower case is lower case: the common case, without copies
            return collapseNormalised(value).toLowerCase(Locale.ROOT);
        }
        return normaliseUnicode(value);
    }

    /** {@link #normalise} the long way, for any text (ASCII included: the fast path is tested against it). */
    static String normaliseUnicode(String value) {
        String folded = collapse(value).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        return Normalizer.normalize(folded, Normalizer.Form.NFC);
    }

    /** NFC, control characters and whitespace runs to one space, trimmed. {@code null} is "". */
    static String collapse(String value) {
        if (value == null) {
            return "";
        }
        return collapseNormalised(Normalizer.normalize(value, Normalizer.Form.NFC));
    }

    private static boolean isAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static String collapseNormalised(String nfc) {
        StringBuilder out = new StringBuilder(nfc.length());
        boolean space = false;
        for (int i = 0; i < nfc.length(); i++) {
            char c = nfc.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c) || c == '\uFEFF') {
                space = out.length() > 0;
            } else {
                if (space) {
                    out.append(' ');
                    space = false;
                }
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Key of text that is not a usable card: hash of the whitespace-normalised text. */
    static String ofRawText(String text) {
        StringBuilder normalised = new StringBuilder(Math.min(text.length(), 1 << 16));
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                space = normalised.length() > 0;
            } else {
                if (space) {
                    normalised.append(' ');
                    space = false;
                }
                normalised.append(c);
            }
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(normalised.toString().getBytes(StandardCharsets.UTF_8));
            StringBuilder key = new StringBuilder("raw").append(PART);
            for (byte b : hash) {
                key.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return key.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
