-- A member of staff's citizen id (số định danh cá nhân on the CCCD card, 12 digits):
-- personal data of the staff member, the import's second natural key after the
-- practice licence number. Unique where recorded.
ALTER TABLE staff ADD COLUMN citizen_id TEXT;
CREATE UNIQUE INDEX staff_citizen_id ON staff(citizen_id) WHERE citizen_id IS NOT NULL;
