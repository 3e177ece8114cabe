-- Signed-in sessions. Only a SHA-256 of the cookie's token is stored.
CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES csuzivatel (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

-- A login whose password was right and whose code is still to come. It is not a session: it grants
-- nothing but the code page, and expires after a few minutes.
CREATE TABLE pending_logins (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES csuzivatel (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
);
