-- A password set by someone else (an admin creating or resetting an account) must be
-- changed at the next sign-in; existing accounts chose their own.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
-- Refresh-token families end 30 days after sign-in however often they are refreshed:
-- every token of a family carries its sign-in time. The epoch default makes a token
-- written without it already expired (safe); existing tokens count from their creation.
ALTER TABLE refresh_tokens ADD COLUMN family_started_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';
UPDATE refresh_tokens SET family_started_at = created_at;
-- "Sign out everywhere" and a password reset revoke every family of one user.
CREATE INDEX refresh_tokens_user ON refresh_tokens(user_id);
