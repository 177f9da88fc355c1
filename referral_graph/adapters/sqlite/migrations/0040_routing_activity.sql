-- Fresh caseloads for routing (issue 21): 'activity_version' in meta grows with every
-- referral made and every change of a referral's status, whoever writes it (a trigger,
-- so no write path can forget). Routing reads it in the transaction that reads the
-- case and re-reads the open counts when it has moved, in every worker process.
-- referrals_open keeps the count of open referrals per provider to the rows that are
-- open (a few thousand of a history of millions).
INSERT INTO meta (key, value) VALUES ('activity_version', '0');

CREATE TRIGGER referrals_activity_insert AFTER INSERT ON referrals
BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'activity_version';
END;

CREATE TRIGGER referrals_activity_status AFTER UPDATE OF status ON referrals
WHEN OLD.status IS NOT NEW.status
BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'activity_version';
END;

CREATE INDEX referrals_open ON referrals (to_provider_id)
    WHERE status IN ('requested', 'received', 'accepted', 'in_progress', 'on_hold');
