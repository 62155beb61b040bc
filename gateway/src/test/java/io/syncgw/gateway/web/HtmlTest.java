package io.syncgw.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncgw.engine.port.DevicePolicy;
import io.syncgw.persistence.account.AccountException;
import io.syncgw.persistence.account.DeviceChange;
import io.syncgw.persistence.account.DeviceSlot;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void escapesEverythingThatCouldOpenMarkupOrLeaveAnAttribute() {
        assertThat(Html.esc("<a href=\"x\" onclick='y'>&amp;</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
        assertThat(Html.esc(null)).isEmpty();
        assertThat(Html.esc("a\u0000b\u001bc\u007f")).isEqualTo("a\uFFFDb\uFFFDc\uFFFD");
        assertThat(Html.esc("Zürich ☎ 日本")).isEqualTo("Zürich ☎ 日本");
    }

    @Test
    void thePageCarriesNoUnescapedDeviceData() {
        DevicePolicy p = new DevicePolicy("</textarea><script>x()</script>", false, DevicePolicy.DATASTORES,
                DevicePolicy.Direction.FROM_CLIENT, List.of("\"><b>"), List.of(), 3, null, null, true,
                DevicePolicy.NextSync.SLOW);
        DeviceSlot s = new DeviceSlot(1, "IMEI:<i>1</i>", "<Man>", "Mod\"el", Instant.parse("2026-11-29T10:15:00Z"),
                p);
        String html = Html.devices("<login>", "tok\"en", List.of(s, DeviceSlot.free(2)), "<notice>", "<error>");
        assertThat(html).doesNotContain("<script>x()", "<i>1</i>", "<Man>", "Mod\"el", "\"><b>", "<login>",
                "<notice>", "<error>", "tok\"en");
        assertThat(html).contains("<tr id=\"slot-2\">", "2026-11-29 10:15 UTC", "status non-active",
                "<option value=\"from-client\" selected>", "<option value=\"slow\" selected>",
                "id=\"calendarPastDays-1\" value=\"3\"");
        assertThat(html).doesNotContain("id=\"active-1\" checked");
    }

    @Test
    void aFormBecomesAWholeConfiguration() {
        DeviceChange c = AccountPage.change(Map.of("name", List.of(" Phone "), "datastores", List.of("contacts"),
                "direction", List.of("two-way"), "contactCategories", List.of("Personal, ,Family"),
                "calendarFutureDays", List.of(" 30 "), "conflictPolicy", List.of(""), "nextSync", List.of("normal")));
        assertThat(c.fields()).hasSize(DeviceChange.Field.values().length);
        assertThatThrownBy(() -> AccountPage.change(Map.of("direction", List.of("two-way"), "nextSync",
                List.of("normal"), "calendarPastDays", List.of("7.5"))))
                .isInstanceOf(AccountException.class)
                .satisfies(e -> assertThat(((AccountException) e).field()).isEqualTo("calendarPastDays"));
        assertThatThrownBy(() -> AccountPage.change(Map.of("nextSync", List.of("normal"))))
                .isInstanceOf(AccountException.class)
                .satisfies(e -> assertThat(((AccountException) e).field()).isEqualTo("direction"));
    }
}
