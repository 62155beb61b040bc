/**
 * Codec contracts shared by the wire formats: decode results as values, decoder limits, and the encoder interface the
 * engine uses to keep replies within a client's MaxMsgSize. Knows nothing of sessions or storage.
 */
package io.syncgw.codec;
