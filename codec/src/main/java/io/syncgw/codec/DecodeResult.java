package io.syncgw.codec;

import io.syncgw.codec.model.SyncMessage;
import java.util.Objects;

/**
 * What a streaming decoder says after a chunk: it needs more bytes, it has a complete message, or the input is
 * malformed. Malformed input is a value, never an exception through the pipeline.
 */
public sealed interface DecodeResult {

    /** The bytes so far are a valid prefix; feed more. */
    record NeedMoreInput() implements DecodeResult {
    }

    /** A whole message was decoded. */
    record Complete(SyncMessage message) implements DecodeResult {
        public Complete {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * The input cannot become a valid message. The decoder ignores further input.
     *
     * @param problem    the category, which decides the transport's answer
     * @param reason     a short human-readable description for the log
     * @param byteOffset where in the input the problem was seen (-1 when unknown)
     */
    record Malformed(Problem problem, String reason, long byteOffset) implements DecodeResult {
        public Malformed {
            Objects.requireNonNull(problem, "problem");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Why an input was refused. */
    enum Problem {
        /** Not well-formed XML / WBXML, or the input ended early. */
        SYNTAX,
        /** Well-formed, but not a SyncML message (missing header, bad numbers...). */
        STRUCTURE,
        /** A SyncML version syncgw does not speak. */
        VERSION,
        /** A configured limit (size, depth, element count...) was exceeded. */
        LIMIT,
        /** A construct refused for safety (DTD, entity declarations or references). */
        FORBIDDEN
    }

    NeedMoreInput NEED_MORE_INPUT = new NeedMoreInput();
}
