package io.syncgw.codec.xml;

import java.util.ArrayList;
import java.util.List;

/**
 * An element of a decoded document: local name, child elements, and character data. Built by the decoder while
 * bytes arrive and read once by {@link SyncMlReader}; never leaves this package.
 *
 * <p>Character data is kept only for elements without child elements (SyncML has no mixed content that matters:
 * the whitespace around a nested {@code DevInf} is layout).
 */
final class XmlNode {
    private static final List<XmlNode> NONE = List.of();

    final String name;
    private List<XmlNode> children = NONE;
    private StringBuilder text;

    XmlNode(String name) {
        this.name = name;
    }

    void add(XmlNode child) {
        if (children == NONE) {
            children = new ArrayList<>(4);
        }
        children.add(child);
    }

    void appendText(String s) {
        if (text == null) {
            text = new StringBuilder(s.length());
        }
        text.append(s);
    }

    int textLength() {
        return text == null ? 0 : text.length();
    }

    List<XmlNode> children() {
        return children;
    }

    boolean hasChildren() {
        return !children.isEmpty();
    }

    /** The exact character data, "" when none. */
    String text() {
        return text == null ? "" : text.toString();
    }

    /** The first child with this local name, or null. */
    XmlNode child(String childName) {
        for (XmlNode c : children) {
            if (c.name.equals(childName)) {
                return c;
            }
        }
        return null;
    }

    /** Trimmed text of the first child with this name, or null when there is no such child. */
    String childText(String childName) {
        XmlNode c = child(childName);
        return c == null ? null : c.text().trim();
    }

    boolean has(String childName) {
        return child(childName) != null;
    }

    List<XmlNode> all(String childName) {
        List<XmlNode> out = new ArrayList<>();
        for (XmlNode c : children) {
            if (c.name.equals(childName)) {
                out.add(c);
            }
        }
        return out;
    }

    List<String> allTexts(String childName) {
        List<String> out = new ArrayList<>();
        for (XmlNode c : children) {
            if (c.name.equals(childName)) {
                out.add(c.text().trim());
            }
        }
        return out;
    }
}
