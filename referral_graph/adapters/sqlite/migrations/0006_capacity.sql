-- Capacity building: the people of providers and who supervises them, trainings and who
-- attended, coaching, and awareness sessions (counts only). Each row keeps the model as
-- JSON (doc) plus the columns queries filter, join and sort on; days are ISO-8601 text.
-- The capacity policy lives in meta under 'capacity_policy', like 'sla_policy'.
--
-- Areas: people are found by where their provider is located now (a join on
-- providers.area_code), sessions by where they were held: the province, district, commune
-- and village of that place as columns (from the gazetteer's parent links, since some
-- village codes do not start with their commune's), NULL below the level it was held at.

CREATE TABLE people (
    id          TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL REFERENCES providers (id),
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    active      INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    doc         TEXT NOT NULL
) STRICT;
CREATE INDEX people_provider ON people (provider_id, name, id);
CREATE INDEX people_role ON people (role);

-- SUPERVISES: supervisor_id supervises or coaches person_id (from Person.supervised_by).
CREATE TABLE supervision (
    person_id     TEXT NOT NULL REFERENCES people (id),
    supervisor_id TEXT NOT NULL REFERENCES people (id),
    PRIMARY KEY (person_id, supervisor_id),
    CHECK (person_id <> supervisor_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX supervision_supervisor ON supervision (supervisor_id, person_id);

CREATE TABLE training_sessions (
    id            TEXT PRIMARY KEY,
    topic         TEXT NOT NULL,
    starts_on     TEXT NOT NULL,
    ends_on       TEXT NOT NULL,
    area_code     TEXT,                 -- NULL: online or by phone
    province_code TEXT,
    district_code TEXT,
    commune_code  TEXT,
    village_code  TEXT,
    doc           TEXT NOT NULL
) STRICT;
CREATE INDEX training_sessions_starts ON training_sessions (starts_on, id);
CREATE INDEX training_sessions_topic ON training_sessions (topic, starts_on);
CREATE INDEX training_sessions_province ON training_sessions (province_code, starts_on);
CREATE INDEX training_sessions_district ON training_sessions (district_code, starts_on)
    WHERE district_code IS NOT NULL;
CREATE INDEX training_sessions_commune ON training_sessions (commune_code, starts_on)
    WHERE commune_code IS NOT NULL;
CREATE INDEX training_sessions_village ON training_sessions (village_code, starts_on)
    WHERE village_code IS NOT NULL;

CREATE TABLE attendance (
    session_id  TEXT NOT NULL REFERENCES training_sessions (id),
    person_id   TEXT NOT NULL REFERENCES people (id),
    completed   INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    doc         TEXT NOT NULL,
    PRIMARY KEY (session_id, person_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX attendance_person ON attendance (person_id, session_id);

CREATE TABLE coaching (
    id        TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    coach_id  TEXT NOT NULL REFERENCES people (id),
    held_on   TEXT NOT NULL,
    doc       TEXT NOT NULL
) STRICT;
CREATE INDEX coaching_person ON coaching (person_id, held_on);
CREATE INDEX coaching_coach ON coaching (coach_id, held_on);
CREATE INDEX coaching_held ON coaching (held_on, id);

CREATE TABLE awareness_sessions (
    id             TEXT PRIMARY KEY,
    provider_id    TEXT NOT NULL REFERENCES providers (id),
    facilitator_id TEXT REFERENCES people (id),
    held_on        TEXT NOT NULL,
    topic          TEXT NOT NULL,
    total          INTEGER NOT NULL,    -- participants of every age group and gender
    area_code      TEXT NOT NULL,       -- a village or commune
    province_code  TEXT NOT NULL,
    district_code  TEXT NOT NULL,
    commune_code   TEXT NOT NULL,
    village_code   TEXT,
    doc            TEXT NOT NULL
) STRICT;
CREATE INDEX awareness_held ON awareness_sessions (held_on, id);
CREATE INDEX awareness_provider ON awareness_sessions (provider_id, held_on);
CREATE INDEX awareness_province ON awareness_sessions (province_code, held_on);
CREATE INDEX awareness_district ON awareness_sessions (district_code, held_on);
CREATE INDEX awareness_commune ON awareness_sessions (commune_code, held_on);
CREATE INDEX awareness_village ON awareness_sessions (village_code, held_on)
    WHERE village_code IS NOT NULL;
