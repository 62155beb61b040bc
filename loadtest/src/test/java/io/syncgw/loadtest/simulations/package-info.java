/**
 * Gatling (Java DSL) simulations of handset populations against a gateway on 127.0.0.1: first registration, a
 * working day, the morning burst, thousands of idle mid-session handsets, and the target table's throughput rows.
 * Each asserts zero failed requests and ends with a check of the server's data.
 */
package io.syncgw.loadtest.simulations;
