/**
 * SyncML in WBXML (WAP-192 WBXML 1.1-1.3 with the code pages of OMA-TS-SyncML_RepPro, MetaInfo and DS_DevInf): a
 * streaming decoder, an explicit state machine over bytes, and a byte-exact encoder. Both share the element
 * structure and the tree-to-model mapping with the XML codec ({@code io.syncgw.codec.tree}), so a message decodes to
 * the same model in either encoding.
 */
package io.syncgw.codec.wbxml;
