package io.syncgw.engine.sync;

import io.syncgw.codec.model.StatusCode;
import io.syncgw.engine.port.DevicePolicy;
import io.syncgw.engine.port.DevicePolicy.Direction;
import io.syncgw.engine.port.DevicePolicy.NextSync;

/**
 * How a device's policy shapes the sync a client asked for (after anchor negotiation). The server answers a sync
 * Alert with the mode it runs (OMA DS Protocol §6.2), and clients follow it (SyncEvolution runs
 * one-way-from-remote when syncgw answers 204 to its 200):
 *
 * <table>
 *   <caption>direction and the mode asked for</caption>
 *   <tr><th>asked</th><th>from-server (download only)</th><th>from-client (upload only)</th></tr>
 *   <tr><td>200 two-way</td><td>204 one-way from server</td><td>202 one-way from client</td></tr>
 *   <tr><td>202 one-way from client</td><td>204</td><td>202</td></tr>
 *   <tr><td>204 one-way from server</td><td>204</td><td>202</td></tr>
 *   <tr><td>201 slow</td><td>201; the device's items are only matched (a twin gets the server's version),
 *       never stored</td><td>201; the device's items are stored, it receives nothing</td></tr>
 *   <tr><td>203 refresh from client</td><td>201 as above (the account's data is not replaced)</td><td>203</td></tr>
 *   <tr><td>205 refresh from server</td><td>205</td><td>201 as above (the device is not wiped)</td></tr>
 * </table>
 *
 * <p>{@code nextSync} applies first: {@code slow} turns a two-way or one-way request into a slow sync with status
 * 508 (refresh required), {@code refresh-from-server} into 205; either is then consumed. A resumed sync keeps its
 * mode.
 *
 * @param mode                 the mode to run and to alert back
 * @param status               the status of the client's Alert
 * @param appliesClientChanges false: what the device sends is matched but not stored
 * @param serverSendsChanges   false: the device receives nothing
 * @param consumedNextSync     the policy's nextSync shaped this sync
 */
public record DeviceModes(SyncMode mode, int status, boolean appliesClientChanges, boolean serverSendsChanges,
                          boolean consumedNextSync) {

    /** The sync a device of {@code policy} runs when the client asked for {@code negotiated}. */
    public static DeviceModes decide(Negotiation negotiated, DevicePolicy policy, boolean resumed) {
        SyncMode mode = negotiated.mode();
        int status = negotiated.status();
        boolean consumed = false;
        if (!resumed && policy.nextSync() == NextSync.SLOW && !mode.clientSendsAll()
                && mode != SyncMode.REFRESH_FROM_SERVER) {
            mode = SyncMode.SLOW;
            status = StatusCode.REFRESH_REQUIRED;
            consumed = true;
        } else if (!resumed && policy.nextSync() == NextSync.REFRESH_FROM_SERVER
                && mode != SyncMode.REFRESH_FROM_SERVER) {
            mode = SyncMode.REFRESH_FROM_SERVER;
            consumed = true;
        } else if (!resumed && policy.nextSync() != NextSync.NORMAL) {
            consumed = true; // the device asked for what was forced anyway
        }
        boolean applies = true;
        boolean sends = true;
        if (policy.direction() == Direction.FROM_SERVER) {
            switch (mode) {
                case TWO_WAY, ONE_WAY_FROM_CLIENT -> mode = SyncMode.ONE_WAY_FROM_SERVER;
                case SLOW, REFRESH_FROM_CLIENT -> {
                    mode = SyncMode.SLOW;
                    applies = false;
                }
                case ONE_WAY_FROM_SERVER, REFRESH_FROM_SERVER -> {
                }
            }
        } else if (policy.direction() == Direction.FROM_CLIENT) {
            switch (mode) {
                case TWO_WAY, ONE_WAY_FROM_SERVER -> mode = SyncMode.ONE_WAY_FROM_CLIENT;
                case SLOW, REFRESH_FROM_SERVER -> {
                    mode = SyncMode.SLOW;
                    sends = false;
                }
                case ONE_WAY_FROM_CLIENT, REFRESH_FROM_CLIENT -> {
                }
            }
        }
        return new DeviceModes(mode, status, applies, sends, consumed);
    }
}
