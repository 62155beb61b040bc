package io.syncgw.codec.pim;

import static io.syncgw.codec.pim.TestCards.crlf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Whenever the shortcut says the device's version suffices, the merge itself returns that version unchanged. */
class VCardMergeShortcutTest {

    private static final VCardCodec CODEC = new VCardCodec();

    private static final List<Set<String>> SUPPORTED = List.of(Set.of(), Set.of("N", "TEL"),
            Set.of("n", " fn ", "TEL", "EMAIL", "NOTE", "ADR", "ORG"), VCardCodec.VCARD_30_PROPERTIES,
            Set.of("N", "FN", "TEL", "EMAIL", "NOTE", "ADR", "ORG", "X-CUSTOM", "CATEGORIES", "PHOTO", "URL"));

    @Test
    void theShortcutNeverDisagreesWithTheMerge() {
        SplittableRandom random = new SplittableRandom(8);
        int decided = 0;
        List<String> wrong = new ArrayList<>();
        for (int n = 0; n < 4000; n++) {
            String server = TwinKeyFastPathTest.randomCard(random);
            String device = random.nextInt(3) == 0 ? server : TwinKeyFastPathTest.randomCard(random);
            Set<String> supported = SUPPORTED.get(random.nextInt(SUPPORTED.size()));
            if (VCardMergeShortcut.deviceVersionSuffices(CODEC, server, device, supported)) {
                decided++;
                ConversionResult merged = CODEC.merge(server, device, supported);
                if (!(merged instanceof ConversionResult.Converted c && c.text().equals(device))) {
                    wrong.add(server + "\n-- device:\n" + device + "\n-- supported " + supported + " -> " + merged);
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(decided).as("pairs the shortcut decided").isGreaterThan(400);
    }

    @Test
    void aServerPropertyTheDeviceLacksIsLeftToTheMerge() {
        String device = crlf("BEGIN:VCARD", "VERSION:3.0", "N:Doe;John;;;", "TEL:1", "END:VCARD");
        String server = crlf("BEGIN:VCARD", "VERSION:3.0", "N:Doe;John;;;", "TEL:1", "X-SECRET:kept", "END:VCARD");
        assertThat(VCardMergeShortcut.deviceVersionSuffices(CODEC, server, device, Set.of("N", "TEL"))).isFalse();
        assertThat(VCardMergeShortcut.deviceVersionSuffices(CODEC, server, device, Set.of("N", "TEL", "X-SECRET")))
                .isTrue();
        String withLabel = crlf("BEGIN:VCARD", "VERSION:2.1", "N:Doe;John", "LABEL:Street 1", "END:VCARD");
        assertThat(VCardMergeShortcut.deviceVersionSuffices(CODEC, withLabel, withLabel, Set.of())).isFalse();
        assertThat(VCardMergeShortcut.deviceVersionSuffices(CODEC, "garbage", device, Set.of())).isTrue();
        assertThat(CODEC.merge("garbage", device, Set.of())).isEqualTo(new ConversionResult.Converted(device));
        assertThat(VCardMergeShortcut.deviceVersionSuffices(CODEC, server, "garbage", Set.of())).isFalse();
    }
}
