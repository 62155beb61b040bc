package io.syncgw.engine.sync;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The datastores an account has, and the names devices use for them. Devices are configured by hand with a database
 * name, so the usual spellings of each are accepted ("contacts", "./contacts", "card", "addressbook"...).
 */
public enum Datastore {
    CONTACTS("contacts", Set.of("contacts", "contact", "card", "cards", "addressbook", "address_book", "vcard", "pab",
            "scard")),
    CALENDAR("calendar", Set.of("calendar", "cal", "event", "events", "vcalendar", "scal")),
    TASKS("tasks", Set.of("tasks", "task", "todo", "todos", "stask"));

    private final String id;
    private final Set<String> aliases;

    Datastore(String id, Set<String> aliases) {
        this.id = id;
        this.aliases = aliases;
    }

    /** The canonical name, as stored. */
    public String id() {
        return id;
    }

    /**
     * The datastore a device's URI names: {@code ./contacts}, {@code contacts?filter}, {@code /AddressBook} and
     * {@code contacts} all name {@link #CONTACTS}.
     */
    public static Optional<Datastore> resolve(String uri) {
        if (uri == null) {
            return Optional.empty();
        }
        String u = uri.trim();
        int q = u.indexOf('?');
        if (q >= 0) {
            u = u.substring(0, q);
        }
        while (u.startsWith("./") || u.startsWith("/")) {
            u = u.substring(u.startsWith("./") ? 2 : 1);
        }
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        String key = u.toLowerCase(Locale.ROOT);
        for (Datastore d : values()) {
            if (d.aliases.contains(key)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    public static Optional<Datastore> byId(String id) {
        for (Datastore d : values()) {
            if (d.id.equals(id)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
