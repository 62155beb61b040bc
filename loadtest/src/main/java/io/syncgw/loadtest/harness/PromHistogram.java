package io.syncgw.loadtest.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One histogram family of a Prometheus text scrape ({@code NAME_bucket{le="..",...} count}), its cumulative bucket
 * counts summed over the series whose labels contain a given text (for example {@code uri="/sync"}): what the
 * gateway itself measured, next to what the load generator saw. Two scrapes, one at each end of the measured
 * window, give the window's histogram by {@link #minus}; {@link #quantile} estimates as PromQL's
 * {@code histogram_quantile} does (linear within the bucket), so the figure matches a dashboard's.
 *
 * @param bounds the buckets' upper bounds in ascending order, the last {@code +Inf}
 * @param cumulative the count of observations at or below each bound
 */
public record PromHistogram(double[] bounds, long[] cumulative) {
    private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

    /** The histogram of {@code family} (without {@code _bucket}) in {@code scrape}; empty when it has no series. */
    public static PromHistogram parse(String scrape, String family, String labelText) {
        TreeMap<Double, Long> buckets = new TreeMap<>();
        String prefix = family + "_bucket{";
        for (String line : scrape.split("\n")) {
            if (!line.startsWith(prefix)) {
                continue;
            }
            int close = line.lastIndexOf('}');
            if (close < 0) {
                continue;
            }
            String labels = line.substring(prefix.length(), close);
            Matcher le = LE.matcher(labels);
            if (!labels.contains(labelText) || !le.find()) {
                continue;
            }
            double bound = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
            long count = (long) Double.parseDouble(line.substring(close + 1).trim());
            buckets.merge(bound, count, Long::sum);
        }
        double[] b = new double[buckets.size()];
        long[] c = new long[buckets.size()];
        int i = 0;
        for (var e : buckets.entrySet()) {
            b[i] = e.getKey();
            c[i++] = e.getValue();
        }
        return new PromHistogram(b, c);
    }

    /** GETs a scrape; null when the endpoint does not answer (the figure is then left out, not guessed). */
    public static String scrape(String url) {
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Observations in all buckets. */
    public long count() {
        return cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1];
    }

    /**
     * What was observed between {@code earlier} and this scrape. A bucket absent from {@code earlier} (its series
     * appeared in between) counts from zero.
     */
    public PromHistogram minus(PromHistogram earlier) {
        long[] c = new long[cumulative.length];
        for (int i = 0; i < bounds.length; i++) {
            int j = Arrays.binarySearch(earlier.bounds, bounds[i]);
            c[i] = cumulative[i] - (j >= 0 ? earlier.cumulative[j] : 0);
        }
        return new PromHistogram(bounds, c);
    }

    /**
     * The {@code q} quantile (0..1) in the histogram's unit, linear within its bucket as {@code histogram_quantile}
     * does; the highest finite bound when it falls in the {@code +Inf} bucket; NaN when the histogram is empty.
     */
    public double quantile(double q) {
        long total = count();
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        for (int i = 0; i < bounds.length; i++) {
            if (cumulative[i] >= rank) {
                if (Double.isInfinite(bounds[i])) {
                    return i > 0 ? bounds[i - 1] : Double.NaN;
                }
                double lower = i > 0 ? bounds[i - 1] : 0;
                long below = i > 0 ? cumulative[i - 1] : 0;
                long in = cumulative[i] - below;
                return in == 0 ? bounds[i] : lower + (bounds[i] - lower) * (rank - below) / in;
            }
        }
        return bounds[bounds.length - 1];
    }
}
