/** Live SyncML sessions of this node: unguessable tokens, lookup, expiry. */
package io.syncgw.gateway.session;
