-- Overdue lists by province or district: the child's province and district as columns
-- (their codes always prefix the village's), indexed with the current deadline.
ALTER TABLE referrals ADD COLUMN province_code TEXT;
ALTER TABLE referrals ADD COLUMN district_code TEXT;
UPDATE referrals SET province_code = substr(village_code, 1, 2),
                     district_code = substr(village_code, 1, 4);
CREATE INDEX referrals_province_due ON referrals (province_code, pending_due_at)
    WHERE pending_due_at IS NOT NULL;
CREATE INDEX referrals_district_due ON referrals (district_code, pending_due_at)
    WHERE pending_due_at IS NOT NULL;
