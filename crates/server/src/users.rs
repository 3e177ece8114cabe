//! Users and their two-factor state in the database (synchronous; callers run it via `Db::call`).

use anyhow::{Result, bail};
use rusqlite::{Connection, OptionalExtension, params};

use crate::throttle;

/// A user row, without secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Row id.
    pub id: i64,
    /// Login name (`jmeno`).
    pub login: String,
    /// Argon2id PHC string (`heslo`).
    pub password_hash: String,
    /// Whether the user is an administrator.
    pub admin: bool,
    /// The sealed TOTP secret (`otpsecret`); 2FA is on when present.
    pub otp_secret: Option<String>,
    /// The label prefix the authenticator shows (`otpprefix`).
    pub otp_prefix: Option<String>,
    /// The last TOTP step accepted.
    pub otp_last_step: Option<i64>,
    /// Consecutive failed codes, and the earliest next attempt.
    pub otp_failures: i64,
    /// Unix seconds.
    pub otp_next_try: i64,
    /// Consecutive failed passwords, and the earliest next attempt.
    pub pw_failures: i64,
    /// Unix seconds.
    pub pw_next_try: i64,
}

impl User {
    /// Whether two-factor authentication is on.
    pub fn has_2fa(&self) -> bool {
        self.otp_secret.is_some()
    }

    /// Whether the user is locked out (100 consecutive failures of either kind).
    pub fn locked(&self) -> bool {
        throttle::locked(self.pw_failures)
            || (self.has_2fa() && throttle::locked(self.otp_failures))
    }
}

const COLUMNS: &str = "id, jmeno, heslo, role, otpsecret, otpprefix, otp_last_step, otp_failures, otp_next_try, \
                       pw_failures, pw_next_try";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        login: r.get(1)?,
        password_hash: r.get(2)?,
        admin: r.get::<_, String>(3)? == "admin",
        otp_secret: r.get(4)?,
        otp_prefix: r.get(5)?,
        otp_last_step: r.get(6)?,
        otp_failures: r.get(7)?,
        otp_next_try: r.get(8)?,
        pw_failures: r.get(9)?,
        pw_next_try: r.get(10)?,
    })
}

/// Checks a login name: 1–64 characters of letters, digits, `.`, `_`, `-` or `@`.
pub fn check_login(login: &str) -> Result<()> {
    let ok_char = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@');
    if login.is_empty() || login.chars().count() > 64 || !login.chars().all(ok_char) {
        bail!(
            "a login must be 1 to 64 letters, digits or . _ - @, got '{}'",
            login.escape_debug()
        );
    }
    Ok(())
}

/// Checks a new password: 8 to 1024 characters (NIST SP 800-63B §5.1.1 minimum; the maximum bounds
/// hashing work).
pub fn check_password(password: &str) -> Result<()> {
    let n = password.chars().count();
    if !(8..=1024).contains(&n) {
        bail!("a password must be 8 to 1024 characters long, this one has {n}");
    }
    Ok(())
}

/// Finds a user by login.
pub fn find(conn: &Connection, login: &str) -> Result<Option<User>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM csuzivatel WHERE jmeno = ?1"),
            [login],
            from_row,
        )
        .optional()?)
}

/// Finds a user by id.
pub fn find_id(conn: &Connection, id: i64) -> Result<Option<User>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM csuzivatel WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()?)
}

/// All users, by login.
pub fn list(conn: &Connection) -> Result<Vec<User>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM csuzivatel ORDER BY jmeno"))?;
    let users = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(users)
}

/// How many users exist.
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM csuzivatel", [], |r| r.get(0))?)
}

/// Creates a user with an already hashed password. Fails if the login is taken.
pub fn create(
    conn: &Connection,
    login: &str,
    password_hash: &str,
    admin: bool,
    now: i64,
) -> Result<User> {
    check_login(login)?;
    let role = if admin { "admin" } else { "user" };
    let inserted = conn.execute(
        "INSERT INTO csuzivatel (jmeno, heslo, role, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (jmeno) DO NOTHING",
        params![login, password_hash, role, now],
    )?;
    if inserted == 0 {
        bail!("the login '{login}' is already taken");
    }
    audit(conn, login, "user_created", role, now)?;
    find(conn, login)?.ok_or_else(|| anyhow::anyhow!("user vanished after insert"))
}

/// Replaces a password hash and clears the password throttle.
pub fn set_password(conn: &Connection, login: &str, password_hash: &str, now: i64) -> Result<()> {
    let n = conn.execute(
        "UPDATE csuzivatel SET heslo = ?2, pw_failures = 0, pw_next_try = 0 WHERE jmeno = ?1",
        params![login, password_hash],
    )?;
    if n == 0 {
        bail!("no user with the login '{login}'");
    }
    audit(conn, login, "password_set", "", now)
}

/// Records an event.
pub fn audit(conn: &Connection, login: &str, event: &str, detail: &str, now: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_log (at, login, event, detail) VALUES (?1, ?2, ?3, ?4)",
        params![now, login, event, detail],
    )?;
    Ok(())
}

/// Which throttle counter.
#[derive(Debug, Clone, Copy)]
pub enum Counter {
    /// Passwords.
    Password,
    /// Codes.
    Otp,
}

impl Counter {
    fn columns(self) -> (&'static str, &'static str) {
        match self {
            Counter::Password => ("pw_failures", "pw_next_try"),
            Counter::Otp => ("otp_failures", "otp_next_try"),
        }
    }
}

/// Counts a failure and sets the back-off; returns the new failure count.
pub fn record_failure(conn: &Connection, user_id: i64, counter: Counter, now: i64) -> Result<i64> {
    let (failures, next) = counter.columns();
    let count: i64 = conn.query_row(
        &format!(
            "UPDATE csuzivatel SET {failures} = {failures} + 1 WHERE id = ?1 RETURNING {failures}"
        ),
        [user_id],
        |r| r.get(0),
    )?;
    conn.execute(
        &format!("UPDATE csuzivatel SET {next} = ?2 WHERE id = ?1"),
        params![user_id, throttle::next_try(count, now)],
    )?;
    Ok(count)
}

/// Clears a counter after a success.
pub fn reset_failures(conn: &Connection, user_id: i64, counter: Counter) -> Result<()> {
    let (failures, next) = counter.columns();
    conn.execute(
        &format!(
            "UPDATE csuzivatel SET {failures} = 0, {next} = 0 WHERE id = ?1 AND {failures} != 0"
        ),
        [user_id],
    )?;
    Ok(())
}

/// Accepts `step` for the user if no step at or after it was accepted before. Atomic: of concurrent
/// calls with the same step exactly one returns true.
pub fn consume_step(conn: &Connection, user_id: i64, step: u64) -> Result<bool> {
    let step = i64::try_from(step)?;
    let n = conn.execute(
        "UPDATE csuzivatel SET otp_last_step = ?2 WHERE id = ?1 AND otpsecret IS NOT NULL \
         AND (otp_last_step IS NULL OR otp_last_step < ?2)",
        params![user_id, step],
    )?;
    Ok(n == 1)
}

/// Stores the secret shown on the set-up page (replacing an earlier pending one).
pub fn set_pending(conn: &Connection, user_id: i64, sealed: &str, now: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO pending_2fa (user_id, secret, created_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at",
        params![user_id, sealed, now],
    )?;
    Ok(())
}

/// The pending secret, if any.
pub fn pending(conn: &Connection, user_id: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT secret FROM pending_2fa WHERE user_id = ?1",
            [user_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// Turns 2FA on with the pending secret, in one transaction: the secret, its prefix and the accepted
/// step are written together and the pending row is removed, or nothing changes. Returns false when the
/// pending secret changed meanwhile (another set-up page was opened).
pub fn activate(
    conn: &mut Connection,
    user_id: i64,
    sealed: &str,
    prefix: &str,
    step: u64,
    now: i64,
) -> Result<bool> {
    let tx = conn.transaction()?;
    let current: Option<String> = tx
        .query_row(
            "SELECT secret FROM pending_2fa WHERE user_id = ?1",
            [user_id],
            |r| r.get(0),
        )
        .optional()?;
    if current.as_deref() != Some(sealed) {
        return Ok(false);
    }
    tx.execute(
        "UPDATE csuzivatel SET otpsecret = ?2, otpprefix = ?3, otp_last_step = ?4, otp_failures = 0, otp_next_try = 0 \
         WHERE id = ?1",
        params![user_id, sealed, prefix, i64::try_from(step)?],
    )?;
    tx.execute("DELETE FROM pending_2fa WHERE user_id = ?1", [user_id])?;
    let login: String = tx.query_row(
        "SELECT jmeno FROM csuzivatel WHERE id = ?1",
        [user_id],
        |r| r.get(0),
    )?;
    audit(&tx, &login, "2fa_activated", "", now)?;
    tx.commit()?;
    Ok(true)
}

/// Turns 2FA off (the trigger clears the rest of the 2FA state). Returns whether it was on.
pub fn clear_2fa(conn: &Connection, login: &str, event: &str, by: &str, now: i64) -> Result<bool> {
    let n = conn.execute(
        "UPDATE csuzivatel SET otpsecret = NULL, otpprefix = NULL WHERE jmeno = ?1 AND otpsecret IS NOT NULL",
        [login],
    )?;
    if n == 1 {
        audit(conn, login, event, by, now)?;
    }
    Ok(n == 1)
}

/// Clears both throttles (the administrator's unlock). Fails for an unknown login.
pub fn unlock(conn: &Connection, login: &str, by: &str, now: i64) -> Result<()> {
    let n = conn.execute(
        "UPDATE csuzivatel SET pw_failures = 0, pw_next_try = 0, otp_failures = 0, otp_next_try = 0 WHERE jmeno = ?1",
        [login],
    )?;
    if n == 0 {
        bail!("no user with the login '{login}'");
    }
    audit(conn, login, "unlocked", by, now)
}
