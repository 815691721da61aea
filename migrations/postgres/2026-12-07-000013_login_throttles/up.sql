-- Failed sign-ins, counted per key: `account:<username>` for one username from any
-- address, `pair:<username>|<address>` for one username from one address. The key is
-- the username as typed (trimmed, lowercased), whether or not such an account exists,
-- so an unknown username is throttled exactly like a real one. Counted with
-- `failures = failures + 1 … RETURNING` (atomic on both engines); a row whose lock has
-- ended and that saw no failure for an hour starts again from zero. Public metadata:
-- usernames and client addresses, no patient data. Supersedes users.failed_logins and
-- users.locked_until, which sign-in no longer reads.
CREATE TABLE login_throttles (
    key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    locked_until TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
