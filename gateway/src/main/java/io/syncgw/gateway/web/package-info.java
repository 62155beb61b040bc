/**
 * The self-service page at {@code /account/} on the sync port: account owners sign in with their SyncML credentials
 * and manage their device slots. Server-rendered HTML, every value escaped; nothing is loaded from elsewhere.
 */
package io.syncgw.gateway.web;
