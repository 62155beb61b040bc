package io.syncgw.persistence.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationScriptsTest {

    @TempDir
    Path tmp;

    @Test
    void syncgwsOwnScriptsStartWithV1() {
        assertThat(MigrationScripts.syncgw()).extracting(MigrationScript::name).startsWith("V1__initial.sql");
    }

    @Test
    void findsScriptsInADirectoryInVersionOrder() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("classes/db/m"));
        Files.writeString(dir.resolve("V10__ten.sql"), "select 10;");
        Files.writeString(dir.resolve("V2__two.sql"), "select 2;");
        Files.writeString(dir.resolve("README.txt"), "not a script");
        try (URLClassLoader cl = new URLClassLoader(new URL[] {tmp.resolve("classes").toUri().toURL()}, null)) {
            assertThat(MigrationScripts.fromClasspath(cl, "db/m")).extracting(MigrationScript::version)
                    .containsExactly(2, 10);
        }
    }

    @Test
    void findsScriptsInAJarWithoutDirectoryEntries() throws IOException {
        Path jar = tmp.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            // a shaded jar may have no entry for the folder itself
            entry(out, "db/m/V1__one.sql", "create table t (x int);");
            entry(out, "db/m/V3__three.sql", "select 3;");
            entry(out, "db/m/sub/V9__nested.sql", "select 9;");
        }
        try (URLClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            // the folder cannot be found by name without a directory entry: look in that jar as the fallback does
            assertThat(cl.getResources("db/m").hasMoreElements()).isFalse();
        }
        Map<String, URL> found = new TreeMap<>();
        MigrationScripts.listJar(jar, "db/m", found);
        assertThat(found).containsOnlyKeys("V1__one.sql", "V3__three.sql");
    }

    @Test
    void findsScriptsInAJarWithDirectoryEntries() throws IOException {
        Path jar = tmp.resolve("lib.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("db/"));
            out.closeEntry();
            out.putNextEntry(new JarEntry("db/m/"));
            out.closeEntry();
            entry(out, "db/m/V1__one.sql", "create table t (x int);\r\n");
        }
        try (URLClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            MigrationScript s = MigrationScripts.fromClasspath(cl, "db/m").get(0);
            assertThat(s.sql()).isEqualTo("create table t (x int);\r\n");
            assertThat(s.checksum()).as("line ends do not count")
                    .isEqualTo(MigrationScript.of("V1__one.sql", "create table t (x int);\n").checksum());
        }
    }

    @Test
    void refusesMalformedNamesAndDuplicateVersions() throws IOException {
        assertThatThrownBy(() -> MigrationScript.of("V1_missing_underscore.sql", ""))
                .isInstanceOf(MigrationException.class).hasMessageContaining("V<number>__");
        Path dir = Files.createDirectories(tmp.resolve("dup/db/m"));
        Files.writeString(dir.resolve("V1__a.sql"), "");
        Files.writeString(dir.resolve("V1__b.sql"), "");
        try (URLClassLoader cl = new URLClassLoader(new URL[] {tmp.resolve("dup").toUri().toURL()}, null)) {
            assertThatThrownBy(() -> MigrationScripts.fromClasspath(cl, "db/m"))
                    .hasMessageContaining("two migration scripts have version 1");
        }
    }

    private static void entry(JarOutputStream out, String name, String text) throws IOException {
        out.putNextEntry(new JarEntry(name));
        OutputStream o = out;
        o.write(text.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }
}
