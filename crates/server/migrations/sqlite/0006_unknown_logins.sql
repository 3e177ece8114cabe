-- Failure counts for logins that do not exist, throttled like real ones (back-off, then a lock) so
-- that neither a login's existence nor its lock can be probed. Kept in the database, not in one
-- server's memory, so that every instance counts toward the same throttle. Bounded by the server
-- (at most 10 000 rows; logins are at most 64 characters).
CREATE TABLE unknown_logins (
    login    TEXT    PRIMARY KEY,
    failures INTEGER NOT NULL,
    next_try INTEGER NOT NULL
);
CREATE INDEX unknown_logins_next_try ON unknown_logins (next_try);
