//! Cookies, CSRF tokens and the typed login stages: a request whose password was accepted but whose
//! code is still to come ([`PendingLogin`]) is a different type from a signed-in one ([`SignedIn`]).
//!
//! CSRF: a form's token is derived from the session (or pending login) token in its HttpOnly cookie,
//! so a token planted by a same-site origin is useless without that cookie; only the
//! login form, which has no session yet, uses a double-submit cookie. [`CsrfForm`] reads a form and
//! checks its token in one step; [`crate::same_origin_only`] refuses cross-site writes before that.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, FromRequest, FromRequestParts, Request};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine as _;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::crypto::{random_token, token_hash};
use crate::error::Error;
use crate::html::Nav;
use crate::users::{self, KeepSession, TokenKind, User};

/// Where a user changes the password (and must, with a one-time password).
pub const PASSWORD_PAGE: &str = "/settings/password";
/// How long a signed-in session lasts.
pub const SESSION_SECS: i64 = 12 * 3600;
/// How long the code page waits after the password.
pub const PENDING_SECS: i64 = 5 * 60;
/// How long an API session lasts (Flexi's `authSessionId`): a script's run, not a day.
pub const API_SESSION_SECS: i64 = 10 * 60;
/// The request header that carries an API session.
pub const API_SESSION_HEADER: &str = "x-authsessionid";

/// The cookies' names and attributes. Over HTTPS (`--public-url https://…`) they are `Secure` and
/// carry the `__Host-` prefix, which the browser accepts only from this host over HTTPS with
/// `Path=/` and no `Domain`, so that another site on the same domain cannot plant them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cookies {
    secure: bool,
}

impl Cookies {
    /// Plain cookies (http://, development and tests).
    pub const PLAIN: Cookies = Cookies { secure: false };
    /// `Secure` `__Host-` cookies (the server is reached over https://).
    pub const SECURE: Cookies = Cookies { secure: true };

    fn name(self, base: &'static str) -> &'static str {
        match (self.secure, base) {
            (true, "authbar_session") => "__Host-authbar_session",
            (true, "authbar_pending") => "__Host-authbar_pending",
            (true, "authbar_csrf") => "__Host-authbar_csrf",
            _ => base,
        }
    }

    /// The signed-in session cookie.
    pub fn session(self) -> &'static str {
        self.name("authbar_session")
    }

    /// The cookie of a login waiting for its code.
    pub fn pending(self) -> &'static str {
        self.name("authbar_pending")
    }

    /// The login form's double-submit CSRF cookie.
    pub fn csrf(self) -> &'static str {
        self.name("authbar_csrf")
    }

    /// A `Set-Cookie` value: HttpOnly, SameSite=Strict, path `/`, and `Secure` over HTTPS.
    pub fn set(self, name: &str, value: &str, max_age: i64) -> HeaderValue {
        let secure = if self.secure { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
        ))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

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

/// Adds cookies to a response.
pub fn with_cookies(response: impl IntoResponse, cookies: Vec<HeaderValue>) -> Response {
    let mut response = response.into_response();
    for c in cookies {
        response.headers_mut().append(SET_COOKIE, c);
    }
    response
}

/// The CSRF token bound to a session or pending-login token.
fn bound_csrf(token: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"authbar csrf v1\0");
    h.update(token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(h.finalize())
}

/// The CSRF token the request's forms must carry: bound to its session, else to its pending login,
/// else the login form's double-submit cookie (`None` when there is none yet).
fn expected_csrf(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let c = state.cookies;
    cookie(headers, c.session())
        .or_else(|| cookie(headers, c.pending()))
        .map(|token| bound_csrf(&token))
        .or_else(|| cookie(headers, c.csrf()).filter(|t| t.len() == 43))
}

/// The CSRF token for a form, and the double-submit cookie to set when the request has neither a
/// session, a pending login nor that cookie yet.
pub fn csrf_token(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(String, Option<HeaderValue>), Error> {
    match expected_csrf(state, headers) {
        Some(token) => Ok((token, None)),
        None => {
            let token = random_token()?;
            let header = state
                .cookies
                .set(state.cookies.csrf(), &token, SESSION_SECS);
            Ok((token, Some(header)))
        }
    }
}

/// The refusal of a form whose token is missing or wrong.
fn csrf_refused() -> Error {
    Error::Forbidden(
        "The form's security token is missing or out of date. Reload the page and submit it again."
            .into(),
    )
}

/// Checks a submitted CSRF field against the request's expected token, in constant time.
pub fn check_csrf(state: &AppState, headers: &HeaderMap, submitted: &str) -> Result<(), Error> {
    let expected = expected_csrf(state, headers).unwrap_or_default();
    if expected.is_empty() || !bool::from(expected.as_bytes().ct_eq(submitted.as_bytes())) {
        return Err(csrf_refused());
    }
    Ok(())
}

/// A form whose CSRF token was checked: the one extractor every state-changing page uses, instead
/// of reading the form and checking the token by hand. A form that cannot be read is answered with
/// the rejection's own 4xx (413 too large, 415 wrong type, 422 bad fields…).
#[derive(Debug)]
pub struct CsrfForm<T>(pub T);

#[derive(serde::Deserialize)]
struct WithCsrf<T> {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    fields: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let headers = req.headers().clone();
        let form: Result<Form<WithCsrf<T>>, FormRejection> = Form::from_request(req, state).await;
        let form = form.map(|Form(f)| f).map_err(|rejection| {
            Error::Rejected(
                rejection.status(),
                format!("The form could not be read: {}", rejection.body_text()),
            )
            .into_response()
        })?;
        check_csrf(state, &headers, &form.csrf).map_err(IntoResponse::into_response)?;
        Ok(CsrfForm(form.fields))
    }
}

async fn insert_session(
    state: &AppState,
    user_id: i64,
    kind: &'static str,
    secs: i64,
) -> Result<String, Error> {
    let token = random_token()?;
    let hash = token_hash(&token);
    let now = state.clock.now_secs() as i64;
    state
        .db
        .call(move |conn| {
            conn.execute(
                "DELETE FROM sessions WHERE expires_at <= ?1",
                crate::params![now],
            )?;
            conn.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, kind) VALUES (?1, ?2, ?3, ?4, ?5)",
                crate::params![&hash, user_id, now, now + secs, kind],
            )?;
            Ok(())
        })
        .await?;
    Ok(token)
}

/// Starts a signed-in session; returns the cookie to set.
pub async fn start_session(state: &AppState, user_id: i64) -> Result<HeaderValue, Error> {
    let token = insert_session(state, user_id, "web", SESSION_SECS).await?;
    Ok(state
        .cookies
        .set(state.cookies.session(), &token, SESSION_SECS))
}

/// Starts an API session (after Basic credentials and, with 2FA, one code); returns its token.
pub async fn start_api_session(state: &AppState, user_id: i64) -> Result<String, Error> {
    insert_session(state, user_id, "api", API_SESSION_SECS).await
}

/// Ends an API session by its token hash.
pub async fn end_api_session(state: &AppState, hash: String) -> Result<(), Error> {
    state
        .db
        .call(move |conn| {
            conn.execute(
                "DELETE FROM sessions WHERE token_hash = ?1 AND kind = 'api'",
                crate::params![&hash],
            )?;
            Ok(())
        })
        .await?;
    Ok(())
}

/// The user of a live API session, with the session's token hash.
pub async fn api_session_user(
    state: &AppState,
    token: &str,
) -> Result<Option<(User, String)>, Error> {
    let hash = token_hash(token);
    let found = user_for_hash(state, hash.clone(), TokenKind::ApiSession).await?;
    Ok(found.map(|user| (user, hash)))
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
                crate::params![now, user_id],
            )?;
            conn.execute(
                "INSERT INTO pending_logins (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
                crate::params![&hash, user_id, now + PENDING_SECS],
            )?;
            Ok(())
        })
        .await?;
    Ok(state
        .cookies
        .set(state.cookies.pending(), &token, PENDING_SECS))
}

/// Ends the session or pending login named by the request's cookies.
pub async fn end(state: &AppState, headers: &HeaderMap) -> Result<(), Error> {
    let session = cookie(headers, state.cookies.session()).map(|t| token_hash(&t));
    let pending = cookie(headers, state.cookies.pending()).map(|t| token_hash(&t));
    state
        .db
        .call(move |conn| {
            if let Some(h) = session {
                conn.execute(
                    "DELETE FROM sessions WHERE token_hash = ?1",
                    crate::params![&h],
                )?;
            }
            if let Some(h) = pending {
                conn.execute(
                    "DELETE FROM pending_logins WHERE token_hash = ?1",
                    crate::params![&h],
                )?;
            }
            Ok(())
        })
        .await?;
    Ok(())
}

async fn user_for_hash(
    state: &AppState,
    hash: String,
    kind: TokenKind,
) -> Result<Option<User>, Error> {
    let now = state.clock.now_secs() as i64;
    Ok(state
        .db
        .call(move |conn| users::find_by_token(conn, kind, &hash, now))
        .await?)
}

/// A fully signed-in user (password and, when 2FA is on, code), with the page's CSRF token.
#[derive(Debug)]
pub struct SignedIn {
    /// The user.
    pub user: User,
    /// The CSRF token for forms on the page (bound to this session).
    pub csrf: String,
    /// The session's token hash: the session that survives the user's own credential changes.
    pub session: KeepSession,
}

impl SignedIn {
    /// The navigation a page shows for this user.
    pub fn nav(&self) -> Nav<'_> {
        Nav {
            login: &self.user.login,
            admin: self.user.admin,
            csrf: &self.csrf,
        }
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(token) = cookie(&parts.headers, state.cookies.session()) else {
            return Err(Redirect::to("/login").into_response());
        };
        let hash = token_hash(&token);
        match user_for_hash(state, hash.clone(), TokenKind::WebSession).await {
            Ok(Some(user)) if user.must_change_password && parts.uri.path() != PASSWORD_PAGE => {
                // A one-time password: nothing but the password page until it is replaced.
                Err(Redirect::to(PASSWORD_PAGE).into_response())
            }
            Ok(Some(user)) => Ok(SignedIn {
                user,
                csrf: bound_csrf(&token),
                session: KeepSession::This(hash),
            }),
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
        let found = match cookie(&parts.headers, state.cookies.pending()) {
            Some(token) => user_for_hash(state, token_hash(&token), TokenKind::PendingLogin).await,
            None => Ok(None),
        };
        match found {
            Ok(Some(user)) => Ok(PendingLogin { user }),
            Ok(None) => Err(Redirect::to("/login?expired=1").into_response()),
            Err(e) => Err(e.into_response()),
        }
    }
}
