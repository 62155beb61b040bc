/**
 * The SyncML message as immutable values: OMA-TS-SyncML_RepPro-V1_2 (representation protocol),
 * OMA-TS-SyncML_MetaInfo-V1_2 (meta information) and OMA-TS-DS_DevInf-V1_2 (device information).
 *
 * <p>Conventions: optional scalar components are {@code null} when the element is absent; list components are never
 * null (empty when absent) and are copied defensively. Codes (status, alert) are kept as raw integers because devices
 * send values outside the specification. Nothing here knows about sessions, storage or transport.
 */
package io.syncgw.codec.model;
