package io.syncgw.codec.model;

import io.syncgw.codec.model.devinf.DevInf;
import java.util.Objects;

/**
 * Content of an item's {@code Data} element: text (a vCard, a status anchor...), a device information document, or
 * an anchor (as echoed in a Status item).
 */
public sealed interface ItemData {

    /** Character data, exactly as carried (CDATA and escaped text decode to the same value). */
    record Text(String value) implements ItemData {
        public Text {
            Objects.requireNonNull(value, "value");
        }
    }

    /** A {@code DevInf} document embedded in the item. */
    record DevInfData(DevInf devInf) implements ItemData {
        public DevInfData {
            Objects.requireNonNull(devInf, "devInf");
        }
    }

    /** An {@code Anchor} element inside {@code Data} (Status for an Alert echoes the client's Next anchor). */
    record AnchorData(Anchor anchor) implements ItemData {
        public AnchorData {
            Objects.requireNonNull(anchor, "anchor");
        }
    }

    static ItemData text(String value) {
        return new Text(value);
    }
}
