package io.syncgw.interop;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A small HTTP/1.1 forwarding proxy on 127.0.0.1 between a SyncML client and the gateway, for the resent-message
 * scenarios: it forwards every request unchanged (request line with path and query string, every header including
 * {@code Host}, the body) to the gateway and returns the gateway's reply unchanged, except that the reply to the
 * {@link #dropRequest armed} k-th request is <em>swallowed</em>: the request reaches the gateway, the proxy waits
 * for the complete reply and then {@link Drop#CLOSE closes} the client's connection without a byte (or
 * {@link Drop#STALL stalls} until the client gives up). The client then sees a lost reply for a message the
 * server has applied, which is exactly the situation a resend must survive. {@link #cut} arms either half of an
 * exchange: the request lost before the gateway ({@link Cut#REQUEST}: nothing is forwarded) or the response lost
 * after it ({@link Cut#RESPONSE}), as the fault-injection suite needs.
 *
 * <p>Because {@code Host} is forwarded as the client sent it, the gateway's RespURI points back at the proxy, so
 * every later message of the session passes through it too. Every reply to the client carries
 * {@code Connection: close} (one request per connection): a dropped reply is then a plain "empty reply" to the
 * client, never a dead keep-alive connection that libcurl would silently retry on its own.
 *
 * <p>Every request is recorded as an {@link Exchange} (index, target, content type, SHA-256 of the body and of the
 * reply), so a test can prove that the client re-posted the identical message ({@link #repostOf}) and that the
 * gateway answered the re-post with the very reply it had given before.
 *
 * <p>JDK classes only (plain sockets); one thread per connection.
 */
public final class DroppingProxy implements AutoCloseable {

    /** How a reply is swallowed. */
    public enum Drop {
        /** Close the client connection without answering (libcurl: "Empty reply from server"). */
        CLOSE,
        /** Send nothing and keep the connection open until the client closes it (its own timeout). */
        STALL
    }

    /**
     * Which half of the armed exchange {@link #cut} loses (SyncEvolution's fault-injection tests cut both directions).
     */
    public enum Cut {
        /**
         * The client's message is lost on its way: the proxy reads the request and closes the client's connection
         * without forwarding a byte, so the gateway never sees it. Recorded with {@code status} 0.
         */
        REQUEST,
        /**
         * The gateway's reply is lost on its way back: the request is forwarded and processed, the reply swallowed
         * and the client's connection closed without an answer (the same as {@code dropRequest(k, Drop.CLOSE)}).
         */
        RESPONSE
    }

    /**
     * One request that passed through the proxy.
     *
     * @param index         1-based, counted since the last {@link #dropRequest}/{@link #reset} (or the start)
     * @param method        e.g. POST
     * @param target        request target: path and query string, e.g. {@code /sync?s=...}
     * @param contentType   the request's Content-Type
     * @param requestBytes  body length
     * @param requestSha256 hex SHA-256 of the body
     * @param status        the gateway's HTTP status, -1 when the gateway could not be reached, 0 when the request
     *                      was not forwarded ({@link Cut#REQUEST})
     * @param replyType     the reply's Content-Type
     * @param replyBytes    reply body length
     * @param replySha256   hex SHA-256 of the reply body
     * @param dropped       the reply was swallowed
     * @param millis        time from the request's arrival to the gateway's complete reply
     */
    public record Exchange(int index, String method, String target, String contentType, int requestBytes,
                           String requestSha256, int status, String replyType, int replyBytes, String replySha256,
                           boolean dropped, long millis) {

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "#%d %s %s (%s, %d B, sha %s) -> %d (%s, %d B, sha %s) %d ms%s", index,
                    method, target, contentType, requestBytes, requestSha256.substring(0, 12), status, replyType,
                    replyBytes, replySha256.isEmpty() ? "-" : replySha256.substring(0, 12), millis,
                    dropped ? " DROPPED" : "");
        }
    }

    private static final Duration IO_TIMEOUT = Duration.ofSeconds(150);
    private static final int MAX_BODY = 64 * 1024 * 1024;

    private final String upstreamHost;
    private final int upstreamPort;
    private final ServerSocket server;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dropping-proxy");
        t.setDaemon(true);
        return t;
    });
    private final List<Exchange> exchanges = new ArrayList<>();
    private final AtomicInteger counter = new AtomicInteger();
    private volatile int dropIndex = -1;
    private volatile Drop dropMode = Drop.CLOSE;
    /** The armed request is not forwarded at all ({@link Cut#REQUEST}). */
    private volatile boolean dropBeforeForwarding;
    private volatile boolean closed;

    private DroppingProxy(URI upstream, ServerSocket server) {
        this.upstreamHost = upstream.getHost();
        this.upstreamPort = upstream.getPort();
        this.server = server;
    }

    /** Starts a proxy on a free port of 127.0.0.1 forwarding to {@code upstream} ({@code http://host:port}). */
    public static DroppingProxy start(URI upstream) {
        ServerSocket s;
        try {
            s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DroppingProxy p = new DroppingProxy(upstream, s);
        Thread acceptor = new Thread(p::acceptLoop, "dropping-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return p;
    }

    /** {@code http://127.0.0.1:PORT/sync}: the URL to give the client instead of the gateway's. */
    public String syncUrl() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/sync";
    }

    public int port() {
        return server.getLocalPort();
    }

    /**
     * Restarts the request count and arms the proxy: the reply to request {@code k} (1-based, counted from now)
     * is swallowed the given way; {@code k <= 0} drops nothing. The record of exchanges is cleared.
     */
    public synchronized void dropRequest(int k, Drop how) {
        exchanges.clear();
        counter.set(0);
        dropIndex = k;
        dropMode = Objects.requireNonNull(how);
        dropBeforeForwarding = false;
    }

    /**
     * Restarts the request count and arms the proxy to lose one half of request {@code k} (1-based, counted from
     * now): {@link Cut#REQUEST} never reaches the gateway, {@link Cut#RESPONSE} reaches it and its reply is
     * swallowed. Either way the client's connection is closed without an answer ("Empty reply from server"). Only
     * request {@code k} itself is affected: a re-post of the same message is the client's request {@code k + 1} and
     * is forwarded. {@code k <= 0} drops nothing. The record of exchanges is cleared.
     */
    public synchronized void cut(int k, Cut what) {
        dropRequest(k, Drop.CLOSE);
        dropBeforeForwarding = Objects.requireNonNull(what) == Cut.REQUEST;
    }

    /** Forwards everything from now on, counting from 1 again. */
    public void reset() {
        dropRequest(-1, Drop.CLOSE);
    }

    /** The exchanges since the last {@link #dropRequest}/{@link #reset}, in order of arrival. */
    public synchronized List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /** The first later exchange that re-posted exchange {@code index}'s identical body to the same target. */
    public synchronized Optional<Exchange> repostOf(int index) {
        Exchange original = exchanges.stream().filter(e -> e.index() == index).findFirst().orElse(null);
        if (original == null) {
            return Optional.empty();
        }
        return exchanges.stream().filter(e -> e.index() > index && e.target().equals(original.target())
                && e.requestSha256().equals(original.requestSha256())).findFirst();
    }

    /** One line per exchange, for assertion messages and the test's output. */
    public synchronized String describe() {
        return exchanges.stream().map(Exchange::toString).collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("DroppingProxy: accept failed: " + e);
                }
                return;
            }
            workers.execute(() -> serve(client));
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout((int) IO_TIMEOUT.toMillis());
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            HttpMessage req = HttpMessage.read(in, true, out);
            if (req == null) {
                return; // connection opened and closed without a request
            }
            int index = counter.incrementAndGet();
            long t0 = System.nanoTime();
            if (index == dropIndex && dropBeforeForwarding) {
                // Cut.REQUEST: the message is lost before the gateway; closing the connection says nothing
                record(new Exchange(index, req.method(), req.target(), req.header("Content-Type"), req.body.length,
                        sha256(req.body), 0, "", 0, "", true, millis(t0)));
                return;
            }
            HttpMessage reply;
            try (Socket upstream = new Socket()) {
                upstream.connect(new InetSocketAddress(upstreamHost, upstreamPort), 5000);
                upstream.setSoTimeout((int) IO_TIMEOUT.toMillis());
                OutputStream uo = upstream.getOutputStream();
                uo.write(req.serialize());
                uo.flush();
                reply = HttpMessage.read(new BufferedInputStream(upstream.getInputStream()), false, null);
                if (reply == null) {
                    throw new EOFException("the gateway closed the connection without a reply");
                }
            } catch (IOException e) {
                record(new Exchange(index, req.method(), req.target(), req.header("Content-Type"), req.body.length,
                        sha256(req.body), -1, "", 0, "", false, millis(t0)));
                byte[] msg = ("proxy: gateway unreachable: " + e).getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: " + msg.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(msg);
                out.flush();
                return;
            }
            boolean drop = index == dropIndex;
            record(new Exchange(index, req.method(), req.target(), req.header("Content-Type"), req.body.length,
                    sha256(req.body), reply.status(), reply.header("Content-Type"), reply.body.length,
                    sha256(reply.body), drop, millis(t0)));
            if (!drop) {
                out.write(reply.serialize());
                out.flush();
                return;
            }
            if (dropMode == Drop.STALL) {
                // say nothing until the client hangs up (or the I/O timeout ends the wait)
                try {
                    while (in.read() >= 0) {
                        // discard
                    }
                } catch (SocketTimeoutException | SocketException e) {
                    // done waiting
                }
            }
            // CLOSE: leaving the try block closes the connection without an answer
        } catch (IOException e) {
            if (!closed) {
                System.err.println("DroppingProxy: connection failed: " + e);
            }
        }
    }

    private synchronized void record(Exchange e) {
        exchanges.add(e);
    }

    private static long millis(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One HTTP/1.1 request or response: the start line, the headers (raw, in order) and the decoded body
     * (Content-Length, chunked, or, for a response, up to the end of the connection).
     */
    private static final class HttpMessage {
        final String startLine;
        final List<String[]> headers;
        final byte[] body;

        private HttpMessage(String startLine, List<String[]> headers, byte[] body) {
            this.startLine = startLine;
            this.headers = headers;
            this.body = body;
        }

        String method() {
            return startLine.split(" ", 3)[0];
        }

        String target() {
            String[] p = startLine.split(" ", 3);
            return p.length > 1 ? p[1] : "";
        }

        int status() {
            String[] p = startLine.split(" ", 3);
            try {
                return p.length > 1 ? Integer.parseInt(p[1]) : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        /**
         * Reads one message; null on a clean end of stream before the first byte. For a request carrying
         * {@code Expect: 100-continue}, {@code continueTo} gets the interim 100 answer before the body is read.
         */
        static HttpMessage read(InputStream in, boolean request, OutputStream continueTo) throws IOException {
            String start = line(in, true);
            if (start == null) {
                return null;
            }
            while (!request && start.startsWith("HTTP/1.1 100")) { // interim answer: skip it and its headers
                while (!line(in, false).isEmpty()) {
                    // skip
                }
                start = line(in, false);
            }
            List<String[]> headers = new ArrayList<>();
            for (String l = line(in, false); !l.isEmpty(); l = line(in, false)) {
                int colon = l.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("bad header line: " + l);
                }
                headers.add(new String[] {l.substring(0, colon).trim(), l.substring(colon + 1).trim()});
            }
            HttpMessage head = new HttpMessage(start, headers, new byte[0]);
            if (request && continueTo != null && "100-continue".equalsIgnoreCase(head.header("Expect"))) {
                continueTo.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                continueTo.flush();
            }
            byte[] body;
            String te = head.header("Transfer-Encoding");
            String cl = head.header("Content-Length");
            if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
                body = chunked(in);
            } else if (cl != null) {
                int n = Integer.parseInt(cl.trim());
                if (n < 0 || n > MAX_BODY) {
                    throw new IOException("Content-Length " + n + " out of range");
                }
                body = in.readNBytes(n);
                if (body.length != n) {
                    throw new EOFException("body ended after " + body.length + " of " + n + " bytes");
                }
            } else if (request) {
                body = new byte[0];
            } else {
                body = in.readAllBytes(); // the upstream connection is closed after the reply
            }
            return new HttpMessage(start, headers, body);
        }

        /** Start line, headers without the hop-by-hop ones, Content-Length and Connection: close, body. */
        byte[] serialize() {
            StringBuilder sb = new StringBuilder(startLine).append("\r\n");
            for (String[] h : headers) {
                String n = h[0].toLowerCase(Locale.ROOT);
                if (n.equals("content-length") || n.equals("transfer-encoding") || n.equals("connection")
                        || n.equals("keep-alive") || n.equals("expect") || n.equals("proxy-connection")) {
                    continue;
                }
                sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
            sb.append("Content-Length: ").append(body.length).append("\r\n");
            sb.append("Connection: close\r\n\r\n");
            byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
            byte[] all = new byte[head.length + body.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(body, 0, all, head.length, body.length);
            return all;
        }

        private static byte[] chunked(InputStream in) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = line(in, false);
                int semi = sizeLine.indexOf(';');
                int size = Integer.parseInt((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
                if (size == 0) {
                    while (!line(in, false).isEmpty()) {
                        // trailers: dropped
                    }
                    return out.toByteArray();
                }
                if (out.size() + size > MAX_BODY) {
                    throw new IOException("chunked body too large");
                }
                byte[] chunk = in.readNBytes(size);
                if (chunk.length != size) {
                    throw new EOFException("chunk ended early");
                }
                out.write(chunk);
                line(in, false); // CRLF after the chunk
            }
        }

        /** One line without its CRLF (ISO-8859-1); null at a clean end of stream when {@code eofOk}. */
        private static String line(InputStream in, boolean eofOk) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    if (eofOk && b.size() == 0) {
                        return null;
                    }
                    throw new EOFException("connection ended inside the HTTP head");
                }
                if (c == '\n') {
                    byte[] bytes = b.toByteArray();
                    int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
                }
                if (b.size() > 64 * 1024) {
                    throw new IOException("HTTP head line too long");
                }
                b.write(c);
            }
        }
    }
}
