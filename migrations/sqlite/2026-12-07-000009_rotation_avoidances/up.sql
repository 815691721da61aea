-- Weekdays and months a member of staff would rather not be away on rotation (soft
-- preferences the generator honours when it can). Bit masks: weekdays bit 0 = Monday …
-- bit 6 = Sunday (as a demand's weekdays); months bit 0 = January … bit 11 = December.
-- One row per person who stated any; public data.
CREATE TABLE rotation_avoidances (
    staff_id BIGINT PRIMARY KEY REFERENCES staff(id),
    weekdays INTEGER NOT NULL,
    months INTEGER NOT NULL
);
