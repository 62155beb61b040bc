package io.syncgw.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of one {@link SyncEvolutionClient#sync} session.
 *
 * @param exitCode  the {@code syncevolution} exit code: 0 = success, 1 = any sync failure (401, transport error,
 *                  unexpected slow sync, ...), 139 = crash; -1 when the harness had to kill a hung client
 * @param timedOut  true when the client did not finish within the client's timeout and was killed
 * @param status    {@code status} from the session's {@code status.ini}: 200 on success, otherwise a SyncML code
 *                  (401, ...) or a Synthesis code (20043 transport, 22000 unexpected slow sync, ...); null when
 *                  the session wrote no status.ini
 * @param sources   per datastore, from {@code status.ini} ({@code source-<name>-...})
 * @param sessionDir the session's log directory ({@code logs/done/NNNN-SyncEvolution-peer@client-<date>[-a..]/}), holding
 *                  status.ini, syncevolution-log.html and, at loglevel 4, one XML file per SyncML message;
 *                  null when none was created
 * @param console   everything the client printed (stdout and stderr merged)
 * @param elapsed   wall-clock time of the session
 */
public record SyncResult(int exitCode, boolean timedOut, Integer status, Map<String, SourceResult> sources,
                         Path sessionDir, String console, Duration elapsed) {

    public SyncResult {
        sources = Map.copyOf(sources);
    }

    /**
     * One datastore's line in {@code status.ini}. Counters SyncEvolution omits (it leaves out zeros) are 0.
     *
     * @param status        {@code source-X-status}: 0 = ok, otherwise a SyncML/Synthesis code
     * @param mode          {@code source-X-mode}, SyncEvolution's name of the mode that actually ran
     *                      ({@code two-way}, {@code slow}, {@code refresh-from-remote}, ...; {@code disabled}
     *                      when the session failed before the datastore started)
     * @param localAdded    items the client added locally (received Adds)
     * @param localUpdated  items the client replaced locally
     * @param localRemoved  items the client deleted locally (including the wipe of a refresh-from-server)
     * @param remoteAdded   items the client sent as Add
     * @param remoteUpdated items the client sent as Replace
     * @param remoteRemoved items the client sent as Delete
     */
    public record SourceResult(int status, String mode, long localAdded, long localUpdated, long localRemoved,
                               long remoteAdded, long remoteUpdated, long remoteRemoved) {

        /** No item changed on either side. */
        public boolean nothingTransferred() {
            return localAdded == 0 && localUpdated == 0 && localRemoved == 0
                    && remoteAdded == 0 && remoteUpdated == 0 && remoteRemoved == 0;
        }
    }

    /** True when the client exited 0, status.ini says 200 and every datastore status is 0. */
    public boolean success() {
        return exitCode == 0 && !timedOut && Integer.valueOf(200).equals(status)
                && sources.values().stream().allMatch(s -> s.status() == 0);
    }

    /** The result of one datastore, e.g. {@code source("contacts")}; fails when the session did not report it. */
    public SourceResult source(String name) {
        SourceResult r = sources.get(name);
        if (r == null) {
            throw new AssertionError("no result for datastore '" + name + "' in this session:\n" + this);
        }
        return r;
    }

    /** The session's Synthesis engine log (HTML), if the session got that far. */
    public Optional<Path> htmlLog() {
        return Optional.ofNullable(sessionDir).map(d -> d.resolve("syncevolution-log.html"));
    }

    /**
     * When the client rejected a reply that was not SyncML (wrong content type, e.g. a plain-text HTTP error), what
     * its engine log says about it: {@code unexpected content type '...' in reply, N bytes: <the body>}. The
     * console only says "unexpected reply from peer".
     */
    public Optional<String> unexpectedReply() {
        Optional<Path> html = htmlLog().filter(Files::isRegularFile);
        if (html.isEmpty()) {
            return Optional.empty();
        }
        String text;
        try {
            text = Files.readString(html.get(), StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
        int i = text.indexOf("unexpected content type");
        if (i < 0) {
            return Optional.empty();
        }
        int end = text.indexOf("</li>", i);
        String raw = text.substring(i, end < 0 ? Math.min(text.length(), i + 2000) : end);
        return Optional.of(raw.replace("<br/>", " ").replaceAll("<[^>]+>", "").replace("&nbsp;", " ")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&apos;", "'")
                .replace("&quot;", "\"").trim());
    }

    /** A multi-line description for assertion messages: codes, counters, log dir and the console's tail. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("SyncEvolution session: exit=").append(exitCode).append(timedOut ? " (KILLED after timeout)" : "")
                .append(" status=").append(status).append(" wall=").append(elapsed.toMillis()).append(" ms\n");
        sources.forEach((name, s) -> sb.append("  ").append(name).append(": mode=").append(s.mode())
                .append(" status=").append(s.status())
                .append(" local(+").append(s.localAdded()).append(" ~").append(s.localUpdated())
                .append(" -").append(s.localRemoved()).append(") remote(+").append(s.remoteAdded())
                .append(" ~").append(s.remoteUpdated()).append(" -").append(s.remoteRemoved()).append(")\n"));
        sb.append("  session log dir: ").append(sessionDir).append('\n');
        unexpectedReply().ifPresent(u -> sb.append("  the client rejected a reply: ").append(u).append('\n'));
        sb.append("  console (tail):\n").append(InteropEnv.tail(console, 4000));
        return sb.toString();
    }
}
