/** Test support: the shared real PostgreSQL of the integration tests, builders of write batches. */
package io.syncgw.persistence.testing;
