package io.syncgw.loadtest.bench;

import io.syncgw.codec.SyncMlEncoder;
import io.syncgw.codec.model.Add;
import io.syncgw.codec.model.Command;
import io.syncgw.codec.model.Cred;
import io.syncgw.codec.model.Item;
import io.syncgw.codec.model.ItemData;
import io.syncgw.codec.model.Location;
import io.syncgw.codec.model.Meta;
import io.syncgw.codec.model.Status;
import io.syncgw.codec.model.Sync;
import io.syncgw.codec.model.SyncHeader;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.model.SyncMlVersion;
import io.syncgw.loadtest.handset.Pim;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark messages shaped like the client's package 3 of the recorded SyncEvolution sessions
 * ({@code codec/src/test/resources/traces/A2-*}): header with MaxMsgSize, a status for the server's header, and a
 * Sync with vCard 2.1 Adds (generated contacts of about 530 bytes each) until the encoded message reaches the
 * wanted size.
 */
final class Messages {
    private Messages() {
    }

    static SyncMessage ofSize(SyncMlEncoder encoder, int targetBytes) {
        SyncHeader header = new SyncHeader(SyncMlVersion.V1_2, "10", "2",
                Location.of("http://127.0.0.1:8080/sync?s=0123456789abcdef0123456789abcdef"),
                new Location("IMEI:356938035643809", "alice"), null, false,
                new Cred(Meta.EMPTY.withType("syncml:auth-md5").withFormat("b64"), "Zz6mRPYsmG5Pz6mjIX5pTw=="),
                Meta.EMPTY.withMaxMsgSize(150_000L).withMaxObjSize(4_000_000L));
        Status hdr = new Status("1", "1", "0", "SyncHdr", List.of("IMEI:356938035643809"),
                List.of("http://127.0.0.1:8080/sync"), null, null, 200, List.of());
        List<Command> adds = new ArrayList<>();
        SyncMessage m = message(header, hdr, adds);
        for (int i = 0; encoder.encode(m).length < targetBytes; i++) {
            adds.add(new Add(Integer.toString(i + 3), false, null, Meta.ofType("text/x-vcard"),
                    List.of(Item.withSource(Integer.toString(1000 + i), ItemData.text(Pim.contact(i, 0, true, 0))))));
            m = message(header, hdr, adds);
        }
        return m;
    }

    private static SyncMessage message(SyncHeader header, Status hdr, List<Command> adds) {
        Sync sync = new Sync("2", false, null, Location.of("contacts"), Location.of("./contacts"), Meta.EMPTY,
                adds.size(), adds);
        return new SyncMessage(header, List.of(hdr, sync), true);
    }
}
