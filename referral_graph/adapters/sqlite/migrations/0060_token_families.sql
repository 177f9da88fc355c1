-- Refresh tokens belong to a family: the one sign-in they descend from by rotation.
-- Signing out, or a rotated refresh token used again, revokes the whole family
-- (OAuth 2.0 Security BCP); access tokens name their family in a claim.
ALTER TABLE tokens ADD COLUMN family_id TEXT;
CREATE INDEX tokens_family ON tokens (family_id) WHERE family_id IS NOT NULL;
