package io.syncgw.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.NettyPipeline;

/**
 * Bounds the time a request's headers may take to arrive, from its first byte (slowloris: a connection trickling
 * header bytes defeats every idle and read timeout and holds a socket and a buffer for as long as it likes). Reactor
 * Netty's request timeout only starts once the headers are decoded. When the headers of a request are not complete
 * within the limit the client gets {@code 408 Request Timeout} and the connection is closed. An idle keep-alive
 * connection between requests is left to the server's idle timeout.
 *
 * <p>Two handlers around the HTTP codec share one state, both on the channel's event loop: the raw one (before the
 * codec) starts the clock at the first byte of a request, the decoded one (after it) stops the clock when the request
 * head comes out of the codec and makes the next raw byte start it again once the response has been written.
 */
final class HeaderTimeout {
    private static final Logger LOG = LoggerFactory.getLogger(HeaderTimeout.class);
    private static final byte[] REQUEST_TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 36\r\nConnection: close\r\n\r\n408 Request Timeout: headers too slow")
            .getBytes(StandardCharsets.US_ASCII);

    private final long millis;
    private ScheduledFuture<?> timer;
    /** Between requests: the next byte read starts a request and the clock. */
    private boolean awaitingHead = true;
    /** Counting for the request now arriving (its head not decoded yet). */
    private boolean counting;

    private HeaderTimeout(Duration limit) {
        this.millis = limit.toMillis();
    }

    /** Adds the two handlers around the HTTP/1.1 codec of a freshly initialised server channel (no-op without one). */
    static void install(ChannelPipeline pipeline, Duration limit) {
        if (pipeline.get(NettyPipeline.HttpCodec) == null) {
            return; // not an HTTP/1.1 pipeline (nothing to guard)
        }
        HeaderTimeout t = new HeaderTimeout(limit);
        pipeline.addBefore(NettyPipeline.HttpCodec, "syncgw.headerTimeout.raw", t.new Raw());
        pipeline.addAfter(NettyPipeline.HttpCodec, "syncgw.headerTimeout.decoded", t.new Decoded());
    }

    private void stop() {
        counting = false;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private final class Raw extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (awaitingHead && msg instanceof ByteBuf b && b.isReadable()) {
                awaitingHead = false;
                counting = true;
                timer = ctx.executor().schedule(() -> expire(ctx), millis, TimeUnit.MILLISECONDS);
            }
            ctx.fireChannelRead(msg);
        }

        private void expire(ChannelHandlerContext ctx) {
            timer = null;
            if (!counting || !ctx.channel().isActive()) {
                return;
            }
            counting = false;
            LOG.warn("request headers from {} not complete within {} ms: 408, connection closed",
                    ctx.channel().remoteAddress(), millis);
            // written from here, below the codec: the bytes go out as they are
            ctx.writeAndFlush(Unpooled.wrappedBuffer(REQUEST_TIMEOUT)).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            stop();
            ctx.fireChannelInactive();
        }
    }

    private final class Decoded extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                stop(); // the head is here: Reactor Netty's request and read timeouts take over
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof LastHttpContent) {
                awaitingHead = true; // the response is complete: a next request on this connection starts the clock
            }
            ctx.write(msg, promise);
        }
    }
}
