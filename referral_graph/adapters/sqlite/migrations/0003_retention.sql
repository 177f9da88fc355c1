-- Case closure and retention: what the purge needs to find, and the one change it may
-- make to history (clearing free text from events).

ALTER TABLE cases ADD COLUMN status TEXT NOT NULL DEFAULT 'open';
ALTER TABLE cases ADD COLUMN closed_at TEXT;
ALTER TABLE cases ADD COLUMN purged_at TEXT;
CREATE INDEX cases_closed ON cases (closed_at) WHERE status = 'closed' AND purged_at IS NULL;

-- Events stay immutable, except that retention may clear their reason, outcome and note.
DROP TRIGGER referral_events_no_update;
CREATE TRIGGER referral_events_no_update BEFORE UPDATE ON referral_events
WHEN NOT (
    NEW.id = OLD.id AND NEW.referral_id = OLD.referral_id AND NEW.sequence = OLD.sequence
    AND NEW.at = OLD.at
    AND json_extract(NEW.doc, '$.reason') IS NULL
    AND json_extract(NEW.doc, '$.outcome') IS NULL
    AND json_extract(NEW.doc, '$.note') IS NULL
    AND json_remove(NEW.doc, '$.reason', '$.outcome', '$.note')
        = json_remove(OLD.doc, '$.reason', '$.outcome', '$.note')
)
BEGIN SELECT RAISE(ABORT, 'referral events are immutable'); END;
