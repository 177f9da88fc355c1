-- The directory, cases, referrals and their events.
-- Each row keeps the full model as JSON (doc) plus the columns that queries filter on.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
INSERT INTO meta (key, value) VALUES ('directory_version', '0');

CREATE TABLE providers (
    id        TEXT PRIMARY KEY,
    kind      TEXT NOT NULL,
    area_code TEXT NOT NULL,
    active    INTEGER NOT NULL,
    min_age   INTEGER NOT NULL,
    max_age   INTEGER NOT NULL,
    genders   TEXT NOT NULL,          -- ',female,male,' or '' for every gender
    version   INTEGER NOT NULL,
    doc       TEXT NOT NULL
) STRICT;
CREATE INDEX providers_kind ON providers (kind);

-- Areas a provider sits in or covers; 'located' rows also feed area filters.
CREATE TABLE provider_areas (
    provider_id TEXT NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    code        TEXT NOT NULL,
    relation    TEXT NOT NULL CHECK (relation IN ('located', 'covers')),
    PRIMARY KEY (provider_id, relation, code)
) STRICT, WITHOUT ROWID;
CREATE INDEX provider_areas_code ON provider_areas (code, provider_id);

CREATE TABLE provider_services (
    provider_id TEXT NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    service     TEXT NOT NULL,
    PRIMARY KEY (provider_id, service)
) STRICT, WITHOUT ROWID;
CREATE INDEX provider_services_service ON provider_services (service, provider_id);

CREATE TABLE pathways (
    id               TEXT PRIMARY KEY,
    from_provider_id TEXT NOT NULL REFERENCES providers (id),
    to_provider_id   TEXT NOT NULL REFERENCES providers (id),
    service          TEXT NOT NULL,
    doc              TEXT NOT NULL
) STRICT;
CREATE INDEX pathways_from ON pathways (from_provider_id, service);
CREATE INDEX pathways_to ON pathways (to_provider_id, service);

CREATE TABLE cases (
    id                    TEXT PRIMARY KEY,
    code                  TEXT NOT NULL UNIQUE,
    village_code          TEXT NOT NULL,
    opened_by_provider_id TEXT NOT NULL REFERENCES providers (id),
    opened_at             TEXT NOT NULL,
    version               INTEGER NOT NULL,
    doc                   TEXT NOT NULL
) STRICT;

CREATE TABLE referrals (
    id                    TEXT PRIMARY KEY,
    case_id               TEXT NOT NULL REFERENCES cases (id),
    from_provider_id      TEXT NOT NULL REFERENCES providers (id),
    to_provider_id        TEXT NOT NULL REFERENCES providers (id),
    continues_referral_id TEXT REFERENCES referrals (id),
    status                TEXT NOT NULL,
    hop                   INTEGER NOT NULL,
    created_at            TEXT NOT NULL,
    received_at           TEXT,
    updated_at            TEXT NOT NULL,
    version               INTEGER NOT NULL,
    doc                   TEXT NOT NULL
) STRICT;
CREATE INDEX referrals_inbox ON referrals (to_provider_id, status, created_at);
CREATE INDEX referrals_case ON referrals (case_id, hop, created_at);
CREATE INDEX referrals_from ON referrals (from_provider_id, created_at);

CREATE TABLE referral_events (
    id          TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    sequence    INTEGER NOT NULL,
    at          TEXT NOT NULL,
    doc         TEXT NOT NULL,
    UNIQUE (referral_id, sequence)
) STRICT;

-- Events are history: they are never changed or deleted.
CREATE TRIGGER referral_events_no_update BEFORE UPDATE ON referral_events
BEGIN SELECT RAISE(ABORT, 'referral events are immutable'); END;
CREATE TRIGGER referral_events_no_delete BEFORE DELETE ON referral_events
BEGIN SELECT RAISE(ABORT, 'referral events are immutable'); END;

-- Services a case needed that nothing reached in person where the child lives.
CREATE TABLE service_gaps (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases (id),
    service      TEXT NOT NULL,
    village_code TEXT NOT NULL,
    reachable_by TEXT NOT NULL,
    at           TEXT NOT NULL
) STRICT;
CREATE INDEX service_gaps_village ON service_gaps (village_code, at);
