/**
 * Load testing of syncgw: the handset simulator ({@link io.syncgw.loadtest.handset}), the run harness
 * ({@link io.syncgw.loadtest.harness}); the Gatling simulations live in the test sources, the codec benchmarks in
 * {@code src/jmh/java}.
 */
package io.syncgw.loadtest;
