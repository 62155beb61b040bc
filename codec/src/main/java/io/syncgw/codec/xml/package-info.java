/**
 * SyncML in XML (OMA-TS-SyncML_RepPro-V1_2, MetInf, DevInf): a streaming decoder on Aalto's asynchronous parser and
 * a byte-exact encoder.
 */
package io.syncgw.codec.xml;
