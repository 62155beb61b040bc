package io.syncgw.engine.testing;

import io.syncgw.engine.auth.Md5Auth;
import io.syncgw.engine.auth.NonceSource;
import io.syncgw.engine.auth.PasswordHasher;
import io.syncgw.engine.port.AccountCredentials;
import io.syncgw.engine.port.AccountLookup;
import io.syncgw.engine.port.DevicePolicy;
import io.syncgw.engine.port.DeviceRecord;
import io.syncgw.engine.port.ItemFilter;
import io.syncgw.engine.port.ItemIndex;
import io.syncgw.engine.port.Registration;
import io.syncgw.engine.port.ItemFacts;
import io.syncgw.engine.port.MappedItem;
import io.syncgw.engine.port.PendingChange;
import io.syncgw.engine.port.PendingRead;
import io.syncgw.engine.port.StoreUnavailableException;
import io.syncgw.engine.port.StoredAnchor;
import io.syncgw.engine.port.StoredItem;
import io.syncgw.engine.port.SyncStore;
import io.syncgw.engine.port.TwinCandidate;
import io.syncgw.engine.port.WriteBatch;
import io.syncgw.engine.port.WriteResult;
import io.syncgw.engine.port.WrittenAndPending;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import reactor.core.publisher.Mono;

/**
 * The {@link SyncStore} contract in memory, for testing the engine without a database. Same semantics as the
 * PostgreSQL store (whose integration tests check the same rules); a batch is applied atomically (on a copy).
 * Not thread-safe beyond the synchronisation of each call.
 */
public final class InMemorySyncStore implements SyncStore {

    public record Account(long id, String login, String passwordHash, String md5Digest, String sealedPassword) {
    }

    /** Per-account slot limits (the admin API's maxDevices); absent: the server's. */
    private final Map<Long, Integer> maxDevices = new HashMap<>();

    /** Seals passwords of new accounts, as the gateway's account admin does with its credential key. */
    public static final io.syncgw.engine.auth.CredentialCipher TEST_CIPHER =
            new io.syncgw.engine.auth.CredentialCipher(new byte[32]);

    public static final class Device {
        public final long id;
        public final long accountId;
        public final String uri;
        public final int slot;
        public String nonce;
        public String devInf;
        public String devInfHash;
        public String manufacturer;
        public String model;
        public java.time.Instant lastSync;
        /** The session holding the device, and until when. */
        public String sessionKey;
        public java.time.Instant sessionUntil;
        /** What the account owner configured (tests set it as the admin API would). */
        public DevicePolicy policy = DevicePolicy.DEFAULT;

        Device(long id, long accountId, String uri, int slot) {
            this.id = id;
            this.accountId = accountId;
            this.uri = uri;
            this.slot = slot;
        }
    }

    public static final class Row {
        public final long id;
        public final long accountId;
        public final String datastore;
        public String contentType;
        public String content;
        public String twinKey;
        public String hash;
        public long seq;
        public boolean deleted;
        public ItemIndex index = ItemIndex.NONE;
        public java.time.Instant updatedAt;

        Row(long id, long accountId, String datastore) {
            this.id = id;
            this.accountId = accountId;
            this.datastore = datastore;
        }

        Row copy() {
            Row r = new Row(id, accountId, datastore);
            r.contentType = contentType;
            r.content = content;
            r.twinKey = twinKey;
            r.hash = hash;
            r.seq = seq;
            r.deleted = deleted;
            r.index = index;
            r.updatedAt = updatedAt;
            return r;
        }
    }

    public static final class Mapping {
        public final long deviceId;
        public final long itemId;
        public final String datastore;
        public String luid;
        public long knownSeq;
        public boolean detached;

        Mapping(long deviceId, long itemId, String datastore) {
            this.deviceId = deviceId;
            this.itemId = itemId;
            this.datastore = datastore;
        }

        Mapping copy() {
            Mapping m = new Mapping(deviceId, itemId, datastore);
            m.luid = luid;
            m.knownSeq = knownSeq;
            m.detached = detached;
            return m;
        }
    }

    private int pendingReads;
    private int settledAsked;

    /** Calls of {@link #loadItems} so far (contents the lookups did not bring). */
    public int loadItemsCalls;

    private final Map<String, Account> accounts = new HashMap<>();
    private final Map<Long, Device> devices = new LinkedHashMap<>();
    private Map<Long, Row> items = new TreeMap<>();
    private Map<String, Mapping> mappings = new HashMap<>();
    private final Map<String, StoredAnchor> anchors = new HashMap<>();
    /** Checkpoints of interrupted syncs by "device/datastore": mode, client Last, received LUIDs. */
    private final Map<String, Object[]> checkpoints = new HashMap<>();
    /** Spooled chunks by "device/datastore/luid", in order, with when each object started. */
    private final Map<String, List<String>> chunks = new HashMap<>();
    private final Map<String, java.time.Instant> chunkTimes = new HashMap<>();
    public java.time.Clock clock = java.time.Clock.systemUTC();
    /** Writes refused because another session held the device. */
    public final java.util.concurrent.atomic.AtomicInteger busyRefusals = new java.util.concurrent.atomic.AtomicInteger();
    private long nextId = 1;
    private long seq = 0;
    private volatile boolean unavailable;
    private int writes;
    private int nonceRotations;
    private int writesWithRead;
    private static final String BASE64 = "([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?";

    public synchronized Account addAccount(String login, String password) {
        Account a = new Account(nextId++, login, new PasswordHasher(1_000).hash(password),
                PasswordHasher.md5Digest(login, password), TEST_CIPHER.seal(password));
        accounts.put(login, a);
        return a;
    }

    /** Makes every call fail as if the database were down. */
    public void setUnavailable(boolean down) {
        this.unavailable = down;
    }

    public synchronized int writeCount() {
        return writes;
    }

    /** Calls of {@link #pendingChanges} so far (alone or after a write): reads the account lookup did not spare. */
    public synchronized int pendingReadCount() {
        return pendingReads;
    }

    /** Lookups that asked which datastores the device is owed nothing of. */
    public synchronized int settledAskedCount() {
        return settledAsked;
    }

    /** How many writes came with the read of the pending changes that follows them. */
    public synchronized int writeWithReadCount() {
        return writesWithRead;
    }

    /** As the port's default (the write, then the read), counted. */
    @Override
    public Mono<WrittenAndPending> write(WriteBatch batch, PendingRead read) {
        return Mono.defer(() -> {
            synchronized (this) {
                writesWithRead++;
            }
            return SyncStore.super.write(batch, read);
        });
    }

    /** How many lookups stored a device's next nonce. */
    public synchronized int nonceRotationCount() {
        return nonceRotations;
    }

    public synchronized List<Row> liveItems(String login, String datastore) {
        long acc = accounts.get(login).id();
        return items.values().stream().filter(r -> r.accountId == acc && r.datastore.equals(datastore) && !r.deleted)
                .map(Row::copy).toList();
    }

    public synchronized int rowCount() {
        return items.size();
    }

    public synchronized int deviceCount() {
        return devices.size();
    }

    public synchronized Device device(String uri) {
        return devices.values().stream().filter(d -> d.uri.equals(uri)).findFirst().orElse(null);
    }

    /** Simulates another device's session changing an item on the server. */
    public synchronized void serverUpdate(long itemId, String content) {
        Row r = items.get(itemId);
        r.content = content;
        r.hash = io.syncgw.engine.sync.ContentHash.of(content);
        r.seq = ++seq;
        r.updatedAt = clock.instant();
    }

    /** Sets the number of device slots of an account, as the admin API does. */
    public synchronized void setMaxDevices(String login, int n) {
        maxDevices.put(accounts.get(login).id(), n);
    }

    /** Frees a slot, as the admin API does: the device, its mappings, anchors and checkpoints go. */
    public synchronized void freeSlot(String login, int slot) {
        long acc = accounts.get(login).id();
        devices.values().stream().filter(d -> d.accountId == acc && d.slot == slot).map(d -> d.id).toList()
                .forEach(this::dropDevice);
    }

    private void dropDevice(long deviceId) {
        devices.remove(deviceId);
        mappings.values().removeIf(m -> m.deviceId == deviceId);
        anchors.keySet().removeIf(k -> k.startsWith(deviceId + "/"));
        checkpoints.keySet().removeIf(k -> k.startsWith(deviceId + "/"));
        purge(items, mappings);
    }

    private <T> Mono<T> call(java.util.function.Supplier<T> body) {
        return Mono.defer(() -> {
            if (unavailable) {
                return Mono.error(new StoreUnavailableException("database down (test)", null));
            }
            synchronized (this) {
                return Mono.justOrEmpty(body.get());
            }
        });
    }

    private static String key(long deviceId, long itemId) {
        return deviceId + "/" + itemId;
    }

    @Override
    public Mono<AccountLookup> lookupAccount(String login, String deviceUri) {
        return lookupAccount(login, deviceUri, null, null);
    }

    @Override
    public Mono<AccountLookup> lookupAccount(String login, String deviceUri, String nextNonce, byte[] digest,
                                             boolean askSettled) {
        return call(() -> {
            Account a = accounts.get(login);
            if (a == null) {
                return AccountLookup.UNKNOWN;
            }
            Device d = devices.values().stream().filter(x -> x.accountId == a.id() && x.uri.equals(deviceUri))
                    .findFirst().orElse(null);
            // like the database's lookup: the device's anchors come with it unless a checkpoint is to be resumed
            Map<String, StoredAnchor> stored = d == null ? null : storedAnchors(d.id);
            boolean resuming = stored != null && stored.values().stream().anyMatch(x -> x.suspended() != null);
            DeviceRecord before = d == null ? null : record(d);
            // like the database: only a well-formed stored nonce (PostgreSQL's base64 decoding is not Java's)
            boolean rotate = nextNonce != null && digest != null && d != null && a.md5Digest() != null
                    && d.policy.active() && d.nonce != null && d.nonce.matches(BASE64)
                    && Md5Auth.verify(a.md5Digest(), NonceSource.bytes(d.nonce), digest);
            if (rotate) {
                d.nonce = nextNonce;
                nonceRotations++;
            }
            // like the database's lookup: a datastore with anchors is settled when the device is owed nothing of it
            Set<String> settled = new HashSet<>();
            if (askSettled) {
                settledAsked++;
            }
            if (stored != null && askSettled) {
                stored.keySet().stream().filter(ds -> pending(a.id(), d.id, ds, ItemFilter.NONE, 0).isEmpty())
                        .forEach(settled::add);
            }
            return new AccountLookup(new AccountCredentials(a.id(), a.login(), a.passwordHash(), a.md5Digest(),
                    a.sealedPassword()),
                    before, resuming ? null : stored, rotate, settled);
        });
    }

    private static DeviceRecord record(Device d) {
        return new DeviceRecord(d.id, d.accountId, d.uri, d.slot, d.nonce, d.devInfHash, d.policy);
    }

    @Override
    public Mono<Registration> registerDevice(long accountId, String deviceUri, int defaultMaxDevices) {
        return call(() -> {
            for (Device d : devices.values()) {
                if (d.accountId == accountId && d.uri.equals(deviceUri)) {
                    return new Registration.Registered(record(d));
                }
            }
            int max = maxDevices.getOrDefault(accountId, defaultMaxDevices);
            Map<Integer, Device> used = new HashMap<>();
            devices.values().stream().filter(d -> d.accountId == accountId).forEach(d -> used.put(d.slot, d));
            Integer slot = null;
            for (int n = 1; n <= max && slot == null; n++) {
                if (!used.containsKey(n)) {
                    slot = n;
                }
            }
            for (int n = 1; n <= max && slot == null; n++) {
                if (!used.get(n).policy.active()) {
                    dropDevice(used.get(n).id); // a non-active device gives its slot up to the new one
                    slot = n;
                }
            }
            if (slot == null) {
                return new Registration.NoFreeSlot(max);
            }
            Device d = new Device(nextId++, accountId, deviceUri, slot);
            devices.put(d.id, d);
            return new Registration.Registered(record(d));
        });
    }

    @Override
    public Mono<String> loadDevInf(long deviceId) {
        return call(() -> devices.get(deviceId).devInf);
    }

    @Override
    public Mono<Map<String, StoredAnchor>> loadAnchors(long deviceId) {
        return call(() -> storedAnchors(deviceId));
    }

    private Map<String, StoredAnchor> storedAnchors(long deviceId) {
        Map<String, StoredAnchor> out = new HashMap<>();
        anchors.forEach((k, v) -> {
            if (k.startsWith(deviceId + "/")) {
                out.put(v.datastore(), v);
            }
        });
        checkpoints.forEach((k, v) -> {
            if (k.startsWith(deviceId + "/")) {
                String ds = k.substring(k.indexOf('/') + 1);
                @SuppressWarnings("unchecked")
                Set<String> luids = (Set<String>) v[2];
                StoredAnchor a = out.get(ds);
                out.put(ds, new StoredAnchor(ds, a == null ? null : a.clientNext(), a == null ? null : a.clientPrev(),
                        a == null ? null : a.serverNext(), new StoredAnchor.Suspended((Integer) v[0], (String) v[1],
                        List.copyOf(luids))));
            }
        });
        return out;
    }

    @Override
    public Mono<ItemFacts> lookupItems(long accountId, long deviceId, String datastore, Collection<String> luids,
                                       Collection<String> twinKeys, Map<String, String> baseHashes) {
        return call(() -> {
            Map<String, MappedItem> byLuid = new HashMap<>();
            Map<Long, StoredItem> bases = new HashMap<>();
            Set<Long> mapped = new HashSet<>();
            for (Mapping m : mappings.values()) {
                if (m.deviceId == deviceId) {
                    mapped.add(m.itemId);
                    if (m.datastore.equals(datastore) && m.luid != null && luids.contains(m.luid)) {
                        Row r = items.get(m.itemId);
                        byLuid.put(m.luid, new MappedItem(m.luid, r.id, r.seq, m.knownSeq, r.deleted, r.hash,
                                r.updatedAt));
                        String hash = baseHashes.get(m.luid);
                        if (hash != null && !r.deleted && !hash.equals(r.hash)) {
                            bases.put(r.id, new StoredItem(r.id, r.seq, false, r.contentType, r.content));
                        }
                    }
                }
            }
            Map<String, List<TwinCandidate>> twins = new HashMap<>();
            for (Row r : items.values()) {
                if (r.accountId == accountId && r.datastore.equals(datastore) && !r.deleted && !mapped.contains(r.id)
                        && r.twinKey != null && twinKeys.contains(r.twinKey)) {
                    twins.computeIfAbsent(r.twinKey, k -> new ArrayList<>())
                            .add(new TwinCandidate(r.twinKey, r.id, r.seq, r.hash));
                }
            }
            return new ItemFacts(byLuid, twins, bases);
        });
    }

    @Override
    public Mono<WriteResult> write(WriteBatch b) {
        return call(() -> {
            // the port's contract, which the PostgreSQL store relies on: one mapping upsert per item
            Set<Long> upserted = new HashSet<>();
            for (WriteBatch.MapUpsert u : b.mapUpserts()) {
                if (!upserted.add(u.itemId())) {
                    throw new IllegalArgumentException("two mapping upserts for item " + u.itemId() + " in a batch");
                }
            }
            // atomic: work on copies, swap at the end
            Map<Long, Row> it = new TreeMap<>();
            items.forEach((k, v) -> it.put(k, v.copy()));
            Map<String, Mapping> mp = new HashMap<>();
            mappings.forEach((k, v) -> mp.put(k, v.copy()));
            Map<Integer, Long> inserted = new HashMap<>();
            Map<Long, Long> newSeqs = new HashMap<>();
            Set<Long> conflicts = new HashSet<>();
            long dev = b.deviceId();
            Device device = devices.get(dev);
            WriteBatch.DeviceLease lease = b.lease();
            java.time.Instant now = clock.instant();
            if (lease != null && lease.kind() != WriteBatch.DeviceLease.Kind.RELEASE) {
                boolean free = lease.kind() == WriteBatch.DeviceLease.Kind.TAKE_OVER || device.sessionKey == null
                        || device.sessionKey.equals(lease.key())
                        || device.sessionUntil == null || !device.sessionUntil.isAfter(now);
                if (!free) {
                    busyRefusals.incrementAndGet();
                    throw new io.syncgw.engine.port.DeviceBusyException(dev);
                }
                device.sessionKey = lease.key();
                device.sessionUntil = now.plusSeconds(lease.seconds());
            } else if (lease != null && lease.key().equals(device.sessionKey)) {
                device.sessionUntil = null;
            }
            if (b.nonce() != null) {
                device.nonce = b.nonce();
            }
            if (b.devInf() != null) {
                device.devInf = b.devInf().xml();
                device.devInfHash = b.devInf().hash();
                device.manufacturer = b.devInf().manufacturer();
                device.model = b.devInf().model();
            }
            if (b.consumeNextSync()) {
                device.policy = device.policy.withNextSync(DevicePolicy.NextSync.NORMAL);
            }
            for (WriteBatch.MapRemove u : b.unmaps()) {
                mp.remove(key(dev, u.itemId()));
            }
            for (String ds : b.resets()) {
                mp.values().removeIf(m -> m.deviceId == dev && m.datastore.equals(ds));
            }
            purge(it, mp);
            for (WriteBatch.NewItem n : b.inserts()) {
                Row r = new Row(nextId++, b.accountId(), n.datastore());
                r.contentType = n.contentType();
                r.content = n.content();
                r.twinKey = n.twinKey();
                r.hash = n.contentHash();
                r.seq = ++seq;
                r.index = n.index();
                r.updatedAt = clock.instant();
                it.put(r.id, r);
                releaseLuid(mp, dev, n.datastore(), n.luid(), r.id);
                Mapping m = new Mapping(dev, r.id, n.datastore());
                m.luid = n.luid();
                m.knownSeq = r.seq;
                mp.put(key(dev, r.id), m);
                inserted.put(n.ref(), r.id);
                newSeqs.put(r.id, r.seq);
            }
            for (WriteBatch.ItemUpdate u : b.updates()) {
                Row r = it.get(u.itemId());
                if (r == null || r.accountId != b.accountId()
                        || u.expectedSeq() != null && r.seq != u.expectedSeq()) {
                    conflicts.add(u.itemId());
                    continue;
                }
                r.contentType = u.contentType();
                r.content = u.content();
                r.twinKey = u.twinKey();
                r.hash = u.contentHash();
                r.deleted = false;
                r.seq = ++seq;
                r.index = u.index();
                r.updatedAt = clock.instant();
                newSeqs.put(r.id, r.seq);
                releaseLuid(mp, dev, u.datastore(), u.luid(), r.id);
                Mapping m = mp.computeIfAbsent(key(dev, r.id), k -> new Mapping(dev, r.id, u.datastore()));
                m.luid = u.luid();
                m.knownSeq = r.seq;
                m.detached = false;
            }
            for (WriteBatch.ItemDelete d : b.deletes()) {
                Row r = it.get(d.itemId());
                if (r == null || r.accountId != b.accountId()
                        || d.expectedSeq() != null && r.seq != d.expectedSeq()) {
                    conflicts.add(d.itemId());
                    continue;
                }
                r.deleted = true;
                r.content = "";
                r.seq = ++seq;
                newSeqs.put(r.id, r.seq);
                mp.remove(key(dev, r.id));
            }
            purge(it, mp);
            for (WriteBatch.MapUpsert u : b.mapUpserts()) {
                Row r = it.get(u.itemId());
                if (r == null && u.luid() != null && u.knownSeq() != null) {
                    // the item went while its Add was on the way to the device: a tombstone under the device's LUID
                    // sends it a Delete next time (as the R2DBC store does)
                    Row ghost = new Row(nextId++, b.accountId(), u.datastore());
                    ghost.contentType = "";
                    ghost.content = "";
                    ghost.deleted = true;
                    ghost.seq = ++seq;
                    it.put(ghost.id, ghost);
                    releaseLuid(mp, dev, u.datastore(), u.luid(), ghost.id);
                    Mapping g = new Mapping(dev, ghost.id, u.datastore());
                    g.luid = u.luid();
                    mp.put(key(dev, ghost.id), g);
                    continue;
                }
                if (r == null || r.accountId != b.accountId()) {
                    continue;
                }
                if (u.luid() != null) {
                    releaseLuid(mp, dev, u.datastore(), u.luid(), r.id);
                }
                Mapping m = mp.computeIfAbsent(key(dev, r.id), k -> new Mapping(dev, r.id, u.datastore()));
                if (u.luid() != null) {
                    m.luid = u.luid();
                }
                if (u.knownSeq() != null) {
                    m.knownSeq = u.knownSeq();
                }
                m.detached = false;
            }
            for (WriteBatch.MapRemove r : b.mapRemoves()) {
                mp.remove(key(dev, r.itemId()));
            }
            for (WriteBatch.MapDetach d : b.detaches()) {
                Mapping m = mp.get(key(dev, d.itemId()));
                if (m != null) {
                    m.luid = null;
                    m.detached = true;
                    m.knownSeq = d.knownSeq();
                }
            }
            for (WriteBatch.MappingPrune p : b.prunes()) {
                mp.values().removeIf(m -> m.deviceId == dev && m.datastore.equals(p.datastore())
                        && (m.luid == null || !p.keepLuids().contains(m.luid)));
            }
            for (WriteBatch.ItemPrune p : b.itemPrunes()) {
                Set<Long> mine = new HashSet<>();
                mp.values().stream().filter(m -> m.deviceId == dev).forEach(m -> mine.add(m.itemId));
                for (Row r : it.values()) {
                    if (r.accountId == b.accountId() && r.datastore.equals(p.datastore()) && !r.deleted
                            && !mine.contains(r.id)) {
                        r.deleted = true;
                        r.content = "";
                        r.seq = ++seq;
                    }
                }
            }
            purge(it, mp);
            for (WriteBatch.ChunkDiscard d : b.chunkDiscards()) {
                chunks.remove(dev + "/" + d.datastore() + "/" + d.luid());
            }
            for (WriteBatch.ChunkAppend c : b.chunkAppends()) {
                String k = dev + "/" + c.datastore() + "/" + c.luid();
                List<String> list = chunks.computeIfAbsent(k, x -> new ArrayList<>());
                if (list.size() != c.index()) {
                    throw new IllegalArgumentException("chunk " + c.index() + " of " + k + " after " + list.size());
                }
                list.add(c.data());
                chunkTimes.putIfAbsent(k, clock.instant());
            }
            for (String ds : b.resumeClears()) {
                checkpoints.remove(dev + "/" + ds);
            }
            for (WriteBatch.Checkpoint c : b.checkpoints()) {
                Object[] cp = checkpoints.computeIfAbsent(dev + "/" + c.datastore(),
                        k -> new Object[] {c.mode(), c.clientLast(), new java.util.LinkedHashSet<String>()});
                cp[0] = c.mode();
                cp[1] = c.clientLast();
                @SuppressWarnings("unchecked")
                Set<String> luids = (Set<String>) cp[2];
                luids.addAll(c.addLuids());
            }
            if (!b.anchors().isEmpty()) {
                device.lastSync = clock.instant();
            }
            for (WriteBatch.AnchorCommit a : b.anchors()) {
                StoredAnchor old = anchors.get(dev + "/" + a.datastore());
                anchors.put(dev + "/" + a.datastore(), new StoredAnchor(a.datastore(), a.clientNext(),
                        old == null ? null : old.clientNext(), a.serverNext()));
            }
            items = it;
            mappings = mp;
            writes++;
            return new WriteResult(inserted, newSeqs, conflicts);
        });
    }

    private static void releaseLuid(Map<String, Mapping> mp, long dev, String ds, String luid, long itemId) {
        if (luid == null) {
            return;
        }
        mp.values().removeIf(m -> m.deviceId == dev && m.datastore.equals(ds) && luid.equals(m.luid)
                && m.itemId != itemId);
    }

    private static void purge(Map<Long, Row> it, Map<String, Mapping> mp) {
        Set<Long> referenced = new HashSet<>();
        mp.values().forEach(m -> referenced.add(m.itemId));
        it.values().removeIf(r -> r.deleted && !referenced.contains(r.id));
    }

    @Override
    public Mono<List<PendingChange>> pendingChanges(long accountId, long deviceId, String datastore,
                                                    ItemFilter filter, int contentBudget) {
        return call(() -> {
            pendingReads++;
            return pending(accountId, deviceId, datastore, filter, contentBudget);
        });
    }

    private List<PendingChange> pending(long accountId, long deviceId, String datastore, ItemFilter filter,
                                        int contentBudget) {
        {
            List<PendingChange> deletes = new ArrayList<>();
            List<PendingChange> replaces = new ArrayList<>();
            List<PendingChange> adds = new ArrayList<>();
            for (Row r : items.values()) {
                if (r.accountId != accountId || !r.datastore.equals(datastore)) {
                    continue;
                }
                Mapping m = mappings.get(key(deviceId, r.id));
                int size = r.content == null ? 0 : r.content.length();
                boolean passes = passes(r, filter);
                boolean recurring = r.index.recurring();
                if (m == null || m.detached && r.seq > m.knownSeq) {
                    if (!r.deleted && passes) {
                        adds.add(new PendingChange(PendingChange.Op.ADD, r.id, null, r.seq, r.contentType, size,
                                recurring));
                    }
                } else if (m.luid != null) {
                    if (r.deleted) {
                        deletes.add(new PendingChange(PendingChange.Op.DELETE, r.id, m.luid, r.seq, r.contentType, 0));
                    } else if (!passes) {
                        deletes.add(new PendingChange(PendingChange.Op.REMOVE, r.id, m.luid, r.seq, r.contentType, 0));
                    } else if (r.seq > m.knownSeq) {
                        replaces.add(new PendingChange(PendingChange.Op.REPLACE, r.id, m.luid, r.seq, r.contentType,
                                size, recurring));
                    }
                }
            }
            Comparator<PendingChange> byId = Comparator.comparingLong(PendingChange::itemId);
            deletes.sort(byId);
            replaces.sort(byId);
            adds.sort(byId);
            List<PendingChange> all = new ArrayList<>(deletes);
            // like the database: contents of the first Adds and Replaces within the budget
            long sum = 0;
            for (PendingChange c : replacesThenAdds(replaces, adds)) {
                sum += c.size();
                Row r = items.get(c.itemId());
                all.add(sum <= contentBudget ? new PendingChange(c.op(), c.itemId(), c.luid(), c.changeSeq(),
                        c.contentType(), c.size(), c.recurring(), r.content == null ? "" : r.content) : c);
            }
            return all;
        }
    }

    private static List<PendingChange> replacesThenAdds(List<PendingChange> replaces, List<PendingChange> adds) {
        List<PendingChange> out = new ArrayList<>(replaces);
        out.addAll(adds);
        return out;
    }

    /** The filter's rule, as the PostgreSQL store writes it in SQL. */
    private static boolean passes(Row r, ItemFilter f) {
        List<String> cats = r.index.categories();
        if (!f.anyCategory().isEmpty() && cats.stream().noneMatch(f.anyCategory()::contains)) {
            return false;
        }
        if (cats.stream().anyMatch(f.noCategory()::contains)) {
            return false;
        }
        // no dates: always; no end (an endless recurrence): open towards the future
        java.time.Instant start = r.index.spanStart();
        java.time.Instant end = r.index.spanEnd();
        if (f.to() != null && start != null && !start.isBefore(f.to())) {
            return false;
        }
        return f.from() == null || start == null || end == null || !end.isBefore(f.from());
    }

    @Override
    public Mono<Map<Long, StoredItem>> loadItems(long accountId, Collection<Long> itemIds) {
        return call(() -> {
            loadItemsCalls++;
            Map<Long, StoredItem> out = new HashMap<>();
            for (Long id : itemIds) {
                Row r = items.get(id);
                if (r != null && r.accountId == accountId) {
                    out.put(id, new StoredItem(r.id, r.seq, r.deleted, r.contentType, r.content));
                }
            }
            return out;
        });
    }

    @Override
    public Mono<String> loadChunks(long deviceId, String datastore, String luid) {
        return call(() -> String.join("", chunks.getOrDefault(deviceId + "/" + datastore + "/" + luid, List.of())));
    }

    @Override
    public Mono<Long> purgeChunksBefore(java.time.Instant before) {
        return call(() -> {
            long n = 0;
            for (var it = chunkTimes.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (e.getValue().isBefore(before)) {
                    chunks.remove(e.getKey());
                    it.remove();
                    n++;
                }
            }
            return n;
        });
    }

    /** Checkpointed (resumable) syncs (tests). */
    public synchronized int checkpointCount() {
        return checkpoints.size();
    }

    /** Spooled chunk objects (tests). */
    public synchronized int spooledObjects() {
        return (int) chunks.values().stream().filter(l -> !l.isEmpty()).count();
    }

    /** Mappings of a device (tests). */
    public synchronized List<Mapping> mappingsOf(String deviceUri) {
        Device d = device(deviceUri);
        return mappings.values().stream().filter(m -> d != null && m.deviceId == d.id).map(Mapping::copy)
                .filter(Objects::nonNull).toList();
    }
}
