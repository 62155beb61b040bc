package io.syncgw.codec.tree;

/**
 * The DTD an element belongs to. XML writes it as a default namespace where it changes; WBXML as a code page
 * (SyncML page 0 and MetInf page 1 of a SyncML document; DevInf page 0 of its own document).
 */
public enum Vocabulary {
    /** OMA-TS-SyncML_RepPro: namespace {@code SYNCML:SYNCML1.x} (per version), WBXML code page 0. */
    SYNCML,
    /** OMA-TS-SyncML_MetaInfo: namespace {@code syncml:metinf}, WBXML code page 1 of the SyncML document. */
    METINF,
    /** OMA-TS-DS_DevInf: namespace {@code syncml:devinf}, WBXML code page 0 of an embedded DevInf document. */
    DEVINF
}
