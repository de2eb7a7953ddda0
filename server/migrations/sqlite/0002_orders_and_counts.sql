-- Version 2: an index per sort order (a page sorted by any column walks its index instead of
-- sorting the range), the stuck rule's index, and hourly counts kept up to date by triggers
-- (the facets and the summary add up hours instead of reading every entry in the range).
CREATE INDEX entries_by_status ON entries (status_key, id, created_s);
CREATE INDEX entries_by_group ON entries (grp_lc, grp, id, created_s);
CREATE INDEX entries_by_entity ON entries (entity_lc, entity, id, created_s);
CREATE INDEX entries_by_systems ON entries (source_lc, source, dest_lc, dest, id, created_s);
CREATE INDEX entries_by_run ON entries (run_key, id, created_s);
CREATE INDEX entries_by_ref ON entries (ref_lc, has_ref, id, created_s);
CREATE INDEX entries_pending ON entries (status_key, pend_s, pend_ns);

-- Entries per hour of creation and combination of the five header-filter fields. hour_s is
-- the hour's first second (floored, also before 1970).
CREATE TABLE counts_hourly (
    hour_s     INTEGER NOT NULL,
    status_key BLOB NOT NULL,
    grp        BLOB NOT NULL,
    entity     BLOB NOT NULL,
    source     BLOB NOT NULL,
    dest       BLOB NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (hour_s, status_key, grp, entity, source, dest)
) WITHOUT ROWID;

INSERT INTO counts_hourly
SELECT created_s - (((created_s % 3600) + 3600) % 3600), status_key, grp, entity, source, dest, count(*)
FROM entries GROUP BY 1, 2, 3, 4, 5, 6;

CREATE TRIGGER entries_counted_insert AFTER INSERT ON entries BEGIN
    INSERT INTO counts_hourly VALUES (
        new.created_s - (((new.created_s % 3600) + 3600) % 3600),
        new.status_key, new.grp, new.entity, new.source, new.dest, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER entries_counted_delete AFTER DELETE ON entries BEGIN
    UPDATE counts_hourly SET n = n - 1
    WHERE hour_s = old.created_s - (((old.created_s % 3600) + 3600) % 3600)
      AND status_key = old.status_key AND grp = old.grp AND entity = old.entity
      AND source = old.source AND dest = old.dest;
END;

CREATE TRIGGER entries_counted_update AFTER UPDATE OF created_s, status_key, grp, entity, source, dest ON entries
WHEN old.created_s IS NOT new.created_s OR old.status_key IS NOT new.status_key OR old.grp IS NOT new.grp
  OR old.entity IS NOT new.entity OR old.source IS NOT new.source OR old.dest IS NOT new.dest
BEGIN
    UPDATE counts_hourly SET n = n - 1
    WHERE hour_s = old.created_s - (((old.created_s % 3600) + 3600) % 3600)
      AND status_key = old.status_key AND grp = old.grp AND entity = old.entity
      AND source = old.source AND dest = old.dest;
    INSERT INTO counts_hourly VALUES (
        new.created_s - (((new.created_s % 3600) + 3600) % 3600),
        new.status_key, new.grp, new.entity, new.source, new.dest, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
