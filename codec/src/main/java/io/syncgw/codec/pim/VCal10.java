package io.syncgw.codec.pim;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * vCalendar 1.0 (versit Consortium, 1996): its reader into the iCalendar 2.0 tree, and its writer from a 2.0
 * {@link CalModel}. The codec's own code: ical4j does not read 1.0. The mapping is documented on
 * {@link CalendarCodec}.
 */
final class VCal10 {

    static final String DEFAULT_PRODID = "-//syncgw//NONSGML syncgw//EN";

    /** Most DAYLIGHT lines written for one item. */
    static final int MAX_DAYLIGHT = 12;

    /** Years of DAYLIGHT lines written for an endless recurrence, from its start. */
    static final int ENDLESS_YEARS = 5;

    /** 1.0 properties of an item read as 2.0 TEXT. */
    private static final Set<String> TEXT = Set.of("SUMMARY", "DESCRIPTION", "LOCATION", "UID", "RELATED-TO");

    private VCal10() {
    }

    // =============================================================================================================
    // 1.0 -> 2.0
    // =============================================================================================================

    /** Reads a 1.0 VCALENDAR tree (values decoded by {@link CalText}) into a 2.0 VCALENDAR tree. */
    static CalComponent to20(CalComponent cal10) {
        return new Reader(cal10, true).read();
    }

    /** As {@link #to20(CalComponent)} without the VTIMEZONE (for keys and spans: times resolve without it). */
    static CalComponent to20WithoutTimezones(CalComponent cal10) {
        return new Reader(cal10, false).read();
    }

    private static final class Reader {
        private final CalComponent cal10;
        private final CalComponent item10;
        private final boolean todo;
        private final Zones.Tz10 tz;
        private final ZoneId zone;
        private CalTime start;
        private CalTime end;
        private CalTime due;
        private boolean allDay;
        private final boolean withTimezones;

        Reader(CalComponent cal10, boolean withTimezones) {
            this.withTimezones = withTimezones;
            this.cal10 = cal10;
            this.item10 = cal10.item();
            this.todo = item10.name.equals("VTODO");
            this.tz = Zones.readTz10(cal10);
            CalTime raw = CalTime.parse(item10.value("DTSTART"));
            if (raw == null) {
                raw = CalTime.parse(item10.value(todo ? "DUE" : "DTEND"));
            }
            ZoneId matched = null;
            if (tz != null && raw != null) {
                Instant reference = raw.kind == CalTime.Kind.UTC ? raw.instant(ZoneOffset.UTC)
                        : raw.local.toInstant(tz.std());
                matched = Zones.match(tz, reference);
            }
            this.zone = matched;
        }

        /** A 1.0 date-time as the 2.0 item holds it: in the matched zone, else UTC via TZ, else as written. */
        CalTime time(String value) {
            CalTime t = CalTime.parse(value);
            if (t == null || t.isDate()) {
                return t;
            }
            if (zone instanceof ZoneOffset) {
                return t.kind == CalTime.Kind.UTC ? t : CalTime.utc(t.local.toInstant((ZoneOffset) zone));
            }
            if (zone != null) {
                return t.kind == CalTime.Kind.UTC ? CalTime.inZone(t.instant(ZoneOffset.UTC), zone.getId(),
                        zone.getRules()) : CalTime.zoned(t.local, zone.getId(), zone.getRules());
            }
            if (tz != null && t.kind == CalTime.Kind.FLOATING) {
                return CalTime.utc(tz.instantOf(t.local));
            }
            return t;
        }

        /** The wall-clock time of a 1.0 value: UTC values shifted by TZ when there is one. */
        LocalDateTime wall(CalTime t) {
            if (t.kind == CalTime.Kind.UTC && tz != null) {
                Instant i = t.instant(ZoneOffset.UTC);
                return LocalDateTime.ofInstant(i, tz.offsetAt(i));
            }
            return t.local;
        }

        Instant instant(CalTime t) {
            if (t.kind == CalTime.Kind.UTC || t.kind == CalTime.Kind.ZONED) {
                return t.instant(ZoneOffset.UTC);
            }
            return tz != null ? tz.instantOf(t.local) : t.local.toInstant(ZoneOffset.UTC);
        }

        CalComponent read() {
            decideTimes();
            CalComponent out = new CalComponent("VCALENDAR");
            out.lines.add(CalLine.of("VERSION", "2.0"));
            String prodid = cal10.value("PRODID");
            out.lines.add(CalLine.of("PRODID", CalLine.escape20(prodid != null ? CalLine.unescape10(prodid)
                    : DEFAULT_PRODID)));
            CalComponent item = new CalComponent(item10.name);
            List<CalComponent> alarms = new ArrayList<>();
            boolean endWritten = false;
            List<String> categories = new ArrayList<>();
            List<String> resources = new ArrayList<>();
            int categoriesAt = -1;
            int resourcesAt = -1;
            for (CalLine line : item10.lines) {
                String name = line.name();
                String v = line.value();
                switch (name) {
                    case "DTSTART":
                        if (start != null) {
                            item.lines.add(start.line20("DTSTART"));
                            if (allDay && !endWritten) {
                                item.lines.add(end.line20("DTEND"));
                                endWritten = true;
                            }
                        }
                        break;
                    case "DTEND":
                        if (!todo && end != null && !endWritten) {
                            item.lines.add(end.line20("DTEND"));
                            endWritten = true;
                        }
                        break;
                    case "DUE":
                        if (todo && due != null) {
                            item.lines.add(due.line20("DUE"));
                        }
                        break;
                    case "COMPLETED":
                    case "LAST-MODIFIED":
                    case "DCREATED":
                    case "CREATED": {
                        CalTime t = CalTime.parse(v);
                        if (t != null && !t.isDate()) {
                            item.lines.add(CalLine.of(name.equals("DCREATED") ? "CREATED" : name,
                                    CalTime.formatUtc(instant(t))));
                        }
                        break;
                    }
                    case "CATEGORIES":
                    case "RESOURCES": {
                        List<String> target = name.equals("CATEGORIES") ? categories : resources;
                        for (String part : CalLine.splitUnescaped(v, ';')) {
                            for (String c : CalLine.splitUnescaped(part, ',')) {
                                String text = CalLine.unescape10(c).strip();
                                if (!text.isEmpty()) {
                                    target.add(text);
                                }
                            }
                        }
                        if (name.equals("CATEGORIES") && categoriesAt < 0) {
                            categoriesAt = item.lines.size();
                        } else if (name.equals("RESOURCES") && resourcesAt < 0) {
                            resourcesAt = item.lines.size();
                        }
                        break;
                    }
                    case "CLASS":
                        item.lines.add(CalLine.of("CLASS", v.strip().toUpperCase(Locale.ROOT)));
                        break;
                    case "URL":
                        item.lines.add(CalLine.of("URL", v.strip()));
                        break;
                    case "PRIORITY": {
                        Integer p = integer(v);
                        if (p != null && p >= 0) {
                            item.lines.add(CalLine.of("PRIORITY", String.valueOf(priority20(p))));
                        }
                        break;
                    }
                    case "SEQUENCE": {
                        Integer s = integer(v);
                        if (s != null && s >= 0) {
                            item.lines.add(CalLine.of("SEQUENCE", String.valueOf(s)));
                        }
                        break;
                    }
                    case "STATUS": {
                        String s = status20(v, todo);
                        if (s != null) {
                            item.lines.add(CalLine.of("STATUS", s));
                        }
                        break;
                    }
                    case "TRANSP": {
                        Integer t = integer(v);
                        String transp = t != null ? (t == 1 ? "TRANSPARENT" : "OPAQUE")
                                : v.strip().equalsIgnoreCase("TRANSPARENT") ? "TRANSPARENT" : "OPAQUE";
                        item.lines.add(CalLine.of("TRANSP", transp));
                        break;
                    }
                    case "RRULE":
                    case "EXRULE": {
                        String rule = Rrule10.to20(v, start != null ? start : due, this::ruleTime);
                        if (rule != null) {
                            item.lines.add(CalLine.of(name, rule));
                        }
                        break;
                    }
                    case "EXDATE":
                    case "RDATE":
                        for (String part : v.split("[;,]")) {
                            CalTime t = time(part);
                            if (t == null) {
                                continue;
                            }
                            if (allDay || start != null && start.isDate()) {
                                t = CalTime.date(wall(CalTime.parse(part)).toLocalDate());
                            }
                            item.lines.add(t.line20(name));
                        }
                        break;
                    case "AALARM":
                    case "DALARM":
                    case "MALARM": {
                        CalComponent alarm = alarm(line);
                        if (alarm != null) {
                            alarms.add(alarm);
                        }
                        break;
                    }
                    case "ATTENDEE":
                        item.lines.add(attendee20(line));
                        break;
                    case "ATTACH":
                        if ("BASE64".equalsIgnoreCase(line.param("ENCODING"))) {
                            item.lines.add(CalLine.of("ATTACH", v.strip(), "ENCODING", "BASE64", "VALUE", "BINARY"));
                        } else {
                            item.lines.add(CalLine.of("ATTACH", v.strip()));
                        }
                        break;
                    case "X-FUNAMBOL-ALLDAY":
                    case "X-MICROSOFT-CDO-ALLDAYEVENT":
                        break; // all-day hints: said by VALUE=DATE in 2.0
                    default:
                        if (TEXT.contains(name)) {
                            item.lines.add(CalLine.of(name, CalLine.escape20(CalLine.unescape10(v))));
                        } else if (name.startsWith("X-")) {
                            item.lines.add(new CalLine(name, writableParams20(line.params()),
                                    CalLine.escape20(CalLine.unescape10(v))));
                        }
                        // other 1.0 properties (RNUM, PALARM, ...) have no 2.0 counterpart
                }
            }
            if (!todo && allDay && !endWritten && end != null) {
                item.lines.add(end.line20("DTEND"));
            }
            if (resourcesAt >= 0) {
                item.lines.add(resourcesAt, CalLine.of("RESOURCES", list20(resources)));
            }
            if (categoriesAt >= 0) {
                item.lines.add(categoriesAt, CalLine.of("CATEGORIES", list20(categories)));
            }
            String geo = cal10.value("GEO");
            if (geo != null) {
                String[] ll = geo.strip().split("[,;]");
                if (ll.length == 2) {
                    item.lines.add(CalLine.of("GEO", ll[0].strip() + ";" + ll[1].strip()));
                }
            }
            item.children.addAll(oneAlarmPerReminder(alarms));
            // the zone the times were put in
            for (CalLine line : item.lines) {
                String tzid = line.param("TZID");
                if (tzid != null && zone != null && withTimezones) {
                    out.children.add(Zones.cachedVtimezone(zone, startYear(), endYear(item)));
                    break;
                }
            }
            out.children.add(item);
            return out;
        }

        private int startYear() {
            CalTime s = start != null ? start : due;
            return s == null ? 2000 : s.date().getYear();
        }

        /** The last year the item's zone matters for: the rule's end, or unbounded. */
        private int endYear(CalComponent item) {
            int year = startYear();
            for (CalLine line : item.lines) {
                CalTime t = null;
                if (line.name().equals("RRULE")) {
                    java.util.Map<String, String> parts = Rrule10.parts(line.value());
                    if (parts == null) {
                        continue;
                    }
                    if (parts.containsKey("UNTIL")) {
                        t = CalTime.parse(parts.get("UNTIL"));
                    } else if (parts.containsKey("COUNT")) {
                        return Integer.MAX_VALUE; // the end needs an expansion; a full VTIMEZONE is right anyway
                    } else {
                        return Integer.MAX_VALUE;
                    }
                } else if (line.param("TZID") != null || line.name().equals("DTEND") || line.name().equals("DUE")) {
                    t = CalTime.parse(line.value());
                }
                if (t != null) {
                    year = Math.max(year, t.date().getYear());
                }
            }
            return year;
        }

        /** An end date of a 1.0 rule, as the item's times are read. */
        private CalTime ruleTime(String value) {
            CalTime t = time(value);
            if (t != null && (allDay || start != null && start.isDate())) {
                return CalTime.date(wall(CalTime.parse(value)).toLocalDate());
            }
            return t;
        }

        /** Start, end, due and whether the event is all-day, from the 1.0 values and hints. */
        private void decideTimes() {
            CalTime s = CalTime.parse(item10.value("DTSTART"));
            CalTime e = CalTime.parse(item10.value("DTEND"));
            if (todo) {
                start = s == null ? null : todoTime(s);
                CalTime d = CalTime.parse(item10.value("DUE"));
                due = d == null ? null : todoTime(d);
                return;
            }
            if (s == null) {
                start = null;
                end = e == null ? null : time(item10.value("DTEND"));
                return;
            }
            boolean hint = allDayHint();
            boolean convention = s.kind == CalTime.Kind.FLOATING && e != null && e.kind == CalTime.Kind.FLOATING
                    && s.local.toLocalTime().equals(LocalTime.MIDNIGHT)
                    && (e.local.toLocalTime().equals(LocalTime.MIDNIGHT) && e.date().isAfter(s.date())
                    || !e.local.toLocalTime().isBefore(LocalTime.of(23, 59)) && !e.date().isBefore(s.date()));
            allDay = s.isDate() || hint || convention;
            if (!allDay) {
                start = time(item10.value("DTSTART"));
                end = e == null ? null : time(item10.value("DTEND"));
                return;
            }
            LocalDate startDate = allDayDate(s, false);
            LocalDate endDate = e == null ? startDate.plusDays(1) : allDayDate(e, true);
            if (!endDate.isAfter(startDate)) {
                endDate = startDate.plusDays(1);
            }
            start = CalTime.date(startDate);
            end = CalTime.date(endDate);
        }

        /** The date of an all-day bound; an end is exclusive (a bound not at midnight ends its day). */
        private LocalDate allDayDate(CalTime t, boolean isEnd) {
            if (t.isDate()) {
                return t.date();
            }
            if (t.kind == CalTime.Kind.UTC) {
                // a device's all-day event in UTC: the nearest midnight of the wall clock (of UTC without TZ)
                return wall(t).plusHours(12).toLocalDate();
            }
            boolean midnight = t.local.toLocalTime().equals(LocalTime.MIDNIGHT);
            return isEnd && !midnight ? t.date().plusDays(1) : t.date();
        }

        private boolean allDayHint() {
            String funambol = item10.value("X-FUNAMBOL-ALLDAY");
            if (funambol != null && Set.of("1", "TRUE", "YES").contains(funambol.strip().toUpperCase(Locale.ROOT))) {
                return true;
            }
            String cdo = item10.value("X-MICROSOFT-CDO-ALLDAYEVENT");
            if (cdo != null && cdo.strip().equalsIgnoreCase("TRUE")) {
                return true;
            }
            String epoc = item10.value("X-EPOCAGENDAENTRYTYPE");
            return epoc != null && Set.of("EVENT", "ANNIVERSARY").contains(epoc.strip().toUpperCase(Locale.ROOT));
        }

        /** A task's DTSTART or DUE: local midnight is a date (the 1.0 writer's form of a DATE). */
        private CalTime todoTime(CalTime raw) {
            if (raw.isDate() || raw.kind == CalTime.Kind.FLOATING
                    && raw.local.toLocalTime().equals(LocalTime.MIDNIGHT)) {
                return CalTime.date(raw.date());
            }
            return time(raw.kind == CalTime.Kind.UTC ? CalTime.formatUtc(raw.instant(ZoneOffset.UTC))
                    : CalTime.formatDateTime(raw.local));
        }

        /**
         * Devices write one reminder as an AALARM and a DALARM at the same time (SyncEvolution does): that is one
         * reminder, kept as the DISPLAY alarm (which carries the text), not two.
         */
        private static List<CalComponent> oneAlarmPerReminder(List<CalComponent> alarms) {
            List<CalComponent> out = new ArrayList<>(alarms);
            for (CalComponent display : alarms) {
                if (!"DISPLAY".equals(display.value("ACTION"))) {
                    continue;
                }
                out.removeIf(a -> a != display && "AUDIO".equals(a.value("ACTION")) && a.value("ATTACH") == null
                        && java.util.Objects.equals(a.value("TRIGGER"), display.value("TRIGGER"))
                        && java.util.Objects.equals(a.first("TRIGGER").param("RELATED"),
                                display.first("TRIGGER").param("RELATED"))
                        && java.util.Objects.equals(a.value("REPEAT"), display.value("REPEAT")));
            }
            return out;
        }

        /** AALARM, DALARM, MALARM: runTime;snoozeTime;repeatCount;content as a VALARM. */
        private CalComponent alarm(CalLine line) {
            List<String> fields = CalLine.splitUnescaped(line.value(), ';');
            CalTime at = time(fields.get(0).strip());
            if (at == null) {
                return null;
            }
            if (at.isDate()) {
                at = CalTime.floating(at.local);
            }
            CalComponent alarm = new CalComponent("VALARM");
            String action = line.name().equals("AALARM") ? "AUDIO" : line.name().equals("DALARM") ? "DISPLAY" : "EMAIL";
            alarm.lines.add(CalLine.of("ACTION", action));
            CalTime anchor = start != null ? start : due;
            boolean related = start == null && due != null;
            if (anchor != null) {
                Duration offset = between(anchor, at);
                CalLine trigger = CalLine.of("TRIGGER", CalModel.Dur.of(offset).toString());
                alarm.lines.add(related ? trigger.with("RELATED", "END") : trigger);
            } else {
                alarm.lines.add(CalLine.of("TRIGGER", CalTime.formatUtc(instant(at)), "VALUE", "DATE-TIME"));
            }
            String content = fields.size() > 3 ? CalLine.unescape10(String.join(";", fields.subList(3,
                    fields.size()))).strip() : "";
            String summary = item10.value("SUMMARY");
            switch (action) {
                case "AUDIO":
                    // the audio content names a sound; some devices (SyncEvolution) put the reminder's text there,
                    // which is no URI and would make the 2.0 item invalid: then the device's default sound
                    if (isUri(content)) {
                        alarm.lines.add(CalLine.of("ATTACH", content));
                    }
                    break;
                case "DISPLAY":
                    alarm.lines.add(CalLine.of("DESCRIPTION", CalLine.escape20(!content.isEmpty() ? content
                            : summary != null ? CalLine.unescape10(summary) : "Reminder")));
                    break;
                default: {
                    String address = fields.size() > 3 ? fields.get(3).strip() : "";
                    String note = fields.size() > 4 ? CalLine.unescape10(fields.get(4)).strip() : "";
                    alarm.lines.add(CalLine.of("DESCRIPTION", CalLine.escape20(note.isEmpty() ? "Reminder" : note)));
                    alarm.lines.add(CalLine.of("SUMMARY", CalLine.escape20(summary != null
                            ? CalLine.unescape10(summary) : "Reminder")));
                    if (!address.isEmpty()) {
                        alarm.lines.add(CalLine.of("ATTENDEE", address.contains(":") ? address : "mailto:" + address));
                    }
                }
            }
            CalModel.Dur snooze = fields.size() > 1 && !fields.get(1).isBlank() ? CalModel.Dur.parse(fields.get(1))
                    : null;
            Integer repeat = fields.size() > 2 ? integer(fields.get(2)) : null;
            if (snooze != null && repeat != null && repeat > 0 && !snooze.negative()) {
                alarm.lines.add(CalLine.of("REPEAT", String.valueOf(repeat)));
                alarm.lines.add(CalLine.of("DURATION", snooze.toString()));
            }
            return alarm;
        }

        /** An absolute URI (a scheme, no white space): what ATTACH holds without VALUE=BINARY. */
        private static boolean isUri(String value) {
            if (value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
                return false;
            }
            try {
                return new java.net.URI(value).getScheme() != null;
            } catch (java.net.URISyntaxException e) {
                return false;
            }
        }

        /** From {@code a} to {@code b}: wall-clock difference when neither has a zone, else between instants. */
        private Duration between(CalTime a, CalTime b) {
            boolean aLocal = a.kind == CalTime.Kind.DATE || a.kind == CalTime.Kind.FLOATING;
            boolean bLocal = b.kind == CalTime.Kind.DATE || b.kind == CalTime.Kind.FLOATING;
            if (aLocal && bLocal) {
                return Duration.between(a.local, b.local);
            }
            if (aLocal) {
                return Duration.between(instant(a), b.instant(ZoneOffset.UTC));
            }
            return Duration.between(a.instant(ZoneOffset.UTC), bLocal ? instant(b) : b.instant(ZoneOffset.UTC));
        }
    }

    private static Integer integer(String v) {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String list20(List<String> items) {
        StringBuilder out = new StringBuilder();
        for (String item : items) {
            out.append(out.length() == 0 ? "" : ",").append(CalLine.escape20(item));
        }
        return out.toString();
    }

    private static List<CalLine.Param> writableParams20(List<CalLine.Param> params) {
        List<CalLine.Param> kept = new ArrayList<>();
        for (CalLine.Param p : params) {
            if (!p.name().equals("ENCODING") && !p.name().equals("CHARSET") && p.value().indexOf('"') < 0) {
                kept.add(p);
            }
        }
        return kept;
    }

    /** 1.0 priority (1 high, 2 normal, 3 low) to 2.0 (1-4 high, 5 medium, 6-9 low). */
    static int priority20(int p10) {
        switch (p10) {
            case 0:
                return 0;
            case 1:
                return 1;
            case 2:
                return 5;
            case 3:
                return 9;
            default:
                return Math.min(p10, 9);
        }
    }

    /** 2.0 priority to 1.0: 0 undefined, 1-4 high (1), 5 medium (2), 6-9 low (3). */
    static int priority10(int p20) {
        if (p20 <= 0) {
            return 0;
        }
        return p20 <= 4 ? 1 : p20 == 5 ? 2 : 3;
    }

    static String status20(String v10, boolean todo) {
        String s = v10.strip().toUpperCase(Locale.ROOT).replace('_', ' ').replace('-', ' ');
        if (todo) {
            switch (s) {
                case "NEEDS ACTION":
                case "SENT":
                case "TENTATIVE":
                case "CONFIRMED":
                case "DELEGATED":
                    return "NEEDS-ACTION";
                case "COMPLETED":
                    return "COMPLETED";
                case "ACCEPTED":
                case "IN PROCESS":
                    return "IN-PROCESS";
                case "DECLINED":
                case "CANCELLED":
                    return "CANCELLED";
                default:
                    return null;
            }
        }
        switch (s) {
            case "TENTATIVE":
            case "NEEDS ACTION":
            case "SENT":
                return "TENTATIVE";
            case "CONFIRMED":
            case "ACCEPTED":
                return "CONFIRMED";
            case "DECLINED":
            case "CANCELLED":
                return "CANCELLED";
            default:
                return null;
        }
    }

    static String status10(String v20, boolean todo) {
        String s = v20.strip().toUpperCase(Locale.ROOT);
        switch (s) {
            case "NEEDS-ACTION":
                return "NEEDS ACTION";
            case "COMPLETED":
            case "TENTATIVE":
            case "CONFIRMED":
                return s;
            case "IN-PROCESS":
                return "ACCEPTED";
            case "CANCELLED":
                return "DECLINED";
            default:
                return null;
        }
    }

    /** A 1.0 ATTENDEE ("Name &lt;addr&gt;", ROLE, STATUS, RSVP, EXPECT) as a 2.0 ATTENDEE or ORGANIZER. */
    static CalLine attendee20(CalLine line) {
        String value = CalLine.unescape10(line.value()).strip();
        String cn = null;
        String address = value;
        int lt = value.lastIndexOf('<');
        int gt = value.lastIndexOf('>');
        if (lt >= 0 && gt > lt) {
            cn = value.substring(0, lt).strip().replace("\"", "");
            address = value.substring(lt + 1, gt).strip();
        }
        String uri = address.contains(":") ? address : address.contains("@") ? "mailto:" + address : address;
        String role = upper(line.param("ROLE"));
        String status = upper(line.param("STATUS"));
        String rsvp = upper(line.param("RSVP"));
        String expect = upper(line.param("EXPECT"));
        if ("ORGANIZER".equals(role)) {
            return CalLine.of("ORGANIZER", uri, "CN", cn == null || cn.isEmpty() ? null : cn);
        }
        String role20 = "OWNER".equals(role) ? "CHAIR" : expect == null ? null : switch20(expect);
        String partstat = status == null ? null : partstat20(status);
        return CalLine.of("ATTENDEE", uri, "CN", cn == null || cn.isEmpty() ? null : cn, "ROLE", role20,
                "PARTSTAT", partstat, "RSVP", rsvp == null ? null : rsvp.equals("YES") || rsvp.equals("TRUE")
                        ? "TRUE" : "FALSE");
    }

    private static String switch20(String expect) {
        switch (expect) {
            case "REQUIRE":
            case "IMMEDIATE":
                return "REQ-PARTICIPANT";
            case "REQUEST":
                return "OPT-PARTICIPANT";
            case "FYI":
                return "NON-PARTICIPANT";
            default:
                return null;
        }
    }

    private static String partstat20(String status) {
        switch (status.replace('-', ' ')) {
            case "ACCEPTED":
            case "CONFIRMED":
                return "ACCEPTED";
            case "DECLINED":
            case "TENTATIVE":
            case "DELEGATED":
            case "COMPLETED":
                return status;
            case "NEEDS ACTION":
            case "SENT":
                return "NEEDS-ACTION";
            default:
                return null;
        }
    }

    private static String upper(String s) {
        return s == null ? null : s.strip().toUpperCase(Locale.ROOT);
    }

    // =============================================================================================================
    // 2.0 -> 1.0
    // =============================================================================================================

    /** 2.0 properties (of VEVENT/VTODO) the 1.0 writer maps; all others are not expressible in 1.0. */
    static final Set<String> WRITTEN = Set.of("DTSTART", "DTEND", "DUE", "DURATION", "COMPLETED", "CREATED",
            "LAST-MODIFIED", "SUMMARY", "DESCRIPTION", "LOCATION", "UID", "RELATED-TO", "URL", "CLASS", "CATEGORIES",
            "RESOURCES", "PRIORITY", "SEQUENCE", "STATUS", "TRANSP", "RRULE", "EXRULE", "EXDATE", "RDATE",
            "ATTENDEE", "ORGANIZER", "ATTACH", "GEO");

    /** Writes an item as vCalendar 1.0 text, CRLF line ends. */
    static String write(CalModel model) {
        return new Writer(model).write();
    }

    private static final class Writer {
        private final CalModel m;
        private final CalComponent item;
        private final CalTime start;
        private final StringBuilder out = new StringBuilder(1024);

        Writer(CalModel m) {
            this.m = m;
            this.item = m.item;
            CalTime s = m.start();
            this.start = s != null ? s : m.todo ? m.time("DUE") : null;
        }

        /** A time as 1.0 writes it: zoned and UTC times in UTC, floating as is, a date as local midnight. */
        String time(CalTime t) {
            switch (t.kind) {
                case DATE:
                    return CalTime.formatDate(t.date()) + "T000000";
                case FLOATING:
                    return CalTime.formatDateTime(t.local);
                default:
                    return CalTime.formatUtc(t.instant(ZoneOffset.UTC));
            }
        }

        String write() {
            out.append("BEGIN:VCALENDAR\r\nVERSION:1.0\r\n");
            String prodid = m.root.value("PRODID");
            if (prodid != null) {
                text10("PRODID", List.of(), CalLine.unescape20(prodid), (char) 0);
            }
            String rrule = item.value("RRULE");
            CalTime last = null;
            String rule10 = null;
            List<CalTime> fallback = null;
            if (rrule != null && start != null) {
                rule10 = Rrule10.to10(rrule, start, this::lastOfCount, this::time);
                if (rule10 == null) {
                    fallback = Expansion.finiteOccurrences(m, rrule, Rrule10.MAX_RDATES);
                }
                last = lastOccurrence(rrule);
            }
            if (start != null && start.kind == CalTime.Kind.ZONED) {
                ZoneId zone = Zones.knownZone(start.tzid);
                Instant reference = start.instant(ZoneOffset.UTC);
                int from = LocalDateTime.ofInstant(reference, ZoneOffset.UTC).getYear();
                int to;
                if (rrule == null) {
                    CalTime end = m.end();
                    to = end == null ? from : Math.max(from, end.date().getYear());
                } else if (last != null) {
                    to = Math.max(from, last.date().getYear());
                } else {
                    to = from + ENDLESS_YEARS - 1;
                }
                to = Math.min(to, from + MAX_DAYLIGHT - 1);
                for (CalLine line : Zones.tz10Lines(start.rules, zone, reference, from, to, MAX_DAYLIGHT)) {
                    out.append(line.name()).append(':').append(line.value()).append("\r\n");
                }
            }
            String geo = item.value("GEO");
            if (geo != null && geo.split(";").length == 2) {
                out.append("GEO:").append(geo.replace(';', ',').strip()).append("\r\n");
            }
            out.append("BEGIN:").append(item.name).append("\r\n");
            boolean categoriesDone = false;
            boolean resourcesDone = false;
            boolean endDone = false;
            boolean allDay = !m.todo && start != null && start.isDate();
            for (CalLine line : item.lines) {
                String name = line.name();
                switch (name) {
                    case "DTSTART":
                        if (start != null && m.start() != null) {
                            plain("DTSTART", time(m.start()));
                            if (allDay && !endDone) {
                                plain("DTEND", time(m.effectiveEnd()));
                                endDone = true;
                            }
                        }
                        break;
                    case "DTEND":
                    case "DURATION":
                        if (!m.todo && !endDone) {
                            CalTime end = allDay ? m.effectiveEnd() : m.end();
                            if (end != null) {
                                plain("DTEND", time(end));
                                endDone = true;
                            }
                        } else if (m.todo && name.equals("DURATION") && !item.has("DUE")) {
                            CalTime due = m.end();
                            if (due != null) {
                                plain("DUE", time(due));
                            }
                        }
                        break;
                    case "DUE": {
                        CalTime due = m.time("DUE");
                        if (due != null) {
                            plain("DUE", time(due));
                        }
                        break;
                    }
                    case "COMPLETED":
                    case "CREATED":
                    case "LAST-MODIFIED": {
                        CalTime t = m.time(name);
                        if (t != null) {
                            plain(name.equals("CREATED") ? "DCREATED" : name, CalTime.formatUtc(t.instant(ZoneOffset.UTC)));
                        }
                        break;
                    }
                    case "SUMMARY":
                    case "DESCRIPTION":
                    case "LOCATION":
                    case "UID":
                    case "RELATED-TO":
                        text10(name, List.of(), CalLine.unescape20(line.value()), (char) 0);
                        break;
                    case "URL":
                        text10("URL", List.of(), line.value(), (char) 0);
                        break;
                    case "CLASS":
                        plain("CLASS", line.value().strip().toUpperCase(Locale.ROOT));
                        break;
                    case "CATEGORIES":
                    case "RESOURCES":
                        if (name.equals("CATEGORIES") ? !categoriesDone : !resourcesDone) {
                            List<String> values = new ArrayList<>();
                            for (CalLine l : item.all(name)) {
                                for (String v : CalLine.splitList20(l.value())) {
                                    if (!v.isBlank()) {
                                        values.add(CalLine.escape10(v.strip(), ';'));
                                    }
                                }
                            }
                            if (!values.isEmpty()) {
                                text10Raw(name, String.join(";", values));
                            }
                            if (name.equals("CATEGORIES")) {
                                categoriesDone = true;
                            } else {
                                resourcesDone = true;
                            }
                        }
                        break;
                    case "PRIORITY": {
                        Integer p = integer(line.value());
                        if (p != null && p >= 0) {
                            plain("PRIORITY", String.valueOf(priority10(p)));
                        }
                        break;
                    }
                    case "SEQUENCE":
                        if (integer(line.value()) != null) {
                            plain("SEQUENCE", line.value().strip());
                        }
                        break;
                    case "STATUS": {
                        String s = status10(line.value(), m.todo);
                        if (s != null) {
                            plain("STATUS", s);
                        }
                        break;
                    }
                    case "TRANSP":
                        plain("TRANSP", line.value().strip().equalsIgnoreCase("TRANSPARENT") ? "1" : "0");
                        break;
                    case "RRULE":
                        if (line.value().equals(rrule)) {
                            if (rule10 != null) {
                                plain("RRULE", rule10);
                            } else if (fallback != null && fallback.size() > 1) {
                                List<String> dates = new ArrayList<>();
                                for (CalTime t : fallback) {
                                    if (!time(t).equals(time(start))) {
                                        dates.add(time(t)); // DTSTART is the first occurrence anyway
                                    }
                                }
                                plain("RDATE", String.join(";", dates));
                            }
                        }
                        break;
                    case "EXRULE":
                        if (start != null) {
                            String ex = Rrule10.to10(line.value(), start, this::lastOfCount, this::time);
                            if (ex != null) {
                                plain("EXRULE", ex);
                            }
                        }
                        break;
                    case "EXDATE":
                    case "RDATE": {
                        List<String> dates = new ArrayList<>();
                        for (CalTime t : m.times(line)) {
                            dates.add(time(t));
                        }
                        if (!dates.isEmpty()) {
                            plain(name, String.join(";", dates));
                        }
                        break;
                    }
                    case "ATTENDEE":
                    case "ORGANIZER":
                        attendee10(line);
                        break;
                    case "ATTACH":
                        if (line.param("ENCODING") == null && !"BINARY".equalsIgnoreCase(line.param("VALUE"))) {
                            text10("ATTACH", List.of(new CalLine.Param("VALUE", "URL")), line.value().strip(),
                                    (char) 0);
                        }
                        break;
                    default:
                        if (name.startsWith("X-")) {
                            List<CalLine.Param> params = new ArrayList<>();
                            for (CalLine.Param p : line.params()) {
                                if (writable10(p.value()) && !p.name().equals("VALUE")) {
                                    params.add(p);
                                }
                            }
                            text10(name, params, CalLine.unescape20(line.value()), (char) 0);
                        }
                        // DTSTAMP, PERCENT-COMPLETE, RECURRENCE-ID, COMMENT, CONTACT, ... : see NOT_EXPRESSIBLE
                }
            }
            for (CalComponent alarm : item.children("VALARM")) {
                alarm10(alarm);
            }
            out.append("END:").append(item.name).append("\r\nEND:VCALENDAR\r\n");
            return out.toString();
        }

        /** The last occurrence of a COUNT rule, or {@code null} (also when it has more than can be expanded). */
        private CalTime lastOfCount(String rule) {
            if (!rule.equals(lastOfCountRule)) {
                List<CalTime> all = Expansion.finiteOccurrences(m, rule, Expansion.MAX_OCCURRENCES);
                lastOfCountRule = rule;
                lastOfCount = all == null || all.isEmpty() ? null : all.get(all.size() - 1);
            }
            return lastOfCount;
        }

        /** The rule {@link #lastOfCount} was last computed for (asked for the 1.0 rule and for DAYLIGHT). */
        private String lastOfCountRule;
        private CalTime lastOfCount;

        /** The last occurrence of the item's rule, or {@code null} for an endless one. */
        private CalTime lastOccurrence(String rule) {
            java.util.Map<String, String> parts = Rrule10.parts(rule);
            if (parts == null || !parts.containsKey("COUNT") && !parts.containsKey("UNTIL")) {
                return null;
            }
            if (parts.containsKey("UNTIL")) {
                return CalTime.parse(parts.get("UNTIL"));
            }
            return lastOfCount(rule);
        }

        private void alarm10(CalComponent alarm) {
            String action = alarm.value("ACTION");
            if (action == null) {
                return;
            }
            action = action.strip().toUpperCase(Locale.ROOT);
            String name = action.equals("AUDIO") ? "AALARM" : action.equals("DISPLAY") ? "DALARM" : null;
            if (name == null) {
                return; // EMAIL, PROCEDURE and other alarms: not expressible
            }
            CalTime at = Expansion.alarmTime(m, alarm);
            if (at == null) {
                return;
            }
            StringBuilder value = new StringBuilder(time(at));
            String repeat = alarm.value("REPEAT");
            String duration = alarm.value("DURATION");
            String content = name.equals("AALARM") ? alarm.value("ATTACH") : alarm.value("DESCRIPTION");
            content = content == null ? "" : CalLine.escape10(CalLine.unescape20(content).strip(), ';');
            boolean snooze = repeat != null && duration != null && integer(repeat) != null
                    && CalModel.Dur.parse(duration) != null;
            if (snooze || !content.isEmpty()) {
                value.append(';').append(snooze ? duration.strip() : "").append(';')
                        .append(snooze ? repeat.strip() : "").append(';').append(content);
            }
            text10Raw(name, value.toString());
        }

        private void attendee10(CalLine line) {
            String uri = line.value().strip();
            String address = uri.regionMatches(true, 0, "mailto:", 0, 7) ? uri.substring(7) : uri;
            String cn = line.param("CN");
            String value = cn == null || cn.isBlank() ? address : cn.strip() + " <" + address + ">";
            List<CalLine.Param> params = new ArrayList<>();
            if (line.name().equals("ORGANIZER")) {
                params.add(new CalLine.Param("ROLE", "ORGANIZER"));
            } else {
                String role = upper(line.param("ROLE"));
                if ("CHAIR".equals(role)) {
                    params.add(new CalLine.Param("ROLE", "OWNER"));
                } else {
                    params.add(new CalLine.Param("ROLE", "ATTENDEE"));
                    String expect = role == null ? null : role.equals("REQ-PARTICIPANT") ? "REQUIRE"
                            : role.equals("OPT-PARTICIPANT") ? "REQUEST" : role.equals("NON-PARTICIPANT") ? "FYI" : null;
                    if (expect != null) {
                        params.add(new CalLine.Param("EXPECT", expect));
                    }
                }
                String partstat = upper(line.param("PARTSTAT"));
                if (partstat != null) {
                    String status = partstat.equals("NEEDS-ACTION") ? "NEEDS ACTION"
                            : Set.of("ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED", "COMPLETED").contains(partstat)
                            ? partstat : null;
                    if (status != null) {
                        params.add(new CalLine.Param("STATUS", status));
                    }
                }
                String rsvp = upper(line.param("RSVP"));
                if (rsvp != null) {
                    params.add(new CalLine.Param("RSVP", rsvp.equals("TRUE") ? "YES" : "NO"));
                }
            }
            text10("ATTENDEE", params, value, (char) 0);
        }

        private void plain(String name, String value) {
            out.append(name).append(':').append(value).append("\r\n");
        }

        /** A text value, escaped for 1.0 ({@code separator} escaped too when not 0). */
        private void text10(String name, List<CalLine.Param> params, String text, char separator) {
            line10(name, params, CalLine.escape10(text, separator));
        }

        private void text10Raw(String name, String value) {
            line10(name, List.of(), value);
        }

        /**
         * Writes a line; a value with non-ASCII characters or line breaks as UTF-8 quoted-printable. A parameter that
         * mentions QUOTED-PRINTABLE is left out: readers take any mention for the encoding, and a plain value ending
         * in '=' would then swallow the next line (only this writer's own ENCODING may say it).
         */
        private void line10(String name, List<CalLine.Param> params, String value) {
            StringBuilder header = new StringBuilder(name);
            for (CalLine.Param p : params) {
                if ((p.name() + "=" + p.value()).toUpperCase(Locale.ROOT).contains("QUOTED-PRINTABLE")) {
                    continue;
                }
                header.append(';').append(p.name()).append('=').append(p.value());
            }
            boolean qp = false;
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c >= 0x80 || c == '\n' || c == '\r') {
                    qp = true;
                    break;
                }
            }
            if (qp) {
                header.append(";CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:");
                VCardWire.foldQuotedPrintable(header, VCardWire.encodeQuotedPrintable(value), out);
            } else {
                out.append(header).append(':').append(value).append("\r\n");
            }
        }
    }

    private static boolean writable10(String paramValue) {
        for (int i = 0; i < paramValue.length(); i++) {
            char c = paramValue.charAt(i);
            if (c == ':' || c == ';' || c == '\r' || c == '\n' || c >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
