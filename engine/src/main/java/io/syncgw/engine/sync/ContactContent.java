package io.syncgw.engine.sync;

import io.syncgw.codec.pim.ContactFormat;
import io.syncgw.codec.pim.ConversionResult;
import io.syncgw.codec.pim.VCardCodec;
import io.syncgw.codec.pim.VCardMergeShortcut;
import io.syncgw.codec.pim.ContentLines;
import io.syncgw.engine.port.ItemIndex;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The contacts datastore: vCard 2.1 and 3.0, twin keys for slow-sync matching, conversion to the format a device
 * prefers, and merging an update from a device that cannot hold every property.
 */
public final class ContactContent implements ItemContent {
    private static final List<String> TYPES = List.of(ContactFormat.VCARD_30.contentType(),
            ContactFormat.VCARD_21.contentType());
    private final VCardCodec codec;

    public ContactContent(VCardCodec codec) {
        this.codec = codec;
        warmUp();
    }

    public ContactContent() {
        this(new VCardCodec());
    }

    /**
     * Parses and converts one card now, so that the vCard library loads its classes and resource files here (at
     * start-up) and not on an event loop when the first session needs it.
     */
    private void warmUp() {
        String card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:M\u00fcller;J\u00fcrgen;;;\r\nFN:J\u00fcrgen M\u00fcller\r\n"
                + "TEL;TYPE=CELL:+49 170 1\r\nEND:VCARD\r\n";
        codec.twinKey(card);
        String card21 = convert(card, ContactFormat.VCARD_30.contentType(), ContactFormat.VCARD_21.contentType());
        convert(card21, ContactFormat.VCARD_21.contentType(), ContactFormat.VCARD_30.contentType());
        codec.merge(card, card21, Set.of());
    }

    @Override
    public Datastore datastore() {
        return Datastore.CONTACTS;
    }

    @Override
    public List<String> contentTypes() {
        return TYPES;
    }

    @Override
    public String defaultDeviceType() {
        return ContactFormat.VCARD_21.contentType();
    }

    /**
     * The declared type when it is a vCard type, else what the text says (phones sometimes omit or mislabel the
     * type): a "text/x-vcard" item that says VERSION:3.0 is a 3.0 card; the content is trusted over the label.
     */
    @Override
    public Optional<String> storedType(String declaredType, String text) {
        if (declaredType != null && !declaredType.isBlank() && ContactFormat.ofContentType(declaredType).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(codec.detect(text).contentType());
    }

    @Override
    public String twinKey(String text) {
        return codec.twinKey(text);
    }

    @Override
    public String convert(String text, String storedType, String wantedType) {
        Optional<ContactFormat> wanted = ContactFormat.ofContentType(wantedType);
        Optional<ContactFormat> stored = ContactFormat.ofContentType(storedType);
        if (wanted.isEmpty() || stored.isPresent() && stored.get() == wanted.get()) {
            return text;
        }
        ConversionResult r = codec.convert(text, wanted.get());
        return r instanceof ConversionResult.Converted c ? c.text() : text;
    }

    @Override
    public ItemIndex index(String text) {
        return new ItemIndex(ContentLines.categories(text), null, null, false);
    }

    @Override
    public Optional<Instant> modified(String text) {
        return ContentLines.first(text, "REV").flatMap(ContentLines::instant);
    }

    @Override
    public Optional<String> merge(String serverCopy, String deviceVersion, Set<String> supported) {
        if (VCardMergeShortcut.deviceVersionSuffices(codec, serverCopy, deviceVersion, supported)) {
            return Optional.of(deviceVersion); // nothing of the server copy to keep: decided without parsing
        }
        ConversionResult r = codec.merge(serverCopy, deviceVersion, supported);
        return r instanceof ConversionResult.Converted c ? Optional.of(c.text()) : Optional.empty();
    }
}
