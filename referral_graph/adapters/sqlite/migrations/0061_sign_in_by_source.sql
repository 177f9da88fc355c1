-- A sign-in attempt is counted per account *and* source address (five guesses from one
-- address lock that address out of that account, not the account's owner elsewhere)
-- and per source address across accounts. Attempts are recorded before the password
-- is checked, so parallel guesses cannot outrun the count.
ALTER TABLE login_failures ADD COLUMN source TEXT NOT NULL DEFAULT '';
CREATE INDEX login_failures_account ON login_failures (username, source, at);
CREATE INDEX login_failures_source ON login_failures (source, at);
