/**
 * PostgreSQL for syncgw over R2DBC: the connection settings ({@link io.syncgw.persistence.DatabaseConfig}), the
 * pool ({@link io.syncgw.persistence.Database}), running work on a connection or in a transaction
 * ({@link io.syncgw.persistence.Connections}) and the single mapping of database failures to the engine's
 * {@link io.syncgw.engine.port.StoreUnavailableException} ({@link io.syncgw.persistence.StoreErrors}).
 *
 * <p>Sub-packages: {@code schema} (migrations at start-up), {@code store} (the engine's
 * {@link io.syncgw.engine.port.SyncStore}), {@code account} (user administration), {@code secret} (secrets shared
 * by the gateway nodes), {@code embedded} (a PostgreSQL in the data directory). Nothing on the request path
 * blocks; JDBC is used only to start the embedded database.
 *
 * <p>Start-up, in the order a gateway (or the command line) wires it:
 * <pre>{@code
 * EmbeddedDatabase pg = EmbeddedDatabase.start(dataDir);          // or: DatabaseConfig.parse(dbUrl)
 * Database db = Database.open(pg.config());
 * new Migrator(db.connectionFactory()).migrate().block();         // start-up only
 * SyncStore store = new R2dbcSyncStore(db);
 * byte[] key = new ServerSecrets(db).getOrCreate("session-token").block();
 * ...
 * db.close();
 * pg.close();                                                     // stops PostgreSQL only if pg started it
 * }</pre>
 */
package io.syncgw.persistence;
