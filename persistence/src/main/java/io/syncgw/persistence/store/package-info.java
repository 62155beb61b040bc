/**
 * The engine's {@link io.syncgw.engine.port.SyncStore} on PostgreSQL: accounts, devices, items with one global
 * change sequence, per-device id mappings (LUID, known sequence) and anchors. Set-based statements only: one
 * statement per call whatever the number of items. A message's writes are one call of the database function
 * {@code syncgw_write_batch} (migration V10), its own transaction; a standard two-way session sends six statements.
 */
package io.syncgw.persistence.store;
