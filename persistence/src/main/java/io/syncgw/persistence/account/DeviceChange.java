package io.syncgw.persistence.account;

import io.syncgw.engine.port.DevicePolicy;
import io.syncgw.engine.sync.ConflictPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A change to the configuration of one device slot: any subset of the fields, each validated when it is set (an
 * unacceptable value is an {@link AccountException} naming the field). Fields not set keep their value. Built by the
 * admin API from JSON and by the self-service page from its form, with the same names and rules.
 */
public final class DeviceChange {

    /** Longest device name. */
    public static final int MAX_NAME = 100;
    /** Most categories in one filter, and the longest category. */
    public static final int MAX_CATEGORIES = 50;
    public static final int MAX_CATEGORY = 100;
    /** Longest calendar window, in days (a hundred years). */
    public static final int MAX_DAYS = 36_500;

    /** The configurable fields: their name in the API and the form, and their column. */
    public enum Field {
        NAME("name", "name"),
        ACTIVE("active", "active"),
        DATASTORES("datastores", "datastores"),
        DIRECTION("direction", "direction"),
        CONTACT_CATEGORIES("contactCategories", "contact_categories"),
        EXCLUDE_CATEGORIES("excludeCategories", "exclude_categories"),
        CALENDAR_PAST_DAYS("calendarPastDays", "calendar_past_days"),
        CALENDAR_FUTURE_DAYS("calendarFutureDays", "calendar_future_days"),
        CONFLICT_POLICY("conflictPolicy", "conflict_policy"),
        DELETES_PROPAGATE("deletesPropagate", "deletes_propagate"),
        NEXT_SYNC("nextSync", "next_sync");

        private final String wireName;
        private final String column;

        Field(String wireName, String column) {
            this.wireName = wireName;
            this.column = column;
        }

        public String wireName() {
            return wireName;
        }

        String column() {
            return column;
        }

        /** The field called {@code name} in the API, or null. */
        public static Field of(String name) {
            for (Field f : values()) {
                if (f.wireName.equals(name)) {
                    return f;
                }
            }
            return null;
        }
    }

    /** Column values as bound: String, Boolean, String[], Integer, or null. */
    private final Map<Field, Object> values;

    private DeviceChange(Map<Field, Object> values) {
        this.values = Collections.unmodifiableMap(new EnumMap<>(values));
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The fields this change sets, in declaration order. */
    public Set<Field> fields() {
        return values.keySet();
    }

    /** The column value for {@code f} (String, Boolean, String[], Integer or null). */
    Object value(Field f) {
        return values.get(f);
    }

    /** Builds a change; every setter validates its value. */
    public static final class Builder {
        private final Map<Field, Object> values = new EnumMap<>(Field.class);

        private Builder() {
        }

        /** A label; blank or null removes it. */
        public Builder name(String name) {
            String n = name == null ? "" : name.strip();
            if (n.length() > MAX_NAME) {
                throw bad(Field.NAME, "name must be at most " + MAX_NAME + " characters long");
            }
            if (n.codePoints().anyMatch(Character::isISOControl)) {
                throw bad(Field.NAME, "name must not contain control characters");
            }
            values.put(Field.NAME, n.isEmpty() ? null : n);
            return this;
        }

        public Builder active(boolean active) {
            values.put(Field.ACTIVE, active);
            return this;
        }

        /** Any of {@code contacts}, {@code calendar}, {@code tasks}; may be empty (the device syncs nothing). */
        public Builder datastores(Collection<String> datastores) {
            if (datastores == null) {
                throw bad(Field.DATASTORES, "datastores must be a list of contacts, calendar, tasks");
            }
            Set<String> set = new TreeSet<>();
            for (String d : datastores) {
                String n = d == null ? "" : d.strip().toLowerCase(Locale.ROOT);
                if (!DevicePolicy.DATASTORES.contains(n)) {
                    throw bad(Field.DATASTORES, "datastores may list only contacts, calendar and tasks, not '"
                            + clip(d) + "'");
                }
                set.add(n);
            }
            values.put(Field.DATASTORES, set.toArray(String[]::new));
            return this;
        }

        /** {@code two-way}, {@code from-server} or {@code from-client}. */
        public Builder direction(String direction) {
            DevicePolicy.Direction d = DevicePolicy.Direction.of(direction).orElseThrow(() -> bad(Field.DIRECTION,
                    "direction must be two-way, from-server or from-client"));
            values.put(Field.DIRECTION, d.wireName());
            return this;
        }

        public Builder contactCategories(Collection<String> categories) {
            values.put(Field.CONTACT_CATEGORIES, categories(Field.CONTACT_CATEGORIES, categories));
            return this;
        }

        public Builder excludeCategories(Collection<String> categories) {
            values.put(Field.EXCLUDE_CATEGORIES, categories(Field.EXCLUDE_CATEGORIES, categories));
            return this;
        }

        /** Days before today; null: no limit. */
        public Builder calendarPastDays(Integer days) {
            values.put(Field.CALENDAR_PAST_DAYS, days(Field.CALENDAR_PAST_DAYS, days));
            return this;
        }

        /** Days after today; null: no limit. */
        public Builder calendarFutureDays(Integer days) {
            values.put(Field.CALENDAR_FUTURE_DAYS, days(Field.CALENDAR_FUTURE_DAYS, days));
            return this;
        }

        /** {@code server-wins}, {@code client-wins}, {@code newest-wins}, {@code duplicate}; null: the server's. */
        public Builder conflictPolicy(String policy) {
            if (policy == null) {
                values.put(Field.CONFLICT_POLICY, null);
                return this;
            }
            ConflictPolicy p = ConflictPolicy.of(policy).orElseThrow(() -> bad(Field.CONFLICT_POLICY,
                    "conflictPolicy must be server-wins, client-wins, newest-wins, duplicate or null"));
            values.put(Field.CONFLICT_POLICY, p.wireName());
            return this;
        }

        public Builder deletesPropagate(boolean propagate) {
            values.put(Field.DELETES_PROPAGATE, propagate);
            return this;
        }

        /** {@code normal}, {@code slow} or {@code refresh-from-server}. */
        public Builder nextSync(String nextSync) {
            DevicePolicy.NextSync n = DevicePolicy.NextSync.of(nextSync).orElseThrow(() -> bad(Field.NEXT_SYNC,
                    "nextSync must be normal, slow or refresh-from-server"));
            values.put(Field.NEXT_SYNC, n.wireName());
            return this;
        }

        public DeviceChange build() {
            return new DeviceChange(values);
        }

        private static String[] categories(Field f, Collection<String> categories) {
            if (categories == null) {
                throw bad(f, f.wireName() + " must be a list of categories (empty for none)");
            }
            Set<String> seen = new LinkedHashSet<>();
            List<String> out = new ArrayList<>();
            for (String c : categories) {
                String n = c == null ? "" : c.strip();
                if (n.isEmpty()) {
                    continue;
                }
                if (n.length() > MAX_CATEGORY || n.codePoints().anyMatch(Character::isISOControl)) {
                    throw bad(f, f.wireName() + ": a category must be at most " + MAX_CATEGORY
                            + " characters long, without control characters");
                }
                if (seen.add(n.toLowerCase(Locale.ROOT))) {
                    out.add(n);
                }
            }
            if (out.size() > MAX_CATEGORIES) {
                throw bad(f, f.wireName() + " may list at most " + MAX_CATEGORIES + " categories");
            }
            return out.toArray(String[]::new);
        }

        private static Integer days(Field f, Integer days) {
            if (days != null && (days < 0 || days > MAX_DAYS)) {
                throw bad(f, f.wireName() + " must be 0 to " + MAX_DAYS + " days, or null for no limit");
            }
            return days;
        }

        private static AccountException bad(Field f, String message) {
            return AccountException.invalid(f.wireName(), message);
        }

        private static String clip(String s) {
            if (s == null) {
                return "null";
            }
            String t = s.codePoints().filter(c -> !Character.isISOControl(c)).collect(StringBuilder::new,
                    StringBuilder::appendCodePoint, StringBuilder::append).toString();
            return t.length() > 40 ? t.substring(0, 40) + "..." : t;
        }
    }
}
