DROP INDEX referrals_urgency;
