DROP TABLE consultation_cases;
DROP TABLE consultation_sessions;
