package io.syncgw.loadtest.handset;

/** The server answered something a correct session does not produce: the exchange counts as failed. */
public final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }
}
