package io.syncgw.engine.devinf;

import io.syncgw.codec.model.SyncMlVersion;
import io.syncgw.codec.model.devinf.ContentTypeRef;
import io.syncgw.codec.model.devinf.CtCap;
import io.syncgw.codec.model.devinf.CtParam;
import io.syncgw.codec.model.devinf.CtProperty;
import io.syncgw.codec.model.devinf.DataStore;
import io.syncgw.codec.model.devinf.DevInf;
import java.util.ArrayList;
import java.util.List;

/**
 * What syncgw tells a device about itself in {@code Results} for {@code Get ./devinf12}: a server ({@code DevTyp
 * server}) with one datastore per supported data type, the content types it receives and sends, the properties it
 * keeps, and the sync types it supports (1-7: two-way, slow, the one-ways, refreshes, server-alerted).
 */
public final class ServerDevInf {
    private static final List<String> SYNC_TYPES = List.of("1", "2", "3", "4", "5", "6", "7");
    private static final ContentTypeRef VCARD_30 = new ContentTypeRef("text/vcard", "3.0");
    private static final ContentTypeRef VCARD_21 = new ContentTypeRef("text/x-vcard", "2.1");
    private static final ContentTypeRef ICAL_20 = new ContentTypeRef("text/calendar", "2.0");
    private static final ContentTypeRef VCAL_10 = new ContentTypeRef("text/x-vcalendar", "1.0");

    /** Built device information by what it depends on; bounded, since DevID comes from what clients send. */
    private static final java.util.Map<Key, DevInf> CACHE = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 256;

    private record Key(SyncMlVersion version, String serverUri, String softwareVersion, boolean ctCaps) {
    }

    private ServerDevInf() {
    }

    /**
     * {@link #build}, built once and shared: the model is immutable, and a session keeps its last reply (for resend
     * replay), so every session answering a Get used to hold its own copy of some 140 CtCap properties. Which server
     * URIs clients address is not up to us: beyond {@value #CACHE_LIMIT} of them, the rest are built each time.
     */
    public static DevInf of(SyncMlVersion version, String serverUri, String softwareVersion, boolean ctCaps) {
        Key key = new Key(version, serverUri, softwareVersion, ctCaps);
        DevInf cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        DevInf built = build(version, serverUri, softwareVersion, ctCaps);
        if (CACHE.size() < CACHE_LIMIT) {
            CACHE.putIfAbsent(key, built);
        }
        return built;
    }

    /**
     * The device information for a session of {@code version}; {@code serverUri} becomes DevID. {@code ctCaps}
     * false leaves out the content-type capabilities (about 12 KB): for devices whose messages are too small.
     */
    public static DevInf build(SyncMlVersion version, String serverUri, String softwareVersion, boolean ctCaps) {
        boolean v12 = version == SyncMlVersion.V1_2 && ctCaps;
        DataStore contacts = new DataStore("contacts", "Contacts", 32, VCARD_30, List.of(VCARD_21), VCARD_30,
                List.of(VCARD_21), v12 ? List.of(vcardCap(VCARD_30), vcardCap(VCARD_21)) : List.of(), null, false,
                SYNC_TYPES, List.of(), List.of());
        DataStore calendar = new DataStore("calendar", "Calendar", 32, ICAL_20, List.of(VCAL_10), ICAL_20,
                List.of(VCAL_10), v12 ? List.of(calendarCap(ICAL_20, false), calendarCap(VCAL_10, false)) : List.of(),
                null, false, SYNC_TYPES, List.of(), List.of());
        DataStore tasks = new DataStore("tasks", "Tasks", 32, ICAL_20, List.of(VCAL_10), ICAL_20,
                List.of(VCAL_10), v12 ? List.of(calendarCap(ICAL_20, true), calendarCap(VCAL_10, true)) : List.of(),
                null, false, SYNC_TYPES, List.of(), List.of());
        // SyncML 1.0/1.1 carry CTCaps at device level, one per content type
        List<CtCap> deviceLevel = version == SyncMlVersion.V1_2 || !ctCaps ? List.of()
                : List.of(vcardCap(new ContentTypeRef(VCARD_30.ctType(), null)),
                        vcardCap(new ContentTypeRef(VCARD_21.ctType(), null)),
                        calendarCap(new ContentTypeRef(ICAL_20.ctType(), null), null),
                        calendarCap(new ContentTypeRef(VCAL_10.ctType(), null), null));
        return new DevInf(version.verDtd(), "syncgw", "syncgw", "syncgw", softwareVersion, softwareVersion, "1.0",
                serverUri, "server", true, true, true, List.of(contacts, calendar, tasks), deviceLevel, List.of());
    }

    /** The vCard properties syncgw stores (it stores cards whole, so this lists what it understands). */
    private static CtCap vcardCap(ContentTypeRef type) {
        List<CtProperty> p = new ArrayList<>();
        p.add(prop("BEGIN", List.of("VCARD")));
        p.add(prop("END", List.of("VCARD")));
        p.add(prop("VERSION", List.of(type.ctType().equals("text/vcard") ? "3.0" : "2.1")));
        for (String name : List.of("N", "FN", "NICKNAME", "ORG", "TITLE", "ROLE", "NOTE", "BDAY", "URL", "UID",
                "CATEGORIES", "PHOTO", "REV", "X-ANNIVERSARY", "X-SPOUSE", "X-MANAGER", "X-ASSISTANT")) {
            p.add(prop(name, List.of()));
        }
        p.add(typed("TEL", List.of("HOME", "WORK", "CELL", "FAX", "PAGER", "VOICE", "PREF", "CAR")));
        p.add(typed("EMAIL", List.of("HOME", "WORK", "INTERNET", "PREF")));
        p.add(typed("ADR", List.of("HOME", "WORK", "OTHER", "PREF")));
        return new CtCap(type.ctType(), type.verCt(), false, p);
    }

    /**
     * The calendar properties syncgw keeps and converts, for events ({@code todo} false), tasks (true) or both
     * (null: a device-level CTCap of SyncML 1.0/1.1).
     */
    private static CtCap calendarCap(ContentTypeRef type, Boolean todo) {
        boolean v20 = type.ctType().equals(ICAL_20.ctType());
        List<String> components = new ArrayList<>(List.of("VCALENDAR"));
        if (todo == null || !todo) {
            components.add("VEVENT");
        }
        if (todo == null || todo) {
            components.add("VTODO");
        }
        if (v20) {
            components.addAll(List.of("VTIMEZONE", "STANDARD", "DAYLIGHT", "VALARM"));
        }
        List<CtProperty> p = new ArrayList<>();
        p.add(prop("BEGIN", components));
        p.add(prop("END", components));
        p.add(prop("VERSION", List.of(v20 ? "2.0" : "1.0")));
        List<String> names = new ArrayList<>(List.of("UID", "SUMMARY", "DESCRIPTION", "LOCATION", "CATEGORIES",
                "CLASS", "DTSTART", "DTEND", "RRULE", "EXDATE", "RDATE", "LAST-MODIFIED", "ATTENDEE", "PRIORITY",
                "STATUS", "DUE", "COMPLETED"));
        if (v20) {
            names.addAll(List.of("TZID", "TZOFFSETFROM", "TZOFFSETTO", "TZNAME", "DTSTAMP", "CREATED", "SEQUENCE",
                    "ORGANIZER", "TRANSP", "RECURRENCE-ID", "DURATION", "PERCENT-COMPLETE", "URL", "GEO",
                    "RELATED-TO", "TRIGGER", "ACTION", "REPEAT"));
        } else {
            names.addAll(List.of("TZ", "DAYLIGHT", "DCREATED", "AALARM", "DALARM", "TRANSP", "URL", "GEO"));
        }
        for (String name : names) {
            p.add(prop(name, List.of()));
        }
        return new CtCap(type.ctType(), type.verCt(), false, p);
    }

    private static CtProperty prop(String name, List<String> values) {
        return new CtProperty(name, null, null, null, false, values, null, List.of());
    }

    private static CtProperty typed(String name, List<String> types) {
        return new CtProperty(name, null, null, null, false, List.of(), null,
                List.of(new CtParam("TYPE", null, types, null)));
    }
}
