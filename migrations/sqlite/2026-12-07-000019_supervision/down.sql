DROP TABLE corrective_actions;
DROP TABLE supervision_answers;
DROP TABLE supervision_photos;
DROP TABLE supervision_visits;
DROP TABLE supervision_templates;
