-- The entries, one row each: the keys every filter, sort and search reads (texts as bytes,
-- folded by Rust's to_lowercase on write), and the entry itself as its wire JSON (body).
-- See server/src/store/sql.rs for what each key holds.
CREATE TABLE entries (
    id         BIGINT PRIMARY KEY,       -- the u64 id XOR 2^63 (order kept)
    created_s  BIGINT NOT NULL,         -- created_at, whole seconds (floored) ...
    created_ns BIGINT NOT NULL,         -- ... and nanoseconds
    upd_s      BIGINT,                  -- updated_at, or NULL
    upd_ns     BIGINT,
    pend_s     BIGINT NOT NULL,         -- when it became Pending (the stuck rule)
    pend_ns    BIGINT NOT NULL,
    status_key BYTEA NOT NULL,            -- one byte per known status, 4 + text for others
    grp        BYTEA NOT NULL,
    grp_lc     BYTEA NOT NULL,
    entity     BYTEA NOT NULL,
    entity_lc  BYTEA NOT NULL,
    source     BYTEA NOT NULL,
    source_lc  BYTEA NOT NULL,
    dest       BYTEA NOT NULL,
    dest_lc    BYTEA NOT NULL,
    ref_raw    BYTEA,                     -- common_ref as sent, or NULL
    ref_lc     BYTEA NOT NULL,            -- lower-cased, empty when none
    has_ref    BIGINT NOT NULL,
    run_key    BIGINT NOT NULL,         -- the Sync ID's sort key
    run_text   BYTEA NOT NULL,            -- the Sync ID in decimal, for search
    sig        BYTEA,                     -- the failure signature of a Failed entry
    body       BYTEA NOT NULL
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
    id     BIGINT PRIMARY KEY,
    due_ms BIGINT NOT NULL,
    to_ok  BIGINT NOT NULL
);
CREATE INDEX resync_schedule_due ON resync_schedule (due_ms);
