package io.syncgw.interop;

/**
 * The sync modes a SyncEvolution client can request, with SyncEvolution's own name for each
 * ({@code syncevolution --sync NAME}) and the SyncML Alert code it sends.
 */
public enum SyncMode {
    /** Alert 200; the first session of a fresh client config is sent as 201 (slow) automatically. */
    TWO_WAY("two-way", 200),
    /** Alert 201. */
    SLOW("slow", 201),
    /** Alert 202. */
    ONE_WAY_FROM_CLIENT("one-way-from-local", 202),
    /** Alert 203. */
    REFRESH_FROM_CLIENT("refresh-from-local", 203),
    /** Alert 204. */
    ONE_WAY_FROM_SERVER("one-way-from-remote", 204),
    /**
     * Alert 205. The client first deletes its local items, then stores everything the server sends (needs
     * {@code enableRefreshSync=1}, which {@link SyncEvolutionClient} always sets; without it SyncEvolution wipes
     * locally and sends a slow sync instead).
     */
    REFRESH_FROM_SERVER("refresh-from-remote", 205);

    private final String syncEvolutionName;
    private final int alertCode;

    SyncMode(String syncEvolutionName, int alertCode) {
        this.syncEvolutionName = syncEvolutionName;
        this.alertCode = alertCode;
    }

    /** The value for {@code syncevolution --sync}; also what {@code status.ini} reports as the source mode. */
    public String syncEvolutionName() {
        return syncEvolutionName;
    }

    /** The SyncML Alert code the client sends for this mode. */
    public int alertCode() {
        return alertCode;
    }
}
