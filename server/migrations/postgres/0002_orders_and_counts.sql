-- Version 2: an index per sort order, the stuck rule's index, and hourly counts kept up to date
-- by a trigger (the facets and the summary add up hours instead of reading every entry).
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
    hour_s     BIGINT NOT NULL,
    status_key BYTEA NOT NULL,
    grp        BYTEA NOT NULL,
    entity     BYTEA NOT NULL,
    source     BYTEA NOT NULL,
    dest       BYTEA NOT NULL,
    n          BIGINT NOT NULL,
    PRIMARY KEY (hour_s, status_key, grp, entity, source, dest)
);

INSERT INTO counts_hourly
SELECT created_s - (((created_s % 3600) + 3600) % 3600), status_key, grp, entity, source, dest, count(*)
FROM entries GROUP BY 1, 2, 3, 4, 5, 6;

CREATE FUNCTION entries_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.created_s = NEW.created_s AND OLD.status_key = NEW.status_key
       AND OLD.grp = NEW.grp AND OLD.entity = NEW.entity AND OLD.source = NEW.source
       AND OLD.dest = NEW.dest THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE counts_hourly SET n = n - 1
        WHERE hour_s = OLD.created_s - (((OLD.created_s % 3600) + 3600) % 3600)
          AND status_key = OLD.status_key AND grp = OLD.grp AND entity = OLD.entity
          AND source = OLD.source AND dest = OLD.dest;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO counts_hourly VALUES (
            NEW.created_s - (((NEW.created_s % 3600) + 3600) % 3600),
            NEW.status_key, NEW.grp, NEW.entity, NEW.source, NEW.dest, 1)
        ON CONFLICT (hour_s, status_key, grp, entity, source, dest)
        DO UPDATE SET n = counts_hourly.n + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER entries_counted AFTER INSERT OR UPDATE OR DELETE ON entries
FOR EACH ROW EXECUTE FUNCTION entries_counted();
