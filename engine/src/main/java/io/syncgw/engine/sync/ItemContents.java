package io.syncgw.engine.sync;

import io.syncgw.codec.pim.CalendarCodec;
import java.util.EnumMap;
import java.util.Map;

/** The content handling of every datastore syncgw serves. Immutable, shared by all sessions. */
public final class ItemContents {
    private final Map<Datastore, ItemContent> byStore;

    private ItemContents(Map<Datastore, ItemContent> byStore) {
        this.byStore = byStore;
    }

    /** Contacts, calendar and tasks, each warmed up (libraries loaded) before the first session. */
    public static ItemContents standard() {
        Map<Datastore, ItemContent> m = new EnumMap<>(Datastore.class);
        CalendarCodec calendar = new CalendarCodec();
        m.put(Datastore.CONTACTS, new ContactContent());
        m.put(Datastore.CALENDAR, new CalendarContent(Datastore.CALENDAR, calendar));
        m.put(Datastore.TASKS, new CalendarContent(Datastore.TASKS, calendar));
        return new ItemContents(m);
    }

    /** The content handling of {@code datastore}. */
    public ItemContent of(Datastore datastore) {
        ItemContent c = byStore.get(datastore);
        if (c == null) {
            throw new IllegalArgumentException("no content handling for " + datastore);
        }
        return c;
    }
}
