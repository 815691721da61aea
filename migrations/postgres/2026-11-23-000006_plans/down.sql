DROP TABLE support_requests;
DROP TABLE evaluations;
DROP TABLE value_approvals;
DROP TABLE indicator_values;
DROP TABLE plan_indicators;
DROP TABLE activity_feedback;
DROP TABLE plan_activities;
DROP TABLE plans;
