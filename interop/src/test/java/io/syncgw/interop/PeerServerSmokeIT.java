package io.syncgw.interop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Self-test of the harness against SyncEvolution's own reference SyncML server instead of syncgw. It never runs
 * in a plain {@code verify}: it needs a peer server that someone started by hand, with two client configs whose
 * device ids are given, and an empty contacts store. See README.md, "Checking the harness itself".
 *
 * <pre>
 * mvn -B -Pinterop -pl interop verify -Dit.test=PeerServerSmokeIT \
 *     -Dsyncgw.interop.peerUrl=http://127.0.0.1:9500/syncevolution -Dsyncgw.interop.peerDevices=dev-x,dev-y
 * </pre>
 */
@EnabledIfSystemProperty(named = "syncgw.interop.peerUrl", matches = "http://127\\.0\\.0\\.1:.+")
class PeerServerSmokeIT {

    private static final String URL = System.getProperty("syncgw.interop.peerUrl");
    private static final String[] DEVICES = System.getProperty("syncgw.interop.peerDevices", "dev-x,dev-y")
            .split(",");
    private static final String USER = System.getProperty("syncgw.interop.peerUser", "test");
    private static final String PASSWORD = System.getProperty("syncgw.interop.peerPassword", "test");

    @Test
    void slowSyncThenRefreshFromServerIntoSecondClient() {
        SyncEvolutionClient a = SyncEvolutionClient.fresh("PeerServerSmokeIT", "a").configure(
                SyncEvolutionClient.config(URL).user(USER).password(PASSWORD).deviceId(DEVICES[0])
                        .syncMlVersion("1.2").build());
        VCards.writeAll(a.contactsDir(), 20, VCards.Flavor.V30, "1");

        SyncResult up = a.sync(SyncMode.SLOW, "contacts");
        System.out.println("A slow: " + up);
        assertThat(up.success()).as("%s", up).isTrue();
        assertThat(up.source("contacts").mode()).isEqualTo("slow");
        assertThat(up.source("contacts").remoteAdded()).as("%s", up).isEqualTo(20);

        SyncEvolutionClient b = SyncEvolutionClient.fresh("PeerServerSmokeIT", "b").configure(
                a.config().toBuilder().deviceId(DEVICES[1]).build());
        SyncResult down = b.sync(SyncMode.REFRESH_FROM_SERVER, "contacts");
        System.out.println("B refresh-from-server: " + down);
        assertThat(down.success()).as("%s", down).isTrue();
        assertThat(down.source("contacts").mode()).isEqualTo("refresh-from-remote");
        assertThat(down.source("contacts").localAdded()).as("%s", down).isEqualTo(20);
        assertThat(VCards.readDir(b.contactsDir())).hasSize(20);
        assertThat(VCards.compareDirs(a.contactsDir(), b.contactsDir())).isEmpty();
    }
}
