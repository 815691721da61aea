DROP INDEX referrals_status_order;
