-- A CCWC's own cases, newest first (its home page), referred or not.
CREATE INDEX cases_opener ON cases (opened_by_provider_id, opened_at);
