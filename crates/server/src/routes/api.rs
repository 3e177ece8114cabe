//! The JSON API. The first three routes mirror ABRA Flexi's REST API:
//!
//! - `GET /u/{login}.json`, `GET /u/{login}.xml`: the user record with `twoPhaseAuthEnabled`;
//! - `GET /u/{login}/qrcode-2fa.png`: a 400×400 QR with a newly generated pending key, which is also
//!   in the `Secret` response header.
//!
//! Our own:
//!
//! - `POST /api/2fa/activate` `{"code": "123456"}`: activates the caller's pending key;
//! - `POST /api/2fa/deactivate` `{"code": "123456"}`: the caller turns 2FA off with a current code;
//! - `POST /api/users/{login}/2fa/disable`: an administrator turns another user's 2FA off;
//! - `POST /api/users/{login}/unlock`: an administrator clears a user's lock;
//! - `GET /api/time`: the server time (`unixMs`), for checking a device's clock. No authentication.
//!
//! Every other call authenticates with HTTP Basic. When the caller has 2FA on, the call must also carry
//! `?otp=<current code>`, else 401 says so. A wrong login and a wrong password give the same 401 after
//! the same Argon2 work. Verified credentials are remembered in memory for 60 seconds (keyed by a salted
//! hash that includes the stored password hash, so a password change ends it), so scripts making many
//! calls pay for Argon2 once a minute; the `otp` is checked on every call.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, Error};
use crate::html::esc;
use crate::throttle::{self, Gate};
use crate::twofa;
use crate::users::{self, User};
use crate::{AppState, passwords, qrpng};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/u/{file}", get(user_record))
        .route("/u/{login}/qrcode-2fa.png", get(qrcode_png))
        .route("/api/2fa/activate", post(activate))
        .route("/api/2fa/deactivate", post(deactivate))
        .route("/api/users/{login}/2fa/disable", post(admin_disable))
        .route("/api/users/{login}/unlock", post(admin_unlock))
        .route("/api/time", get(time))
}

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
        entries.insert(key, (user.password_hash.clone(), now + Self::TTL));
    }
}

/// A caller authenticated with HTTP Basic and, when its 2FA is on, `?otp=`.
#[derive(Debug)]
pub struct ApiUser(pub User);

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

fn query_param(parts: &Parts, name: &str) -> Option<String> {
    parts.uri.query()?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| v.replace('+', " ").replace("%20", " "))
    })
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some((login, password)) = basic_credentials(parts) else {
            return Err(Error::Unauthorized(
                "Authenticate with HTTP Basic (login and password).".into(),
            )
            .into());
        };
        let now = state.clock.now_secs() as i64;
        let key = state.api_auth_cache.key(&login, &password);
        let lookup = login.clone();
        let cached = match state
            .db
            .call(move |conn| users::find(conn, &lookup))
            .await?
        {
            Some(user) if state.api_auth_cache.hit(&key, &user, now) => {
                match throttle::gate(user.pw_failures, user.pw_next_try, now) {
                    Gate::Open if !user.locked() => Some(user),
                    Gate::Wait(s) => return Err(Error::TooMany(s).into()),
                    _ => return Err(Error::Locked.into()),
                }
            }
            _ => None,
        };
        let user = match cached {
            Some(user) => user,
            None => {
                let user =
                    passwords::check(state, &login, &password)
                        .await
                        .map_err(|e| match e {
                            Error::Unauthorized(_) => {
                                Error::Unauthorized("Wrong login or password.".into())
                            }
                            other => other,
                        })?;
                state.api_auth_cache.remember(key, &user, now);
                user
            }
        };
        if user.must_change_password {
            return Err(Error::Forbidden(format!(
                "{} has a one-time password: log in on the web and choose a new one first.",
                user.login
            ))
            .into());
        }
        if user.has_2fa() {
            let Some(otp) = query_param(parts, "otp") else {
                return Err(Error::Unauthorized(format!(
                    "Two-factor authentication is on for {}: add ?otp=<current code> to the request.",
                    user.login
                ))
                .into());
            };
            if let Err(e) = twofa::check(state, &user, &otp, false).await? {
                return Err(e.into_error(true).into());
            }
        }
        Ok(ApiUser(user))
    }
}

fn body<T>(json: Result<Json<T>, JsonRejection>) -> Result<T, Error> {
    json.map(|Json(t)| t)
        .map_err(|r| Error::Rejected(r.status(), r.body_text()))
}

/// The target user, when the caller may act on it (itself, or anyone for an administrator).
async fn target(state: &AppState, caller: &User, login: &str) -> Result<User, Error> {
    if caller.login != login && !caller.admin {
        return Err(Error::Forbidden(
            "You may act only on your own user; this needs an administrator.".into(),
        ));
    }
    let lookup = login.to_string();
    state
        .db
        .call(move |conn| users::find(conn, &lookup))
        .await?
        .ok_or_else(|| Error::NotFound(format!("There is no user {login}.")))
}

async fn user_record(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let (login, format) = match file.rsplit_once('.') {
        Some((login, "json")) => (login, "json"),
        Some((login, "xml")) => (login, "xml"),
        _ => {
            return Err(
                Error::NotFound("Ask for /u/{login}.json or /u/{login}.xml.".into()).into(),
            );
        }
    };
    let user = target(&state, &caller, login).await?;
    let enabled = if user.has_2fa() { "true" } else { "false" };
    let role = if user.admin { "admin" } else { "user" };
    if format == "json" {
        let body = json!({ "winstrom": { "@version": "1.0", "uzivatel": [{
            "id": user.id.to_string(), "kod": user.login, "role": role, "twoPhaseAuthEnabled": enabled,
        }]}});
        return Ok(Json(body).into_response());
    }
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<winstrom version=\"1.0\">\n  <uzivatel>\n    <id>{}</id>\n    \
         <kod>{}</kod>\n    <role>{role}</role>\n    <twoPhaseAuthEnabled>{enabled}</twoPhaseAuthEnabled>\n  </uzivatel>\n</winstrom>\n",
        user.id,
        esc(&user.login)
    );
    Ok(([(CONTENT_TYPE, "application/xml; charset=utf-8")], xml).into_response())
}

async fn qrcode_png(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(login): Path<String>,
) -> Result<Response, ApiError> {
    let user = target(&state, &caller, &login).await?;
    let (secret, uri) = twofa::new_pending(&state, &user).await?;
    let png = qrpng::png(&uri)?;
    let mut response = ([(CONTENT_TYPE, "image/png")], png).into_response();
    let headers = response.headers_mut();
    headers.insert(
        "Secret",
        HeaderValue::from_str(&secret.to_base32()).map_err(|e| Error::Internal(e.into()))?,
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[derive(Deserialize)]
struct CodeBody {
    code: String,
}

async fn activate(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    json: Result<Json<CodeBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let code = body(json)?.code;
    match twofa::activate(&state, &caller, &code).await? {
        Ok(()) => {
            Ok(Json(json!({ "login": caller.login, "twoPhaseAuthEnabled": true })).into_response())
        }
        Err(e) => Err(e.into_error(false).into()),
    }
}

async fn deactivate(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    json: Result<Json<CodeBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let code = body(json)?.code;
    match twofa::deactivate(&state, &caller, &code).await? {
        Ok(()) => Ok(
            Json(json!({ "login": caller.login, "twoPhaseAuthEnabled": false })).into_response(),
        ),
        Err(e) => Err(e.into_error(true).into()),
    }
}

/// An administrator's call on another user: the user, who acts (for the audit log) and when.
async fn admin_target(
    state: &AppState,
    caller: &User,
    login: &str,
) -> Result<(User, String, i64), Error> {
    if !caller.admin {
        return Err(Error::Forbidden("This needs an administrator.".into()));
    }
    let user = target(state, caller, login).await?;
    Ok((
        user,
        format!("by {}", caller.login),
        state.clock.now_secs() as i64,
    ))
}

async fn admin_disable(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(login): Path<String>,
) -> Result<Response, ApiError> {
    let (user, by, now) = admin_target(&state, &caller, &login).await?;
    let target_login = user.login.clone();
    let was_on = state
        .db
        .call(move |conn| users::clear_2fa(conn, &target_login, "2fa_disabled_by_admin", &by, now))
        .await?;
    Ok(
        Json(json!({ "login": user.login, "twoPhaseAuthEnabled": false, "changed": was_on }))
            .into_response(),
    )
}

async fn admin_unlock(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(login): Path<String>,
) -> Result<Response, ApiError> {
    let (user, by, now) = admin_target(&state, &caller, &login).await?;
    let target_login = user.login.clone();
    state
        .db
        .call(move |conn| users::unlock(conn, &target_login, &by, now))
        .await?;
    Ok(Json(json!({ "login": user.login, "locked": false })).into_response())
}

async fn time(State(state): State<AppState>) -> Response {
    let ms = state.clock.now_ms();
    (
        StatusCode::OK,
        Json(json!({ "unixMs": ms, "unixSecs": ms / 1000 })),
    )
        .into_response()
}
