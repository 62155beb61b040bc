package io.syncgw.gateway;

import io.syncgw.gateway.cli.Args;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.DatabaseConfig;
import io.syncgw.persistence.embedded.EmbeddedDatabase;
import io.syncgw.persistence.schema.Migrator;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database the gateway (or a command) works on: the external PostgreSQL named by {@code --db-url}, or the
 * embedded one under {@code --data-dir}; migrated to the current schema on open. Opening blocks: start-up and
 * command line only.
 */
final class Storage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Storage.class);

    final Database database;
    final String description;
    private final EmbeddedDatabase embedded;

    private Storage(Database database, EmbeddedDatabase embedded, String description) {
        this.database = database;
        this.embedded = embedded;
        this.description = description;
    }

    static Storage open(Args args) {
        String url = args.get("db-url");
        if (url != null && args.get("data-dir") != null && args.positional().contains("serve")) {
            LOG.warn("both --db-url and --data-dir given: using the database at --db-url");
        }
        EmbeddedDatabase embedded = null;
        DatabaseConfig config;
        String description;
        if (url != null) {
            config = DatabaseConfig.parse(url);
            description = "PostgreSQL " + config.describe();
        } else {
            Path dir = Path.of(args.get("data-dir", EmbeddedDatabase.DEFAULT_DATA_DIR.toString()));
            embedded = EmbeddedDatabase.start(dir);
            config = embedded.config();
            description = "embedded PostgreSQL in " + embedded.dataDir() + " (port " + embedded.port() + ")";
        }
        Database db = Database.open(config);
        try {
            Migrator.Outcome o = new Migrator(db.connectionFactory()).migrate().block(Duration.ofMinutes(2));
            if (o != null && !o.applied().isEmpty()) {
                LOG.info("database schema migrated to version {} (applied {})", o.schemaVersion(), o.applied());
            }
        } catch (RuntimeException e) {
            db.close();
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
        return new Storage(db, embedded, description);
    }

    @Override
    public void close() {
        try {
            database.close();
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
