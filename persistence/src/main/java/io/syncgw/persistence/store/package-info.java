/**
 * The engine's {@link io.syncgw.engine.port.SyncStore} on PostgreSQL: accounts, devices, items with one global
 * change sequence, per-device id mappings (LUID, known sequence) and anchors. Set-based statements only: a fixed
 * number of statements per call whatever the number of items.
 */
package io.syncgw.persistence.store;
