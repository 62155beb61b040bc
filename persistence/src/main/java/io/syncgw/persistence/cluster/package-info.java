/** The gateway nodes sharing one database: registration, heartbeats, draining. */
package io.syncgw.persistence.cluster;
