//! One error type for every handler, mapped to a status; internal errors are logged, never sent.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::html;

/// What went wrong, as the client should hear it.
#[derive(Debug)]
pub enum Error {
    /// 400: the request itself is wrong.
    BadRequest(String),
    /// 401: not authenticated (API answers carry `WWW-Authenticate: Basic`).
    Unauthorized(String),
    /// 403: authenticated but not allowed.
    Forbidden(String),
    /// 404.
    NotFound(String),
    /// 409: the request conflicts with the current state (e.g. a taken login).
    Conflict(String),
    /// 423: locked until an administrator unlocks the account.
    Locked,
    /// 429: wait this many seconds.
    TooMany(i64),
    /// 503: the server is busy (every password hasher is taken); retry after this many seconds.
    /// Nothing was checked.
    Unavailable(i64),
    /// 503: the database is unreachable, restarting, timed out or locked by another process; retry
    /// after [`Error::DATABASE_RETRY_SECS`]. Nothing was done or counted.
    DatabaseUnavailable,
    /// A body the extractor refused, with its own status (413 too large, 415, 422…).
    Rejected(StatusCode, String),
    /// 500: logged with its cause where it arises (build it with [`Error::internal`]); the client
    /// sees a generic message.
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for Error {
    /// A database that is unreachable, restarting, timed out or (SQLite) held locked by another
    /// process past the busy timeout is 503, not 500: the request did nothing and may be retried
    /// (so a database error is never a free guess). Everything else is internal.
    fn from(e: anyhow::Error) -> Self {
        if e.chain().any(|cause| cause.is::<crate::db::Unavailable>()) {
            eprintln!("authbar-server: {e:#}");
            Error::DatabaseUnavailable
        } else {
            Error::internal(e)
        }
    }
}

/// A user operation's failure, as the client hears it: the rule broken (400), a taken login (409),
/// no such user (404), or a database failure (logged here, where it becomes an HTTP error).
impl From<crate::users::UserError> for Error {
    fn from(e: crate::users::UserError) -> Self {
        use crate::users::UserError;
        match e {
            UserError::BadLogin(_) | UserError::BadPassword(_) => Error::BadRequest(e.to_string()),
            UserError::LoginTaken(_) => Error::Conflict(e.to_string()),
            UserError::NoSuchUser(_) => Error::NotFound(e.to_string()),
            UserError::Database(e) => Error::from(e),
        }
    }
}

impl Error {
    /// The `Retry-After` of [`Error::DatabaseUnavailable`], seconds.
    pub const DATABASE_RETRY_SECS: i64 = 1;

    /// An internal error, logged here where it arises; the client sees a generic message.
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        let e = e.into();
        eprintln!("authbar-server: internal error: {e:#}");
        Error::Internal(e)
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::Locked => StatusCode::LOCKED,
            Error::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            Error::Unavailable(_) | Error::DatabaseUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Error::Rejected(status, _) => *status,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Error::BadRequest(_) => "bad_request",
            Error::Unauthorized(_) => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::NotFound(_) => "not_found",
            Error::Conflict(_) => "conflict",
            Error::Locked => "locked",
            Error::TooMany(_) => "too_many_attempts",
            Error::Unavailable(_) => "busy",
            Error::DatabaseUnavailable => "database_unavailable",
            Error::Rejected(..) => "bad_body",
            Error::Internal(_) => "internal",
        }
    }

    /// The message for the client.
    pub fn message(&self) -> String {
        match self {
            Error::BadRequest(m)
            | Error::Unauthorized(m)
            | Error::Forbidden(m)
            | Error::NotFound(m)
            | Error::Conflict(m)
            | Error::Rejected(_, m) => m.clone(),
            Error::Locked => "This account is locked after too many failed attempts. An administrator must unlock it.".into(),
            Error::TooMany(wait) => format!(
                "Too many failed attempts. Try again in {wait} s. If it keeps happening, ask an administrator."
            ),
            Error::Unavailable(wait) => format!("The server is busy. Try again in {wait} s."),
            Error::DatabaseUnavailable => format!(
                "The server cannot use its database just now, so nothing was done. Try again in {} s.",
                Self::DATABASE_RETRY_SECS
            ),
            // Logged where it arose (`Error::internal`), not here.
            Error::Internal(_) => {
                "Something went wrong on the server. Try again; if it keeps failing, tell the administrator.".into()
            }
        }
    }

    /// Adds the headers the error calls for (`Retry-After` on 429 and 503).
    pub fn decorate(&self, mut response: Response) -> Response {
        let wait = match self {
            Error::TooMany(wait) | Error::Unavailable(wait) => Some(*wait),
            Error::DatabaseUnavailable => Some(Self::DATABASE_RETRY_SECS),
            _ => None,
        };
        if let Some(wait) = wait
            && let Ok(v) = HeaderValue::from_str(&wait.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

/// Web pages render errors as HTML.
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = html::message_page(
            status.canonical_reason().unwrap_or("Error"),
            None,
            &self.message(),
        );
        self.decorate((status, body).into_response())
    }
}

impl Error {
    /// The error as a page that keeps the signed-in user's navigation and Log out.
    pub fn page_for(self, nav: html::Nav<'_>) -> Response {
        let status = self.status();
        let body = html::message_page(
            status.canonical_reason().unwrap_or("Error"),
            Some(nav),
            &self.message(),
        );
        self.decorate((status, body).into_response())
    }
}

/// API errors: `{"error": {"code": …, "message": …}}`.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl<E: Into<Error>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        let body = axum::Json(json!({ "error": { "code": e.code(), "message": e.message() } }));
        let mut response = e.decorate((e.status(), body).into_response());
        if matches!(e, Error::Unauthorized(_)) {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"authbar\""),
            );
        }
        response
    }
}
