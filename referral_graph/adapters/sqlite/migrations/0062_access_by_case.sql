-- Every read of a case's data is findable by its case id ("who looked at this case"),
-- also when it was read through a referral, a FHIR Task or a case Bundle, and refused
-- attempts at a foreign case or referral are on record (action 'denied').
ALTER TABLE access_log ADD COLUMN case_id TEXT;
ALTER TABLE access_journal ADD COLUMN case_id TEXT;
CREATE INDEX access_log_case ON access_log (case_id, at) WHERE case_id IS NOT NULL;
