package io.syncgw.persistence.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgw.persistence.Database;
import io.syncgw.persistence.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NodeDirectoryIT {
    private static final Duration T = Duration.ofSeconds(30);
    private static Database db;
    private static NodeDirectory nodes;

    @BeforeAll
    static void start() {
        db = TestPostgres.migratedDatabase();
        nodes = new NodeDirectory(db);
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void nodesRegisterBeatDrainAndLeave() {
        nodes.register("n-a", "http://127.0.0.1:9001").block(T);
        nodes.register("n-b", "http://127.0.0.1:9002").block(T);
        List<NodeDirectory.Node> seen = nodes.heartbeat("n-a", "http://127.0.0.1:9001", false).block(T);
        assertThat(seen).extracting(NodeDirectory.Node::nodeId).contains("n-a", "n-b");
        assertThat(seen).allMatch(n -> n.alive(Instant.now(), Duration.ofSeconds(20)));
        nodes.heartbeat("n-b", "http://127.0.0.1:9002", true).block(T);
        NodeDirectory.Node b = nodes.heartbeat("n-a", "http://127.0.0.1:9001", false).block(T).stream()
                .filter(n -> n.nodeId().equals("n-b")).findFirst().orElseThrow();
        assertThat(b.draining()).isTrue();
        assertThat(b.internalUrl()).isEqualTo("http://127.0.0.1:9002");
        nodes.leave("n-b").block(T);
        assertThat(nodes.heartbeat("n-a", "http://127.0.0.1:9001", false).block(T))
                .extracting(NodeDirectory.Node::nodeId).doesNotContain("n-b");
        // a node dropped from the table is back with its next heartbeat
        nodes.leave("n-a").block(T);
        nodes.heartbeat("n-a", "http://127.0.0.1:9001", false).block(T);
        assertThat(nodes.heartbeat("n-a", "http://127.0.0.1:9001", false).block(T))
                .extracting(NodeDirectory.Node::nodeId).contains("n-a");
    }
}
