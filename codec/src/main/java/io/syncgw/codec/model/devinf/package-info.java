/**
 * Device information (OMA-TS-DS_DevInf-V1_2; SyncML DevInf 1.1 for the older flat CTCap form): what a device
 * (or syncgw itself) can store, in which formats, with which properties. Absent scalars are null, lists empty.
 */
package io.syncgw.codec.model.devinf;
