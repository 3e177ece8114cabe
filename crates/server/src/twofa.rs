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
use crate::error::Error;
use crate::throttle::{self, Gate};
use crate::users::{self, Counter, User};

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
}

impl CodeError {
    /// The message for the user.
    pub fn message(&self) -> String {
        match self {
            CodeError::Malformed => "The verification code is the 6 digits your authenticator shows.".into(),
            CodeError::Wrong => "That verification code is not right. Enter the code your authenticator shows now.".into(),
            CodeError::Replayed { wait } => format!(
                "This code has already been used. Each code works once: wait for the next one (in {wait} s)."
            ),
            CodeError::Skew { from, to } => {
                let (dir, lo, hi) = if *from >= 0 { ("ahead of", *from, *to) } else { ("behind", -*to, -*from) };
                let about = (lo + hi) / 2;
                format!(
                    "Activation failed: the code is from a device whose clock is about {about} seconds {dir} the \
                     server's (between {lo} and {hi} seconds). The clocks must agree within 30 seconds: set the \
                     device's time automatically, then enter a new code."
                )
            }
            CodeError::Throttled(wait) => format!("Too many wrong codes. Try again in {wait} s."),
            CodeError::Locked => Error::Locked.message(),
            CodeError::NothingPending => {
                "No key is waiting for activation. Open Set Up Authentication to get a QR code first.".into()
            }
            CodeError::NotEnabled => "Two-factor authentication is not on for this user.".into(),
        }
    }

    /// The HTTP status for this error; with `unauthorized`, a wrong or replayed code is 401 (the code
    /// was the credential: logins, deactivation, API calls), else 400 (activation).
    pub fn status(&self, unauthorized: bool) -> StatusCode {
        self.clone().into_error(unauthorized).status()
    }

    /// As an HTTP error.
    pub fn into_error(self, unauthorized: bool) -> Error {
        match self {
            CodeError::Throttled(wait) => Error::TooMany(wait),
            CodeError::Locked => Error::Locked,
            CodeError::Wrong | CodeError::Replayed { .. } if unauthorized => {
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

/// The TOTP account the server checks codes with.
pub fn account(secret: Secret) -> Account {
    // Digits and period are constants inside the valid ranges.
    Account::new(OtpType::Totp, secret)
}

/// The `otpauth://` URI for a new secret: label `PREFIX:login`, issuer `PREFIX`.
pub fn setup_uri(prefix: &str, login: &str, secret: &Secret) -> String {
    authbar_core::uri::format(
        &account(secret.clone()).with_label(Some(prefix.to_string()), login.to_string()),
    )
}

/// Whether the user may try a code now (throttle and lock), and the code in its normal form.
fn admit(user: &User, code: &str, now: u64) -> Result<String, CodeError> {
    gate(user, now as i64)?;
    normalise(code)
}

fn gate(user: &User, now: i64) -> Result<(), CodeError> {
    match throttle::gate(user.otp_failures, user.otp_next_try, now) {
        Gate::Open => Ok(()),
        Gate::Wait(s) => Err(CodeError::Throttled(s)),
        Gate::Locked => Err(CodeError::Locked),
    }
}

async fn failed(state: &AppState, user: &User, event: &'static str, now: i64) -> Result<(), Error> {
    let (id, login) = (user.id, user.login.clone());
    state
        .db
        .call(move |conn| {
            let n = users::record_failure(conn, id, Counter::Otp, now)?;
            users::audit(
                conn,
                &login,
                event,
                &format!("consecutive failures: {n}"),
                now,
            )?;
            if n == throttle::LOCK_AFTER {
                users::audit(conn, &login, "locked", "too many failed codes", now)?;
            }
            Ok(())
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

/// Checks a code for a user with 2FA on. With `consume`, the matching step is used up (logins,
/// deactivation); without, it is only checked (API calls, which repeat within a step).
pub async fn check(
    state: &AppState,
    user: &User,
    code: &str,
    consume: bool,
) -> Result<Result<Match, CodeError>, Error> {
    let now = state.clock.now_secs();
    let code = match admit(user, code, now) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let secret = current_secret(state, user)?;
    let Some(m) = account(secret).verify(&code, now, WINDOW) else {
        failed(state, user, "code_failed", now as i64).await?;
        return Ok(Err(CodeError::Wrong));
    };
    let (id, login) = (user.id, user.login.clone());
    let accepted = state
        .db
        .call(move |conn| {
            let ok = !consume || users::consume_step(conn, id, m.step)?;
            if ok {
                users::reset_failures(conn, id, Counter::Otp)?;
            } else {
                users::audit(conn, &login, "code_replayed", "", now as i64)?;
            }
            Ok(ok)
        })
        .await?;
    if accepted {
        Ok(Ok(m))
    } else {
        Ok(Err(CodeError::Replayed {
            wait: PERIOD - now % PERIOD,
        }))
    }
}

/// Generates a new secret, stores it as the user's pending key (replacing any earlier one) and returns
/// it with its `otpauth://` URI.
pub async fn new_pending(state: &AppState, user: &User) -> Result<(Secret, String), Error> {
    let secret = crate::crypto::new_totp_secret()?;
    let sealed = state.key.seal(&user.login, &secret)?;
    let uri = setup_uri(&state.issuer, &user.login, &secret);
    let (id, now) = (user.id, state.clock.now_secs() as i64);
    state
        .db
        .call(move |conn| users::set_pending(conn, id, &sealed, now))
        .await?;
    Ok((secret, uri))
}

/// The pending key and its URI, if one is waiting.
pub async fn current_pending(
    state: &AppState,
    user: &User,
) -> Result<Option<(Secret, String)>, Error> {
    let id = user.id;
    let Some(sealed) = state.db.call(move |conn| users::pending(conn, id)).await? else {
        return Ok(None);
    };
    let secret = state.key.open(&user.login, &sealed)?;
    let uri = setup_uri(&state.issuer, &user.login, &secret);
    Ok(Some((secret, uri)))
}

/// Activates the pending key with a code (see the module rules). Replaces an earlier secret.
pub async fn activate(
    state: &AppState,
    user: &User,
    code: &str,
) -> Result<Result<(), CodeError>, Error> {
    let now = state.clock.now_secs();
    let code = match admit(user, code, now) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let id = user.id;
    let Some(sealed) = state.db.call(move |conn| users::pending(conn, id)).await? else {
        return Ok(Err(CodeError::NothingPending));
    };
    let account = account(state.key.open(&user.login, &sealed)?);
    let Some(m) = account.verify(&code, now, WINDOW) else {
        failed(state, user, "activation_failed", now as i64).await?;
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
    let prefix = state.issuer.clone();
    let activated = state
        .db
        .call(move |conn| users::activate(conn, id, &sealed, &prefix, m.step, now as i64))
        .await?;
    if !activated {
        // Another set-up page replaced the key between our read and the write.
        return Ok(Err(CodeError::NothingPending));
    }
    Ok(Ok(()))
}

/// Deactivation by the user: needs a current code (the "deactivation code"), which is used up.
pub async fn deactivate(
    state: &AppState,
    user: &User,
    code: &str,
) -> Result<Result<(), CodeError>, Error> {
    if !user.has_2fa() {
        return Ok(Err(CodeError::NotEnabled));
    }
    match check(state, user, code, true).await? {
        Ok(_) => {
            let (login, now) = (user.login.clone(), state.clock.now_secs() as i64);
            state
                .db
                .call(move |conn| users::clear_2fa(conn, &login, "2fa_deactivated", "self", now))
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
    fn skew_message_gives_direction_and_range() {
        let m = CodeError::Skew { from: 40, to: 69 }.message();
        assert!(
            m.contains("about 54 seconds ahead of the server's (between 40 and 69 seconds)"),
            "{m}"
        );
        let m = CodeError::Skew { from: -69, to: -40 }.message();
        assert!(
            m.contains("behind the server's (between 40 and 69 seconds)"),
            "{m}"
        );
    }
}
