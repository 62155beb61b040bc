/**
 * Schema migrations at start-up: versioned scripts {@code db/migration/V<n>__<what>.sql} on the classpath, applied
 * in order, each in its own transaction, recorded with their checksum in {@code schema_version}; nodes starting
 * together are serialised by an advisory lock.
 */
package io.syncgw.persistence.schema;
