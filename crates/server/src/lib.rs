//! Authbar's companion server: password login with TOTP two-factor authentication that behaves like
//! ABRA Flexi's (see `../shared/reference/flexi-2fa-help.txt`), over an embedded SQLite database.
//!
//! `main.rs` only boots; [`app`] builds the router from one `router()` per resource module.
#![forbid(unsafe_code)]
// Handlers answer `Result<Response, Response>`, axum's usual shape; boxing every error page buys nothing.
#![allow(clippy::result_large_err)]

pub mod clock;
pub mod crypto;
pub mod db;
pub mod error;
pub mod html;
pub mod passwords;
pub mod qrpng;
pub mod routes;
pub mod session;
pub mod throttle;
pub mod twofa;
pub mod users;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::response::Response;

pub use clock::Clock;
pub use crypto::ServerKey;
pub use db::Db;

/// The largest request body accepted (forms and JSON are tiny); larger ones get 413.
pub const BODY_LIMIT: usize = 16 * 1024;

/// Everything a handler needs.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Encrypts OTP secrets at rest.
    pub key: Arc<ServerKey>,
    /// Where the time comes from.
    pub clock: Clock,
    /// The issuer / label prefix shown in authenticators (stored in `otpprefix`).
    pub issuer: String,
    /// A password hash verified for unknown logins, so they take as long as known ones.
    pub dummy_hash: String,
    /// Throttling for unknown logins.
    pub unknown_logins: Arc<passwords::UnknownLogins>,
    /// Recently verified API credentials.
    pub api_auth_cache: Arc<routes::api::AuthCache>,
}

impl AppState {
    /// A state over an open database.
    pub fn new(
        db: Db,
        key: ServerKey,
        clock: Clock,
        issuer: impl Into<String>,
    ) -> anyhow::Result<Self> {
        Ok(AppState {
            db,
            key: Arc::new(key),
            clock,
            issuer: issuer.into(),
            dummy_hash: crypto::hash_password(&crypto::random_token()?)?,
            unknown_logins: Arc::default(),
            api_auth_cache: Arc::default(),
        })
    }
}

async fn security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    // Pages show secrets (QR codes) and personal state: never cache them.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(routes::login::router())
        .merge(routes::profile::router())
        .merge(routes::admin::router())
        .merge(routes::api::router())
        .fallback(|| async { error::Error::NotFound("There is no page at this address.".into()) })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

/// Serves the application on a bound listener until Ctrl-C.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> anyhow::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
