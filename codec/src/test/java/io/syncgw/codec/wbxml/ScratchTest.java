package io.syncgw.codec.wbxml;

import io.syncgw.codec.DecodeResult;
import io.syncgw.codec.xml.SyncMlXmlDecoder;
import io.syncgw.codec.xml.TraceCorpus;
import org.junit.jupiter.api.Test;

class ScratchTest {
    @Test
    void scratch() {
        for (String f : TraceCorpus.files(".wbxml")) {
            DecodeResult r = WbxmlChunked.decode(TraceCorpus.bytes(f));
            System.out.println(f + " -> " + (r instanceof DecodeResult.Complete c ? "OK " + c.message().commands().size() : r));
        }
    }
}
