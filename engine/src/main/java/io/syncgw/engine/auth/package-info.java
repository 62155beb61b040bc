/**
 * SyncML authentication (OMA-TS-SyncML_RepPro-V1_2 §5.1.5, OMA-TS-DS_Protocol §8.2): {@code syncml:auth-basic},
 * {@code syncml:auth-md5} with per-device nonces, and password hashing. Pure computation, no I/O.
 */
package io.syncgw.engine.auth;
