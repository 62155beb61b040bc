package io.syncgw.codec.tree;

import java.util.ArrayList;
import java.util.List;

/**
 * An element of a decoded SyncML document: local name, child elements, and character data. Built by a decoder (XML
 * or WBXML) while bytes arrive and read once by {@link SyncMlTreeReader}.
 *
 * <p><b>Internal</b> to the codec: public only so that both wire-format packages can build it.
 *
 * <p>Names carry no namespace or code page: the reader tells SyncML, MetInf and DevInf elements apart by where they
 * stand. Character data is kept only for elements without child elements (SyncML has no mixed content that matters:
 * the whitespace around a nested {@code DevInf} is layout). Not thread-safe.
 */
public final class Element {
    private static final List<Element> NONE = List.of();

    private final String name;
    private List<Element> children = NONE;
    /** The text while it came in one piece (the common case: kept as it is, not copied). */
    private String single;
    private StringBuilder text;

    public Element(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public void add(Element child) {
        if (children == NONE) {
            children = new ArrayList<>(4);
        }
        children.add(child);
    }

    public void appendText(String s) {
        if (text != null) {
            text.append(s);
        } else if (single == null) {
            single = s;
        } else {
            text = new StringBuilder(single.length() + s.length() + 16).append(single).append(s);
            single = null;
        }
    }

    /** Characters of text kept so far. */
    public int textLength() {
        return text != null ? text.length() : single != null ? single.length() : 0;
    }

    public List<Element> children() {
        return children;
    }

    public boolean hasChildren() {
        return !children.isEmpty();
    }

    /** The exact character data, "" when none. */
    public String text() {
        return text != null ? text.toString() : single != null ? single : "";
    }

    /** The first child with this local name, or null. */
    public Element child(String childName) {
        for (Element c : children) {
            if (c.name.equals(childName)) {
                return c;
            }
        }
        return null;
    }

    /** Trimmed text of the first child with this name, or null when there is no such child. */
    public String childText(String childName) {
        Element c = child(childName);
        return c == null ? null : c.text().trim();
    }

    public boolean has(String childName) {
        return child(childName) != null;
    }

    public List<Element> all(String childName) {
        List<Element> out = new ArrayList<>();
        for (Element c : children) {
            if (c.name.equals(childName)) {
                out.add(c);
            }
        }
        return out;
    }

    public List<String> allTexts(String childName) {
        List<String> out = new ArrayList<>();
        for (Element c : children) {
            if (c.name.equals(childName)) {
                out.add(c.text().trim());
            }
        }
        return out;
    }
}
