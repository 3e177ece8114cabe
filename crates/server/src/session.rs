//! Cookies, CSRF tokens and the typed login stages: a request whose password was accepted but whose
//! code is still to come ([`PendingLogin`]) is a different type from a signed-in one ([`SignedIn`]).

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use rusqlite::OptionalExtension;
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::crypto::{random_token, token_hash};
use crate::error::Error;
use crate::users::{self, User};

/// The signed-in session cookie.
pub const SESSION_COOKIE: &str = "authbar_session";
/// The cookie of a login waiting for its code.
pub const PENDING_COOKIE: &str = "authbar_pending";
/// The CSRF double-submit cookie.
pub const CSRF_COOKIE: &str = "authbar_csrf";
/// Where a user changes the password (and must, with a one-time password).
pub const PASSWORD_PAGE: &str = "/settings/password";
/// How long a signed-in session lasts.
pub const SESSION_SECS: i64 = 12 * 3600;
/// How long the code page waits after the password.
pub const PENDING_SECS: i64 = 5 * 60;

/// The value of a cookie in the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, path `/`.
pub fn set_cookie(name: &str, value: &str, max_age: i64) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Adds cookies to a response.
pub fn with_cookies(response: impl IntoResponse, cookies: Vec<HeaderValue>) -> Response {
    let mut response = response.into_response();
    for c in cookies {
        response.headers_mut().append(SET_COOKIE, c);
    }
    response
}

/// The CSRF token for a form: the existing cookie's, or a new one with the cookie to set.
pub fn csrf_token(headers: &HeaderMap) -> Result<(String, Option<HeaderValue>), Error> {
    match cookie(headers, CSRF_COOKIE).filter(|t| t.len() == 43) {
        Some(token) => Ok((token, None)),
        None => {
            let token = random_token()?;
            let header = set_cookie(CSRF_COOKIE, &token, SESSION_SECS);
            Ok((token, Some(header)))
        }
    }
}

/// Checks a submitted CSRF field against the cookie, in constant time.
pub fn check_csrf(headers: &HeaderMap, submitted: &str) -> Result<(), Error> {
    let expected = cookie(headers, CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !bool::from(expected.as_bytes().ct_eq(submitted.as_bytes())) {
        return Err(Error::Forbidden(
            "The form's security token is missing or out of date. Reload the page and submit it again.".into(),
        ));
    }
    Ok(())
}

/// Starts a signed-in session; returns the cookie to set.
pub async fn start_session(state: &AppState, user_id: i64) -> Result<HeaderValue, Error> {
    let token = random_token()?;
    let hash = token_hash(&token);
    let now = state.clock.now_secs() as i64;
    state
        .db
        .call(move |conn| {
            conn.execute("DELETE FROM sessions WHERE expires_at <= ?1", [now])?;
            conn.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![hash, user_id, now, now + SESSION_SECS],
            )?;
            Ok(())
        })
        .await?;
    Ok(set_cookie(SESSION_COOKIE, &token, SESSION_SECS))
}

/// Records a password-accepted login waiting for its code; returns the cookie to set.
pub async fn start_pending(state: &AppState, user_id: i64) -> Result<HeaderValue, Error> {
    let token = random_token()?;
    let hash = token_hash(&token);
    let now = state.clock.now_secs() as i64;
    state
        .db
        .call(move |conn| {
            conn.execute(
                "DELETE FROM pending_logins WHERE expires_at <= ?1 OR user_id = ?2",
                rusqlite::params![now, user_id],
            )?;
            conn.execute(
                "INSERT INTO pending_logins (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
                rusqlite::params![hash, user_id, now + PENDING_SECS],
            )?;
            Ok(())
        })
        .await?;
    Ok(set_cookie(PENDING_COOKIE, &token, PENDING_SECS))
}

/// Ends the session or pending login named by the request's cookies.
pub async fn end(state: &AppState, headers: &HeaderMap) -> Result<(), Error> {
    let session = cookie(headers, SESSION_COOKIE).map(|t| token_hash(&t));
    let pending = cookie(headers, PENDING_COOKIE).map(|t| token_hash(&t));
    state
        .db
        .call(move |conn| {
            if let Some(h) = session {
                conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [h])?;
            }
            if let Some(h) = pending {
                conn.execute("DELETE FROM pending_logins WHERE token_hash = ?1", [h])?;
            }
            Ok(())
        })
        .await?;
    Ok(())
}

async fn user_for(
    state: &AppState,
    headers: &HeaderMap,
    cookie_name: &str,
    table: &'static str,
) -> Result<Option<User>, Error> {
    let Some(token) = cookie(headers, cookie_name) else {
        return Ok(None);
    };
    let hash = token_hash(&token);
    let now = state.clock.now_secs() as i64;
    Ok(state
        .db
        .call(move |conn| {
            let id: Option<i64> = conn
                .query_row(
                    &format!(
                        "SELECT user_id FROM {table} WHERE token_hash = ?1 AND expires_at > ?2"
                    ),
                    rusqlite::params![hash, now],
                    |r| r.get(0),
                )
                .optional()?;
            match id {
                Some(id) => users::find_id(conn, id),
                None => Ok(None),
            }
        })
        .await?)
}

/// A fully signed-in user (password and, when 2FA is on, code), with the page's CSRF token.
#[derive(Debug)]
pub struct SignedIn {
    /// The user.
    pub user: User,
    /// The CSRF token for forms on the page.
    pub csrf: String,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match user_for(state, &parts.headers, SESSION_COOKIE, "sessions").await {
            Ok(Some(user)) if user.must_change_password && parts.uri.path() != PASSWORD_PAGE => {
                // A one-time password: nothing but the password page until it is replaced.
                Err(Redirect::to(PASSWORD_PAGE).into_response())
            }
            Ok(Some(user)) => {
                let csrf = cookie(&parts.headers, CSRF_COOKIE).unwrap_or_default();
                Ok(SignedIn { user, csrf })
            }
            Ok(None) => Err(Redirect::to("/login").into_response()),
            Err(e) => Err(e.into_response()),
        }
    }
}

/// A login whose password was accepted and whose code is still to come. Grants only the code page.
#[derive(Debug)]
pub struct PendingLogin {
    /// The user logging in.
    pub user: User,
}

impl FromRequestParts<AppState> for PendingLogin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match user_for(state, &parts.headers, PENDING_COOKIE, "pending_logins").await {
            Ok(Some(user)) => Ok(PendingLogin { user }),
            Ok(None) => Err(Redirect::to("/login?expired=1").into_response()),
            Err(e) => Err(e.into_response()),
        }
    }
}
