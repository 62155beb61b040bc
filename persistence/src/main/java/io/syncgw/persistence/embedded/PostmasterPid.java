package io.syncgw.persistence.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@code postmaster.pid} in a cluster directory says about a running PostgreSQL: line 1 the postmaster's pid,
 * line 4 its port, line 8 its status ({@code starting}, {@code ready}, {@code stopping}, {@code standby}).
 * PostgreSQL writes the file on start and removes it on a clean stop; after a crash it stays behind with a dead pid.
 */
record PostmasterPid(long pid, int port, String status) {

    static final String FILE = "postmaster.pid";

    /** The file's content, or empty when there is none or it is incomplete (a postmaster still writing it). */
    static Optional<PostmasterPid> read(Path clusterDir) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(clusterDir.resolve(FILE), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (lines.size() < 4) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(lines.get(0).strip());
            int port = Integer.parseInt(lines.get(3).strip());
            String status = lines.size() >= 8 ? lines.get(7).strip() : "";
            return Optional.of(new PostmasterPid(pid, port, status));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** True when the pid is a live process that looks like PostgreSQL (a stale file's pid may have been reused). */
    boolean alive() {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .map(p -> p.info().command().map(cmd -> cmd.contains("postgres")).orElse(true))
                .orElse(false);
    }

    boolean ready() {
        return "ready".equals(status);
    }
}
