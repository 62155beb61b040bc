/** Operations: metrics (Prometheus), the admin port, health and readiness. */
package io.syncgw.gateway.ops;
