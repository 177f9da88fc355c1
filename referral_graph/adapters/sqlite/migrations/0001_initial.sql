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
    risk                  TEXT NOT NULL,
    service               TEXT NOT NULL,
    hop                   INTEGER NOT NULL,
    village_code          TEXT NOT NULL,     -- the child's village (from the case)
    case_opened_at        TEXT NOT NULL,
    created_at            TEXT NOT NULL,
    received_at           TEXT,
    accepted_at           TEXT,
    rejected_at           TEXT,
    in_progress_at        TEXT,
    closed_at             TEXT,
    acknowledge_due       TEXT,
    decide_due            TEXT,
    first_contact_due     TEXT,
    pending_due_at        TEXT,              -- deadline of the window it waits on now
    next_alert_at         TEXT,              -- when the scheduler next looks at it
    status_reason         TEXT,
    recommendation_rank   INTEGER,
    updated_at            TEXT NOT NULL,
    version               INTEGER NOT NULL,
    doc                   TEXT NOT NULL
) STRICT;
CREATE INDEX referrals_inbox ON referrals (to_provider_id, status, created_at);
CREATE INDEX referrals_case ON referrals (case_id, hop, created_at);
CREATE INDEX referrals_from ON referrals (from_provider_id, created_at);
CREATE INDEX referrals_created ON referrals (created_at);
CREATE INDEX referrals_village ON referrals (village_code, created_at);
CREATE INDEX referrals_pending_due ON referrals (pending_due_at) WHERE pending_due_at IS NOT NULL;
CREATE INDEX referrals_next_alert ON referrals (next_alert_at) WHERE next_alert_at IS NOT NULL;

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

-- Reminders and escalations; the id makes each fire exactly once.
CREATE TABLE alerts (
    id          TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    provider_id TEXT NOT NULL,
    kind        TEXT NOT NULL,
    fired_at    TEXT NOT NULL,
    doc         TEXT NOT NULL
) STRICT;
CREATE INDEX alerts_referral ON alerts (referral_id);
CREATE INDEX alerts_provider ON alerts (provider_id, fired_at);

-- Events waiting for delivery to webhooks (written in the transaction that made them).
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    topic           TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT,
    doc             TEXT NOT NULL
) STRICT;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
