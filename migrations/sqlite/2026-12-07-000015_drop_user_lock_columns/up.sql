-- Sign-in failures and holds live in login_throttles (000013); these two columns of
-- users have not been read or written since.
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
