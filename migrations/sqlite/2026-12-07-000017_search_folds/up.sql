-- Accent-insensitive search (issue 17): each searchable name kept folded beside it
-- (shared::search::fold: NFD, marks dropped, đ as d, lowercase), written with the name
-- on every insert and update. NULL until the server's start-up backfill has folded the
-- rows written before this migration (the fold is Rust's, not SQL's, so that SQLite and
-- PostgreSQL match alike without an extension).
-- referral_search.patient_name_search is clinical data like the patient's name it
-- copies (a table of its own: referrals has diesel's 32 columns already); the others
-- are public like the names they copy. A referral without its row is folded at start.
CREATE TABLE referral_search (
    referral_id BIGINT PRIMARY KEY REFERENCES referrals(id) ON DELETE CASCADE,
    patient_name_search TEXT NOT NULL
);
ALTER TABLE facilities ADD COLUMN name_search TEXT;
ALTER TABLE staff ADD COLUMN name_search TEXT;
ALTER TABLE users ADD COLUMN name_search TEXT;
