DROP TABLE app_settings;
DROP TABLE follow_up_visits;
DROP TABLE follow_ups;
DROP TABLE referral_events;
DROP TABLE referrals;
DROP TABLE slip_counters;
