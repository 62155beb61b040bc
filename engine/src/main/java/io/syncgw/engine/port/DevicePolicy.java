package io.syncgw.engine.port;

import io.syncgw.engine.sync.ConflictPolicy;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What an account owner configured for one device slot (the FCSS model): whether the device may sync at all,
 * which datastores, which way data flows, which contacts and which date range of events it receives, who wins
 * conflicts, whether its deletions reach the account, and a one-time forced mode for its next session.
 *
 * @param name               a label for the owner ("Work phone"), may be null
 * @param active             false: the device is refused (and a new device may take its slot)
 * @param datastores         the datastores it may sync ({@code contacts}, {@code calendar}, {@code tasks})
 * @param direction          which way data flows
 * @param contactCategories  only contacts in any of these categories are sent; empty: all
 * @param excludeCategories  contacts in any of these categories are not sent
 * @param calendarPastDays   events and tasks ending more than this many days ago are not sent; null: no limit
 * @param calendarFutureDays events and tasks starting more than this many days ahead are not sent; null: no limit
 * @param conflictPolicy     who wins conflicts for this device; null: the server's setting
 * @param deletesPropagate   whether the device's deletions delete on the server
 * @param nextSync           forces the mode of the next session, once
 */
public record DevicePolicy(String name, boolean active, Set<String> datastores, Direction direction,
                           List<String> contactCategories, List<String> excludeCategories, Integer calendarPastDays,
                           Integer calendarFutureDays, ConflictPolicy conflictPolicy, boolean deletesPropagate,
                           NextSync nextSync) {

    /** All datastore names a policy may list. */
    public static final Set<String> DATASTORES = Set.of("contacts", "calendar", "tasks");

    /** A new device: active, everything, two-way, no filters, the server's conflict policy. */
    public static final DevicePolicy DEFAULT = new DevicePolicy(null, true, DATASTORES, Direction.TWO_WAY, List.of(),
            List.of(), null, null, null, true, NextSync.NORMAL);

    public DevicePolicy {
        datastores = Set.copyOf(datastores);
        contactCategories = List.copyOf(contactCategories);
        excludeCategories = List.copyOf(excludeCategories);
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(nextSync, "nextSync");
        if (!DATASTORES.containsAll(datastores)) {
            throw new IllegalArgumentException("unknown datastore in " + datastores);
        }
        if (calendarPastDays != null && calendarPastDays < 0 || calendarFutureDays != null && calendarFutureDays < 0) {
            throw new IllegalArgumentException("calendar window days must not be negative");
        }
    }

    public boolean allows(String datastore) {
        return datastores.contains(datastore);
    }

    /** Whether a contacts or calendar filter applies: then what the device holds is checked at every session. */
    public boolean filters(String datastore) {
        return datastore.equals("contacts") ? !contactCategories.isEmpty() || !excludeCategories.isEmpty()
                : calendarPastDays != null || calendarFutureDays != null;
    }

    public DevicePolicy withNextSync(NextSync n) {
        return new DevicePolicy(name, active, datastores, direction, contactCategories, excludeCategories,
                calendarPastDays, calendarFutureDays, conflictPolicy, deletesPropagate, n);
    }

    /** Which way data flows between the device and the account. */
    public enum Direction {
        /** Both ways. */
        TWO_WAY("two-way"),
        /** Download only: the device receives the account's data; its own changes are not applied. */
        FROM_SERVER("from-server"),
        /** Upload only: the device feeds the account and receives nothing. */
        FROM_CLIENT("from-client");

        private final String wireName;

        Direction(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Optional<Direction> of(String name) {
            return wire(values(), name, Direction::wireName);
        }
    }

    /** The mode forced on the device's next session. */
    public enum NextSync {
        NORMAL("normal"),
        /** A slow sync: the device's Alert gets 508 and everything is compared again. */
        SLOW("slow"),
        /** The device's data is replaced with the account's. */
        REFRESH_FROM_SERVER("refresh-from-server");

        private final String wireName;

        NextSync(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Optional<NextSync> of(String name) {
            return wire(values(), name, NextSync::wireName);
        }
    }

    private static <E> Optional<E> wire(E[] values, String name, java.util.function.Function<E, String> wireName) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (E e : values) {
            if (wireName.apply(e).equals(n)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
