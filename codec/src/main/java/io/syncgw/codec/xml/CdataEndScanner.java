package io.syncgw.codec.xml;

/**
 * Finds {@code ]]>} in character data (XML 1.0 section 2.4: it may only end a CDATA section), in the raw bytes of a
 * document fed in chunks of any size.
 *
 * <p>Aalto's asynchronous scanner checks for it only within one input buffer and not at all when a text segment
 * starts with {@code ]}, so whether it refuses a document depends on where the chunks happen to end. This scanner
 * is a byte-at-a-time state machine whose state carries over from one chunk to the next, so its answer does not.
 *
 * <p>It tells markup from character data only as far as needed: tags (quoted attribute values may hold {@code >}
 * and {@code ]]>}), comments, processing instructions, CDATA sections and declarations such as DOCTYPE (quoted
 * literals may hold {@code >}). References ({@code ]]&gt;}, {@code ]&#93;>}) are not a literal {@code ]]>}, and
 * CDATA sections that follow each other ({@code <![CDATA[a]]]]><![CDATA[>]]>}, the usual way to carry "]]>") are
 * markup, so neither is flagged. On a well-formed document it is in step with the parser; on any other, the parser
 * refuses the document anyway (possibly earlier, for another reason). Multi-byte UTF-8 sequences never contain the
 * ASCII bytes it looks at, and encodings whose ASCII is not single bytes are not accepted by the parser.
 *
 * <p>Not thread-safe: one instance per document.
 */
final class CdataEndScanner {

    private enum State {
        /** Character data (and the prolog and epilog, where the parser allows only white space). */
        TEXT,
        /** After {@code <}. */
        LT,
        /** After {@code <!}. */
        BANG,
        /** After {@code <!-}. */
        BANG_DASH,
        /** Within {@code <![CDATA[}: {@link #matched} characters of it seen. */
        BANG_CDATA,
        COMMENT,
        CDATA,
        /** A processing instruction (the XML declaration is one, syntactically). */
        PI,
        /** A start or end tag, outside quotes. */
        TAG,
        /** Inside a quoted attribute value; {@link #quote} ends it. */
        TAG_QUOTED,
        /** A declaration ({@code <!DOCTYPE ...>}), outside quotes. */
        DECL,
        /** Inside a quoted literal of a declaration; {@link #quote} ends it. */
        DECL_QUOTED
    }

    private static final String CDATA_OPEN = "[CDATA[";

    private State state = State.TEXT;
    /** Consecutive ']' (TEXT, CDATA), '-' (COMMENT) or '?' (PI) just seen, at most 2. */
    private int run;
    private int matched;
    private byte quote;

    /**
     * Scans the next chunk of the document.
     *
     * @return the index in {@code buf} of the {@code >} that ends the first {@code ]]>} in character data, or -1
     *         when there is none in this chunk (the state carries over to the next chunk)
     */
    int scan(byte[] buf, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            // most of a document is text, tags and CDATA: the bytes that do not matter there are skipped in tight
            // loops (in text and CDATA they only end a run of ']'); the others go through step() one at a time
            State s = state;
            if (s == State.TEXT || s == State.CDATA) {
                int from = i;
                byte b = 0;
                while (i < end && (b = buf[i]) != ']' && b != '>' && b != '<') {
                    i++;
                }
                if (i > from) {
                    run = 0;
                }
                if (s == State.TEXT && b == '<' && i + 1 < end && buf[i + 1] != '!' && buf[i + 1] != '?') {
                    // a start or end tag, the usual next thing in element-dense documents (DevInf): read to its '>'
                    // here, as step() would through LT and TAG, without going through step() for each state
                    int j = i + 1;
                    byte t = 0;
                    while (j < end && (t = buf[j]) != '>' && t != '"' && t != '\'') {
                        j++;
                    }
                    run = 0;
                    if (j < end && t == '>') {
                        i = j + 1; // the tag ended: character data again
                    } else {
                        state = State.TAG; // a quoted attribute value or the chunk's end: step() goes on from j
                        i = j;
                    }
                    continue;
                }
            } else if (s == State.TAG) {
                byte b;
                while (i < end && (b = buf[i]) != '>' && b != '"' && b != '\'') {
                    i++;
                }
            } else if (s == State.TAG_QUOTED) {
                while (i < end && buf[i] != quote) {
                    i++;
                }
            } else if (s == State.LT && buf[i] != '!' && buf[i] != '?') {
                state = State.TAG; // a start or end tag: its name is skipped above
                continue;
            }
            if (i == end) {
                break;
            }
            if (step(buf[i])) {
                return i;
            }
            i++;
        }
        return -1;
    }

    /** Advances by one byte; true when it is the {@code >} of a {@code ]]>} in character data. */
    private boolean step(byte b) {
        switch (state) {
            case TEXT:
                if (b == ']') {
                    run = Math.min(2, run + 1);
                    return false;
                }
                boolean cdataEnd = b == '>' && run == 2;
                run = 0;
                if (b == '<') {
                    state = State.LT;
                }
                return cdataEnd;
            case LT:
                if (b == '!') {
                    state = State.BANG;
                } else if (b == '?') {
                    enter(State.PI);
                } else {
                    state = State.TAG;
                    return step(b);
                }
                return false;
            case BANG:
                if (b == '-') {
                    state = State.BANG_DASH;
                } else if (b == '[') {
                    state = State.BANG_CDATA;
                    matched = 1;
                } else {
                    state = State.DECL;
                    return step(b);
                }
                return false;
            case BANG_DASH:
                if (b == '-') {
                    enter(State.COMMENT);
                    return false;
                }
                state = State.DECL; // "<!-x": not well-formed; the parser says so
                return step(b);
            case BANG_CDATA:
                if (b != CDATA_OPEN.charAt(matched)) {
                    state = State.DECL; // not well-formed either
                    return step(b);
                }
                if (++matched == CDATA_OPEN.length()) {
                    enter(State.CDATA);
                }
                return false;
            case COMMENT:
                return endsWith(b, (byte) '-', 2);
            case CDATA:
                return endsWith(b, (byte) ']', 2);
            case PI:
                return endsWith(b, (byte) '?', 1);
            case TAG:
            case DECL:
                if (b == '"' || b == '\'') {
                    quote = b;
                    state = state == State.TAG ? State.TAG_QUOTED : State.DECL_QUOTED;
                } else if (b == '>') {
                    enter(State.TEXT);
                }
                return false;
            case TAG_QUOTED:
            case DECL_QUOTED:
                if (b == quote) {
                    state = state == State.TAG_QUOTED ? State.TAG : State.DECL;
                }
                return false;
            default:
                throw new IllegalStateException(state.name());
        }
    }

    /** In a construct that ends with {@code needed} times {@code mark} and then {@code >}. Never a finding. */
    private boolean endsWith(byte b, byte mark, int needed) {
        if (b == mark) {
            run = Math.min(2, run + 1);
        } else if (b == '>' && run >= needed) {
            enter(State.TEXT);
        } else {
            run = 0;
        }
        return false;
    }

    private void enter(State next) {
        state = next;
        run = 0;
    }
}
