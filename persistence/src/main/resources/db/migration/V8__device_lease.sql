-- One session per device at a time: the session that holds the device (its key) and until when. A session claims
-- the device with its first authenticated message, renews the claim while it runs, and releases it when it
-- completes; a session that vanishes (the connection dropped) loses the claim when it runs out.
alter table device
    add column session_key   text,
    add column session_until timestamptz;
