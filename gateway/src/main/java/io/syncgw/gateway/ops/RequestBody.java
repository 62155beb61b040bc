package io.syncgw.gateway.ops;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.ByteArrayOutputStream;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;

/** Reads a small request body (JSON, a form) whole, refusing it as soon as it is larger than a limit. */
public final class RequestBody {

    /** The body was larger than allowed. */
    public static final class TooLarge extends RuntimeException {
        TooLarge(int limit) {
            super("the request body exceeds " + limit + " bytes", null, false, false);
        }
    }

    private RequestBody() {
    }

    /** The body's bytes (empty array when there is none); {@link TooLarge} past {@code limit} bytes. */
    public static Mono<byte[]> read(HttpServerRequest req, int limit) {
        String declared = req.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > limit) {
                    return Mono.error(new TooLarge(limit));
                }
            } catch (NumberFormatException e) {
                return Mono.error(new TooLarge(limit));
            }
        }
        return req.receive().asByteArray()
                .reduceWith(ByteArrayOutputStream::new, (out, chunk) -> {
                    if (out.size() + chunk.length > limit) {
                        throw new TooLarge(limit);
                    }
                    out.write(chunk, 0, chunk.length);
                    return out;
                })
                .map(ByteArrayOutputStream::toByteArray)
                .defaultIfEmpty(new byte[0]);
    }
}
