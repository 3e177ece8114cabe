//! Throttling of failed passwords and codes (NIST SP 800-63B §5.2.2): free attempts, then
//! exponential back-off, then a lock that only an administrator lifts.
//!
//! An attempt is *reserved* before it is checked (one conditional `UPDATE`, see
//! [`crate::attempts::reserve_attempt`]): it counts as a failure from the start and is refunded only when
//! it succeeds. So concurrent attempts cannot all pass one open gate, and an attempt whose outcome
//! could not be recorded (a database error) was never a free guess.

use crate::db::Dialect;

/// Consecutive failures allowed before back-off starts.
pub const FREE_FAILURES: i64 = 5;
/// Consecutive failures after which the account is locked until an administrator unlocks it.
pub const LOCK_AFTER: i64 = 100;
/// The longest back-off between attempts, in seconds.
pub const MAX_BACKOFF_SECS: i64 = 15 * 60;
/// The largest back-off exponent (2^20 s is far beyond the cap; it keeps the shift in range).
const MAX_EXPONENT: i64 = 20;

/// After `failures` consecutive failures at `now`, the earliest time of the next attempt.
pub fn next_try(failures: i64, now: i64) -> i64 {
    if failures < FREE_FAILURES {
        return now;
    }
    // 1 s after the 5th failure, 2 s after the 6th, … capped at 15 minutes.
    let exponent = (failures - FREE_FAILURES).min(MAX_EXPONENT) as u32;
    now + (1i64 << exponent).min(MAX_BACKOFF_SECS)
}

/// [`next_try`] as an SQL expression over the column `failures` holding the count *before* this
/// failure and the parameter `now_param` (both databases evaluate every `SET` expression on the old
/// row), so that the count and the back-off are written by one statement.
pub fn next_try_sql(dialect: Dialect, failures: &str, now_param: &str) -> String {
    let least = match dialect {
        Dialect::Sqlite => "min",
        Dialect::Postgres => "LEAST",
    };
    format!(
        "CASE WHEN {failures} + 1 < {FREE_FAILURES} THEN CAST({now_param} AS BIGINT) \
         ELSE CAST({now_param} AS BIGINT) + {least}(CAST(1 AS BIGINT) << CAST({least}({failures} + 1 - {FREE_FAILURES}, {MAX_EXPONENT}) AS INTEGER), {MAX_BACKOFF_SECS}) END"
    )
}

/// Whether `failures` consecutive failures lock the account.
pub fn locked(failures: i64) -> bool {
    failures >= LOCK_AFTER
}

/// The state of one counter at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// An attempt may be made.
    Open,
    /// Wait this many seconds.
    Wait(i64),
    /// Locked until an administrator unlocks the account.
    Locked,
}

impl Gate {
    /// What someone who has not proven the password is told, in seconds to wait (`None`: go ahead).
    /// A lock looks exactly like a back-off (429 with `Retry-After`), for known and unknown logins
    /// alike, so that neither the lock nor the login's existence can be probed, and a locked account
    /// checks nothing, and answers like any refusal (a guesser learns nothing from it).
    pub fn outsider_wait(self) -> Option<i64> {
        match self {
            Gate::Open => None,
            Gate::Wait(s) => Some(s),
            Gate::Locked => Some(MAX_BACKOFF_SECS),
        }
    }
}

/// Whether an attempt is allowed now.
pub fn gate(failures: i64, next_try: i64, now: i64) -> Gate {
    if locked(failures) {
        Gate::Locked
    } else if next_try > now {
        Gate::Wait(next_try - now)
    } else {
        Gate::Open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert_eq!(next_try(4, 100), 100);
        assert_eq!(next_try(5, 100), 101);
        assert_eq!(next_try(6, 100), 102);
        assert_eq!(next_try(10, 100), 132);
        assert_eq!(next_try(99, 100), 100 + MAX_BACKOFF_SECS);
        assert!(!locked(99));
        assert!(locked(100));
        assert_eq!(gate(3, 0, 50), Gate::Open);
        assert_eq!(gate(6, 60, 50), Gate::Wait(10));
        assert_eq!(gate(100, 0, 50), Gate::Locked);
        assert_eq!(Gate::Locked.outsider_wait(), Some(MAX_BACKOFF_SECS));
        assert_eq!(Gate::Wait(3).outsider_wait(), Some(3));
        assert_eq!(Gate::Open.outsider_wait(), None);
    }

    #[test]
    fn the_sql_back_off_is_the_rust_one() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        let conn: &mut dyn crate::db::Conn = &mut conn;
        for before in 0..=LOCK_AFTER + 30 {
            let sql = conn
                .query_one(
                    &format!(
                        "SELECT {}",
                        next_try_sql(Dialect::Sqlite, "CAST(?1 AS BIGINT)", "?2")
                    ),
                    crate::params![before, 1_000_000i64],
                )
                .unwrap()
                .int(0)
                .unwrap();
            assert_eq!(sql, next_try(before + 1, 1_000_000), "after {before}");
        }
    }
}
