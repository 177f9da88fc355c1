-- Accounts, tokens, sign-in throttling and the access log.

CREATE TABLE users (
    id          TEXT PRIMARY KEY,
    username    TEXT NOT NULL UNIQUE,
    version     INTEGER NOT NULL,
    doc         TEXT NOT NULL
) STRICT;

-- Refresh tokens, API tokens, and ids of revoked access tokens: only hashes are kept.
CREATE TABLE tokens (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    kind        TEXT NOT NULL CHECK (kind IN ('refresh', 'api', 'revoked_access')),
    token_hash  TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT,
    revoked_at  TEXT
) STRICT;
CREATE INDEX tokens_user ON tokens (user_id, kind);

CREATE TABLE login_failures (
    username    TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;
CREATE INDEX login_failures_user ON login_failures (username, at);

-- Who read case data or wrote anything, as what, when, from where. Append-only.
CREATE TABLE access_log (
    id          TEXT PRIMARY KEY,
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
CREATE INDEX access_log_object ON access_log (object_id, at);
CREATE INDEX access_log_user ON access_log (user_id, at);
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
