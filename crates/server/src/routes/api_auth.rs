//! How API calls authenticate: HTTP Basic (with `?otp=` when the caller has 2FA on), or an API
//! session (`X-authSessionId`, Flexi's `authSessionId`) started with those once.
//!
//! - A wrong login and a wrong password give the same 401 after the same Argon2 work.
//! - Verified credentials are remembered in memory for 60 seconds (keyed by a salted hash that
//!   includes the stored password hash, so a password change ends it): Argon2 once a minute.
//! - `?otp=` is used up like a login code (RFC 6238 §5.2: a verifier must not accept an OTP twice). A script that makes many calls starts an API session with one code instead
//!   (`POST /api/session`), valid for [`session::API_SESSION_SECS`], ended by any change of the
//!   user's credentials.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::extract::{FromRequestParts, Query};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::Engine as _;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, Error};
use crate::session::{self, API_SESSION_HEADER};
use crate::twofa::{self, Purpose};
use crate::users::{self, KeepSession, User};
use crate::{AppState, passwords, throttle};

/// Credentials verified recently: salted hash → (stored password hash, expiry).
#[derive(Debug)]
pub struct AuthCache {
    salt: [u8; 32],
    entries: Mutex<HashMap<[u8; 32], (String, i64)>>,
}

impl Default for AuthCache {
    fn default() -> Self {
        AuthCache {
            salt: crate::crypto::random_bytes().unwrap_or([0x5a; 32]),
            entries: Mutex::default(),
        }
    }
}

impl AuthCache {
    const TTL: i64 = 60;
    const MAX: usize = 10_000;

    fn key(&self, login: &str, password: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.salt);
        h.update(login.as_bytes());
        h.update([0]);
        h.update(password.as_bytes());
        h.finalize().into()
    }

    fn hit(&self, key: &[u8; 32], user: &User, now: i64) -> bool {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .is_some_and(|(phc, expires)| *expires > now && *phc == user.password_hash)
    }

    fn remember(&self, key: [u8; 32], user: &User, now: i64) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= Self::MAX {
            entries.retain(|_, (_, expires)| *expires > now);
        }
        if entries.len() < Self::MAX {
            entries.insert(key, (user.password_hash.clone(), now + Self::TTL));
        }
    }
}

/// How an API call proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// Basic credentials of a user without 2FA.
    Password,
    /// Basic credentials and `?otp=`, used up by this call (the normalised code).
    PasswordAndCode(String),
    /// An API session (its token hash).
    Session(String),
}

/// A caller authenticated with HTTP Basic (and `?otp=` when its 2FA is on) or an API session.
#[derive(Debug)]
pub struct ApiUser {
    /// The caller.
    pub user: User,
    /// How.
    pub via: Via,
}

impl ApiUser {
    /// The session that survives the caller's own credential changes.
    pub fn keep(&self) -> KeepSession {
        match &self.via {
            Via::Session(hash) => KeepSession::This(hash.clone()),
            _ => KeepSession::None,
        }
    }
}

fn basic_credentials(parts: &Parts) -> Option<(String, String)> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (login, password) = text.split_once(':')?;
    Some((login.to_string(), password.to_string()))
}

#[derive(Deserialize)]
struct OtpQuery {
    otp: Option<String>,
}

/// Basic credentials, from the cache or Argon2 (under the hashers' cap and the throttle).
async fn password_user(state: &AppState, login: &str, password: &str) -> Result<User, Error> {
    let now = state.clock.now_secs() as i64;
    let key = state.api_auth_cache.key(login, password);
    let lookup = login.to_string();
    let found = state
        .db
        .call(move |conn| users::find(conn, &lookup))
        .await?;
    if let Some(user) = found.filter(|u| state.api_auth_cache.hit(&key, u, now)) {
        // Cached, but the throttle still rules: a lock set since then refuses like a back-off.
        let gate = throttle::gate(user.pw_failures, user.pw_next_try, now);
        return match gate.outsider_wait() {
            Some(wait) => Err(Error::TooMany(wait)),
            None => Ok(user),
        };
    }
    let user = passwords::check(state, login, password)
        .await
        .map_err(|e| match e {
            Error::Unauthorized(_) => Error::Unauthorized(passwords::WRONG.into()),
            other => other,
        })?;
    state.api_auth_cache.remember(key, &user, now);
    Ok(user)
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(token) = parts.headers.get(API_SESSION_HEADER) {
            let token = token.to_str().unwrap_or_default();
            let Some((user, hash)) = session::api_session_user(state, token).await? else {
                return Err(Error::Unauthorized(
                    "The API session has ended or is unknown: start a new one with POST /api/session."
                        .into(),
                )
                .into());
            };
            return Ok(ApiUser {
                user,
                via: Via::Session(hash),
            });
        }
        let Some((login, password)) = basic_credentials(parts) else {
            return Err(Error::Unauthorized(
                "Authenticate with HTTP Basic (login and password), or an X-authSessionId header."
                    .into(),
            )
            .into());
        };
        let user = password_user(state, &login, &password).await?;
        if user.must_change_password {
            return Err(Error::Forbidden(format!(
                "{} has a one-time password: log in on the web and choose a new one first.",
                user.login
            ))
            .into());
        }
        if !user.has_2fa() {
            return Ok(ApiUser {
                user,
                via: Via::Password,
            });
        }
        let otp = Query::<OtpQuery>::from_request_parts(parts, state)
            .await
            .ok()
            .and_then(|Query(q)| q.otp);
        let Some(otp) = otp else {
            return Err(Error::Unauthorized(format!(
                "Two-factor authentication is on for {}: add ?otp=<current code> to the request.",
                user.login
            ))
            .into());
        };
        if let Err(e) = twofa::check(state, &user, &otp).await? {
            return Err(e.into_error(Purpose::Credential).into());
        }
        let code = twofa::normalise(&otp).unwrap_or_default();
        Ok(ApiUser {
            user,
            via: Via::PasswordAndCode(code),
        })
    }
}
