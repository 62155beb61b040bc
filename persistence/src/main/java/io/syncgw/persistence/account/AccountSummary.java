package io.syncgw.persistence.account;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One line of {@code syncgw user list}.
 *
 * @param devices   devices registered to the account
 * @param liveItems items that are not deleted, by datastore (datastores without items are absent)
 */
public record AccountSummary(String login, Instant createdAt, int devices, Map<String, Long> liveItems) {
    public AccountSummary {
        Objects.requireNonNull(login, "login");
        liveItems = Map.copyOf(liveItems);
    }
}
