//! The two-factor rules, shared by the web pages and the API.
//!
//! - Codes are TOTP, HMAC-SHA1, 6 digits, 30-second steps (what every authenticator and ABRA Flexi use).
//! - Activation: the code must match the server time within 30 s (±1 step). A code that matches a step
//!   further away (up to ±10 minutes) fails with a message giving how far the device's clock is off.
//! - Login: ±1 step, and each step is accepted at most once per user (replays are refused with their
//!   own message), atomically, so concurrent submissions of one code let exactly one through.
//! - Failures are throttled per user (see [`crate::throttle`]) and logged without the code.

use authbar_core::{Account, Match, OtpType, Secret};
use axum::http::StatusCode;

use crate::AppState;
use crate::attempts::{self, Attempt, Counter};
use crate::error::Error;
use crate::throttle::Gate;
use crate::users::{self, KeepSession, User};

/// Seconds per step.
pub const PERIOD: u64 = 30;
/// Digits per code.
pub const DIGITS: u8 = 6;
/// Steps either side accepted at login and activation (±30 s).
pub const WINDOW: u64 = 1;
/// Steps either side searched to explain a failed activation (±10 minutes).
pub const SKEW_SEARCH: u64 = 20;

/// Why a code was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeError {
    /// Not six digits.
    Malformed,
    /// Does not match.
    Wrong,
    /// Matches a step that was already used.
    Replayed {
        /// Seconds until the next code.
        wait: u64,
    },
    /// Activation only: matches the clock of a device that is off by `from..=to` seconds.
    Skew {
        /// Smallest possible offset (device minus server), seconds.
        from: i64,
        /// Largest possible offset, seconds.
        to: i64,
    },
    /// Back-off after repeated failures.
    Throttled(i64),
    /// Locked until an administrator unlocks.
    Locked,
    /// No pending key to activate.
    NothingPending,
    /// 2FA is not on.
    NotEnabled,
    /// 2FA is on, and replacing its key needs a current code of that key (a stolen session alone
    /// cannot move the second factor to the thief's device).
    CurrentCodeNeeded,
}

/// What a code is for, which decides the status of a wrong one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The code is the credential (login, deactivation, API calls): wrong or replayed is 401.
    Credential,
    /// The code confirms a new key (activation): wrong is 400.
    NewKey,
}

impl CodeError {
    /// The message for the user.
    pub fn message(&self) -> String {
        match self {
            CodeError::Malformed => format!(
                "The verification code is the {DIGITS} digits your authenticator shows."
            ),
            CodeError::Wrong => "That verification code is not right. Enter the code your authenticator shows now.".into(),
            CodeError::Replayed { wait } => format!(
                "This code has already been used. Each code works once: wait for the next one (in {wait} s)."
            ),
            CodeError::Skew { from, to } => {
                // A code tells only its step, so the offset is a range; the range comes first and the
                // bound that matters (the smallest offset) is named, never a midpoint that can be far
                // off (a 45 s offset used to read "about 58").
                let (dir, lo, hi) = if *from >= 0 { ("ahead of", *from, *to) } else { ("behind", -*to, -*from) };
                format!(
                    "Activation failed: the code is from a device whose clock is between {lo} and {hi} seconds \
                     {dir} the server's: at least {lo} seconds, and they must agree within {} seconds. Set the \
                     device's time automatically, then enter a new code.",
                    PERIOD * WINDOW
                )
            }
            CodeError::Throttled(wait) => format!("Too many wrong codes. Try again in {wait} s."),
            CodeError::Locked => Error::Locked.message(),
            CodeError::NothingPending => {
                "No key is waiting for activation. Open Set Up Authentication to get a QR code first.".into()
            }
            CodeError::NotEnabled => "Two-factor authentication is not on for this user.".into(),
            CodeError::CurrentCodeNeeded => "Two-factor authentication is on: to replace the device, also enter \
                a current code from the authenticator you use now. If it is lost, an administrator can turn \
                two-factor authentication off."
                .into(),
        }
    }

    /// The HTTP status for this error.
    pub fn status(&self, purpose: Purpose) -> StatusCode {
        self.clone().into_error(purpose).status()
    }

    /// As an HTTP error.
    pub fn into_error(self, purpose: Purpose) -> Error {
        match self {
            CodeError::Throttled(wait) => Error::TooMany(wait),
            CodeError::Locked => Error::Locked,
            CodeError::Wrong | CodeError::Replayed { .. } if purpose == Purpose::Credential => {
                Error::Unauthorized(self.message())
            }
            CodeError::NothingPending | CodeError::NotEnabled => Error::Conflict(self.message()),
            other => Error::BadRequest(other.message()),
        }
    }
}

/// The code as typed: spaces (people type `123 456`) removed; must then be 6 ASCII digits.
pub fn normalise(code: &str) -> Result<String, CodeError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != usize::from(DIGITS) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CodeError::Malformed);
    }
    Ok(code)
}

/// The TOTP account the server checks codes with, built from [`PERIOD`] and [`DIGITS`].
pub fn account(secret: Secret) -> Result<Account, Error> {
    Account::new(OtpType::Totp, secret)
        .with_digits(DIGITS)
        .and_then(|a| a.with_period(PERIOD))
        .map_err(|e| Error::internal(anyhow::anyhow!("the server's TOTP parameters: {e}")))
}

/// The `otpauth://` URI for a new secret: label `PREFIX:login`, issuer `PREFIX`.
pub fn setup_uri(prefix: &str, login: &str, secret: &Secret) -> Result<String, Error> {
    Ok(authbar_core::uri::format(
        &account(secret.clone())?.with_label(Some(prefix.to_string()), login.to_string()),
    ))
}

/// Reserves one attempt on the user's code counter before any code is checked (concurrent guesses
/// cannot outrun the throttle): the
/// attempt counts as a failure until [`attempts::reset_failures`] refunds it. `Ok(Ok(failures))` when
/// it may go ahead.
async fn reserve(state: &AppState, user: &User, now: i64) -> Result<Result<i64, CodeError>, Error> {
    let id = user.id;
    let attempt = state
        .db
        .call(move |conn| attempts::reserve_attempt(conn, id, Counter::Otp, now))
        .await?;
    Ok(match attempt {
        Attempt::Granted(failures) => Ok(failures),
        Attempt::Refused(Gate::Locked) => Err(CodeError::Locked),
        Attempt::Refused(Gate::Wait(s)) => Err(CodeError::Throttled(s)),
        // Unlocked by another process between the two statements: just try again.
        Attempt::Refused(Gate::Open) => Err(CodeError::Throttled(1)),
    })
}

/// Logs a failed code that [`reserve`] counted.
async fn failed(
    state: &AppState,
    user: &User,
    event: &'static str,
    failures: i64,
    now: i64,
) -> Result<(), Error> {
    let (id, login) = (user.id, user.login.clone());
    state
        .db
        .call(move |conn| {
            attempts::record_failure(conn, id, &login, Counter::Otp, event, failures, now)
        })
        .await?;
    Ok(())
}

fn current_secret(state: &AppState, user: &User) -> Result<Secret, Error> {
    let sealed = user
        .otp_secret
        .as_deref()
        .ok_or_else(|| Error::Conflict(CodeError::NotEnabled.message()))?;
    Ok(state.key.open(&user.login, sealed)?)
}

/// Uses up the step `m` of a right code and refunds the reserved attempt; a step already used (or an
/// older one) is a replay, which stays counted as a failure.
async fn use_up(
    state: &AppState,
    user: &User,
    m: Match,
    now: u64,
) -> Result<Result<Match, CodeError>, Error> {
    let (id, login) = (user.id, user.login.clone());
    let accepted = state
        .db
        .call(move |conn| {
            let ok = attempts::consume_step(conn, id, m.step)?;
            if ok {
                attempts::reset_failures(conn, id, Counter::Otp)?;
            } else {
                users::audit(conn, &login, "code_replayed", "", now as i64)?;
            }
            Ok(ok)
        })
        .await?;
    Ok(if accepted {
        Ok(m)
    } else {
        Err(CodeError::Replayed {
            wait: PERIOD - now % PERIOD,
        })
    })
}

/// Checks a code for a user with 2FA on and uses up its step: every step is accepted once per user,
/// on the web and the API alike (RFC 6238 §5.2: a verifier must not accept a code twice).
pub async fn check(
    state: &AppState,
    user: &User,
    code: &str,
) -> Result<Result<Match, CodeError>, Error> {
    let now = state.clock.now_secs();
    let code = match normalise(code) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let secret = current_secret(state, user)?;
    let failures = match reserve(state, user, now as i64).await? {
        Ok(n) => n,
        Err(e) => return Ok(Err(e)),
    };
    let Some(m) = account(secret)?.verify(&code, now, WINDOW) else {
        failed(state, user, "code_failed", failures, now as i64).await?;
        return Ok(Err(CodeError::Wrong));
    };
    use_up(state, user, m, now).await
}

/// Generates a new secret, stores it as the user's pending key (replacing any earlier one) and returns
/// it with its `otpauth://` URI.
pub async fn new_pending(state: &AppState, user: &User) -> Result<(Secret, String), Error> {
    let secret = crate::crypto::new_totp_secret()?;
    let sealed = state.key.seal(&user.login, &secret)?;
    let uri = setup_uri(&state.issuer, &user.login, &secret)?;
    let (id, now) = (user.id, state.clock.now_secs() as i64);
    state
        .db
        .call(move |conn| users::set_pending(conn, id, &sealed, now))
        .await?;
    Ok((secret, uri))
}

/// The pending key and its URI, if one is waiting (created at or after `since`, unix seconds).
pub async fn current_pending(
    state: &AppState,
    user: &User,
    since: i64,
) -> Result<Option<(Secret, String)>, Error> {
    let id = user.id;
    let Some(sealed) = state
        .db
        .call(move |conn| users::pending_since(conn, id, since))
        .await?
    else {
        return Ok(None);
    };
    let secret = state.key.open(&user.login, &sealed)?;
    let uri = setup_uri(&state.issuer, &user.login, &secret)?;
    Ok(Some((secret, uri)))
}

/// How a request proves that it holds the key in use now (to replace or turn it off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurrentKey<'a> {
    /// No code was given.
    Missing,
    /// A code typed for this request: checked and used up.
    Code(&'a str),
    /// This very request already used up a current code (an API call authenticated with `?otp=`).
    UsedUp,
}

/// Activates the pending key with a code from the new device (see the module rules). When 2FA is on
/// already, this replaces the device and needs a current code of the key in use, which is used up
/// (a stolen session alone cannot move the second factor); otherwise `current` is ignored. The
/// user's other sessions end.
pub async fn activate(
    state: &AppState,
    user: &User,
    code: &str,
    current: CurrentKey<'_>,
    keep: KeepSession,
) -> Result<Result<(), CodeError>, Error> {
    let now = state.clock.now_secs();
    let code = match normalise(code) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let current = match (user.has_2fa(), current) {
        (false, _) | (true, CurrentKey::UsedUp) => None,
        (true, CurrentKey::Missing) => return Ok(Err(CodeError::CurrentCodeNeeded)),
        (true, CurrentKey::Code(c)) if c.trim().is_empty() => {
            return Ok(Err(CodeError::CurrentCodeNeeded));
        }
        (true, CurrentKey::Code(c)) => match normalise(c) {
            Ok(c) => Some((c, current_secret(state, user)?)),
            Err(e) => return Ok(Err(e)),
        },
    };
    let id = user.id;
    let Some(sealed) = state.db.call(move |conn| users::pending(conn, id)).await? else {
        return Ok(Err(CodeError::NothingPending));
    };
    let failures = match reserve(state, user, now as i64).await? {
        Ok(n) => n,
        Err(e) => return Ok(Err(e)),
    };
    let account = account(state.key.open(&user.login, &sealed)?)?;
    let Some(m) = account.verify(&code, now, WINDOW) else {
        failed(state, user, "activation_failed", failures, now as i64).await?;
        if let Some(far) = account.verify(&code, now, SKEW_SEARCH) {
            // The code's step covers device times [step·P, step·P + P − 1].
            let start = far.step as i64 * PERIOD as i64 - now as i64;
            return Ok(Err(CodeError::Skew {
                from: start,
                to: start + PERIOD as i64 - 1,
            }));
        }
        return Ok(Err(CodeError::Wrong));
    };
    if let Some((current, secret)) = current {
        // The old device's code, under the same reserved attempt.
        let Some(old) = self::account(secret)?.verify(&current, now, WINDOW) else {
            failed(state, user, "replace_failed", failures, now as i64).await?;
            return Ok(Err(CodeError::Wrong));
        };
        if let Err(e) = use_up(state, user, old, now).await? {
            return Ok(Err(e));
        }
    }
    let prefix = state.issuer.clone();
    let activated = state
        .db
        .call(move |conn| {
            let done = users::activate(conn, id, &sealed, &prefix, m.step, now as i64)?;
            if done {
                users::end_sessions(conn, id, &keep)?;
            }
            Ok(done)
        })
        .await?;
    if !activated {
        // Another set-up page replaced the key between our read and the write.
        return Ok(Err(CodeError::NothingPending));
    }
    Ok(Ok(()))
}

/// Deactivation by the user: needs a current code (the "deactivation code"), which is used up. The
/// user's other sessions end.
pub async fn deactivate(
    state: &AppState,
    user: &User,
    current: CurrentKey<'_>,
    keep: KeepSession,
) -> Result<Result<(), CodeError>, Error> {
    if !user.has_2fa() {
        return Ok(Err(CodeError::NotEnabled));
    }
    let proved = match current {
        CurrentKey::Missing => Err(CodeError::Malformed),
        CurrentKey::Code(code) => check(state, user, code).await?.map(|_| ()),
        CurrentKey::UsedUp => Ok(()),
    };
    match proved {
        Ok(()) => {
            let (id, login, now) = (user.id, user.login.clone(), state.clock.now_secs() as i64);
            state
                .db
                .call(move |conn| {
                    users::clear_2fa(conn, &login, "2fa_deactivated", "self", now)?;
                    users::end_sessions(conn, id, &keep)?;
                    Ok(())
                })
                .await?;
            Ok(Ok(()))
        }
        Err(e) => Ok(Err(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_codes() {
        assert_eq!(normalise(" 123 456 ").unwrap(), "123456");
        assert_eq!(normalise("12345"), Err(CodeError::Malformed));
        assert_eq!(normalise("12345a"), Err(CodeError::Malformed));
        assert_eq!(normalise("１２３４５６"), Err(CodeError::Malformed));
    }

    #[test]
    fn skew_message_gives_the_range_first_and_the_bound_that_matters() {
        let m = CodeError::Skew { from: 40, to: 69 }.message();
        assert!(
            m.contains(
                "clock is between 40 and 69 seconds ahead of the server's: at least 40 seconds"
            ),
            "{m}"
        );
        assert!(!m.contains("about"), "{m}");
        let m = CodeError::Skew { from: -69, to: -40 }.message();
        assert!(
            m.contains("between 40 and 69 seconds behind the server's: at least 40 seconds"),
            "{m}"
        );
    }

    #[test]
    fn the_account_uses_the_servers_period_and_digits() {
        let a = account(Secret::from_bytes(vec![1; 20]).unwrap()).unwrap();
        assert_eq!((a.period(), a.digits()), (PERIOD, DIGITS));
    }
}
