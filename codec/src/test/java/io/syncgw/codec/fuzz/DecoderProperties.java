package io.syncgw.codec.fuzz;

import io.syncgw.codec.DecodeResult;
import io.syncgw.codec.DecodeResult.Complete;
import io.syncgw.codec.DecodeResult.Malformed;
import io.syncgw.codec.DecoderLimits;
import io.syncgw.codec.SyncMlDecoder;
import io.syncgw.codec.SyncMlEncoder;
import io.syncgw.codec.model.Atomic;
import io.syncgw.codec.model.Command;
import io.syncgw.codec.model.Sequence;
import io.syncgw.codec.model.Sync;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.model.UnknownCommand;
import io.syncgw.codec.wbxml.SyncMlWbxmlDecoder;
import io.syncgw.codec.wbxml.SyncMlWbxmlEncoder;
import io.syncgw.codec.xml.SyncMlXmlDecoder;
import io.syncgw.codec.xml.SyncMlXmlEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * What every input must satisfy, for both wire formats:
 * <ol>
 *   <li>the decoder answers with a value, never an exception (malformed input is a {@link Malformed});</li>
 *   <li>the verdict does not depend on how the bytes arrive: whole, or in chunks of a size taken from the input;</li>
 *   <li>within the time and allocation budget ({@link Budget}), with the default limits and with small ones;</li>
 *   <li>a decoded message re-encodes, in both formats, to bytes of exactly the size the encoder predicts (replies
 *       must never exceed a client's MaxMsgSize) that decode again; after that one normalisation,
 *       decode(encode(m)) == m and the bytes are stable. (The formats normalise differently: XML cannot carry
 *       control characters, which its encoder writes as U+FFFD, while WBXML strings can.) Commands the gateway
 *       does not implement ({@link UnknownCommand}) are left out of this: it answers them with a Status and never
 *       writes them, and WBXML has no token for most (a vendor's command, an element of another code page, a
 *       literal tag), which its encoder refuses by design.</li>
 * </ol>
 */
final class DecoderProperties {
    static final SyncMlXmlEncoder XML = new SyncMlXmlEncoder();
    static final SyncMlWbxmlEncoder WBXML = new SyncMlWbxmlEncoder();
    /** Small enough that fuzzed inputs reach every limit. */
    static final DecoderLimits SMALL = new DecoderLimits(2_048, 8, 64, 256, 8, 8);

    private DecoderProperties() {
    }

    static void check(String what, byte[] input, Function<DecoderLimits, SyncMlDecoder> decoders) {
        Budget.check(what, input.length, 48L << 20, 2_048, () -> {
            DecodeResult whole = feed(decoders.apply(DecoderLimits.DEFAULT), input, Math.max(1, input.length));
            int chunk = 1 + (input.length == 0 ? 0 : (input[input.length / 2] & 0x1F));
            DecodeResult chunked = feed(decoders.apply(DecoderLimits.DEFAULT), input, chunk);
            sameVerdict(what + " in chunks of " + chunk, whole, chunked);
            DecodeResult small = feed(decoders.apply(SMALL), input, chunk);
            if (small instanceof Complete && !(whole instanceof Complete)) {
                throw new AssertionError(what + ": complete under small limits only: " + whole);
            }
            if (whole instanceof Complete c) {
                roundTrip(what, withoutUnknownCommands(c.message()));
            }
        });
    }

    static DecodeResult feed(SyncMlDecoder d, byte[] input, int chunk) {
        byte[] scratch = new byte[chunk];
        for (int off = 0; off < input.length; off += chunk) {
            int n = Math.min(chunk, input.length - off);
            System.arraycopy(input, off, scratch, 0, n);
            DecodeResult r = d.feed(scratch, 0, n);
            Arrays.fill(scratch, (byte) 0x5A); // the decoder must not keep the array
            if (r == null) {
                throw new AssertionError("null result");
            }
            if (!(r instanceof DecodeResult.NeedMoreInput)) {
                return r;
            }
        }
        DecodeResult r = d.endOfInput();
        if (r == null || r instanceof DecodeResult.NeedMoreInput) {
            throw new AssertionError("no verdict at the end of the input: " + r);
        }
        return r;
    }

    private static void sameVerdict(String what, DecodeResult expected, DecodeResult actual) {
        if (expected.getClass() != actual.getClass()) {
            throw new AssertionError(what + ": " + actual + " but whole: " + expected);
        }
        if (expected instanceof Complete c && !c.message().equals(((Complete) actual).message())) {
            throw new AssertionError(what + ": another message than whole");
        }
        if (expected instanceof Malformed m && m.problem() != ((Malformed) actual).problem()) {
            throw new AssertionError(what + ": " + actual + " but whole: " + expected);
        }
    }

    /** The message without its UnknownCommands, also those inside Sync, Atomic and Sequence. */
    static SyncMessage withoutUnknownCommands(SyncMessage m) {
        return new SyncMessage(m.header(), known(m.commands()), m.fin());
    }

    private static List<Command> known(List<Command> commands) {
        List<Command> out = new ArrayList<>(commands.size());
        for (Command c : commands) {
            if (c instanceof UnknownCommand) {
                continue;
            }
            if (c instanceof Sync s) {
                c = new Sync(s.cmdId(), s.noResp(), s.cred(), s.target(), s.source(), s.meta(), s.numberOfChanges(),
                        known(s.commands()));
            } else if (c instanceof Atomic a) {
                c = new Atomic(a.cmdId(), a.noResp(), a.meta(), known(a.commands()));
            } else if (c instanceof Sequence q) {
                c = new Sequence(q.cmdId(), q.noResp(), q.meta(), known(q.commands()));
            }
            out.add(c);
        }
        return out;
    }

    private static void roundTrip(String what, SyncMessage m) {
        for (SyncMlEncoder encoder : new SyncMlEncoder[] {XML, WBXML}) {
            String via = what + " re-encoded as " + encoder.contentType();
            byte[] bytes = exactSize(via, encoder, m);
            SyncMessage m1 = decodeAgain(via, encoder, bytes);
            byte[] bytes1 = exactSize(via, encoder, m1);
            SyncMessage m2 = decodeAgain(via, encoder, bytes1);
            if (!m2.equals(m1)) {
                throw new AssertionError(via + ": decode(encode(m)) is not stable:\n" + m1 + "\n" + m2);
            }
            if (!Arrays.equals(exactSize(via, encoder, m2), bytes1)) {
                throw new AssertionError(via + ": encoding is not stable");
            }
        }
    }

    private static byte[] exactSize(String what, SyncMlEncoder encoder, SyncMessage m) {
        byte[] bytes = encoder.encode(m);
        long predicted = encoder.envelopeSize(m.header(), m.fin());
        for (Command c : m.commands()) {
            predicted += encoder.sizeOf(c);
        }
        if (predicted != bytes.length) {
            throw new AssertionError(what + ": " + bytes.length + " bytes, predicted " + predicted);
        }
        return bytes;
    }

    private static SyncMessage decodeAgain(String what, SyncMlEncoder encoder, byte[] bytes) {
        SyncMlDecoder d = encoder instanceof SyncMlXmlEncoder ? new SyncMlXmlDecoder() : new SyncMlWbxmlDecoder();
        DecodeResult r = feed(d, bytes, Math.max(1, bytes.length));
        if (!(r instanceof Complete c)) {
            throw new AssertionError(what + ": the encoder's output does not decode: " + r);
        }
        return c.message();
    }
}
