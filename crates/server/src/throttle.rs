//! Throttling of failed passwords and codes (NIST SP 800-63B §5.2.2): free attempts, then
//! exponential back-off, then a lock that only an administrator lifts.

/// Consecutive failures allowed before back-off starts.
pub const FREE_FAILURES: i64 = 5;
/// Consecutive failures after which the account is locked until an administrator unlocks it.
pub const LOCK_AFTER: i64 = 100;
/// The longest back-off between attempts, in seconds.
pub const MAX_BACKOFF_SECS: i64 = 15 * 60;

/// After `failures` consecutive failures at `now`, the earliest time of the next attempt.
pub fn next_try(failures: i64, now: i64) -> i64 {
    if failures < FREE_FAILURES {
        return now;
    }
    // 1 s after the 5th failure, 2 s after the 6th, … capped at 15 minutes.
    let exponent = (failures - FREE_FAILURES).min(20) as u32;
    now + (1i64 << exponent).min(MAX_BACKOFF_SECS)
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
    }
}
