-- Version 3: the hourly counts kept per statement instead of per row: one upsert of a batch's
-- counts, not one per entry. (Search has no index here yet: pg_trgm is not used.)

DROP TRIGGER entries_counted ON entries;
DROP FUNCTION entries_counted();

-- Counts added for new_rows and taken away for old_rows (either may be absent), in key order
-- so that concurrent writers lock the counts' rows in the same order.
CREATE FUNCTION entries_counted_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO counts_hourly
    SELECT created_s - (((created_s % 3600) + 3600) % 3600) AS h, status_key, grp, entity, source, dest, count(*)
    FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (hour_s, status_key, grp, entity, source, dest)
    DO UPDATE SET n = counts_hourly.n + excluded.n;
    RETURN NULL;
END
$$;

CREATE FUNCTION entries_counted_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE counts_hourly c SET n = c.n - o.n
    FROM (SELECT created_s - (((created_s % 3600) + 3600) % 3600) AS h, status_key, grp, entity, source, dest, count(*) AS n
          FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6) o
    WHERE c.hour_s = o.h AND c.status_key = o.status_key AND c.grp = o.grp
      AND c.entity = o.entity AND c.source = o.source AND c.dest = o.dest;
    RETURN NULL;
END
$$;

CREATE FUNCTION entries_counted_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE counts_hourly c SET n = c.n - o.n
    FROM (SELECT created_s - (((created_s % 3600) + 3600) % 3600) AS h, status_key, grp, entity, source, dest, count(*) AS n
          FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6) o
    WHERE c.hour_s = o.h AND c.status_key = o.status_key AND c.grp = o.grp
      AND c.entity = o.entity AND c.source = o.source AND c.dest = o.dest;
    INSERT INTO counts_hourly
    SELECT created_s - (((created_s % 3600) + 3600) % 3600) AS h, status_key, grp, entity, source, dest, count(*)
    FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (hour_s, status_key, grp, entity, source, dest)
    DO UPDATE SET n = counts_hourly.n + excluded.n;
    RETURN NULL;
END
$$;

CREATE TRIGGER entries_counted_insert AFTER INSERT ON entries
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION entries_counted_added();
CREATE TRIGGER entries_counted_delete AFTER DELETE ON entries
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION entries_counted_removed();
CREATE TRIGGER entries_counted_update AFTER UPDATE ON entries
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION entries_counted_changed();
