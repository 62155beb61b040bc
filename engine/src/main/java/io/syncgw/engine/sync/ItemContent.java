package io.syncgw.engine.sync;

import io.syncgw.engine.port.ItemIndex;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one datastore holds and how its items are typed, compared, converted and merged. Items are stored as the
 * device sent them (or as a merge produced them) and converted only on the way to a device that prefers another
 * format. Implementations parse as little as each question needs: typing and twin keys use light readers, only
 * conversion and merging parse fully.
 */
public interface ItemContent {

    /** The datastore this content belongs to. */
    Datastore datastore();

    /** The content types the datastore takes and sends, the server's preference first. */
    List<String> contentTypes();

    /** What to send a device that said nothing usable about its preference (old phones: the 1.0-era format). */
    String defaultDeviceType();

    /**
     * The content type to store an item under: what its text says, when the declared type (which may be absent) is
     * one of this datastore's types. Empty when the item does not belong here (wrong type, or an event sent to the
     * tasks datastore): the device gets 415.
     */
    Optional<String> storedType(String declaredType, String text);

    /** The slow-sync twin key: equal for two versions of the same entry as different devices render it. */
    String twinKey(String text);

    /** The text in {@code wantedType}; the original when it already is in it or cannot be converted. */
    String convert(String text, String storedType, String wantedType);

    /**
     * A device's update with what the device cannot hold kept from the server's copy (a phone without a NOTE field
     * must not erase the note). {@code supported} are the device's CTCap property names, empty when unknown.
     * Empty when the device's version is refused as an item; the server copy is then left as it is.
     */
    Optional<String> merge(String serverCopy, String deviceVersion, Set<String> supported);

    /** What the store keeps beside the text for set-based filtering (categories, time span). Light: no full parse. */
    ItemIndex index(String text);

    /** When the item says it was last modified (vCard REV, iCalendar LAST-MODIFIED), for newest-wins conflicts. */
    Optional<Instant> modified(String text);

    /** Whether an occurrence of the item falls into [from, to) (null ends: open); items without time: true. */
    default boolean occursBetween(String text, Instant from, Instant to) {
        return true;
    }
}
