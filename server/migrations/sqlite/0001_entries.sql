-- The entries, one row each: the keys every filter, sort and search reads (texts as bytes,
-- folded by Rust's to_lowercase on write), and the entry itself as its wire JSON (body).
-- See server/src/store/sql.rs for what each key holds.
CREATE TABLE entries (
    id         INTEGER PRIMARY KEY,      -- the u64 id XOR 2^63 (order kept)
    created_s  INTEGER NOT NULL,         -- created_at, whole seconds (floored) ...
    created_ns INTEGER NOT NULL,         -- ... and nanoseconds
    upd_s      INTEGER,                  -- updated_at, or NULL
    upd_ns     INTEGER,
    pend_s     INTEGER NOT NULL,         -- when it became Pending (the stuck rule)
    pend_ns    INTEGER NOT NULL,
    status_key BLOB NOT NULL,            -- one byte per known status, 4 + text for others
    grp        BLOB NOT NULL,
    grp_lc     BLOB NOT NULL,
    entity     BLOB NOT NULL,
    entity_lc  BLOB NOT NULL,
    source     BLOB NOT NULL,
    source_lc  BLOB NOT NULL,
    dest       BLOB NOT NULL,
    dest_lc    BLOB NOT NULL,
    ref_raw    BLOB,                     -- common_ref as sent, or NULL
    ref_lc     BLOB NOT NULL,            -- lower-cased, empty when none
    has_ref    INTEGER NOT NULL,
    run_key    INTEGER NOT NULL,         -- the Sync ID's sort key
    run_text   BLOB NOT NULL,            -- the Sync ID in decimal, for search
    sig        BLOB,                     -- the failure signature of a Failed entry
    body       BLOB NOT NULL
);
CREATE INDEX entries_created ON entries (created_s, id);
CREATE INDEX entries_status ON entries (status_key, created_s);
CREATE INDEX entries_grp ON entries (grp, created_s);
CREATE INDEX entries_entity ON entries (entity, created_s);
CREATE INDEX entries_source ON entries (source, created_s);
CREATE INDEX entries_dest ON entries (dest, created_s);
CREATE INDEX entries_ref ON entries (ref_raw) WHERE ref_raw IS NOT NULL;
CREATE INDEX entries_sig ON entries (sig, created_s) WHERE sig IS NOT NULL;
CREATE INDEX entries_updated ON entries (upd_s) WHERE upd_s IS NOT NULL;

-- Simulated resync outcomes waiting to land (until resyncs are forwarded to a platform).
CREATE TABLE resync_schedule (
    id     INTEGER PRIMARY KEY,
    due_ms INTEGER NOT NULL,
    to_ok  INTEGER NOT NULL
);
CREATE INDEX resync_schedule_due ON resync_schedule (due_ms);
