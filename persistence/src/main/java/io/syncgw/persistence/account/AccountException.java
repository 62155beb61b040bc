package io.syncgw.persistence.account;

import java.util.Objects;

/**
 * An account administration request that cannot be done as asked: the login is taken ({@link Reason#EXISTS}), the
 * account or device is unknown ({@link Reason#NOT_FOUND}), or a value is not acceptable ({@link Reason#INVALID},
 * with the {@link #field()} at fault when there is one). The message is fit to show to the administrator.
 */
public final class AccountException extends RuntimeException {

    /** Why the request was refused. */
    public enum Reason {
        INVALID, NOT_FOUND, EXISTS
    }

    private final Reason reason;
    private final String field;

    public AccountException(String message) {
        this(Reason.INVALID, null, message);
    }

    public AccountException(Reason reason, String field, String message) {
        super(message, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.field = field;
    }

    static AccountException notFound(String message) {
        return new AccountException(Reason.NOT_FOUND, null, message);
    }

    static AccountException invalid(String field, String message) {
        return new AccountException(Reason.INVALID, field, message);
    }

    public Reason reason() {
        return reason;
    }

    /** The request field at fault ({@code login}, {@code calendarPastDays} ...), or null. */
    public String field() {
        return field;
    }
}
