-- Users, named as in ABRA Flexi so that its recovery statement works verbatim:
--   update csuzivatel set otpsecret = null, otpprefix = null where jmeno = '<login>';
-- 2FA is on exactly when otpsecret is not null. otpsecret holds the TOTP secret encrypted with the
-- server key ("v1." + base64(nonce || ciphertext)); otpprefix holds the label prefix (the issuer the
-- authenticator shows, e.g. "Authbar Flexi") that the account was activated with. Both are set and
-- cleared together.
CREATE TABLE csuzivatel (
    id               INTEGER PRIMARY KEY,
    jmeno            TEXT    NOT NULL UNIQUE,
    heslo            TEXT    NOT NULL,
    otpsecret        TEXT,
    otpprefix        TEXT,
    role             TEXT    NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user')),
    -- The last TOTP step accepted for this user: a step is accepted at most once.
    otp_last_step    INTEGER,
    -- Consecutive failures and the earliest time (unix seconds) of the next allowed attempt.
    otp_failures     INTEGER NOT NULL DEFAULT 0,
    otp_next_try     INTEGER NOT NULL DEFAULT 0,
    pw_failures      INTEGER NOT NULL DEFAULT 0,
    pw_next_try      INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    CHECK ((otpsecret IS NULL) = (otpprefix IS NULL))
);

-- Clearing the secret (by the recovery statement, the administrator or deactivation) resets all
-- 2FA state, so the user logs in with the password alone and a later activation starts afresh.
CREATE TRIGGER csuzivatel_2fa_cleared AFTER UPDATE OF otpsecret ON csuzivatel
WHEN NEW.otpsecret IS NULL
BEGIN
    UPDATE csuzivatel SET otp_last_step = NULL, otp_failures = 0, otp_next_try = 0 WHERE id = NEW.id;
END;

-- A secret shown on "Set Up Authentication" and not yet confirmed with a code.
CREATE TABLE pending_2fa (
    user_id    INTEGER PRIMARY KEY REFERENCES csuzivatel (id) ON DELETE CASCADE,
    secret     TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
