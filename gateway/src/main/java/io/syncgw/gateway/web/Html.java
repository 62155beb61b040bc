package io.syncgw.gateway.web;

import io.syncgw.engine.port.DevicePolicy;
import io.syncgw.engine.sync.ConflictPolicy;
import io.syncgw.persistence.account.DeviceSlot;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The pages of {@code /account/}, rendered as strings. Every value that comes from outside (device names, DevInf
 * model strings, categories, logins, messages) goes through {@link #esc}; the static parts are constants.
 */
final class Html {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private static final List<String[]> DIRECTIONS = List.of(
            new String[] {"two-way", "Two-way: changes go both ways"},
            new String[] {"from-server", "Download only: the device receives, its changes stay on it"},
            new String[] {"from-client", "Upload only: the device feeds the account, receives nothing"});

    private static final List<String[]> CONFLICTS = List.of(
            new String[] {"", "Server's default"},
            new String[] {"server-wins", "The server's version wins"},
            new String[] {"client-wins", "The device's version wins"},
            new String[] {"newest-wins", "The newest change wins"},
            new String[] {"duplicate", "Keep both"});

    private static final List<String[]> NEXT_SYNC = List.of(
            new String[] {"normal", "Normal"},
            new String[] {"slow", "Slow: compare everything once"},
            new String[] {"refresh-from-server", "Replace the device's data with the account's once"});

    private static final List<String[]> DATASTORES = List.of(
            new String[] {"contacts", "Contacts"}, new String[] {"calendar", "Calendar"},
            new String[] {"tasks", "Tasks"});

    private Html() {
    }

    /** {@code s} safe as element text and as a quoted attribute value; null as empty. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' || c == 0x7f) {
                        b.append('\uFFFD');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    private static String head(String title) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + esc(title) + "</title>"
                + "<link rel=\"stylesheet\" href=\"/account/account.css\">"
                + "<script src=\"/account/account.js\" defer></script></head>\n<body>\n";
    }

    private static String messages(String notice, String error) {
        StringBuilder b = new StringBuilder();
        if (notice != null) {
            b.append("<p class=\"notice\" id=\"notice\" role=\"status\">").append(esc(notice)).append("</p>\n");
        }
        if (error != null) {
            b.append("<p class=\"error\" id=\"error\" role=\"alert\">").append(esc(error)).append("</p>\n");
        }
        return b.toString();
    }

    static String signIn(String csrf, String login, String notice, String error) {
        return head("Sign in — your devices")
                + "<main class=\"signin\">\n<h1>Your devices</h1>\n"
                + "<p>Sign in with the user ID and password your phone uses to synchronize.</p>\n"
                + messages(notice, error)
                + "<form method=\"post\" action=\"/account/signin\" id=\"signin-form\">\n"
                + hidden(csrf)
                + "<label for=\"login\">User ID</label>"
                + "<input id=\"login\" name=\"login\" autocomplete=\"username\" required maxlength=\"200\" value=\""
                + esc(login) + "\">\n"
                + "<label for=\"password\">Password</label>"
                + "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\""
                + " required>\n"
                + "<button type=\"submit\" id=\"signin\">Sign in</button>\n</form>\n</main>\n</body></html>\n";
    }

    static String simple(String title, String text) {
        return head(title) + "<main class=\"signin\">\n<h1>" + esc(title) + "</h1>\n<p>" + esc(text)
                + "</p>\n<p><a href=\"/account/\">Back to your devices</a></p>\n</main>\n</body></html>\n";
    }

    static String devices(String login, String csrf, List<DeviceSlot> slots, String notice, String error) {
        StringBuilder b = new StringBuilder(16_384);
        b.append(head("Your devices"));
        b.append("<header><h1>Your devices</h1><div class=\"who\">Signed in as <b id=\"who\">").append(esc(login))
                .append("</b><form method=\"post\" action=\"/account/signout\">").append(hidden(csrf))
                .append("<button type=\"submit\" id=\"signout\" class=\"link\">Sign out</button></form></div>")
                .append("</header>\n<main>\n");
        b.append(messages(notice, error));
        b.append("<p class=\"intro\">Your account has ").append(slots.size())
                .append(" device slots. A phone or program that synchronizes for the first time takes the first")
                .append(" free or non-active slot. Make a device non-active, or free its slot, to let another in.</p>\n");
        b.append("<table id=\"slots\"><thead><tr><th>Slot</th><th>Device</th><th>Model</th><th>Last sync</th>")
                .append("<th>Status</th></tr></thead><tbody>\n");
        for (DeviceSlot s : slots) {
            b.append("<tr id=\"slot-").append(s.slot()).append("\"><td>").append(s.slot()).append("</td>");
            if (s.isFree()) {
                b.append("<td class=\"none\">—</td><td class=\"none\">—</td><td class=\"none\">—</td>");
            } else {
                b.append("<td>");
                if (s.policy().name() != null) {
                    b.append("<span class=\"name\">").append(esc(s.policy().name())).append("</span><br>");
                }
                b.append("<small class=\"devid\">").append(esc(s.deviceId())).append("</small></td><td>")
                        .append(esc(model(s))).append("</td><td>")
                        .append(s.lastSync() == null ? "never" : esc(WHEN.format(s.lastSync()))).append("</td>");
            }
            String status = s.status().wireName();
            b.append("<td><span class=\"status ").append(status).append("\">").append(status)
                    .append("</span></td></tr>\n");
        }
        b.append("</tbody></table>\n");
        for (DeviceSlot s : slots) {
            if (!s.isFree()) {
                device(b, s, csrf);
            }
        }
        b.append("</main>\n</body></html>\n");
        return b.toString();
    }

    private static String model(DeviceSlot s) {
        String m = ((s.manufacturer() == null ? "" : s.manufacturer()) + " "
                + (s.model() == null ? "" : s.model())).strip();
        return m.isEmpty() ? "unknown" : m;
    }

    private static void device(StringBuilder b, DeviceSlot s, String csrf) {
        int n = s.slot();
        DevicePolicy p = s.policy();
        String title = p.name() != null ? p.name() : model(s);
        b.append("<section class=\"device\" id=\"device-").append(n).append("\">\n<h2>Slot ").append(n)
                .append(": ").append(esc(title)).append("</h2>\n");
        b.append("<form method=\"post\" action=\"/account/slots/").append(n).append("\" class=\"config\">\n")
                .append(hidden(csrf));
        b.append("<div class=\"row\"><label for=\"name-").append(n).append("\">Name</label><input id=\"name-")
                .append(n).append("\" name=\"name\" maxlength=\"100\" value=\"").append(esc(p.name()))
                .append("\" placeholder=\"e.g. Work phone\"></div>\n");
        b.append("<div class=\"row\"><span class=\"label\">Status</span><label class=\"check\"><input type=\"checkbox\"")
                .append(" name=\"active\" id=\"active-").append(n).append("\"").append(p.active() ? " checked" : "")
                .append("> Active: the device may synchronize</label></div>\n");
        b.append("<div class=\"row\" role=\"group\" aria-labelledby=\"datastores-label-").append(n)
                .append("\"><span class=\"label\" id=\"datastores-label-").append(n)
                .append("\">Synchronizes</span><div class=\"inline\">");
        for (String[] d : DATASTORES) {
            b.append("<label class=\"check\"><input type=\"checkbox\" name=\"datastores\" value=\"").append(d[0])
                    .append("\" id=\"datastores-").append(d[0]).append('-').append(n).append("\"")
                    .append(p.allows(d[0]) ? " checked" : "").append("> ").append(d[1]).append("</label>");
        }
        b.append("</div></div>\n");
        select(b, "direction", n, "Direction", DIRECTIONS, p.direction().wireName());
        b.append("<div class=\"row\"><label for=\"contactCategories-").append(n)
                .append("\">Only contacts in</label><input id=\"contactCategories-").append(n)
                .append("\" name=\"contactCategories\" value=\"").append(esc(String.join(", ", p.contactCategories())))
                .append("\" placeholder=\"all contacts\"><small>categories, separated by commas</small></div>\n");
        b.append("<div class=\"row\"><label for=\"excludeCategories-").append(n)
                .append("\">Never contacts in</label><input id=\"excludeCategories-").append(n)
                .append("\" name=\"excludeCategories\" value=\"")
                .append(esc(String.join(", ", p.excludeCategories())))
                .append("\" placeholder=\"none\"><small>categories, separated by commas</small></div>\n");
        b.append("<div class=\"row\" role=\"group\" aria-labelledby=\"window-label-").append(n)
                .append("\"><span class=\"label\" id=\"window-label-").append(n)
                .append("\">Calendar and tasks</span><div class=\"inline\">")
                .append("<label>from <input type=\"number\" min=\"0\" max=\"36500\" name=\"calendarPastDays\"")
                .append(" id=\"calendarPastDays-").append(n).append("\" value=\"")
                .append(p.calendarPastDays() == null ? "" : p.calendarPastDays().toString())
                .append("\" placeholder=\"any\"> days ago</label> ")
                .append("<label>to <input type=\"number\" min=\"0\" max=\"36500\" name=\"calendarFutureDays\"")
                .append(" id=\"calendarFutureDays-").append(n).append("\" value=\"")
                .append(p.calendarFutureDays() == null ? "" : p.calendarFutureDays().toString())
                .append("\" placeholder=\"any\"> days ahead</label></div><small>empty: no limit</small></div>\n");
        ConflictPolicy cp = p.conflictPolicy();
        select(b, "conflictPolicy", n, "Conflicts", CONFLICTS, cp == null ? "" : cp.wireName());
        b.append("<div class=\"row\"><span class=\"label\">Deletions</span><label class=\"check\">")
                .append("<input type=\"checkbox\" name=\"deletesPropagate\" id=\"deletesPropagate-").append(n)
                .append("\"").append(p.deletesPropagate() ? " checked" : "")
                .append("> What I delete on the device is deleted from my account</label></div>\n");
        select(b, "nextSync", n, "Next sync", NEXT_SYNC, p.nextSync().wireName());
        b.append("<div class=\"actions\"><button type=\"submit\" id=\"save-").append(n).append("\">Save</button>")
                .append("</div>\n</form>\n");
        b.append("<form method=\"post\" action=\"/account/slots/").append(n).append("/free\" class=\"free\"")
                .append(" data-confirm=\"Free slot ").append(n).append("? The device is forgotten: its next sync")
                .append(" starts over and takes a free slot. Your contacts and events stay.\">").append(hidden(csrf))
                .append("<button type=\"submit\" class=\"danger\" id=\"free-").append(n)
                .append("\">Free this slot</button></form>\n</section>\n");
    }

    private static void select(StringBuilder b, String field, int n, String label, List<String[]> options,
                               String selected) {
        b.append("<div class=\"row\"><label for=\"").append(field).append('-').append(n).append("\">").append(label)
                .append("</label><select name=\"").append(field).append("\" id=\"").append(field).append('-')
                .append(n).append("\">");
        for (String[] o : options) {
            b.append("<option value=\"").append(o[0]).append("\"").append(o[0].equals(selected) ? " selected" : "")
                    .append('>').append(o[1]).append("</option>");
        }
        b.append("</select></div>\n");
    }

    private static String hidden(String csrf) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(csrf) + "\">";
    }

    /** A field's label on the page, for error messages. */
    static String label(String field) {
        return switch (field == null ? "" : field) {
            case "name" -> "Name";
            case "datastores" -> "Synchronizes";
            case "direction" -> "Direction";
            case "contactCategories" -> "Only contacts in";
            case "excludeCategories" -> "Never contacts in";
            case "calendarPastDays" -> "Calendar: days ago";
            case "calendarFutureDays" -> "Calendar: days ahead";
            case "conflictPolicy" -> "Conflicts";
            case "nextSync" -> "Next sync";
            default -> field;
        };
    }

    static String when(Instant t) {
        return WHEN.format(t);
    }
}
