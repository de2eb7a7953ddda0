-- Version 3: substring search through an index. The lower-cased references and Sync IDs in a
-- trigram full-text index (contentless: it holds the trigrams, not the text), which finds the
-- candidates; the exact byte test on the entry (instr) then decides, so the index can only
-- narrow, never change, what matches.
CREATE VIRTUAL TABLE entries_text USING fts5(
    ref, run, content = '', contentless_delete = 1, tokenize = 'trigram case_sensitive 1'
);
INSERT INTO entries_text (rowid, ref, run)
SELECT id, CAST(ref_lc AS TEXT), CAST(run_text AS TEXT) FROM entries;

CREATE TRIGGER entries_text_insert AFTER INSERT ON entries BEGIN
    INSERT INTO entries_text (rowid, ref, run)
    VALUES (new.id, CAST(new.ref_lc AS TEXT), CAST(new.run_text AS TEXT));
END;

CREATE TRIGGER entries_text_delete AFTER DELETE ON entries BEGIN
    DELETE FROM entries_text WHERE rowid = old.id;
END;

CREATE TRIGGER entries_text_update AFTER UPDATE OF ref_lc, run_text ON entries
WHEN old.ref_lc IS NOT new.ref_lc OR old.run_text IS NOT new.run_text
BEGIN
    DELETE FROM entries_text WHERE rowid = old.id;
    INSERT INTO entries_text (rowid, ref, run)
    VALUES (new.id, CAST(new.ref_lc AS TEXT), CAST(new.run_text AS TEXT));
END;
