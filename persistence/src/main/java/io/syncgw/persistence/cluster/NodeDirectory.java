package io.syncgw.persistence.cluster;

import io.r2dbc.spi.ConnectionFactory;
import io.syncgw.persistence.Connections;
import io.syncgw.persistence.Database;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The gateway nodes of one database ({@code gateway_node}, V7): a node registers its id and the URL its peers
 * reach it at, renews a heartbeat, says when it drains, and leaves on shutdown. Every call is one statement.
 */
public final class NodeDirectory {

    /** A node as its peers see it. */
    public record Node(String nodeId, String internalUrl, Instant heartbeatAt, boolean draining) {
        public Node {
            Objects.requireNonNull(nodeId, "nodeId");
            Objects.requireNonNull(internalUrl, "internalUrl");
        }

        /** Heard from within {@code maxSilence} of {@code now}. */
        public boolean alive(Instant now, Duration maxSilence) {
            return heartbeatAt != null && heartbeatAt.isAfter(now.minus(maxSilence));
        }
    }

    private static final String REGISTER = """
            insert into gateway_node (node_id, internal_url) values ($1, $2)
            on conflict (node_id) do update set internal_url = excluded.internal_url, started_at = now(),
                heartbeat_at = now(), draining = false""";

    /**
     * Renews this node's heartbeat and drain flag (registering it again if it was dropped), drops nodes silent for
     * an hour, and lists the nodes (as they were before this statement: its own row may show the previous beat).
     */
    private static final String HEARTBEAT = """
            with beat as (
                insert into gateway_node (node_id, internal_url, draining) values ($1, $3, $2)
                on conflict (node_id) do update set heartbeat_at = now(), draining = excluded.draining,
                    internal_url = excluded.internal_url
            ),
            gone as (
                delete from gateway_node where heartbeat_at < now() - interval '1 hour' and node_id <> $1
            )
            select node_id, internal_url, heartbeat_at, draining, now() as db_now from gateway_node""";

    private static final String LEAVE = "delete from gateway_node where node_id = $1";

    private final ConnectionFactory factory;

    public NodeDirectory(ConnectionFactory factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    public NodeDirectory(Database database) {
        this(database.connectionFactory());
    }

    public Mono<Void> register(String nodeId, String internalUrl) {
        return Connections.withConnection(factory, c -> Mono.from(c.createStatement(REGISTER).bind(0, nodeId)
                .bind(1, internalUrl).execute()).flatMap(r -> Mono.from(r.getRowsUpdated())).then());
    }

    /**
     * Renews the heartbeat of {@code nodeId} and returns every node, heartbeat times shifted to this machine's
     * clock (the database's clock decides who is silent, not the nodes' clocks).
     */
    public Mono<List<Node>> heartbeat(String nodeId, String internalUrl, boolean draining) {
        return Connections.withConnection(factory, c -> Flux.from(c.createStatement(HEARTBEAT).bind(0, nodeId)
                        .bind(1, draining).bind(2, internalUrl).execute())
                .concatMap(r -> r.map(row -> {
                    OffsetDateTime beat = row.get("heartbeat_at", OffsetDateTime.class);
                    OffsetDateTime dbNow = row.get("db_now", OffsetDateTime.class);
                    Duration age = Duration.between(beat, dbNow);
                    return new Node(row.get("node_id", String.class), row.get("internal_url", String.class),
                            Instant.now().minus(age), Boolean.TRUE.equals(row.get("draining", Boolean.class)));
                }))
                .collectList());
    }

    public Mono<Void> leave(String nodeId) {
        return Connections.withConnection(factory, c -> Mono.from(c.createStatement(LEAVE).bind(0, nodeId).execute())
                .flatMap(r -> Mono.from(r.getRowsUpdated())).then());
    }
}
