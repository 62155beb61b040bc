package io.syncgw.engine.sync;

import io.syncgw.codec.pim.ContactFormat;
import io.syncgw.codec.pim.ConversionResult;
import io.syncgw.codec.pim.VCardCodec;
import java.util.Optional;

/**
 * What the contacts datastore accepts and how its items are compared and converted: vCard 2.1 and 3.0, twin keys
 * for slow-sync matching, conversion to the format a device prefers. Items are stored as the device sent them and
 * converted only on the way to a device that prefers the other format.
 */
public final class ContactContent {
    private final VCardCodec codec;

    public ContactContent(VCardCodec codec) {
        this.codec = codec;
        warmUp();
    }

    /**
     * Parses and converts one card now, so that the vCard library loads its classes and resource files here (at
     * start-up) and not on an event loop when the first session needs it.
     */
    private void warmUp() {
        String card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:M\u00fcller;J\u00fcrgen;;;\r\nFN:J\u00fcrgen M\u00fcller\r\n"
                + "TEL;TYPE=CELL:+49 170 1\r\nEND:VCARD\r\n";
        codec.twinKey(card);
        codec.convert(card, ContactFormat.VCARD_21);
        codec.convert(codec.convert(card, ContactFormat.VCARD_21) instanceof ConversionResult.Converted c ? c.text()
                : card, ContactFormat.VCARD_30);
    }

    public ContactContent() {
        this(new VCardCodec());
    }

    /**
     * The content type to store an item under: the declared one when it is a vCard type, else what the text says
     * (phones sometimes omit or mislabel the type). Empty when the declared type is not a contact type at all.
     */
    public Optional<ContactFormat> formatOf(String declaredType, String text) {
        if (declaredType == null || declaredType.isBlank()) {
            return Optional.of(codec.detect(text));
        }
        Optional<ContactFormat> declared = ContactFormat.ofContentType(declaredType);
        if (declared.isEmpty()) {
            return Optional.empty();
        }
        // a "text/x-vcard" item that says VERSION:3.0 is a 3.0 card; trust the content over the label
        return Optional.of(codec.detect(text));
    }

    public String twinKey(String text) {
        return codec.twinKey(text);
    }

    /** The text in {@code wanted} format; the original when it is already in it or cannot be converted. */
    public String convert(String text, String storedType, ContactFormat wanted) {
        Optional<ContactFormat> stored = ContactFormat.ofContentType(storedType);
        if (wanted == null || stored.isPresent() && stored.get() == wanted) {
            return text;
        }
        ConversionResult r = codec.convert(text, wanted);
        return r instanceof ConversionResult.Converted c ? c.text() : text;
    }
}
