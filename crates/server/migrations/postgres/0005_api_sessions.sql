-- A session is a browser's (cookie) or an API client's (the X-authSessionId header, Flexi's
-- authSessionId), so that a script pays for one code and then makes calls for a few minutes without
-- reusing it. Both kinds end together when the user's credentials change.
ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'web' CHECK (kind IN ('web', 'api'));
CREATE INDEX sessions_user ON sessions (user_id);
