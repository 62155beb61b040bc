package io.syncgw.gateway.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Netty 4.2's adaptive buffer allocator takes a StampedLock when it grows its magazines, which can park an event
 * loop for the moment two of them contend. That is Netty's own bounded lock, not I/O, and not syncgw's code: allowed
 * here so that BlockHound still fails anything syncgw itself does.
 */
public final class NettyInternalsAllowance implements BlockHoundIntegration {
    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
    }
}
