package io.syncgw.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The SyncML messages of one SyncEvolution session, read from its message dumps
 * ({@code syncevolution-log_trmNNN_MMM_{outgoing,incoming}.xml}, written at loglevel 4 and up; the XML form even
 * when WBXML was on the wire), one {@link Message} each: the Java counterpart of the shared
 * {@code trace-summary.sh}. {@link #toString()} prints one line per message, e.g.
 *
 * <pre>
 * out #003  11050B  sess=10 msg=2 | Status(SyncHdr:200) Status(Alert:200) Sync(contacts Replacex10 Deletex5) Final
 * inc #004   3873B  sess=10 msg=2 RespURI | Status(SyncHdr:200) Status(Sync:200) Status(Replace:200)x10 ... Final
 * </pre>
 *
 * <p>SyncEvolution stops the XML translation of an incoming message where its engine stopped parsing (after a
 * 401, a 509, ...), so the files are read leniently: whatever was parsed before the error is kept and the message
 * is marked {@code truncated}. A dump also exists for a last message the client built but never sent.
 */
public final class SessionTrace {

    private static final Pattern FILE = Pattern.compile("syncevolution-log_trm(\\d+)_(\\d+)_(incoming|outgoing)\\.xml");

    /**
     * One dumped message.
     *
     * @param roundTrip   NNN: the HTTP round trip
     * @param seq         MMM: the running counter of the dumps
     * @param outgoing    sent by the client (false: received)
     * @param bytes       size of the XML dump (not the wire size when WBXML is used)
     * @param sessionId   SyncHdr/SessionID
     * @param msgId       SyncHdr/MsgID
     * @param verDtd      SyncHdr/VerDTD ("1.2", "1.1", "1.0")
     * @param credType    SyncHdr/Cred/Meta/Type, or null
     * @param respUri     SyncHdr/RespURI, or null
     * @param nextNonce   the last Chal/Meta/NextNonce in the message (base64 as sent), or null
     * @param commands    the SyncBody's commands in order (see {@link Command})
     * @param isFinal     SyncBody/Final present
     * @param truncated   the dump ended before its end (see the class comment)
     */
    public record Message(int roundTrip, int seq, boolean outgoing, long bytes, String sessionId, String msgId,
                          String verDtd, String credType, String respUri, String nextNonce, List<Command> commands,
                          boolean isFinal,
                          boolean truncated, Path file) {

        /** The commands named {@code name} ({@code Alert}, {@code Status}, {@code Sync}, {@code Map}, ...). */
        public List<Command> commands(String name) {
            return commands.stream().filter(c -> c.name().equals(name)).collect(Collectors.toList());
        }

        /** Items in Add/Replace/Delete of all Sync commands, keyed e.g. {@code Add} or {@code Add+MoreData}. */
        public Map<String, Integer> syncItems() {
            Map<String, Integer> out = new LinkedHashMap<>();
            for (Command c : commands("Sync")) {
                c.items().forEach((k, v) -> out.merge(k, v, Integer::sum));
            }
            return out;
        }

        /** One line in the style of {@code trace-summary.sh}. */
        public String summary() {
            StringBuilder info = new StringBuilder("sess=" + sessionId + " msg=" + msgId + " v" + verDtd);
            if (credType != null) {
                info.append(" cred=").append(credType);
            }
            if (respUri != null) {
                info.append(" RespURI");
            }
            List<String> parts = commands.stream().map(Command::toString).collect(Collectors.toList());
            if (isFinal) {
                parts.add("Final");
            }
            List<String> runs = new ArrayList<>();
            String last = null;
            int n = 0;
            for (String p : parts) {
                if (p.equals(last)) {
                    n++;
                    continue;
                }
                if (last != null) {
                    runs.add(n == 1 ? last : last + "x" + n);
                }
                last = p;
                n = 1;
            }
            if (last != null) {
                runs.add(n == 1 ? last : last + "x" + n);
            }
            if (truncated) {
                runs.add("[translation truncated]");
            }
            return String.format(java.util.Locale.ROOT, "%s #%03d %7dB  %s | %s", outgoing ? "out" : "inc", seq, bytes,
                    info, String.join(" ", runs));
        }
    }

    /**
     * One command of a SyncBody.
     *
     * @param name   element name: Alert, Status, Sync, Map, Put, Get, Results, ...
     * @param cmd    Status/Cmd (the command a Status answers), else null
     * @param data   Alert/Data or Status/Data (the code), else null
     * @param uris   every LocURI inside (Target and Source of items, Sync, Alert), in document order
     * @param items  for a Sync: Add/Replace/Delete item counts, keys with a {@code +MoreData} suffix for chunks
     * @param noc    Sync/NumberOfChanges, else null
     * @param type   Meta/Type of Put/Get/Results, else null
     * @param mapItems number of MapItems of a Map
     */
    public record Command(String name, String cmd, String data, List<String> uris, Map<String, Integer> items,
                          String noc, String type, int mapItems) {

        @Override
        public String toString() {
            return switch (name) {
                case "Status" -> "Status(" + cmd + ":" + data + ")";
                case "Alert" -> {
                    List<String> r = new ArrayList<>(uris);
                    Collections.reverse(r);
                    yield "Alert(" + data + (r.isEmpty() ? "" : " " + String.join("->", r)) + ")";
                }
                case "Sync" -> "Sync(" + (uris.isEmpty() ? "" : uris.get(0)) + (noc == null ? "" : " NoC=" + noc)
                        + " " + items.entrySet().stream().map(e -> e.getKey() + "x" + e.getValue())
                        .collect(Collectors.joining(" ")) + ")";
                case "Map" -> "Map(" + mapItems + ")";
                case "Put", "Get", "Results" -> name + "(" + (type == null ? ""
                        : type.replace("application/vnd.syncml-devinf+xml", "devinf")
                        .replace("application/vnd.syncml-devinf+wbxml", "devinf-wbxml")) + ")";
                default -> name;
            };
        }
    }

    private final Path sessionDir;
    private final List<Message> messages;

    private SessionTrace(Path sessionDir, List<Message> messages) {
        this.sessionDir = sessionDir;
        this.messages = List.copyOf(messages);
    }

    /** Reads every message dump of a session directory, in the order of the running counter. */
    public static SessionTrace read(Path sessionDir) {
        List<Message> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(sessionDir)) {
            List<Path> dumps = files.filter(f -> FILE.matcher(f.getFileName().toString()).matches())
                    .sorted(Comparator.comparingInt(f -> seqOf(f))).collect(Collectors.toList());
            for (Path f : dumps) {
                out.add(parse(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + sessionDir, e);
        }
        return new SessionTrace(sessionDir, out);
    }

    /** The trace of a session result; fails when the session left no log directory. */
    public static SessionTrace of(SyncResult r) {
        if (r.sessionDir() == null) {
            throw new AssertionError("the session left no log directory:\n" + r);
        }
        return read(r.sessionDir());
    }

    public List<Message> messages() {
        return messages;
    }

    /** Messages the client sent (including a last one it dumped but did not need to send). */
    public List<Message> outgoing() {
        return messages.stream().filter(Message::outgoing).collect(Collectors.toList());
    }

    /** Messages the client received. */
    public List<Message> incoming() {
        return messages.stream().filter(m -> !m.outgoing()).collect(Collectors.toList());
    }

    /** All commands named {@code name} in messages of one direction. */
    public List<Command> commands(boolean outgoing, String name) {
        return messages.stream().filter(m -> m.outgoing() == outgoing).flatMap(m -> m.commands(name).stream())
                .collect(Collectors.toList());
    }

    /** Sum of {@link Message#syncItems()} over the messages of one direction. */
    public Map<String, Integer> syncItems(boolean outgoing) {
        Map<String, Integer> out = new LinkedHashMap<>();
        messages.stream().filter(m -> m.outgoing() == outgoing)
                .forEach(m -> m.syncItems().forEach((k, v) -> out.merge(k, v, Integer::sum)));
        return out;
    }

    /** The last NextNonce the client received in this session (what it uses next time), or null. */
    public String lastNextNonce() {
        String n = null;
        for (Message m : incoming()) {
            if (m.nextNonce() != null) {
                n = m.nextNonce();
            }
        }
        return n;
    }

    public Path sessionDir() {
        return sessionDir;
    }

    /** One {@link Message#summary()} line per message. */
    @Override
    public String toString() {
        return messages.stream().map(Message::summary).collect(Collectors.joining("\n"));
    }

    // ---------------------------------------------------------------------------------------------------------

    private static int seqOf(Path f) {
        Matcher m = FILE.matcher(f.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(f.toString());
        }
        return Integer.parseInt(m.group(2));
    }

    /** A minimal element tree: local name, text, children. */
    private static final class Node {
        final String name;
        final StringBuilder text = new StringBuilder();
        final List<Node> children = new ArrayList<>();

        Node(String name) {
            this.name = name;
        }

        Node child(String n) {
            for (Node c : children) {
                if (c.name.equals(n)) {
                    return c;
                }
            }
            return null;
        }

        /** Text at a path of child names, e.g. {@code "Meta/Type"}; null when missing. */
        String text(String path) {
            Node n = this;
            for (String p : path.split("/")) {
                n = n.child(p);
                if (n == null) {
                    return null;
                }
            }
            return n.text.toString().trim();
        }

        void descendants(String n, List<Node> out) {
            for (Node c : children) {
                if (c.name.equals(n)) {
                    out.add(c);
                }
                c.descendants(n, out);
            }
        }

        List<Node> descendants(String n) {
            List<Node> out = new ArrayList<>();
            descendants(n, out);
            return out;
        }
    }

    private static Message parse(Path f) {
        Matcher m = FILE.matcher(f.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(f.toString());
        }
        boolean truncated = false;
        Node root = null;
        long bytes;
        try {
            bytes = Files.size(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        XMLInputFactory xf = XMLInputFactory.newFactory();
        xf.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        xf.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        xf.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        List<Node> stack = new ArrayList<>();
        try (InputStream in = Files.newInputStream(f)) {
            XMLStreamReader r = xf.createXMLStreamReader(in);
            while (r.hasNext()) {
                int ev = r.next();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    Node n = new Node(r.getLocalName());
                    if (stack.isEmpty()) {
                        root = n;
                    } else {
                        stack.get(stack.size() - 1).children.add(n);
                    }
                    stack.add(n);
                } else if (ev == XMLStreamConstants.END_ELEMENT) {
                    stack.remove(stack.size() - 1);
                } else if ((ev == XMLStreamConstants.CHARACTERS || ev == XMLStreamConstants.CDATA)
                        && !stack.isEmpty()) {
                    Node top = stack.get(stack.size() - 1);
                    if (top.text.length() < 4096) { // item data is not needed here, only short values
                        top.text.append(r.getText(), 0, Math.min(r.getTextLength(), 4096));
                    }
                }
            }
        } catch (XMLStreamException | RuntimeException e) {
            truncated = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!stack.isEmpty()) {
            truncated = true;
        }
        Node hdr = root == null ? null : root.child("SyncHdr");
        Node body = root == null ? null : root.child("SyncBody");
        List<Command> commands = new ArrayList<>();
        boolean isFinal = false;
        if (body != null) {
            for (Node c : body.children) {
                if (c.name.equals("Final")) {
                    isFinal = true;
                    continue;
                }
                commands.add(command(c));
            }
        }
        String cred = hdr == null ? null : hdr.text("Cred/Meta/Type");
        List<Node> nonces = root == null ? List.of() : root.descendants("NextNonce");
        String nextNonce = nonces.isEmpty() ? null : nonces.get(nonces.size() - 1).text.toString().trim();
        String respUri = hdr == null ? null : hdr.text("RespURI");
        return new Message(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3).equals("outgoing"),
                bytes, hdr == null ? null : hdr.text("SessionID"), hdr == null ? null : hdr.text("MsgID"),
                hdr == null ? null : hdr.text("VerDTD"), cred, respUri, nextNonce, commands, isFinal,
                truncated || hdr == null || body == null, f);
    }

    private static Command command(Node c) {
        List<String> uris = c.descendants("LocURI").stream().map(n -> n.text.toString().trim())
                .collect(Collectors.toList());
        Map<String, Integer> items = new LinkedHashMap<>();
        if (c.name.equals("Sync")) {
            // the Sync's own Target/Source first, then the items'
            List<String> own = new ArrayList<>();
            String t = c.text("Target/LocURI");
            if (t != null) {
                own.add(t);
            }
            uris = own;
            for (Node op : c.children) {
                if (op.name.equals("Add") || op.name.equals("Replace") || op.name.equals("Delete")) {
                    for (Node item : op.children) {
                        if (item.name.equals("Item")) {
                            String key = op.name + (item.child("MoreData") != null ? "+MoreData" : "");
                            items.merge(key, 1, Integer::sum);
                        }
                    }
                }
            }
        }
        int mapItems = (int) c.children.stream().filter(n -> n.name.equals("MapItem")).count();
        return new Command(c.name, c.name.equals("Status") ? c.text("Cmd") : null,
                c.name.equals("Status") || c.name.equals("Alert") ? c.text("Data") : null, uris, items,
                c.text("NumberOfChanges"), c.text("Meta/Type"), mapItems);
    }
}
