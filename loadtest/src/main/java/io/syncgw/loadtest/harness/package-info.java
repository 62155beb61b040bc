/**
 * The run harness behind {@code loadtest/run.sh}: accounts, counts and {@code pg_stat_statements} over JDBC
 * ({@link io.syncgw.loadtest.harness.Db}), CPU and RSS from {@code /proc} ({@link io.syncgw.loadtest.harness.ProcCpu}),
 * the run summary, the JFR digest, and a one-handset probe over plain HTTP.
 */
package io.syncgw.loadtest.harness;
