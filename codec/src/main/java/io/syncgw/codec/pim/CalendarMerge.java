package io.syncgw.codec.pim;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@link CalendarCodec#merge}: the device's update, with what the device cannot hold kept from the server copy. */
final class CalendarMerge {

    /** Date-valued properties, compared by the instants (or dates) they denote. */
    private static final Set<String> DATES = Set.of("DTSTART", "DTEND", "DUE", "EXDATE", "RDATE", "RECURRENCE-ID",
            "COMPLETED", "CREATED", "LAST-MODIFIED", "DTSTAMP");

    /** Properties whose device value is put back into the server copy's zone when the device sent UTC. */
    private static final Set<String> ZONED = Set.of("DTSTART", "DTEND", "DUE", "EXDATE", "RDATE");

    private static final Set<String> TEXT = Set.of("SUMMARY", "DESCRIPTION", "LOCATION", "COMMENT", "CONTACT");

    /** What a device sets by itself when it writes an item: a different value alone is no change of the item. */
    private static final Set<String> BOOKKEEPING = Set.of("DTSTAMP", "LAST-MODIFIED", "CREATED", "SEQUENCE");

    /**
     * Properties a 1.0 device drops although its CTCap lists them (SyncEvolution: RELATED-TO): a 1.0 device leaving
     * one out does not delete it; the server copy's stays.
     */
    private static final Set<String> KEPT_WHEN_OMITTED_BY_10 = Set.of("RELATED-TO");

    /** Properties naming people: a 1.0 device's line keeps the server line's parameters it does not carry. */
    private static final Set<String> PEOPLE = Set.of("ATTENDEE", "ORGANIZER");

    private static final String END = "END";
    private static final String ALARMS = "VALARM";

    private CalendarMerge() {
    }

    static ConversionResult merge(CalComponent server20, boolean serverV10, CalComponent device20, boolean deviceV10,
            String deviceText, String serverText, Set<String> ctcap) {
        CalModel s = new CalModel(server20);
        CalModel d = new CalModel(device20);
        if (s.todo != d.todo) {
            return new ConversionResult.Converted(deviceText); // another kind of item: nothing to keep
        }
        CalModel t = s;
        if (deviceV10) {
            CalText.Parsed back = CalText.parse(VCal10.write(s));
            t = back.valid() ? new CalModel(VCal10.to20(back.root())) : s;
        }
        Set<String> supported = new LinkedHashSet<>();
        for (String name : ctcap) {
            if (name != null) {
                supported.add(name.strip().toUpperCase(Locale.ROOT));
            }
        }

        Map<String, List<CalLine>> serverGroups = groups(s.item);
        Map<String, List<CalLine>> deviceGroups = groups(d.item);
        Map<String, List<CalLine>> throughDevice = groups(t.item);
        List<String> order = new ArrayList<>(serverGroups.keySet());
        for (String g : deviceGroups.keySet()) {
            if (!order.contains(g)) {
                order.add(g);
            }
        }
        CalComponent item = new CalComponent(d.item.name);
        boolean changed = false;
        boolean fromDevice = false; // whether the device changed anything but bookkeeping (DTSTAMP, LAST-MODIFIED, ...)
        for (String g : order) {
            List<CalLine> sl = serverGroups.getOrDefault(g, List.of());
            List<CalLine> dl = deviceGroups.getOrDefault(g, List.of());
            List<CalLine> tl = throughDevice.getOrDefault(g, List.of());
            boolean isSupported = expressible(g, deviceV10) && (supported.isEmpty() || listed(g, supported, deviceV10)
                    || !dl.isEmpty());
            List<CalLine> chosen;
            if (!isSupported || canon(g, dl, d).equals(canon(g, tl, t))
                    || deviceV10 && dl.isEmpty() && KEPT_WHEN_OMITTED_BY_10.contains(g)) {
                chosen = sl;
                changed |= !canon(g, sl, s).equals(canon(g, dl, d));
            } else if (deviceV10 && PEOPLE.contains(g)) {
                chosen = people(sl, dl);
                changed |= !canon(g, chosen, d).equals(canon(g, dl, d));
                fromDevice |= !BOOKKEEPING.contains(g) && !canon(g, chosen, d).equals(canon(g, sl, s));
            } else {
                chosen = rezone(g, dl, d, s);
                fromDevice |= !BOOKKEEPING.contains(g) && !canon(g, chosen, d).equals(canon(g, sl, s));
            }
            item.lines.addAll(chosen);
        }
        List<CalComponent> sa = s.item.children(ALARMS);
        List<CalComponent> da = d.item.children(ALARMS);
        List<CalComponent> ta = t.item.children(ALARMS);
        boolean alarmsSupported = expressible(ALARMS, deviceV10) && (supported.isEmpty()
                || listed(ALARMS, supported, deviceV10) || !da.isEmpty());
        if (!alarmsSupported || alarms(da, d, deviceV10).equals(alarms(ta, t, deviceV10))) {
            item.children.addAll(sa);
            changed |= !alarms(sa, s, false).equals(alarms(da, d, false));
        } else {
            item.children.addAll(da);
            fromDevice |= !alarms(da, d, deviceV10).equals(alarms(sa, s, deviceV10));
        }
        if (!fromDevice && serverText != null) {
            // the device's version means what the server copy means (it re-rendered the item, with its own DTSTAMP
            // or LAST-MODIFIED): the server copy stays as it is, nothing is rewritten, nothing goes to other devices
            return new ConversionResult.Converted(serverText);
        }
        if (!changed) {
            return new ConversionResult.Converted(deviceText);
        }

        CalComponent root = new CalComponent("VCALENDAR");
        root.lines.add(CalLine.of("VERSION", "2.0"));
        String prodid = s.root.value("PRODID") != null ? s.root.value("PRODID") : d.root.value("PRODID");
        root.lines.add(CalLine.of("PRODID", prodid != null ? prodid : CalLine.escape20(VCal10.DEFAULT_PRODID)));
        for (CalLine line : s.root.lines) {
            if (!line.name().equals("VERSION") && !line.name().equals("PRODID")) {
                root.lines.add(line); // CALSCALE, METHOD, X-WR-...
            }
        }
        Set<String> tzids = new LinkedHashSet<>();
        for (CalLine line : item.lines) {
            if (line.param("TZID") != null) {
                tzids.add(line.param("TZID").strip());
            }
        }
        CalModel draft = null;
        for (String tzid : tzids) {
            CalComponent vtz = s.vtimezone(tzid) != null ? s.vtimezone(tzid) : d.vtimezone(tzid);
            if (vtz == null && Zones.knownZone(tzid) != null) {
                if (draft == null) {
                    CalComponent probe = new CalComponent("VCALENDAR");
                    probe.children.add(item);
                    draft = new CalModel(probe);
                }
                CalTime start = Expansion.seed(draft);
                int year = start == null ? 2000 : start.date().getYear();
                vtz = Zones.cachedVtimezone(Zones.knownZone(tzid), year, Integer.MAX_VALUE);
                vtz.lines.set(0, CalLine.of("TZID", tzid));
            }
            if (vtz != null) {
                root.children.add(vtz);
            }
        }
        root.children.add(item);
        if (serverV10 && deviceV10) {
            return new ConversionResult.Converted(VCal10.write(new CalModel(root)));
        }
        return new ConversionResult.Converted(CalendarCodec.write20(root));
    }

    private static String group(String name) {
        return name.equals("DTEND") || name.equals("DUE") || name.equals("DURATION") ? END : name;
    }

    private static Map<String, List<CalLine>> groups(CalComponent item) {
        Map<String, List<CalLine>> groups = new LinkedHashMap<>();
        for (CalLine line : item.lines) {
            groups.computeIfAbsent(group(line.name()), k -> new ArrayList<>()).add(line);
        }
        return groups;
    }

    /** Whether 1.0 can hold any of the group (its details may still be lost: the unchanged check keeps them). */
    private static boolean expressible(String group, boolean deviceV10) {
        if (!deviceV10) {
            return true;
        }
        return group.equals(END) || group.equals(ALARMS) || group.startsWith("X-") || VCal10.WRITTEN.contains(group);
    }

    /** Whether the device's CTCap names the group, in 1.0 or 2.0 names. */
    private static boolean listed(String group, Set<String> supported, boolean deviceV10) {
        switch (group) {
            case END:
                return supported.contains("DTEND") || supported.contains("DUE") || supported.contains("DURATION");
            case ALARMS:
                return supported.contains("VALARM") || supported.contains("AALARM") || supported.contains("DALARM");
            case "CREATED":
                return supported.contains("CREATED") || supported.contains("DCREATED");
            case "ORGANIZER":
                return supported.contains("ORGANIZER") || deviceV10 && supported.contains("ATTENDEE");
            default:
                return supported.contains(group);
        }
    }

    /** The lines' meaning, independent of their form: instants for dates, unescaped text, sorted lists. */
    private static List<String> canon(String group, List<CalLine> lines, CalModel m) {
        List<String> out = new ArrayList<>();
        if (group.equals(END)) {
            if (!lines.isEmpty()) {
                out.add(timeKey(m.end()));
            }
            return out;
        }
        for (CalLine line : lines) {
            String name = line.name();
            StringBuilder c = new StringBuilder(name).append(':');
            if (DATES.contains(name)) {
                List<String> values = new ArrayList<>();
                for (CalTime time : m.times(line)) {
                    values.add(timeKey(time));
                }
                Collections.sort(values);
                c.append(values);
            } else if (name.equals("CATEGORIES") || name.equals("RESOURCES")) {
                List<String> values = new ArrayList<>();
                for (String v : CalLine.splitList20(line.value())) {
                    values.add(TwinKey.normalise(v));
                }
                Collections.sort(values);
                c.append(values);
            } else if (TEXT.contains(name)) {
                c.append(TwinKey.collapse(CalLine.unescape20(line.value())));
            } else if (name.equals("RRULE") || name.equals("EXRULE")) {
                Map<String, String> parts = Rrule10.parts(line.value());
                if (parts == null) {
                    c.append(line.value());
                } else {
                    parts.putIfAbsent("INTERVAL", "1");
                    // what the start implies anyway: a yearly rule's BYMONTH of the start's month, a monthly or yearly
                    // rule's BYMONTHDAY of its day (devices add or drop them when they write the rule again)
                    CalTime first = m.time("DTSTART") != null ? m.time("DTSTART") : m.time("DUE");
                    if (first != null && first.local != null) {
                        String freq = parts.getOrDefault("FREQ", "");
                        if (freq.equals("YEARLY") && String.valueOf(first.local.getMonthValue())
                                .equals(parts.get("BYMONTH")) && !parts.containsKey("BYDAY")
                                && !parts.containsKey("BYWEEKNO") && !parts.containsKey("BYYEARDAY")) {
                            parts.remove("BYMONTH");
                        }
                        if ((freq.equals("MONTHLY") || freq.equals("YEARLY")) && !parts.containsKey("BYMONTH")
                                && String.valueOf(first.local.getDayOfMonth()).equals(parts.get("BYMONTHDAY"))) {
                            parts.remove("BYMONTHDAY");
                        }
                    }
                    if (parts.containsKey("UNTIL")) {
                        CalTime u = CalTime.parse(parts.get("UNTIL"));
                        parts.put("UNTIL", u == null ? parts.get("UNTIL") : u.isDate() ? u.value20()
                                : u.kind == CalTime.Kind.UTC ? timeKey(u) : u.value20());
                    }
                    c.append(new java.util.TreeMap<>(parts));
                }
            } else if (name.equals("ATTENDEE") || name.equals("ORGANIZER")) {
                c.append(line.value().strip().toLowerCase(Locale.ROOT)).append(canonParams(line));
            } else {
                c.append(line.value().strip().toUpperCase(Locale.ROOT)).append(canonParams(line));
            }
            out.add(c.toString());
        }
        Collections.sort(out);
        return out;
    }

    private static String canonParams(CalLine line) {
        List<String> params = new ArrayList<>();
        for (CalLine.Param p : line.params()) {
            if (!p.name().equals("VALUE") && !p.name().equals("ENCODING") && !p.name().equals("CHARSET")) {
                params.add(p.name() + "=" + p.value().strip().toUpperCase(Locale.ROOT));
            }
        }
        Collections.sort(params);
        return params.toString();
    }

    private static String timeKey(CalTime t) {
        if (t == null) {
            return "-";
        }
        switch (t.kind) {
            case DATE:
                return "d" + CalTime.formatDate(t.date());
            case FLOATING:
                return "f" + CalTime.formatDateTime(t.local);
            default:
                return "i" + t.instant(ZoneOffset.UTC).getEpochSecond();
        }
    }

    /** Alarms by action and absolute trigger time. */
    /**
     * What alarms mean, for comparing: action and time of each; for a 1.0 device only the distinct times (1.0 devices
     * write one reminder as AALARM, as DALARM or as both, so the action they send back says nothing).
     */
    private static List<String> alarms(List<CalComponent> alarms, CalModel m, boolean v10) {
        List<String> out = new ArrayList<>();
        for (CalComponent alarm : alarms) {
            String action = alarm.value("ACTION");
            String key = (v10 ? "" : (action == null ? "" : action.strip().toUpperCase(Locale.ROOT)) + "@")
                    + timeKey(Expansion.alarmTime(m, alarm));
            if (!v10 || !out.contains(key)) {
                out.add(key);
            }
        }
        Collections.sort(out);
        return out;
    }

    /**
     * The device's people, each with the parameters of the server's line for the same address that the device's line
     * does not carry: 1.0 cannot hold CUTYPE, MEMBER, DELEGATED-TO, ..., and 1.0 devices often keep only some of ROLE,
     * PARTSTAT, RSVP and CN. What the device's line carries wins; people only on the server were removed by the device.
     */
    private static List<CalLine> people(List<CalLine> server, List<CalLine> device) {
        List<CalLine> unmatched = new ArrayList<>(server);
        List<CalLine> out = new ArrayList<>(device.size());
        for (CalLine line : device) {
            CalLine match = null;
            for (CalLine candidate : unmatched) {
                if (address(candidate).equals(address(line))) {
                    match = candidate;
                    break;
                }
            }
            if (match == null) {
                out.add(line);
                continue;
            }
            unmatched.remove(match);
            CalLine merged = match.withValue(line.value());
            for (CalLine.Param p : line.params()) {
                merged = merged.with(p.name(), p.value());
            }
            out.add(merged);
        }
        return out;
    }

    private static String address(CalLine line) {
        String v = line.value().strip().toLowerCase(Locale.ROOT);
        return v.startsWith("mailto:") ? v.substring("mailto:".length()) : v;
    }

    /** The device's date lines, UTC values put back into the server copy's zone. */
    private static List<CalLine> rezone(String group, List<CalLine> lines, CalModel d, CalModel s) {
        CalTime serverStart = Expansion.seed(s);
        if (serverStart == null || serverStart.kind != CalTime.Kind.ZONED
                || !(ZONED.contains(group) || group.equals(END))) {
            return lines;
        }
        List<CalLine> out = new ArrayList<>();
        for (CalLine line : lines) {
            if (!ZONED.contains(line.name())) {
                out.add(line);
                continue;
            }
            List<CalTime> times = d.times(line);
            boolean allUtc = !times.isEmpty();
            for (CalTime time : times) {
                allUtc &= time.kind == CalTime.Kind.UTC;
            }
            if (!allUtc) {
                out.add(line);
                continue;
            }
            List<String> values = new ArrayList<>();
            for (CalTime time : times) {
                values.add(CalTime.inZone(time.instant(ZoneOffset.UTC), serverStart.tzid, serverStart.rules).value20());
            }
            out.add(CalLine.of(line.name(), String.join(",", values), "TZID", serverStart.tzid));
        }
        return out;
    }
}
