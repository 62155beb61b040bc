/**
 * A simulated SyncML handset: a non-blocking client state machine on the project's codec. A {@link
 * io.syncgw.loadtest.handset.Handset} is one device with its data, anchors, LUIDs and nonce, kept between sessions;
 * a {@link io.syncgw.loadtest.handset.SyncRun} is one session of it: given the last reply's bytes it produces the
 * next request's bytes, so any HTTP engine (Gatling, a plain client) can drive thousands of them.
 */
package io.syncgw.loadtest.handset;
