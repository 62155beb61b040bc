/**
 * SyncML in XML (OMA-TS-SyncML_RepPro-V1_2, MetInf, DevInf): a streaming decoder on Aalto's asynchronous parser and
 * a byte-exact encoder. The element tree, the tree-to-model mapping and the element structure of a message are
 * shared with WBXML ({@code io.syncgw.codec.tree}).
 */
package io.syncgw.codec.xml;
