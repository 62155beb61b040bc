package io.syncgw.codec.tree;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgw.codec.DecodeResult;
import io.syncgw.codec.SyncMlDecoder;
import io.syncgw.codec.SyncMlEncoder;
import io.syncgw.codec.model.Command;
import io.syncgw.codec.model.Item;
import io.syncgw.codec.model.ItemData;
import io.syncgw.codec.model.Location;
import io.syncgw.codec.model.Meta;
import io.syncgw.codec.model.Results;
import io.syncgw.codec.model.SyncHeader;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.model.SyncMlVersion;
import io.syncgw.codec.model.devinf.ContentTypeRef;
import io.syncgw.codec.model.devinf.CtCap;
import io.syncgw.codec.model.devinf.CtProperty;
import io.syncgw.codec.model.devinf.DataStore;
import io.syncgw.codec.model.devinf.DevInf;
import io.syncgw.codec.wbxml.SyncMlWbxmlDecoder;
import io.syncgw.codec.wbxml.SyncMlWbxmlEncoder;
import io.syncgw.codec.xml.SyncMlXmlDecoder;
import io.syncgw.codec.xml.SyncMlXmlEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class EncodingCacheTest {

    @Test
    void theSameInstanceIsEncodedOnceAndAnEqualOneAgain() {
        EncodingCache<List<String>> cache = new EncodingCache<>(4);
        List<String> encoded = new ArrayList<>();
        List<String> a = new ArrayList<>(List.of("a"));
        List<String> equalToA = new ArrayList<>(List.of("a"));
        byte[] first = cache.get(a, k -> encode(encoded, k));
        assertThat(cache.get(a, k -> encode(encoded, k))).isSameAs(first);
        assertThat(cache.get(equalToA, k -> encode(encoded, k))).isNotSameAs(first).isEqualTo(first);
        assertThat(encoded).containsExactly("[a]", "[a]");
    }

    @Test
    void holdsNoMoreThanItsSlotsAndDropsTheOldestFirst() {
        EncodingCache<Object> cache = new EncodingCache<>(3);
        List<String> encoded = new ArrayList<>();
        List<Object> keys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Object k = List.of(i);
            keys.add(k);
            cache.get(k, x -> encode(encoded, x));
        }
        cache.get(keys.get(3), x -> encode(encoded, x)); // held
        cache.get(keys.get(1), x -> encode(encoded, x)); // held
        cache.get(keys.get(0), x -> encode(encoded, x)); // dropped for the fourth: encoded again
        assertThat(encoded).containsExactly("[0]", "[1]", "[2]", "[3]", "[0]");
    }

    @Test
    void aDevInfWrittenFromTheCacheIsTheDocumentItself() {
        check(SyncMlXmlEncoder::new, SyncMlXmlDecoder::new);
        check(SyncMlWbxmlEncoder::new, SyncMlWbxmlDecoder::new);
    }

    /** Same bytes from the cache as from a fresh encoding, exact sizes, and another DevInf is not given its bytes. */
    private static void check(Supplier<SyncMlEncoder> encoders, Supplier<SyncMlDecoder> decoders) {
        SyncMlEncoder encoder = encoders.get();
        DevInf shared = devInf("1.2", 3);
        SyncMessage m = results(shared);
        byte[] first = encoder.encode(m);
        int predicted = encoder.envelopeSize(m.header(), m.fin());
        for (Command c : m.commands()) {
            predicted += encoder.sizeOf(c);
        }
        byte[] again = encoder.encode(m);
        byte[] fromEqualInstance = encoder.encode(results(devInf("1.2", 3)));
        assertThat(again).isEqualTo(first).isEqualTo(fromEqualInstance);
        assertThat(first).hasSize(predicted);
        assertThat(decode(decoders.get(), first)).isEqualTo(m);

        SyncMessage other = results(devInf("1.1", 5));
        byte[] otherBytes = encoder.encode(other);
        assertThat(otherBytes).isNotEqualTo(first);
        assertThat(decode(decoders.get(), otherBytes)).isEqualTo(other);
        assertThat(encoder.encode(m)).isEqualTo(first);
    }

    private static SyncMessage decode(SyncMlDecoder decoder, byte[] bytes) {
        DecodeResult r = decoder.feed(bytes, 0, bytes.length);
        if (!(r instanceof DecodeResult.Complete)) {
            r = decoder.endOfInput();
        }
        assertThat(r).isInstanceOf(DecodeResult.Complete.class);
        return ((DecodeResult.Complete) r).message();
    }

    private static SyncMessage results(DevInf d) {
        SyncHeader h = new SyncHeader(SyncMlVersion.V1_2, "7", "2", Location.of("dev-1"),
                Location.of("http://gw/sync"), null, false, null, Meta.EMPTY);
        return new SyncMessage(h, List.of(new Results("3", "1", "4", Meta.ofType("application/vnd.syncml-devinf+xml"),
                List.of(), List.of(), List.of(Item.withSource("./devinf12", new ItemData.DevInfData(d))))), true);
    }

    private static DevInf devInf(String verDtd, int properties) {
        List<CtProperty> props = new ArrayList<>();
        for (int i = 0; i < properties; i++) {
            props.add(new CtProperty("X-P" + i, null, null, null, false, List.of(), null, List.of()));
        }
        boolean v12 = verDtd.equals("1.2");
        CtCap cap = new CtCap("text/vcard", v12 ? "3.0" : null, false, props); // 1.0/1.1 CTCaps carry no VerCT
        DataStore ds = new DataStore("contacts", "Contacts", 32, new ContentTypeRef("text/vcard", "3.0"), List.of(),
                new ContentTypeRef("text/vcard", "3.0"), List.of(), v12 ? List.of(cap) : List.of(), null, false,
                List.of("1", "2"), List.of(), List.of());
        return new DevInf(verDtd, "syncgw", "gw", "oem", "1", "2", "3", "http://gw/sync", "server", true, true, true,
                List.of(ds), v12 ? List.of() : List.of(cap), List.of());
    }

    private static byte[] encode(List<String> log, Object key) {
        log.add(key.toString());
        return key.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
