package io.syncgw.persistence.account;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One account as {@code syncgw user list} and the admin API show it.
 *
 * @param devices    devices registered to the account
 * @param liveItems  items that are not deleted, by datastore (datastores without items are absent)
 * @param maxDevices the account's own number of device slots, or null for the server's default
 */
public record AccountSummary(String login, Instant createdAt, int devices, Map<String, Long> liveItems,
                             Integer maxDevices) {
    public AccountSummary {
        Objects.requireNonNull(login, "login");
        liveItems = Map.copyOf(liveItems);
    }

    public AccountSummary(String login, Instant createdAt, int devices, Map<String, Long> liveItems) {
        this(login, createdAt, devices, liveItems, null);
    }
}
