-- Device slots and per-device policies (the FCSS model), and what the engine needs to filter what a device
-- receives in set-based SQL: an item's contact categories and the time span of an event or task.

-- the number of device slots of an account; null: the server's default (--max-devices, 4)
alter table account add column max_devices int check (max_devices between 1 and 64);

alter table device
    add column name                 text,
    add column manufacturer         text,
    add column model                text,
    add column last_sync            timestamptz,
    add column datastores           text[]  not null default '{contacts,calendar,tasks}',
    add column direction            text    not null default 'two-way'
        check (direction in ('two-way', 'from-server', 'from-client')),
    add column contact_categories   text[]  not null default '{}',
    add column exclude_categories   text[]  not null default '{}',
    add column calendar_past_days   int     check (calendar_past_days >= 0),
    add column calendar_future_days int     check (calendar_future_days >= 0),
    -- null: the server's --conflict-policy
    add column conflict_policy      text
        check (conflict_policy in ('server-wins', 'client-wins', 'newest-wins', 'duplicate')),
    add column deletes_propagate    boolean not null default true,
    add column next_sync            text    not null default 'normal'
        check (next_sync in ('normal', 'slow', 'refresh-from-server'));

-- categories: contacts' CATEGORIES, lower case (null for items written before V5: treated as none);
-- span_start/span_end: the first start and last end of an event or task over all its occurrences (null: open)
alter table item
    add column categories text[],
    add column span_start timestamptz,
    add column span_end   timestamptz,
    add column recurring  boolean not null default false;

-- a mapping the device let go of (its deletion did not propagate to the account, deletes_propagate false): it no
-- longer holds the item; it gets it again (as a new item) only when the item changes on the server
alter table item_map add column detached boolean not null default false;
