package io.syncgw.codec.wbxml;

import io.syncgw.codec.model.Add;
import io.syncgw.codec.model.Alert;
import io.syncgw.codec.model.Atomic;
import io.syncgw.codec.model.Command;
import io.syncgw.codec.model.CommandVisitor;
import io.syncgw.codec.model.Copy;
import io.syncgw.codec.model.Delete;
import io.syncgw.codec.model.Get;
import io.syncgw.codec.model.Item;
import io.syncgw.codec.model.ItemData;
import io.syncgw.codec.model.MapCommand;
import io.syncgw.codec.model.Move;
import io.syncgw.codec.model.Put;
import io.syncgw.codec.model.Replace;
import io.syncgw.codec.model.Results;
import io.syncgw.codec.model.Sequence;
import io.syncgw.codec.model.Status;
import io.syncgw.codec.model.Sync;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.model.UnknownCommand;
import java.util.List;

/**
 * XML end-of-line handling (XML 1.0 §2.11: CR LF and a lone CR become LF) applied to a model's item payloads.
 *
 * <p>WBXML carries a payload's bytes exactly (OPAQUE), CR LF included. An XML document that has the same payload with
 * literal CRs (not {@code &#13;}), like SyncEvolution's XML dumps of its WBXML messages or {@code wbxml2xml}'s
 * CDATA output, reads back with LF only: every XML parser normalises them. Comparing a WBXML decode with such an XML
 * decode therefore needs this on the WBXML side, and nothing else.
 */
final class LineEnds {
    private LineEnds() {
    }

    static SyncMessage normalised(SyncMessage m) {
        Normaliser n = new Normaliser();
        return new SyncMessage(m.header(), m.commands().stream().map(c -> c.accept(n)).toList(), m.fin());
    }

    static String normalised(String s) {
        return s.replace("\r\n", "\n").replace('\r', '\n');
    }

    private static List<Item> items(List<Item> items) {
        return items.stream().map(i -> i.data() instanceof ItemData.Text t
                ? new Item(i.target(), i.source(), i.sourceParent(), i.targetParent(), i.meta(),
                        new ItemData.Text(normalised(t.value())), i.moreData())
                : i).toList();
    }

    private static final class Normaliser implements CommandVisitor<Command> {
        private List<Command> all(List<Command> cs) {
            return cs.stream().map(c -> c.accept(this)).toList();
        }

        @Override
        public Command visitAlert(Alert c) {
            return new Alert(c.cmdId(), c.noResp(), c.cred(), c.code(), c.correlator(), items(c.items()));
        }

        @Override
        public Command visitAdd(Add c) {
            return new Add(c.cmdId(), c.noResp(), c.cred(), c.meta(), items(c.items()));
        }

        @Override
        public Command visitReplace(Replace c) {
            return new Replace(c.cmdId(), c.noResp(), c.cred(), c.meta(), items(c.items()));
        }

        @Override
        public Command visitDelete(Delete c) {
            return new Delete(c.cmdId(), c.noResp(), c.archive(), c.softDelete(), c.cred(), c.meta(),
                    items(c.items()));
        }

        @Override
        public Command visitCopy(Copy c) {
            return new Copy(c.cmdId(), c.noResp(), c.cred(), c.meta(), items(c.items()));
        }

        @Override
        public Command visitMove(Move c) {
            return new Move(c.cmdId(), c.noResp(), c.cred(), c.meta(), items(c.items()));
        }

        @Override
        public Command visitGet(Get c) {
            return new Get(c.cmdId(), c.noResp(), c.lang(), c.cred(), c.meta(), items(c.items()));
        }

        @Override
        public Command visitPut(Put c) {
            return new Put(c.cmdId(), c.noResp(), c.lang(), c.cred(), c.meta(), items(c.items()));
        }

        @Override
        public Command visitResults(Results c) {
            return new Results(c.cmdId(), c.msgRef(), c.cmdRef(), c.meta(), c.targetRefs(), c.sourceRefs(),
                    items(c.items()));
        }

        @Override
        public Command visitStatus(Status c) {
            return new Status(c.cmdId(), c.msgRef(), c.cmdRef(), c.cmd(), c.targetRefs(), c.sourceRefs(), c.cred(),
                    c.chal(), c.code(), items(c.items()));
        }

        @Override
        public Command visitSync(Sync c) {
            return new Sync(c.cmdId(), c.noResp(), c.cred(), c.target(), c.source(), c.meta(), c.numberOfChanges(),
                    all(c.commands()));
        }

        @Override
        public Command visitMap(MapCommand c) {
            return c;
        }

        @Override
        public Command visitAtomic(Atomic c) {
            return new Atomic(c.cmdId(), c.noResp(), c.meta(), all(c.commands()));
        }

        @Override
        public Command visitSequence(Sequence c) {
            return new Sequence(c.cmdId(), c.noResp(), c.meta(), all(c.commands()));
        }

        @Override
        public Command visitUnknown(UnknownCommand c) {
            return c;
        }
    }
}
