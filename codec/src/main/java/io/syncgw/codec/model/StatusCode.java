package io.syncgw.codec.model;

/**
 * Status codes (OMA-TS-SyncML_RepPro-V1_2 §10, OMA-TS-DS_Protocol-V1_2 §11). An open set: devices send codes outside
 * the specification, so statuses carry the raw integer and these are names for the ones syncgw produces or reads.
 */
public final class StatusCode {
    public static final int IN_PROGRESS = 101;
    public static final int OK = 200;
    public static final int ITEM_ADDED = 201;
    public static final int ACCEPTED_FOR_PROCESSING = 202;
    public static final int CONFLICT_RESOLVED_WITH_MERGE = 207;
    public static final int CONFLICT_CLIENT_WON = 208;
    public static final int CONFLICT_DUPLICATE = 209;
    public static final int DELETE_WITHOUT_ARCHIVE = 210;
    public static final int ITEM_NOT_DELETED = 211;
    public static final int AUTHENTICATION_ACCEPTED = 212;
    public static final int CHUNKED_ITEM_ACCEPTED = 213;
    public static final int BAD_REQUEST = 400;
    public static final int INVALID_CREDENTIALS = 401;
    public static final int FORBIDDEN = 403;
    public static final int NOT_FOUND = 404;
    public static final int COMMAND_NOT_ALLOWED = 405;
    public static final int OPTIONAL_FEATURE_NOT_SUPPORTED = 406;
    public static final int MISSING_CREDENTIALS = 407;
    public static final int REQUEST_TIMEOUT = 408;
    public static final int INCOMPLETE_COMMAND = 412;
    public static final int REQUEST_ENTITY_TOO_LARGE = 413;
    public static final int UNSUPPORTED_MEDIA_TYPE = 415;
    public static final int REQUESTED_SIZE_TOO_BIG = 416;
    public static final int RETRY_LATER = 417;
    public static final int ALREADY_EXISTS = 418;
    public static final int CONFLICT_SERVER_WON = 419;
    public static final int SIZE_MISMATCH = 424;
    public static final int COMMAND_FAILED = 500;
    public static final int SERVICE_UNAVAILABLE = 503;
    public static final int PROCESSING_ERROR = 506;
    public static final int REFRESH_REQUIRED = 508;
    public static final int DATASTORE_FAILURE = 510;
    public static final int SERVER_FAILURE = 511;
    public static final int PROTOCOL_VERSION_NOT_SUPPORTED = 513;

    private StatusCode() {
    }

    /** 2xx: the command succeeded (possibly after resolving a conflict). */
    public static boolean isSuccess(int code) {
        return code >= 200 && code < 300;
    }
}
