/**
 * SyncML sessions (OMA-TS-DS_Protocol-V1_2 §5-§8): a deterministic state machine that turns events (a client message,
 * the results of store operations) into effects (store operations to run, the reply), and the actor that owns one
 * session's state and runs its effects, one message at a time.
 */
package io.syncgw.engine.session;
