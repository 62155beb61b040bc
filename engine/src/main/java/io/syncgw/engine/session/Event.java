package io.syncgw.engine.session;

import io.syncgw.codec.model.SyncMessage;
import io.syncgw.engine.port.AccountLookup;
import io.syncgw.engine.port.DeviceRecord;
import io.syncgw.engine.port.ItemFacts;
import io.syncgw.engine.port.PendingChange;
import io.syncgw.engine.port.StoredAnchor;
import io.syncgw.engine.port.StoredItem;
import io.syncgw.engine.port.WriteResult;
import java.util.List;
import java.util.Map;

/** What the session machine reacts to: a client message, or the outcome of the effect it asked for. */
public sealed interface Event {

    record MessageReceived(SyncMessage message) implements Event {
    }

    record AccountLookedUp(AccountLookup lookup) implements Event {
    }

    record PasswordChecked(boolean valid) implements Event {
    }

    record DeviceRegistered(io.syncgw.engine.port.Registration registration) implements Event {
    }

    record AnchorsLoaded(Map<String, StoredAnchor> anchors) implements Event {
    }

    /** @param xml null when the device has no stored device information */
    record DevInfLoaded(String xml) implements Event {
    }

    record ItemsLookedUp(String datastore, ItemFacts facts) implements Event {
    }

    /** @param pending what the write's {@code then} read, or null */
    record Written(WriteResult result, PendingLoaded pending) implements Event {
        public Written(WriteResult result) {
            this(result, null);
        }
    }

    record PendingLoaded(String datastore, List<PendingChange> changes) implements Event {
    }

    record ItemsLoaded(Map<Long, StoredItem> items) implements Event {
    }

    record ChunksLoaded(String datastore, String luid, String data) implements Event {
    }

    /** An effect failed because the store is unavailable (or failed unexpectedly). */
    record StoreFailed(Throwable cause) implements Event {
    }
}
