package io.syncgw.codec.model;

import java.util.Optional;

/** The SyncML protocol versions syncgw speaks, with the identifiers each one uses on the wire. */
public enum SyncMlVersion {
    V1_0("1.0", "SyncML/1.0", "SYNCML:SYNCML1.0", "./devinf10"),
    V1_1("1.1", "SyncML/1.1", "SYNCML:SYNCML1.1", "./devinf11"),
    V1_2("1.2", "SyncML/1.2", "SYNCML:SYNCML1.2", "./devinf12");

    private final String verDtd;
    private final String verProto;
    private final String namespace;
    private final String devInfUri;

    SyncMlVersion(String verDtd, String verProto, String namespace, String devInfUri) {
        this.verDtd = verDtd;
        this.verProto = verProto;
        this.namespace = namespace;
        this.devInfUri = devInfUri;
    }

    /** Value of {@code SyncHdr/VerDTD} and {@code DevInf/VerDTD}. */
    public String verDtd() { return verDtd; }

    /** Value of {@code SyncHdr/VerProto}. */
    public String verProto() { return verProto; }

    /** XML namespace of the SyncML element. */
    public String namespace() { return namespace; }

    /** Well-known URI of the device information object ({@code ./devinf12} ...). */
    public String devInfUri() { return devInfUri; }

    /** The version named by a {@code VerDTD} value ("1.2"), tolerating surrounding whitespace. */
    public static Optional<SyncMlVersion> ofVerDtd(String verDtd) {
        if (verDtd == null) {
            return Optional.empty();
        }
        String v = verDtd.trim();
        for (SyncMlVersion s : values()) {
            if (s.verDtd.equals(v)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** True when {@code uri} names a device-information object of any version ("./devinf11", "devinf12"...). */
    public static boolean isDevInfUri(String uri) {
        if (uri == null) {
            return false;
        }
        String u = uri.startsWith("./") ? uri.substring(2) : uri;
        return u.equalsIgnoreCase("devinf10") || u.equalsIgnoreCase("devinf11") || u.equalsIgnoreCase("devinf12");
    }
}
