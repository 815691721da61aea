-- Lists filtered by urgency (e.g. every emergency referral of a facility, newest first)
-- walk this index in id order instead of sorting all of a facility's referrals.
CREATE INDEX referrals_urgency ON referrals(urgency, id);
