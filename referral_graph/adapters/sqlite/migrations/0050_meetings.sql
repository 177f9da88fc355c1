-- Network meetings and the actions they agreed (issue #19). Each row keeps the model as
-- JSON (doc) plus the columns queries filter, join and sort on; days are ISO-8601 text.
-- A meeting's area is a province, district or commune, kept with the codes of the areas
-- containing it (NULL below its level), so "meetings inside an area" is one equality.

CREATE TABLE meetings (
    id            TEXT PRIMARY KEY,
    level         TEXT NOT NULL,
    area_code     TEXT NOT NULL,
    province_code TEXT NOT NULL,
    district_code TEXT,
    commune_code  TEXT,
    held_on       TEXT NOT NULL,
    status        TEXT NOT NULL,
    synthetic     INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    doc           TEXT NOT NULL
) STRICT;
CREATE INDEX meetings_area ON meetings (area_code, level, held_on);
CREATE INDEX meetings_province ON meetings (province_code, held_on);
CREATE INDEX meetings_district ON meetings (district_code, held_on) WHERE district_code IS NOT NULL;
CREATE INDEX meetings_commune ON meetings (commune_code, held_on) WHERE commune_code IS NOT NULL;
CREATE INDEX meetings_held ON meetings (held_on, id);

-- PARTICIPANT: a provider invited to a meeting (present: NULL until attendance is taken).
CREATE TABLE meeting_participants (
    meeting_id  TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    provider_id TEXT NOT NULL REFERENCES providers (id),
    present     INTEGER,
    PRIMARY KEY (meeting_id, provider_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX meeting_participants_provider ON meeting_participants (provider_id, meeting_id);

CREATE TABLE meeting_actions (
    id                TEXT PRIMARY KEY,
    meeting_id        TEXT NOT NULL REFERENCES meetings (id),
    owner_provider_id TEXT NOT NULL REFERENCES providers (id),
    owner_person_id   TEXT REFERENCES people (id),
    status            TEXT NOT NULL,
    due_on            TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    awaiting_pathway  INTEGER NOT NULL,
    area_code         TEXT NOT NULL,      -- the meeting's area
    province_code     TEXT NOT NULL,
    district_code     TEXT,
    commune_code      TEXT,
    synthetic         INTEGER NOT NULL,
    version           INTEGER NOT NULL,
    doc               TEXT NOT NULL
) STRICT;
CREATE INDEX meeting_actions_meeting ON meeting_actions (meeting_id, due_on);
CREATE INDEX meeting_actions_owner ON meeting_actions (owner_provider_id, status, due_on);
CREATE INDEX meeting_actions_person ON meeting_actions (owner_person_id, status, due_on)
    WHERE owner_person_id IS NOT NULL;
CREATE INDEX meeting_actions_province ON meeting_actions (province_code, status, due_on);
CREATE INDEX meeting_actions_district ON meeting_actions (district_code, status, due_on)
    WHERE district_code IS NOT NULL;
CREATE INDEX meeting_actions_commune ON meeting_actions (commune_code, status, due_on)
    WHERE commune_code IS NOT NULL;
