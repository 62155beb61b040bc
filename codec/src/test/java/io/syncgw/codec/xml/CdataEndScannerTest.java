package io.syncgw.codec.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link CdataEndScanner}: finds "]]>" in character data, the same wherever the chunks end, and agrees with a
 * reference that reads the whole document at once.
 */
class CdataEndScannerTest {

    /** The index of the '>' of the first "]]>" in character data, scanning in chunks of the given sizes. */
    private static int scan(byte[] doc, int[] chunks) {
        CdataEndScanner scanner = new CdataEndScanner();
        int off = 0;
        for (int i = 0; off < doc.length; i++) {
            int n = Math.min(chunks[i % chunks.length], doc.length - off);
            int found = scanner.scan(doc, off, n);
            if (found >= 0) {
                assertThat(found).isBetween(off, off + n - 1);
                return found;
            }
            off += n;
        }
        return -1;
    }

    private static int scan(String doc) {
        byte[] b = doc.getBytes(StandardCharsets.UTF_8);
        int whole = scan(b, new int[] {Math.max(1, b.length)});
        for (int chunk = 1; chunk <= b.length; chunk++) {
            assertThat(scan(b, new int[] {chunk})).as("%s in chunks of %d", doc, chunk).isEqualTo(whole);
        }
        return whole;
    }

    /** The same question answered on the whole text, construct by construct. */
    private static int reference(String doc) {
        int p = 0;
        while (p < doc.length()) {
            int lt = doc.indexOf('<', p);
            int textEnd = lt < 0 ? doc.length() : lt;
            int cdataEnd = doc.substring(p, textEnd).indexOf("]]>");
            if (cdataEnd >= 0) {
                return p + cdataEnd + 2;
            }
            if (lt < 0) {
                return -1;
            }
            if (doc.startsWith("<!--", lt)) {
                p = after(doc, "-->", lt + 4);
            } else if (doc.startsWith("<![CDATA[", lt)) {
                p = after(doc, "]]>", lt + 9);
            } else if (doc.startsWith("<?", lt)) {
                p = after(doc, "?>", lt + 2);
            } else {
                p = lt + 1; // a tag or a declaration: to the first '>' outside quotes
                char quote = 0;
                while (p < doc.length() && (quote != 0 || doc.charAt(p) != '>')) {
                    char c = doc.charAt(p);
                    if (quote == 0 && (c == '"' || c == '\'')) {
                        quote = c;
                    } else if (c == quote) {
                        quote = 0;
                    }
                    p++;
                }
                p++;
            }
        }
        return -1;
    }

    private static int after(String doc, String end, int from) {
        int at = doc.indexOf(end, from);
        return at < 0 ? doc.length() : at + end.length();
    }

    @Test
    void findsCdataEndInCharacterDataOnly() {
        assertThat(scan("<a>x]]>y</a>")).isEqualTo(6);
        assertThat(scan("<a>]]></a>")).isEqualTo(5);
        assertThat(scan("<a>]]]]]></a>")).isEqualTo(8);
        assertThat(scan("]]><a/>")).as("in the prolog").isEqualTo(2);
        assertThat(scan("<a/>]]>")).as("in the epilog").isEqualTo(6);
        assertThat(scan("<a><![CDATA[x]]>]]></a>")).as("text after a CDATA section").isEqualTo(18);

        assertThat(scan("<a>x]]&gt;y]&#93;>z]] >]>]]</a>")).isEqualTo(-1);
        assertThat(scan("<a><![CDATA[x]]]]><![CDATA[>y]]></a>")).isEqualTo(-1);
        assertThat(scan("<a><![CDATA[]]>x</a>")).isEqualTo(-1);
        assertThat(scan("<a><!-- ]]> --><!---->x</a>")).isEqualTo(-1);
        assertThat(scan("<?xml version=\"1.0\"?><?pi ]]> ?><a/>")).isEqualTo(-1);
        assertThat(scan("<a b=\"]]>\" c='>]]>'>x</a>")).isEqualTo(-1);
        assertThat(scan("<!DOCTYPE a SYSTEM \"x]]>y\"><a/>")).isEqualTo(-1);
        assertThat(scan("<a>\u00e9]]\u20ac></a>")).as("multi-byte characters are text").isEqualTo(-1);
    }

    @Test
    void agreesWithTheReferenceOnRandomDocumentsInRandomChunks() {
        String[] tokens = {"<a>", "</a>", "<b/>", "x", "]", "]]", ">", "]]>", "<![CDATA[", "<!--", "-->", "-", "--",
            "<?pi", "?>", "?", "<!DOCTYPE a ", "\"", "'", "<a b=\"", "<a b='", "&gt;", "&#93;", "<!", "<![CD", "[",
            "\u00e9", "\n", " "};
        Random random = new Random(20261129);
        for (int round = 0; round < 3_000; round++) {
            StringBuilder doc = new StringBuilder();
            for (int n = random.nextInt(30); n > 0; n--) {
                doc.append(tokens[random.nextInt(tokens.length)]);
            }
            String text = doc.toString();
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            int expected = reference(new String(b, StandardCharsets.ISO_8859_1)); // byte offsets
            assertThat(scan(b, new int[] {Math.max(1, b.length)})).as(text).isEqualTo(expected);
            int[] chunks = {1 + random.nextInt(5), 1 + random.nextInt(3), 1 + random.nextInt(9)};
            assertThat(scan(b, chunks)).as("%s in chunks", text).isEqualTo(expected);
            assertThat(scan(b, new int[] {1})).as("%s byte by byte", text).isEqualTo(expected);
        }
    }
}
