package io.syncgw.codec;

/**
 * A streaming decoder of one SyncML message in one wire format: fed chunks as they arrive, it answers
 * {@link DecodeResult.NeedMoreInput} until the message is complete or refused. Arrays are read only during
 * {@link #feed}, so callers may reuse them. One instance per message; not thread-safe.
 */
public interface SyncMlDecoder {

    DecodeResult feed(byte[] buf, int off, int len);

    /** The body ended: a message that is not complete by now is malformed. */
    DecodeResult endOfInput();
}
