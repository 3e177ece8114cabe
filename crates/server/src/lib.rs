//! Authbar's companion server: password login with TOTP two-factor authentication that behaves like
//! ABRA Flexi's (see `../shared/reference/flexi-2fa-help.txt`), over an embedded SQLite database or
//! a PostgreSQL database shared by several instances ([`db`]).
//!
//! `main.rs` only boots; [`app`] builds the router from one `router()` per resource module.
#![forbid(unsafe_code)]
// Handlers answer `Result<Response, Response>`, axum's usual shape; boxing every error page buys nothing.
#![allow(clippy::result_large_err)]

pub mod attempts;
pub mod clock;
pub mod crypto;
pub mod db;
pub mod error;
pub mod html;
pub mod net;
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
    /// The Argon2 concurrency cap.
    pub hashers: Arc<passwords::Hashers>,
    /// Recently verified API credentials.
    pub api_auth_cache: Arc<routes::api_auth::AuthCache>,
    /// The cookies' names and attributes (`Secure` `__Host-` ones behind `https://`).
    pub cookies: session::Cookies,
    /// The origin browsers see (`--public-url`), e.g. `https://2fa.example.com`; without it, a
    /// request's `Origin` must name the host it was sent to.
    pub public_origin: Option<String>,
    /// Connection and request time limits.
    pub limits: net::Limits,
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
            hashers: Arc::default(),
            api_auth_cache: Arc::default(),
            cookies: session::Cookies::PLAIN,
            public_origin: None,
            limits: net::Limits::default(),
        })
    }

    /// The address browsers use, when it is not what the server listens on (a reverse proxy, TLS
    /// termination): `https://…` turns on `Secure` `__Host-` cookies (no other site on the
    /// domain can plant or read them), and `Origin`
    /// headers are checked against it. Only an origin is accepted: a scheme, a host and a port.
    pub fn with_public_url(mut self, url: &str) -> anyhow::Result<Self> {
        let url = url.trim_end_matches('/');
        let (scheme, rest) = url.split_once("://").ok_or_else(|| {
            anyhow::anyhow!("--public-url must start with https:// or http://, got '{url}'")
        })?;
        let secure = match scheme {
            "https" => true,
            "http" => false,
            other => anyhow::bail!(
                "--public-url must start with https:// or http://, got the scheme '{other}'"
            ),
        };
        if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ']) {
            anyhow::bail!(
                "--public-url must be an origin (scheme, host and port, no path), got '{url}'"
            );
        }
        self.cookies = if secure {
            session::Cookies::SECURE
        } else {
            session::Cookies::PLAIN
        };
        self.public_origin = Some(url.to_ascii_lowercase());
        Ok(self)
    }
}

/// Refuses state-changing requests that a browser sends from another site (cross-site request forgery): a
/// `Sec-Fetch-Site` other than `same-origin` (or `none`, typed by the user), or, from a browser that
/// does not send that header, an `Origin` that is not this server's. Requests without either header (scripts, older browsers) pass on to the CSRF
/// token and the API's JSON-only rule.
async fn same_origin_only(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use axum::http::Method;
    use axum::response::IntoResponse;
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let cross_site = site.is_some_and(|s| s != "same-origin" && s != "none");
    // A browser that sends Sec-Fetch-Site is believed (pages cannot set it); `Origin` decides only
    // without it. Under this server's `Referrer-Policy: no-referrer`, Chromium posts its own forms
    // with `Origin: null`, so the origin alone would refuse every same-origin login.
    let foreign_origin = site.is_none()
        && headers
            .get(header::ORIGIN)
            .map(|v| v.to_str().unwrap_or("null").to_ascii_lowercase())
            .is_some_and(|origin| !same_origin(&state, headers, &origin));
    if cross_site || foreign_origin {
        return error::Error::Forbidden(
            "This request came from another site and was refused. Use the form on this server's own page."
                .into(),
        )
        .into_response();
    }
    next.run(request).await
}

/// Whether an `Origin` header names this server: the public origin when configured, else any
/// scheme with the request's own `Host`.
fn same_origin(state: &AppState, headers: &axum::http::HeaderMap, origin: &str) -> bool {
    if let Some(public) = &state.public_origin {
        return origin == public;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase);
    origin
        .split_once("://")
        .is_some_and(|(_, authority)| Some(authority) == host.as_deref())
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
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            net::request_deadline,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            same_origin_only,
        ))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

/// Serves the application on a bound listener until Ctrl-C; silent connections close after
/// [`net::Limits::idle`].
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> anyhow::Result<()> {
    let idle = state.limits.idle;
    axum::serve(net::IdleLimited::new(listener, idle), app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
