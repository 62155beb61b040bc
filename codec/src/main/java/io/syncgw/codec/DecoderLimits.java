package io.syncgw.codec;

/**
 * Resource limits every decoder enforces before allocating. Exceeding one yields
 * {@link DecodeResult.Problem#LIMIT}.
 *
 * @param maxMessageBytes bytes of one encoded message
 * @param maxDepth        element nesting depth (a SyncML message with DevInf nests about 11 deep)
 * @param maxElements     elements in one message
 * @param maxTextChars    characters of one text node (an item's data)
 * @param maxCommands     commands in one message, nested ones included
 * @param maxItems        items in one message
 */
public record DecoderLimits(long maxMessageBytes, int maxDepth, int maxElements, int maxTextChars, int maxCommands,
                            int maxItems) {

    /** Defaults sized for real devices: 4 MiB messages, 10,000 commands and items. */
    public static final DecoderLimits DEFAULT = new DecoderLimits(4L << 20, 32, 200_000, 4 << 20, 10_000, 10_000);

    public DecoderLimits {
        if (maxMessageBytes <= 0 || maxDepth <= 0 || maxElements <= 0 || maxTextChars <= 0 || maxCommands <= 0
                || maxItems <= 0) {
            throw new IllegalArgumentException("limits must be positive: " + this);
        }
    }
}
