package io.syncgw.codec.model;

/**
 * An {@code Item} (RepPro §5.1.10). All components but {@code moreData} may be null.
 *
 * @param target       {@code Target}
 * @param source       {@code Source}
 * @param sourceParent {@code SourceParent/LocURI} (DS 1.2 hierarchy)
 * @param targetParent {@code TargetParent/LocURI}
 * @param meta         item-level {@code Meta}, or null
 * @param data         {@code Data}, or null
 * @param moreData     {@code MoreData}: this is a chunk of a large object and more chunks follow
 */
public record Item(Location target, Location source, String sourceParent, String targetParent, Meta meta,
                   ItemData data, boolean moreData) {

    public static Item withSource(String sourceUri, ItemData data) {
        return new Item(null, Location.of(sourceUri), null, null, null, data, false);
    }

    public static Item withTarget(String targetUri, ItemData data) {
        return new Item(Location.of(targetUri), null, null, null, null, data, false);
    }

    public String targetUri() {
        return target == null ? null : target.locUri();
    }

    public String sourceUri() {
        return source == null ? null : source.locUri();
    }

    /** The text of a {@link ItemData.Text} payload, else null. */
    public String text() {
        return data instanceof ItemData.Text t ? t.value() : null;
    }
}
