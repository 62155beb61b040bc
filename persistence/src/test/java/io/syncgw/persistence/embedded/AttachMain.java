package io.syncgw.persistence.embedded;

import java.nio.file.Path;

/**
 * A second process on a data directory, like {@code syncgw user add} next to a running gateway: starts
 * {@link EmbeddedDatabase} on {@code args[0]}, prints {@code port=P startedHere=B} and closes it.
 */
public final class AttachMain {
    private AttachMain() {
    }

    public static void main(String[] args) {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(Path.of(args[0]))) {
            System.out.println("port=" + db.port() + " startedHere=" + db.startedHere());
        }
    }
}
