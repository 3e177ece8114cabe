//! The password step: Argon2id off the async runtime, throttled per login, with the same work and the
//! same answer for unknown logins so that a login's existence cannot be probed.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::AppState;
use crate::crypto;
use crate::error::Error;
use crate::throttle::{self, Gate};
use crate::users::{self, Counter, User};

/// The one message for a wrong login or password.
pub const WRONG: &str = "Wrong login or password.";

/// Failure counts for logins that do not exist, kept in memory so that throttling looks the same for
/// them as for real ones.
#[derive(Debug, Default)]
pub struct UnknownLogins(Mutex<HashMap<String, (i64, i64)>>);

impl UnknownLogins {
    const MAX_ENTRIES: usize = 10_000;

    fn gate(&self, login: &str, now: i64) -> Gate {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(login).map_or(Gate::Open, |&(f, next)| {
            throttle::gate(f.min(throttle::LOCK_AFTER - 1), next, now)
        })
    }

    fn fail(&self, login: &str, now: i64) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= Self::MAX_ENTRIES {
            map.retain(|_, &mut (_, next)| next > now);
        }
        let entry = map.entry(login.to_string()).or_insert((0, 0));
        entry.0 += 1;
        entry.1 = throttle::next_try(entry.0, now);
    }
}

/// Runs Argon2 on the blocking pool.
pub async fn verify_blocking(password: String, phc: String) -> Result<bool, Error> {
    tokio::task::spawn_blocking(move || crypto::verify_password(&password, &phc))
        .await
        .map_err(|e| Error::Internal(e.into()))
}

/// Checks login + password. `Ok(user)` when right; otherwise the error to show (401 wrong, 429 wait,
/// 423 locked — the lock is only revealed to someone who knows the password).
pub async fn check(state: &AppState, login: &str, password: &str) -> Result<User, Error> {
    let now = state.clock.now_secs() as i64;
    let lookup = login.to_string();
    let user = state
        .db
        .call(move |conn| users::find(conn, &lookup))
        .await?;
    let Some(user) = user else {
        if let Gate::Wait(s) = state.unknown_logins.gate(login, now) {
            return Err(Error::TooMany(s));
        }
        // Same work as for a real user.
        verify_blocking(password.to_string(), state.dummy_hash.clone()).await?;
        state.unknown_logins.fail(login, now);
        return Err(Error::Unauthorized(WRONG.into()));
    };
    let gate = throttle::gate(user.pw_failures, user.pw_next_try, now);
    if let Gate::Wait(s) = gate {
        return Err(Error::TooMany(s));
    }
    let right = verify_blocking(password.to_string(), user.password_hash.clone()).await?;
    let (id, name) = (user.id, user.login.clone());
    if !right {
        state
            .db
            .call(move |conn| {
                let n = users::record_failure(conn, id, Counter::Password, now)?;
                users::audit(
                    conn,
                    &name,
                    "password_failed",
                    &format!("consecutive failures: {n}"),
                    now,
                )?;
                if n == throttle::LOCK_AFTER {
                    users::audit(conn, &name, "locked", "too many failed passwords", now)?;
                }
                Ok(())
            })
            .await?;
        return Err(Error::Unauthorized(WRONG.into()));
    }
    if gate == Gate::Locked || user.locked() {
        return Err(Error::Locked);
    }
    state
        .db
        .call(move |conn| users::reset_failures(conn, id, Counter::Password))
        .await?;
    Ok(user)
}
