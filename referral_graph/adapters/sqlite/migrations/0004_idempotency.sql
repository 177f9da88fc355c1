-- Idempotency keys: a retried request with the same key gets the first answer.
CREATE TABLE idempotency (
    key          TEXT PRIMARY KEY,       -- the client's key, scoped to its user
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    body         TEXT NOT NULL,
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX idempotency_created ON idempotency (created_at);
