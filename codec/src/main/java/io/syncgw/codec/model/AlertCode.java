package io.syncgw.codec.model;

/** Alert codes (OMA-TS-DS_Protocol-V1_2 §12). An open set: these are the ones syncgw acts on. */
public final class AlertCode {
    public static final int DISPLAY = 100;
    public static final int TWO_WAY = 200;
    public static final int SLOW_SYNC = 201;
    public static final int ONE_WAY_FROM_CLIENT = 202;
    public static final int REFRESH_FROM_CLIENT = 203;
    public static final int ONE_WAY_FROM_SERVER = 204;
    public static final int REFRESH_FROM_SERVER = 205;
    public static final int TWO_WAY_BY_SERVER = 206;
    public static final int REFRESH_FROM_SERVER_BY_SERVER = 210;
    public static final int RESULT_ALERT = 221;
    public static final int NEXT_MESSAGE = 222;
    public static final int NO_END_OF_DATA = 223;
    public static final int SUSPEND = 224;
    public static final int RESUME = 225;

    private AlertCode() {
    }

    /** True for the codes that open a datastore sync (200-210). */
    public static boolean isSyncMode(int code) {
        return code >= TWO_WAY && code <= REFRESH_FROM_SERVER_BY_SERVER;
    }
}
