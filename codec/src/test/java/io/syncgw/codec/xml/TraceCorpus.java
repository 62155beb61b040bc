package io.syncgw.codec.xml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The recorded SyncEvolution sessions under {@code src/test/resources/traces}: real client and server messages.
 * Three client-side dumps stop where the client's engine stopped parsing; they are truncated input.
 */
public final class TraceCorpus {
    /** Dumps that are not complete documents (see traces/README.md). */
    public static final Set<String> TRUNCATED = Set.of(
            "D1-xml-basic-auth-401/syncevolution-log_trm000_008_incoming.xml",
            "E1-wbxml-suspend-sigint/syncevolution-log_trm000_008_incoming.xml",
            "E2-wbxml-resume-225/syncevolution-log_trm001_002_incoming.xml");

    private TraceCorpus() {
    }

    public static Path root() {
        try {
            return Path.of(TraceCorpus.class.getResource("/traces").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every XML message in the corpus, as paths relative to the corpus root, sorted: the client's dumps and the
     * independent {@code wbxml2xml} decodes stored beside WBXML wire bytes ({@code *.wbxml2xml.xml}).
     */
    public static List<String> xmlFiles() {
        return files(".xml");
    }

    /** Every file whose name ends with {@code suffix}, as paths relative to the corpus root, sorted. */
    public static List<String> files(String suffix) {
        Path root = root();
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix))
                    .map(p -> root.relativize(p).toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(root().resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
