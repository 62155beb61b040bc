package io.syncgw.codec.pim;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Decides without ez-vcard, from the property names of the lines alone, that {@link VCardCodec#merge} would return
 * the device's version unchanged: every property of the server copy is one the device supports or sent itself. That
 * is the usual case (a device that holds every property of its contacts edits one), and it spares parsing both
 * cards. Only plain cards are decided: one card each, no nested card, no LABEL (ez-vcard attaches it to an ADR),
 * every line a property with a name of letters, digits and '-'; anything else is left to the merge.
 */
public final class VCardMergeShortcut {

    private VCardMergeShortcut() {
    }

    /**
     * Whether {@code codec.merge(serverCopy, deviceVersion, supported)} returns {@code deviceVersion} as it is.
     *
     * @return true when it does; false when that is not decided here (merge as usual)
     */
    public static boolean deviceVersionSuffices(VCardCodec codec, String serverCopy, String deviceVersion,
                                                Set<String> supported) {
        if (deviceVersion == null || !acceptable(codec, deviceVersion)) {
            return false;
        }
        Set<String> deviceNames = names(deviceVersion);
        if (deviceNames == null) {
            return false;
        }
        if (serverCopy == null || !acceptable(codec, serverCopy)) {
            return true; // the merge keeps the device's version when the server copy is no card
        }
        Set<String> serverNames = names(serverCopy);
        if (serverNames == null) {
            return false;
        }
        Set<String> held = new HashSet<>(deviceNames);
        if (supported == null || supported.isEmpty()) {
            String version = VCardStructure.version(deviceVersion);
            held.addAll(version != null && (version.equals("3.0") || version.equals("4.0"))
                    ? VCardCodec.VCARD_30_PROPERTIES : VCardCodec.VCARD_21_PROPERTIES);
        } else {
            for (String name : supported) {
                if (name != null) {
                    held.add(name.strip().toUpperCase(Locale.ROOT));
                }
            }
        }
        return held.containsAll(serverNames);
    }

    /** What {@link VCardCodec} accepts as a card: not blank, within its size limit, one complete card. */
    private static boolean acceptable(VCardCodec codec, String text) {
        return codec.precheck(text) == null && VCardStructure.scan(text).valid();
    }

    /** The upper-case property names of a plain card's lines; null when the card is not plain. */
    private static Set<String> names(String card) {
        if (VCardStructure.foldsOntoBlankLine(card)) {
            return null; // readers differ on which line the continuation belongs to
        }
        Set<String> names = new HashSet<>();
        VCardStructure.LogicalLines lines = new VCardStructure.LogicalLines(card);
        int depth = 0;
        int versions = 0;
        for (String line = lines.next(); line != null; line = lines.next()) {
            String trimmed = VCardStructure.stripBlank(line);
            if (trimmed.isEmpty()) {
                continue;
            }
            if (Character.isWhitespace(line.charAt(0)) || line.charAt(0) != trimmed.charAt(0)) {
                return null;
            }
            int colon = trimmed.indexOf(':');
            if (colon < 0) {
                return null; // bare base64 data or garbage: left to the merge's own reading
            }
            String name = VCardStructure.propertyName(trimmed.substring(0, colon));
            String value = trimmed.substring(colon + 1).strip();
            if (name.equals("BEGIN") || name.equals("END")) {
                if (!value.equalsIgnoreCase("VCARD") || !trimmed.substring(0, colon).equalsIgnoreCase(name)) {
                    return null;
                }
                depth += name.equals("BEGIN") ? 1 : -1;
                if (depth > 1) {
                    return null; // a nested card
                }
                continue;
            }
            if (name.isEmpty() || name.equals("LABEL") || name.equals("AGENT") || !plainName(name)) {
                return null;
            }
            if (name.equals("VERSION")) {
                // ez-vcard keeps a VERSION it does not know (or a second one) as a property of its own
                if (versions++ > 0 || !(value.equals("2.1") || value.equals("3.0") || value.equals("4.0"))) {
                    return null;
                }
            } else {
                names.add(name);
            }
        }
        return names;
    }

    private static boolean plainName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
