/**
 * The ports the engine needs from the outside world, as Reactor types over plain records: accounts, devices, items,
 * id mappings and anchors. {@code persistence} implements them; tests use in-memory implementations. No transport or
 * database types appear here.
 */
package io.syncgw.engine.port;
