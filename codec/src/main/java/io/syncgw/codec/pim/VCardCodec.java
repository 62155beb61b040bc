package io.syncgw.codec.pim;

import com.github.mangstadt.vinnie.SyntaxStyle;
import com.github.mangstadt.vinnie.validate.VObjectValidator;
import ezvcard.VCard;
import ezvcard.VCardVersion;
import ezvcard.io.scribe.ScribeIndex;
import ezvcard.io.text.VCardReader;
import ezvcard.io.text.VCardWriter;
import ezvcard.parameter.VCardParameters;
import ezvcard.property.Agent;
import ezvcard.property.FormattedName;
import ezvcard.property.RawProperty;
import ezvcard.property.StructuredName;
import ezvcard.property.VCardProperty;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Converts contacts between vCard 2.1 (versit Consortium specification, 1996) and vCard 3.0 (RFC 2425 / RFC 2426),
 * and computes the twin key a SyncML slow sync matches client items with server items by.
 *
 * <p><b>Input</b> is the item text as a Java string: decoding the bytes of the SyncML payload is the transport's job.
 * Within the text, what real phones send is accepted: 2.1 quoted-printable values in {@code CHARSET=ISO-8859-1} or
 * {@code CHARSET=UTF-8} (or none: UTF-8 is tried first, ISO-8859-1 when that does not decode), soft line breaks and
 * {@code =0D=0A} inside values, RFC 2425 folded lines, LF or CR line ends, trailing blank lines, lower-case property
 * names, and 2.1 {@code ENCODING=BASE64} photos (also with flush-left data lines).
 *
 * <p><b>Output</b> rules, see {@link #convert(String, ContactFormat)}: vCard 3.0 is meant to be sent as UTF-8, lines
 * folded at 75 octets, CRLF; vCard 2.1 has non-ASCII and multi-line values as {@code CHARSET=UTF-8;
 * ENCODING=QUOTED-PRINTABLE}, 2.1 style types ({@code TEL;WORK;VOICE:}), base64 blocks per the 2.1 spec, CRLF. No
 * {@code PRODID} is added.
 *
 * <p><b>Limits.</b> Input over {@link #maxInputBytes()} octets of UTF-8 (default {@value #DEFAULT_MAX_INPUT_BYTES},
 * 1 MiB) is refused without being parsed, as is text that is not exactly one complete
 * {@code BEGIN:VCARD ... END:VCARD} block, has more than 1000 property lines (ez-vcard's writing time grows with
 * their square), or nests 2.1 AGENT cards more than 8 deep. Conversion keeps every property (but a line whose
 * property name no writer takes, such as {@code :value} or {@code X-A.B.C:value}), but ez-vcard groups properties by
 * kind, so their order may change; a parameter value that the target syntax cannot carry (a ':' in 2.1, a '"' in
 * 3.0, a line break in either) is dropped, and so is a parameter mentioning QUOTED-PRINTABLE.
 *
 * <p><b>Errors</b> are values: no method throws for bad input, {@code null} included (treated as empty text).
 *
 * <p>Instances are immutable and thread-safe; every call builds its own ez-vcard reader and writer.
 */
public final class VCardCodec {
    /** ez-vcard's scribes with TEL read without an exception per phone number; read-only once built. */
    private static final ScribeIndex READ_SCRIBES = readScribes();

    private static ScribeIndex readScribes() {
        ScribeIndex index = new ScribeIndex();
        index.register(new PlainTelephoneScribe());
        return index;
    }


    /** Default for {@link #maxInputBytes()}: 1 MiB. */
    public static final int DEFAULT_MAX_INPUT_BYTES = 1024 * 1024;

    private final int maxInputBytes;

    /** A codec refusing input over {@value #DEFAULT_MAX_INPUT_BYTES} octets. */
    public VCardCodec() {
        this(DEFAULT_MAX_INPUT_BYTES);
    }

    /**
     * A codec with its own input limit.
     *
     * @param maxInputBytes the largest input accepted, in octets of UTF-8; must be positive
     * @throws IllegalArgumentException if {@code maxInputBytes} is not positive
     */
    public VCardCodec(int maxInputBytes) {
        if (maxInputBytes <= 0) {
            throw new IllegalArgumentException("maxInputBytes must be positive: " + maxInputBytes);
        }
        this.maxInputBytes = maxInputBytes;
    }

    /**
     * The largest input accepted.
     *
     * @return the limit in octets of UTF-8
     */
    public int maxInputBytes() {
        return maxInputBytes;
    }

    /**
     * The format of a card, from the {@code VERSION} of the outer card. Like real phones, a card without
     * {@code VERSION} (or text that is no card at all) counts as 2.1. {@code VERSION:4.0} is reported as
     * {@link ContactFormat#VCARD_30}, the closest format in syntax; {@link #convert} never passes 4.0 through
     * unchanged. Does not validate the card.
     *
     * @param text the vCard text, may be {@code null}
     * @return the format, never {@code null}
     */
    public ContactFormat detect(String text) {
        if (text == null) {
            return ContactFormat.VCARD_21;
        }
        String version = VCardStructure.version(text);
        return version != null && (version.equals("3.0") || version.equals("4.0"))
                ? ContactFormat.VCARD_30 : ContactFormat.VCARD_21;
    }

    /**
     * Converts a card to the target format.
     *
     * <p>When the card is already in the target format ({@code VERSION:2.1} or no {@code VERSION} for 2.1,
     * {@code VERSION:3.0} for 3.0), the input is returned unchanged, byte for byte: devices compare what they get
     * back with what they sent. It is still checked to be one complete card.
     *
     * <p>Otherwise the card goes through ez-vcard and every property is kept, unknown {@code X-} ones included.
     * vCard 3.0 output: lines folded at 75 octets of UTF-8 (never inside a character), CRLF, no
     * {@code CHARSET}/quoted-printable. vCard 2.1 output: CRLF; values holding non-ASCII characters or line breaks
     * as UTF-8 quoted-printable ({@code CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE}, line breaks {@code =0D=0A}, soft
     * line breaks at 75 characters); other values unfolded; types without {@code TYPE=} and upper case
     * ({@code TEL;CELL:}, {@code TEL;WORK;VOICE:}); binary values as {@code ENCODING=BASE64} on space-indented
     * lines ended by a blank line. Trailing empty components of N, ADR and ORG are written. No {@code PRODID} is
     * added (one the card has is kept).
     *
     * @param text   the vCard text, may be {@code null}
     * @param target the format wanted
     * @return the converted text, or why the input was refused; never {@code null}
     */
    public ConversionResult convert(String text, ContactFormat target) {
        if (target == null) {
            return new ConversionResult.Invalid("no target format");
        }
        try {
            String input = text == null ? "" : text;
            String problem = precheck(input);
            if (problem != null) {
                return new ConversionResult.Invalid(problem);
            }
            VCardStructure.Scan scan = VCardStructure.scan(input);
            if (!scan.valid()) {
                return new ConversionResult.Invalid(scan.problem());
            }
            if (sourceFormat(scan.version()) == target) {
                return new ConversionResult.Converted(input);
            }
            VCard card = read(input);
            if (card == null) {
                return new ConversionResult.Invalid("no vCard found");
            }
            return new ConversionResult.Converted(write(card, target));
        } catch (RuntimeException e) {
            // ez-vcard refuses a few inputs by exception (e.g. a parameter it cannot write); that is bad input too
            return new ConversionResult.Invalid("cannot convert: "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        }
    }

    /**
     * The twin key: a normalised identity of the contact, equal for two items that are the same contact, so a
     * repeated slow sync matches them instead of adding duplicates.
     *
     * <p>Built from: the name, as family, given and middle names from N (a comma in them counts as a space: it
     * separates a 3.0 list of names, which 2.1 reads as one name), or FN when N has none of them, or ORG when
     * there is no name at all; every TEL reduced to its digits (a leading '+' kept, non-ASCII digits mapped to
     * ASCII); every EMAIL. Each part is NFC normalised, control characters turned into spaces, whitespace collapsed, trimmed
     * and case folded (upper then lower case, so "ß" equals "SS"); phone numbers and e-mail addresses are sorted
     * and de-duplicated, so property order does not matter. Parts are joined with U+001F and sections with U+001E,
     * which cannot survive in a normalised part. Hence two cards that differ only in NOTE, REV, PRODID, UID, PHOTO,
     * line folding, encoding (quoted-printable or not), 2.1 vs 3.0 or property order get the same key, and cards
     * differing in a name, a phone number or an e-mail address get different keys.
     *
     * <p>A card with neither name, organisation, phone nor e-mail is keyed by all its other properties (except
     * PRODID, REV, UID and binary ones), normalised the same way (an escaped comma counting as a comma, parameters in
     * sorted order), so two such cards do not collapse into one.
     *
     * <p>Input that is refused as a card (see the class limits: too large, not exactly one complete card) gets
     * {@code "raw"} + U+001F + the SHA-256 (hex) of its whitespace-normalised text (whitespace runs collapsed to
     * one space, trimmed): such items only match an item with the same text up to whitespace, and the key stays
     * short whatever the input size.
     *
     * @param text the vCard text, may be {@code null}
     * @return the key, never {@code null}
     */
    public String twinKey(String text) {
        String input = text == null ? "" : text;
        try {
            if (precheck(input) == null && VCardStructure.scan(input).valid()) {
                // the identity properties alone are parsed first: a card's notes, addresses and photo are most of
                // its text and play no part in the key. Only when a dropped line could change how the kept ones
                // decode (the quoted-printable charset is guessed for the whole card) is the whole card read.
                String prepared = VCardWire.indentBareBase64(input);
                VCardStructure.Reduced identity = VCardStructure.keep(prepared, TwinKey.IDENTITY_PROPERTIES);
                if (identity != null && identity.kept() > 0
                        && (!identity.quotedPrintableDropped() || !mentionsQuotedPrintable(identity.text()))) {
                    String key = TwinKey.ofPlainLines(identity.text());
                    if (key != null) {
                        return key;
                    }
                    VCard reduced = read(identity.text());
                    key = reduced == null ? null : TwinKey.identity(reduced);
                    if (key != null) {
                        return key;
                    }
                }
                return wholeCardKey(input, prepared);
            }
        } catch (RuntimeException e) {
            // unreadable after all: keyed by its text below
        }
        return TwinKey.ofRawText(input);
    }

    /**
     * What {@link #twinKey} returns, computed the long way: every property of the card parsed. The reference its
     * fast path is tested against.
     */
    String wholeCardTwinKey(String text) {
        String input = text == null ? "" : text;
        try {
            if (precheck(input) == null && VCardStructure.scan(input).valid()) {
                return wholeCardKey(input, VCardWire.indentBareBase64(input));
            }
        } catch (RuntimeException e) {
            // unreadable after all: keyed by its text below
        }
        return TwinKey.ofRawText(input);
    }

    private static String wholeCardKey(String input, String prepared) {
        VCard card = read(input, prepared);
        return card != null ? TwinKey.of(card, VCardCodec::canonicalLines) : TwinKey.ofRawText(input);
    }

    /**
     * A name for logs and the admin view: FN, else N assembled as prefixes, given, middle, family, suffixes.
     * Control characters (line breaks included) are replaced and whitespace collapsed, so the result is one safe
     * log line.
     *
     * @param text the vCard text, may be {@code null}
     * @return the name, or empty when the card has none or the input is refused as a card
     */
    public Optional<String> displayName(String text) {
        String input = text == null ? "" : text;
        try {
            if (precheck(input) != null || !VCardStructure.scan(input).valid()) {
                return Optional.empty();
            }
            VCard card = read(input);
            if (card == null) {
                return Optional.empty();
            }
            for (FormattedName fn : card.getFormattedNames()) {
                String name = TwinKey.collapse(fn.getValue());
                if (!name.isEmpty()) {
                    return Optional.of(name);
                }
            }
            StructuredName n = card.getStructuredName();
            if (n == null) {
                return Optional.empty();
            }
            List<String> parts = new ArrayList<>(n.getPrefixes());
            parts.add(n.getGiven());
            parts.addAll(n.getAdditionalNames());
            parts.add(n.getFamily());
            parts.addAll(n.getSuffixes());
            StringBuilder joined = new StringBuilder();
            for (String part : parts) {
                if (part != null) {
                    joined.append(part).append(' ');
                }
            }
            String name = TwinKey.collapse(joined.toString());
            return name.isEmpty() ? Optional.empty() : Optional.of(name);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The property names vCard 2.1 defines (versit 1996), besides BEGIN, END and VERSION: what a 2.1 device is
     * assumed to support when its CTCap is unknown.
     */
    public static final Set<String> VCARD_21_PROPERTIES = Set.of("FN", "N", "PHOTO", "BDAY", "ADR", "LABEL", "TEL",
            "EMAIL", "MAILER", "TZ", "GEO", "TITLE", "ROLE", "LOGO", "AGENT", "ORG", "NOTE", "REV", "SOUND", "URL",
            "UID", "KEY");

    /** The property names vCard 3.0 defines (RFC 2426 with RFC 2425): 2.1's plus NICKNAME, CATEGORIES and more. */
    public static final Set<String> VCARD_30_PROPERTIES;

    static {
        Set<String> names = new HashSet<>(VCARD_21_PROPERTIES);
        names.addAll(List.of("NICKNAME", "CATEGORIES", "PRODID", "SORT-STRING", "CLASS", "NAME", "PROFILE", "SOURCE"));
        VCARD_30_PROPERTIES = Set.copyOf(names);
    }

    /**
     * An update from a device, with the properties the device does not support kept from the server's copy, so a
     * phone without a NOTE or PHOTO field never erases them.
     *
     * <p>A property of the server copy is kept when its name is neither in {@code deviceSupportedProperties} (the
     * device's CTCap property names; empty means unknown, and then the names its format defines count:
     * {@link #VCARD_21_PROPERTIES} or {@link #VCARD_30_PROPERTIES}) nor sent by the device (what a device sends it
     * supports). A supported property the device left out was deleted on the device and stays deleted;
     * {@code X-} properties count as supported only when listed or sent. The kept properties are added to the
     * device's card, which is written in the device's format; when none is kept, the result is the device's version
     * unchanged. Parses both cards.
     *
     * @param serverCopy                the server's version (2.1 or 3.0); when refused as a card, the device's
     *                                  version is the result
     * @param deviceVersion             the device's update
     * @param deviceSupportedProperties the device's CTCap property names, may be empty or {@code null} (unknown)
     * @return the merged card, or why the device's version was refused; never {@code null}
     */
    public ConversionResult merge(String serverCopy, String deviceVersion, Set<String> deviceSupportedProperties) {
        String device = deviceVersion == null ? "" : deviceVersion;
        try {
            String problem = precheck(device);
            VCardStructure.Scan scan = problem == null ? VCardStructure.scan(device) : null;
            if (problem != null || !scan.valid()) {
                return new ConversionResult.Invalid(problem != null ? problem : scan.problem());
            }
            VCard deviceCard = read(device);
            if (deviceCard == null) {
                return new ConversionResult.Invalid("no vCard found");
            }
            String server = serverCopy == null ? "" : serverCopy;
            if (precheck(server) != null || !VCardStructure.scan(server).valid()) {
                return new ConversionResult.Converted(device);
            }
            VCard serverCard = read(server);
            if (serverCard == null) {
                return new ConversionResult.Converted(device);
            }
            ContactFormat format = sourceFormat(scan.version());
            if (format == null) {
                format = ContactFormat.VCARD_30;
            }
            Set<String> supported = new HashSet<>();
            if (deviceSupportedProperties == null || deviceSupportedProperties.isEmpty()) {
                supported.addAll(format == ContactFormat.VCARD_21 ? VCARD_21_PROPERTIES : VCARD_30_PROPERTIES);
            } else {
                for (String name : deviceSupportedProperties) {
                    if (name != null) {
                        supported.add(name.strip().toUpperCase(Locale.ROOT));
                    }
                }
            }
            ScribeIndex scribes = new ScribeIndex();
            for (VCardProperty property : deviceCard.getProperties()) {
                supported.add(propertyName(property, scribes));
            }
            List<VCardProperty> kept = new ArrayList<>();
            for (VCardProperty property : serverCard.getProperties()) {
                if (!supported.contains(propertyName(property, scribes))) {
                    kept.add(property);
                }
            }
            if (kept.isEmpty()) {
                return new ConversionResult.Converted(device);
            }
            for (VCardProperty property : kept) {
                deviceCard.addProperty(property);
            }
            return new ConversionResult.Converted(write(deviceCard, format));
        } catch (RuntimeException e) {
            return new ConversionResult.Invalid("cannot merge: "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        }
    }

    private static String propertyName(VCardProperty property, ScribeIndex scribes) {
        if (property instanceof RawProperty) {
            return ((RawProperty) property).getPropertyName().toUpperCase(Locale.ROOT);
        }
        return scribes.getPropertyScribe(property).getPropertyName().toUpperCase(Locale.ROOT);
    }

    // ---- internals --------------------------------------------------------------------------------------------

    /** Why the input is refused before any scan, or {@code null}. */
    String precheck(String input) {
        if (VCardStructure.stripBlank(input).isEmpty()) {
            return "empty input";
        }
        long octets = utf8Length(input, maxInputBytes);
        if (octets > maxInputBytes) {
            return "input larger than " + maxInputBytes + " bytes";
        }
        return null;
    }

    /** UTF-8 length, counting stops once past {@code limit}. */
    private static long utf8Length(String s, int limit) {
        if (s.length() > limit) {
            return s.length(); // every char is at least one octet
        }
        long octets = 0;
        for (int i = 0; i < s.length() && octets <= limit; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                octets++;
            } else if (c < 0x800) {
                octets += 2;
            } else if (Character.isHighSurrogate(c)) {
                octets += 4;
                i++;
            } else {
                octets += 3;
            }
        }
        return octets;
    }

    private static ContactFormat sourceFormat(String version) {
        if (version == null || version.equals("2.1")) {
            return ContactFormat.VCARD_21;
        }
        return version.equals("3.0") ? ContactFormat.VCARD_30 : null;
    }

    /**
     * Parses the single card of a checked input. Quoted-printable values without CHARSET are decoded as UTF-8
     * first; if that produced replacement characters the input did not have, as ISO-8859-1 (older phones).
     */
    private static VCard read(String input) {
        return read(input, VCardWire.indentBareBase64(input));
    }

    /** {@link #read(String)} of an input already through {@link VCardWire#indentBareBase64}. */
    private static VCard read(String input, String prepared) {
        VCard card = read(prepared, StandardCharsets.UTF_8);
        if (card != null && prepared.toUpperCase(Locale.ROOT).contains("QUOTED-PRINTABLE")
                && input.indexOf('\uFFFD') < 0 && containsReplacementChar(card)) {
            VCard latin1 = read(prepared, StandardCharsets.ISO_8859_1);
            if (latin1 != null) {
                return latin1;
            }
        }
        return card;
    }

    private static VCard read(String text, Charset quotedPrintableDefault) {
        try (VCardReader reader = new VCardReader(text)) {
            reader.setScribeIndex(READ_SCRIBES);
            reader.setDefaultQuotedPrintableCharset(quotedPrintableDefault);
            return reader.readNext();
        } catch (IOException e) {
            return null; // reading from a string: cannot happen
        }
    }

    private static boolean containsReplacementChar(VCard card) {
        try {
            return writeUnfolded(card, VCardVersion.V3_0).indexOf('\uFFFD') >= 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String write(VCard card, ContactFormat target) {
        VCardVersion version = target == ContactFormat.VCARD_21 ? VCardVersion.V2_1 : VCardVersion.V3_0;
        prepare(card, version);
        String unfolded = writeUnfolded(card, version);
        return version == VCardVersion.V2_1 ? VCardWire.layout21(unfolded) : VCardWire.layout30(unfolded);
    }

    /**
     * The card as 3.0 lines, unfolded, without BEGIN/VERSION/END: the twin key's last-resort identity. Parameters are
     * sorted by name and value: the 2.1 writer puts the types first, and the order says nothing about the contact.
     */
    private static List<String> canonicalLines(VCard card) {
        prepare(card, VCardVersion.V3_0);
        for (VCardProperty property : card.getProperties()) {
            VCardParameters parameters = property.getParameters();
            Map<String, List<String>> sorted = new TreeMap<>();
            for (String name : parameters.keySet()) {
                List<String> values = new ArrayList<>(parameters.get(name));
                Collections.sort(values);
                sorted.put(name, values);
            }
            parameters.clear();
            sorted.forEach(parameters::putAll);
        }
        List<String> lines = new ArrayList<>();
        for (String line : VCardWire.lines(writeUnfolded(card, VCardVersion.V3_0), false)) {
            String upper = line.toUpperCase(Locale.ROOT);
            if (!line.isEmpty() && !upper.equals("BEGIN:VCARD") && !upper.equals("END:VCARD")
                    && !upper.startsWith("VERSION:")) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static String writeUnfolded(VCard card, VCardVersion version) {
        StringWriter out = new StringWriter();
        VCardWriter writer = new VCardWriter(out, version);
        writer.setAddProdId(false); // ez-vcard adds its own PRODID by default
        writer.setVersionStrict(false); // keep properties the target version does not define (e.g. 3.0 NICKNAME in 2.1)
        writer.setIncludeTrailingSemicolons(true); // "N:Doe;John;;;": some phones want all components
        writer.getVObjectWriter().getFoldedLineWriter().setLineLength(null); // folded in VCardWire, by octets
        try {
            writer.write(card);
            writer.flush();
        } catch (IOException e) {
            throw new IllegalStateException("writing to a string failed", e); // cannot happen
        }
        return out.toString();
    }

    /**
     * Makes parsed parameters fit the target version. The reader already undid quoted-printable (keeping the
     * ENCODING and CHARSET parameters that described it) and the output encoding is decided in {@link VCardWire},
     * so both go; base64 of unknown properties is renamed ({@code b} in 3.0, {@code BASE64} in 2.1; ez-vcard does it
     * for known binary properties); parameter values the target syntax cannot carry are dropped rather than make
     * ez-vcard refuse the whole card, and so are lines whose property name ez-vcard reads but does not write in
     * both versions (empty, holding '.', ':', ';' or a line break as in {@code X-A.B.C:} (group X-A), or starting with
     * whitespace), groups and parameter names it does not write (the property stays). Any other parameter that mentions
     * QUOTED-PRINTABLE (its name or a value, as in {@code EN&ODING=QUOTED-PRINTABLE} or {@code TYPE=quoted-printable})
     * goes too: readers (phones, {@link VCardStructure}) take any such mention for the encoding, so a plain value
     * ending in '=' would read as a soft line break and swallow the next line, END:VCARD included.
     */
    private static void prepare(VCard card, VCardVersion version) {
        for (VCardProperty property : new ArrayList<>(card.getProperties())) {
            if (property instanceof RawProperty raw && !writableName(raw.getPropertyName(), true)) {
                // a line ":value" reads as a nameless property, "X-A.B.C:value" as group X-A and name B.C
                card.removeProperty(property);
            }
        }
        for (VCardProperty property : card.getProperties()) {
            if (property.getGroup() != null && !writableName(property.getGroup(), false)) {
                property.setGroup(null);
            }
            VCardParameters parameters = property.getParameters();
            String encoding = parameters.first(VCardParameters.ENCODING);
            if (encoding != null) {
                String upper = encoding.toUpperCase(Locale.ROOT);
                if (upper.equals("QUOTED-PRINTABLE") || upper.equals("8BIT") || upper.equals("7BIT")) {
                    parameters.removeAll(VCardParameters.ENCODING);
                } else if (property instanceof RawProperty && (upper.equals("B") || upper.equals("BASE64"))) {
                    parameters.replace(VCardParameters.ENCODING, version == VCardVersion.V2_1 ? "BASE64" : "b");
                }
            }
            parameters.removeAll(VCardParameters.CHARSET);
            for (String name : new ArrayList<>(parameters.keySet())) {
                List<String> kept = new ArrayList<>();
                if (name == null || !VObjectValidator.validateParameterName(name, SyntaxStyle.OLD, false)
                        || !VObjectValidator.validateParameterName(name, SyntaxStyle.NEW, false)) {
                    parameters.removeAll(name);
                    continue;
                }
                for (String value : parameters.get(name)) {
                    if (value != null && writable(value, version) && !mentionsQuotedPrintable(name)
                            && !mentionsQuotedPrintable(value)) {
                        kept.add(value);
                    }
                }
                parameters.removeAll(name);
                if (!kept.isEmpty()) {
                    parameters.putAll(name, kept);
                }
            }
            if (property instanceof Agent && ((Agent) property).getVCard() != null) {
                prepare(((Agent) property).getVCard(), version);
            }
        }
    }

    /**
     * Whether ez-vcard's writer takes a property name (or a group name) in both versions, so that a card converts the
     * same way to either: not empty, no '.', ':', ';' or line break, and (in 2.1) no whitespace in front.
     */
    private static boolean writableName(String name, boolean property) {
        if (name == null || name.isBlank() || Character.isWhitespace(name.charAt(0))) {
            return false;
        }
        for (SyntaxStyle syntax : SyntaxStyle.values()) {
            if (!(property ? VObjectValidator.validatePropertyName(name, syntax, false)
                    : VObjectValidator.validateGroupName(name, syntax, false))) {
                return false;
            }
        }
        return true;
    }

    private static boolean mentionsQuotedPrintable(String s) {
        return s != null && s.toUpperCase(Locale.ROOT).contains("QUOTED-PRINTABLE");
    }

    private static boolean writable(String parameterValue, VCardVersion version) {
        String forbidden = version == VCardVersion.V2_1 ? "\r\n:" : "\r\n\"";
        for (int i = 0; i < parameterValue.length(); i++) {
            if (forbidden.indexOf(parameterValue.charAt(i)) >= 0) {
                return false;
            }
        }
        return true;
    }
}
