package io.syncgw.gateway;

/** The version of this build, from the jar manifest (or "dev" when run from classes). */
final class Version {
    private Version() {
    }

    static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
