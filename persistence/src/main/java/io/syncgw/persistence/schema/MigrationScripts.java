package io.syncgw.persistence.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Finds the migration scripts in a classpath folder ({@value #DEFAULT_LOCATION} by default), in a directory (IDE,
 * {@code target/classes}) or in a jar (including the shaded gateway jar, whose folders may have no directory
 * entries: the jar holding this class is searched as well).
 */
public final class MigrationScripts {

    /** Where syncgw's own scripts are. */
    public static final String DEFAULT_LOCATION = "db/migration";

    private MigrationScripts() {
    }

    /** syncgw's scripts, ordered by version. */
    public static List<MigrationScript> syncgw() {
        return fromClasspath(MigrationScripts.class.getClassLoader(), DEFAULT_LOCATION);
    }

    /**
     * The {@code V*.sql} scripts directly in {@code location}, ordered by version.
     *
     * @throws MigrationException when two scripts have the same version, a name is malformed or the classpath
     *                            cannot be read
     */
    public static List<MigrationScript> fromClasspath(ClassLoader loader, String location) {
        String folder = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
        Map<String, URL> found = new TreeMap<>();
        try {
            Enumeration<URL> roots = loader.getResources(folder);
            for (URL root : Collections.list(roots)) {
                list(root, folder, found);
            }
            CodeSource own = MigrationScripts.class.getProtectionDomain().getCodeSource();
            if (own != null && own.getLocation() != null && own.getLocation().getPath().endsWith(".jar")) {
                listJar(Paths.get(own.getLocation().toURI()), folder, found);
            }
        } catch (IOException e) {
            throw new MigrationException("cannot list migration scripts in " + folder + ": " + e, e);
        } catch (URISyntaxException e) {
            throw new MigrationException("cannot locate the syncgw jar: " + e.getMessage(), e);
        }
        Map<Integer, MigrationScript> byVersion = new TreeMap<>();
        for (Map.Entry<String, URL> e : found.entrySet()) {
            MigrationScript s = MigrationScript.of(e.getKey(), read(e.getValue()));
            MigrationScript clash = byVersion.put(s.version(), s);
            if (clash != null && !clash.name().equals(s.name())) {
                throw new MigrationException("two migration scripts have version " + s.version() + ": "
                        + clash.name() + " and " + s.name());
            }
        }
        return List.copyOf(byVersion.values());
    }

    private static void list(URL root, String folder, Map<String, URL> found) throws IOException {
        switch (root.getProtocol()) {
            case "file":
                try (Stream<Path> files = Files.list(Paths.get(root.toURI()))) {
                    for (Path p : (Iterable<Path>) files::iterator) {
                        String name = p.getFileName().toString();
                        if (Files.isRegularFile(p) && MigrationScript.looksLikeMigration(name)) {
                            found.putIfAbsent(name, p.toUri().toURL());
                        }
                    }
                } catch (URISyntaxException e) {
                    throw new IOException("bad classpath URL " + root, e);
                }
                break;
            case "jar":
                URLConnection conn = root.openConnection();
                conn.setUseCaches(false);
                try (JarFile jar = ((JarURLConnection) conn).getJarFile()) {
                    listJar(jar, folder, found);
                }
                break;
            default:
                throw new IOException("cannot list classpath URLs of type " + root.getProtocol() + ": " + root);
        }
    }

    static void listJar(Path jarPath, String folder, Map<String, URL> found) throws IOException {
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            listJar(jar, folder, found);
        }
    }

    private static void listJar(JarFile jar, String folder, Map<String, URL> found) throws IOException {
        String prefix = folder + "/";
        List<JarEntry> entries = new ArrayList<>();
        for (JarEntry e : Collections.list(jar.entries())) {
            String rest = e.getName().startsWith(prefix) ? e.getName().substring(prefix.length()) : null;
            if (rest != null && !e.isDirectory() && rest.indexOf('/') < 0 && MigrationScript.looksLikeMigration(rest)) {
                entries.add(e);
            }
        }
        for (JarEntry e : entries) {
            String name = e.getName().substring(prefix.length());
            found.putIfAbsent(name, new URL("jar:" + Paths.get(jar.getName()).toUri() + "!/" + e.getName()));
        }
    }

    private static String read(URL url) {
        try {
            URLConnection conn = url.openConnection();
            conn.setUseCaches(false);
            try (InputStream in = conn.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read migration script " + url, e);
        }
    }
}
