package io.syncgw.engine.port;

/**
 * The answer to "who is this": the account for a login (null when unknown) and, when that account already knows the
 * device, its record (null otherwise). Nothing is created by looking up.
 */
public record AccountLookup(AccountCredentials account, DeviceRecord device) {
    public static final AccountLookup UNKNOWN = new AccountLookup(null, null);
}
