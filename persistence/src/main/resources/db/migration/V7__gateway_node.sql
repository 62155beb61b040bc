-- The gateway nodes sharing this database: each registers how its peers reach it, and renews a heartbeat. A session
-- lives on the node that started it (its token names the node); a node that receives a message of another node's
-- session forwards it there, so any load balancer (round-robin included) works without stickiness.
create table gateway_node (
    node_id      text        primary key,
    internal_url text        not null,
    started_at   timestamptz not null default now(),
    heartbeat_at timestamptz not null default now(),
    draining     boolean     not null default false
);
