-- New access records land here first: an append at the end of one B-tree (~6 us),
-- where the indexed access_log costs ~50 us a row, most of it the two secondary
-- indexes taking a page write each at a random place. Rows move into access_log in
-- batches sorted by object (settle_access), where each index page is written once for
-- many rows, in one transaction per batch. Readers see both tables.
CREATE TABLE access_journal (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL,
    at          TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    username    TEXT NOT NULL,
    role        TEXT NOT NULL,
    action      TEXT NOT NULL,
    method      TEXT NOT NULL,
    path        TEXT NOT NULL,
    object_id   TEXT,
    client      TEXT
) STRICT;
CREATE TRIGGER access_journal_no_update BEFORE UPDATE ON access_journal
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
-- A journal row leaves only once the log holds it.
CREATE TRIGGER access_journal_only_settled_leave BEFORE DELETE ON access_journal
WHEN NOT EXISTS (SELECT 1 FROM access_log WHERE id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
