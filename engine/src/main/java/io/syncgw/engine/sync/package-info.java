/**
 * Sync rules that do not depend on a session's progress: datastore names, sync-mode negotiation and anchors
 * (OMA-TS-DS_Protocol-V1_2 §5-§6), conflict policy, content identity.
 */
package io.syncgw.engine.sync;
