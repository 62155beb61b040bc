/** The HTTP transport (SyncML HTTP Binding 1.2): {@code POST /sync}, health, limits, error answers. */
package io.syncgw.gateway.http;
