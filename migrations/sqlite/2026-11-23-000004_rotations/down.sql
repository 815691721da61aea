DROP TABLE calendar_feeds;
DROP TABLE rotation_generations;
DROP TABLE rotation_preferences;
DROP TABLE rotation_assignments;
DROP TABLE rotation_demands;
DROP TABLE rotation_plans;
