-- Alerts to people (#17): who marked which alert seen (the first time counts), and the
-- user columns that find the people to tell of an alert. Users keep their notification
-- settings in their doc; the columns below are read from it, never written.

CREATE TABLE alert_seen (
    alert_id    TEXT NOT NULL REFERENCES alerts (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    username    TEXT NOT NULL,
    at          TEXT NOT NULL,
    PRIMARY KEY (alert_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX alert_seen_user ON alert_seen (user_id, alert_id);

ALTER TABLE users ADD COLUMN provider_id TEXT
    GENERATED ALWAYS AS (json_extract(doc, '$.provider_id')) VIRTUAL;
ALTER TABLE users ADD COLUMN area_code TEXT
    GENERATED ALWAYS AS (json_extract(doc, '$.area_code')) VIRTUAL;
CREATE INDEX users_provider ON users (provider_id) WHERE provider_id IS NOT NULL;
CREATE INDEX users_area ON users (area_code) WHERE area_code IS NOT NULL;
