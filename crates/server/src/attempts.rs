//! Attempts that decide a login, kept in the database so that every instance sees the same ones:
//! the per-user throttle counters (reserved before a check, refunded on success), the TOTP steps
//! already used, and the failure counts of logins that do not exist.

use anyhow::Result;

use crate::db::Conn;
use crate::params;
use crate::throttle::{self, Gate};
use crate::users::{KeepSession, audit, end_sessions};

/// Which throttle counter.
#[derive(Debug, Clone, Copy)]
pub enum Counter {
    /// Passwords.
    Password,
    /// Codes.
    Otp,
}

impl Counter {
    /// The audit detail of a lock by this counter.
    pub fn lock_reason(self) -> &'static str {
        match self {
            Counter::Password => "too many failed passwords",
            Counter::Otp => "too many failed codes",
        }
    }

    fn columns(self) -> (&'static str, &'static str) {
        match self {
            Counter::Password => ("pw_failures", "pw_next_try"),
            Counter::Otp => ("otp_failures", "otp_next_try"),
        }
    }
}

/// The outcome of [`reserve_attempt`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The attempt may be checked; it is already counted as this many consecutive failures, and is
    /// refunded with [`reset_failures`] if it succeeds.
    Granted(i64),
    /// Refused without checking anything.
    Refused(Gate),
}

/// Reserves one attempt on a counter, atomically: if the gate is open at `now`, counts the attempt as
/// a failure and sets the back-off in one conditional `UPDATE`, so that of concurrent attempts only
/// as many pass as the throttle allows. A database error here means nothing was checked (never a
/// free guess).
pub fn reserve_attempt(
    conn: &mut dyn Conn,
    user_id: i64,
    counter: Counter,
    now: i64,
) -> Result<Attempt> {
    let (failures, next) = counter.columns();
    let dialect = conn.dialect();
    let granted = conn.query_opt(
        &format!(
            "UPDATE csuzivatel SET {failures} = {failures} + 1, {next} = {} \
             WHERE id = ?1 AND {next} <= ?2 AND {failures} < {} RETURNING {failures}",
            throttle::next_try_sql(dialect, failures, "?2"),
            throttle::LOCK_AFTER
        ),
        params![user_id, now],
    )?;
    if let Some(row) = granted {
        return Ok(Attempt::Granted(row.int(0)?));
    }
    let row = conn
        .query_opt(
            &format!("SELECT {failures}, {next} FROM csuzivatel WHERE id = ?1"),
            params![user_id],
        )?
        .ok_or_else(|| anyhow::anyhow!("user {user_id} vanished during a login"))?;
    Ok(Attempt::Refused(throttle::gate(
        row.int(0)?,
        row.int(1)?,
        now,
    )))
}

/// Records a failed attempt that [`reserve_attempt`] counted as the `failures`-th: the audit entry
/// and, at the lock, the lock's entry and the end of every session.
pub fn record_failure(
    conn: &mut dyn Conn,
    user_id: i64,
    login: &str,
    counter: Counter,
    event: &str,
    failures: i64,
    now: i64,
) -> Result<()> {
    audit(
        conn,
        login,
        event,
        &format!("consecutive failures: {failures}"),
        now,
    )?;
    if failures == throttle::LOCK_AFTER {
        audit(conn, login, "locked", counter.lock_reason(), now)?;
        end_sessions(conn, user_id, &KeepSession::None)?;
    }
    Ok(())
}

/// Clears a counter after a success.
pub fn reset_failures(conn: &mut dyn Conn, user_id: i64, counter: Counter) -> Result<()> {
    let (failures, next) = counter.columns();
    conn.execute(
        &format!(
            "UPDATE csuzivatel SET {failures} = 0, {next} = 0 WHERE id = ?1 AND {failures} != 0"
        ),
        params![user_id],
    )?;
    Ok(())
}

/// Accepts `step` for the user if no step at or after it was accepted before. Atomic: of concurrent
/// calls with the same step exactly one returns true.
pub fn consume_step(conn: &mut dyn Conn, user_id: i64, step: u64) -> Result<bool> {
    let step = i64::try_from(step)?;
    let n = conn.execute(
        "UPDATE csuzivatel SET otp_last_step = ?2 WHERE id = ?1 AND otpsecret IS NOT NULL \
         AND (otp_last_step IS NULL OR otp_last_step < ?2)",
        params![user_id, step],
    )?;
    Ok(n == 1)
}

/// The most unknown logins remembered; when full, those whose back-off has ended are forgotten, and
/// if none has, the one whose back-off ends first: made-up logins cannot grow the table without
/// bound.
pub const MAX_UNKNOWN_LOGINS: i64 = 10_000;

/// Reserves an attempt for a login that does not exist, as [`reserve_attempt`] does for a real one,
/// in the shared table `unknown_logins`: one `INSERT … ON CONFLICT DO UPDATE … WHERE` counts it only
/// when its gate is open, so concurrent guesses on several instances get no more tries than
/// sequential ones. `Some(wait)` when it must be refused (a lock looks like a back-off).
pub fn reserve_unknown(conn: &mut dyn Conn, login: &str, now: i64) -> Result<Option<i64>> {
    make_room_for(conn, login, now)?;
    let dialect = conn.dialect();
    let granted = conn.query_opt(
        &format!(
            "INSERT INTO unknown_logins (login, failures, next_try) VALUES (?1, 1, CAST(?2 AS BIGINT)) \
             ON CONFLICT (login) DO UPDATE SET failures = unknown_logins.failures + 1, next_try = {} \
             WHERE unknown_logins.next_try <= ?2 AND unknown_logins.failures < {} RETURNING failures",
            throttle::next_try_sql(dialect, "unknown_logins.failures", "?2"),
            throttle::LOCK_AFTER
        ),
        params![login, now],
    )?;
    if granted.is_some() {
        return Ok(None);
    }
    let row = conn.query_opt(
        "SELECT failures, next_try FROM unknown_logins WHERE login = ?1",
        params![login],
    )?;
    Ok(match row {
        Some(row) => throttle::gate(row.int(0)?, row.int(1)?, now).outsider_wait(),
        // Forgotten between the two statements (the table was full): refuse this one attempt.
        None => Some(1),
    })
}

/// Keeps `unknown_logins` bounded before a new login is added to it.
fn make_room_for(conn: &mut dyn Conn, login: &str, now: i64) -> Result<()> {
    let known = conn
        .query_opt(
            "SELECT 1 FROM unknown_logins WHERE login = ?1",
            params![login],
        )?
        .is_some();
    if known {
        return Ok(());
    }
    let count = |conn: &mut dyn Conn| -> Result<i64> {
        conn.query_one("SELECT count(*) FROM unknown_logins", &[])?
            .int(0)
    };
    if count(conn)? < MAX_UNKNOWN_LOGINS {
        return Ok(());
    }
    conn.execute(
        "DELETE FROM unknown_logins WHERE next_try <= ?1",
        params![now],
    )?;
    if count(conn)? >= MAX_UNKNOWN_LOGINS {
        conn.execute(
            "DELETE FROM unknown_logins WHERE login = \
             (SELECT login FROM unknown_logins ORDER BY next_try LIMIT 1)",
            &[],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory() -> rusqlite::Connection {
        let dir = tempfile::tempdir().unwrap();
        crate::db::open(&dir.path().join("t.sqlite")).unwrap()
    }

    #[test]
    fn unknown_logins_back_off_and_lock_like_known_ones() {
        let mut conn = memory();
        let conn: &mut dyn Conn = &mut conn;
        for _ in 0..throttle::FREE_FAILURES {
            assert_eq!(reserve_unknown(conn, "ghost", 0).unwrap(), None);
        }
        assert_eq!(reserve_unknown(conn, "ghost", 0).unwrap(), Some(1));
        let mut now = 0;
        for _ in throttle::FREE_FAILURES..throttle::LOCK_AFTER {
            now += throttle::MAX_BACKOFF_SECS;
            assert_eq!(reserve_unknown(conn, "ghost", now).unwrap(), None);
        }
        // Locked: refused like a back-off, forever.
        now += 10 * throttle::MAX_BACKOFF_SECS;
        assert_eq!(
            reserve_unknown(conn, "ghost", now).unwrap(),
            Some(throttle::MAX_BACKOFF_SECS)
        );
    }

    #[test]
    fn the_unknown_login_table_stays_bounded() {
        let mut conn = memory();
        let conn: &mut dyn Conn = &mut conn;
        // Fill it with logins in back-off (in one transaction: this is 10 000 rows).
        conn.transaction(|c| {
            for i in 0..MAX_UNKNOWN_LOGINS {
                c.execute(
                    "INSERT INTO unknown_logins (login, failures, next_try) VALUES (?1, 6, 5000)",
                    params![&format!("ghost{i}")],
                )?;
            }
            Ok(())
        })
        .unwrap();
        for i in 0..50 {
            assert_eq!(
                reserve_unknown(conn, &format!("new{i}"), 1000).unwrap(),
                None
            );
        }
        let rows = conn
            .query_one("SELECT count(*) FROM unknown_logins", &[])
            .unwrap()
            .int(0)
            .unwrap();
        assert_eq!(rows, MAX_UNKNOWN_LOGINS);
    }
}
