package io.syncgw.persistence.account;

/** An account administration request that cannot be done as asked (login taken, unknown, not acceptable). */
public final class AccountException extends RuntimeException {
    public AccountException(String message) {
        super(message);
    }
}
