package io.syncgw.interop;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Where things are: the interop module, its {@code target/} directory and the repository root, plus the
 * check that the external tools the harness drives are installed.
 *
 * <p>Failsafe passes {@code syncgw.interop.basedir} / {@code syncgw.interop.builddir}; when they are missing
 * (a test started from an IDE) the working directory is taken as the module directory.
 */
final class InteropEnv {

    static final String INSTALL_HINT =
            "run .ci/run (it installs what the interop tests need) or install the Debian packages yourself: "
                    + "apt-get install -y --no-install-recommends syncevolution gcc libc6-dev";

    private InteropEnv() {
    }

    /** The {@code interop/} module directory. */
    static Path moduleDir() {
        String prop = System.getProperty("syncgw.interop.basedir");
        Path dir = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve("pom.xml"))) {
            throw new IllegalStateException("cannot locate the interop module (no pom.xml in " + dir
                    + "); run the tests through Maven: mvn -B -Pinterop -pl interop verify");
        }
        return dir.toAbsolutePath().normalize();
    }

    /** The module's build directory ({@code interop/target}); everything the harness writes lives below it. */
    static Path buildDir() {
        String prop = System.getProperty("syncgw.interop.builddir");
        Path dir = prop != null ? Path.of(prop) : moduleDir().resolve("target");
        try {
            return Files.createDirectories(dir).toAbsolutePath().normalize();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository root: the parent of the interop module. */
    static Path repoRoot() {
        Path root = moduleDir().getParent();
        if (root == null || !Files.isDirectory(root.resolve("gateway"))) {
            throw new IllegalStateException("cannot locate the repository root above " + moduleDir());
        }
        return root;
    }

    /** The {@code java} launcher of the running JVM, used to start the gateway jar. */
    static Path javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** Finds an executable on {@code PATH}. */
    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(entry, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Like {@link #onPath} but fails loudly (never skips) when the tool is missing. */
    static Path require(String name) {
        return onPath(name).orElseThrow(() -> new IllegalStateException(
                "'" + name + "' is not installed (not found on PATH). The interop tests need the real SyncEvolution "
                        + "client and a C compiler; " + INSTALL_HINT));
    }

    /** Deletes a directory tree if it exists. */
    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /** The last {@code maxChars} characters of a text, for failure messages. */
    static String tail(String text, int maxChars) {
        return text.length() <= maxChars ? text : "..." + text.substring(text.length() - maxChars);
    }
}
