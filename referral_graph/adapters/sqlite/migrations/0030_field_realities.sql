-- Field realities (issue 18): intake by whoever identifies the child, relayed steps, the
-- incident clock.

-- Identifications: a child identified by a VHSG, a school, a health centre or the
-- helpline, sent to the commune's CCWC to accept as a case or decline.
CREATE TABLE identifications (
    id                        TEXT PRIMARY KEY,
    identified_by_provider_id TEXT NOT NULL REFERENCES providers (id),
    to_provider_id            TEXT NOT NULL REFERENCES providers (id),
    village_code              TEXT NOT NULL,
    source                    TEXT NOT NULL,
    status                    TEXT NOT NULL,
    created_at                TEXT NOT NULL,
    case_id                   TEXT REFERENCES cases (id),
    version                   INTEGER NOT NULL,
    doc                       TEXT NOT NULL
) STRICT;
CREATE INDEX identifications_to ON identifications (to_provider_id, created_at);
CREATE INDEX identifications_from ON identifications (identified_by_provider_id, created_at);
CREATE INDEX identifications_village ON identifications (village_code, created_at);
CREATE INDEX identifications_created ON identifications (created_at);
CREATE UNIQUE INDEX identifications_case ON identifications (case_id) WHERE case_id IS NOT NULL;

-- How the child came to notice, copied from the case document (audit facts by source).
ALTER TABLE cases ADD COLUMN identification_source TEXT;
-- When an open case of sexual violence's post-rape care windows started (its incident
-- time): the scheduler finds the windows closing now by it.
ALTER TABLE cases ADD COLUMN care_clock_at TEXT;
CREATE INDEX cases_care_clock ON cases (care_clock_at) WHERE care_clock_at IS NOT NULL;

-- The receiver's steps someone else recorded for it (',received,accepted,'), for the audit.
ALTER TABLE referrals ADD COLUMN relayed_steps TEXT;
