DROP INDEX staff_citizen_id;
ALTER TABLE staff DROP COLUMN citizen_id;
