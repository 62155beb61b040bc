package io.syncgw.engine.session;

import io.syncgw.codec.model.SyncMessage;
import io.syncgw.engine.port.WriteBatch;
import java.util.List;
import java.util.Map;

/** What the session machine asks its shell to do next. Exactly one effect per step. */
public sealed interface Effect {

    /**
     * @param nextNonce the device's next MD5 nonce, stored by the lookup if {@code digest} (a SyncML 1.1+ MD5 digest)
     *                  is right ({@code SyncStore#lookupAccount}); both null when the message logs in otherwise
     * @param settled   ask which datastores the device is owed nothing of ({@code AccountLookup#settled})
     */
    record LookupAccount(String login, String deviceUri, String nextNonce, byte[] digest, boolean settled)
            implements Effect {
    }

    /** Verify a basic-auth password against its slow hash (CPU-heavy: run off the event loop). */
    record CheckPassword(String password, String passwordHash) implements Effect {
    }

    /** @param maxDevices the server's slot limit (an account's own limit overrides it) */
    record RegisterDevice(long accountId, String deviceUri, int maxDevices) implements Effect {
    }

    record LoadAnchors(long deviceId) implements Effect {
    }

    record LoadDevInf(long deviceId) implements Effect {
    }

    /** {@code baseHashes}: LUID to the hash of the content the device sends for it, for the merge bases. */
    record LookupItems(long accountId, long deviceId, String datastore, List<String> luids, List<String> twinKeys,
                       Map<String, String> baseHashes) implements Effect {
    }

    /** @param then the pending changes to read right after the write, in the same round trip; or null */
    record Write(WriteBatch batch, LoadPending then) implements Effect {
        Write(WriteBatch batch) {
            this(batch, null);
        }
    }

    /** {@code contentBudget}: characters of content to read with the list (see SyncStore#pendingChanges). */
    record LoadPending(long accountId, long deviceId, String datastore, io.syncgw.engine.port.ItemFilter filter,
                       int contentBudget) implements Effect {
    }

    record LoadItems(long accountId, List<Long> itemIds) implements Effect {
    }

    /** The spooled chunks of a large object whose last chunk arrived. */
    record LoadChunks(long deviceId, String datastore, String luid) implements Effect {
    }

    /**
     * Send this reply; the message is handled.
     *
     * @param outcome how the session stands after this reply
     */
    record Reply(SyncMessage message, Outcome outcome, MessageReport report) implements Effect {
        public Reply(SyncMessage message, Outcome outcome) {
            this(message, outcome, MessageReport.REPLAYED);
        }
    }

    /** The state of the session after a reply. */
    enum Outcome {
        /** More messages are expected. */
        CONTINUE,
        /** The sync completed; anchors are committed. */
        COMPLETED,
        /** Authentication failed. */
        AUTH_FAILED,
        /** The session cannot continue (store unavailable, protocol error). */
        FAILED
    }
}
