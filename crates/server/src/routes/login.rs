//! Logging in (password, then the code when 2FA is on) and out, and the home page.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::AppState;
use crate::error::Error;
use crate::html::{alert, csrf_field, esc, page};
use crate::passwords;
use crate::session::{self, CsrfForm, PendingLogin, SignedIn, csrf_token, with_cookies};
use crate::twofa::{self, Purpose};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login_submit))
        .route("/login/code", get(code_page).post(code_submit))
        .route("/logout", post(logout))
}

async fn home(signed: SignedIn) -> Response {
    let u = &signed.user;
    let state = if u.has_2fa() { "on" } else { "off" };
    let body = format!(
        "<p>You are signed in as <strong>{}</strong>.</p>\
         <p>Two-factor authentication is <strong id=\"twofa-state\">{state}</strong>.</p>\
         <ul><li><a href=\"/settings/profile\">Settings &gt; User Profile</a></li>{}</ul>",
        esc(&u.login),
        if u.admin {
            "<li><a href=\"/admin/users\">Company Users</a></li>"
        } else {
            ""
        }
    );
    page("Home", Some(signed.nav()), &body).into_response()
}

#[derive(Deserialize)]
struct LoginQuery {
    expired: Option<String>,
}

fn login_form(csrf: &str, login: &str, error: Option<&str>) -> String {
    format!(
        "{}<form method=\"post\" action=\"/login\">{}\
         <label for=\"login\">Login</label><input type=\"text\" id=\"login\" name=\"login\" value=\"{}\" maxlength=\"64\" autocomplete=\"username\" required autofocus>\
         <label for=\"password\">Password</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\
         <div><button type=\"submit\">Log in</button></div></form>",
        alert(error),
        csrf_field(csrf),
        esc(login)
    )
}

async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Result<Response, Error> {
    let (csrf, cookie) = csrf_token(&state, &headers)?;
    let note = q
        .expired
        .map(|_| "Your login took too long or was already used. Enter your password again.");
    let body = login_form(&csrf, "", note);
    Ok(with_cookies(
        page("Log in", None, &body),
        cookie.into_iter().collect(),
    ))
}

#[derive(Deserialize)]
struct LoginForm {
    login: String,
    password: String,
}

async fn login_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, Response> {
    let user = match passwords::check(&state, form.login.trim(), &form.password).await {
        Ok(user) => user,
        Err(e @ (Error::Internal(_) | Error::Unavailable(_) | Error::DatabaseUnavailable)) => {
            return Err(e.into_response());
        }
        Err(e) => {
            let (csrf, _) = csrf_token(&state, &headers).map_err(IntoResponse::into_response)?;
            let shown: String = form.login.chars().take(64).collect();
            let body = login_form(&csrf, &shown, Some(&e.message()));
            let status = e.status();
            return Err(e.decorate((status, page("Log in", None, &body)).into_response()));
        }
    };
    if user.has_2fa() {
        // No session yet: only the code page is reachable until the code is accepted.
        let cookie = session::start_pending(&state, user.id)
            .await
            .map_err(IntoResponse::into_response)?;
        return Ok(with_cookies(Redirect::to("/login/code"), vec![cookie]));
    }
    let cookie = session::start_session(&state, user.id)
        .await
        .map_err(IntoResponse::into_response)?;
    Ok(with_cookies(Redirect::to("/"), vec![cookie]))
}

fn code_form(csrf: &str, login: &str, error: Option<&str>) -> String {
    format!(
        "{}<p>Password accepted for <strong>{}</strong>. Open your authenticator and enter the current verification code.</p>\
         <form method=\"post\" action=\"/login/code\">{}\
         <label for=\"code\">Verification code</label>\
         <input type=\"text\" id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9 ]*\" required autofocus>\
         <div><button type=\"submit\">Verify</button></div></form>",
        alert(error),
        esc(login),
        csrf_field(csrf)
    )
}

async fn code_page(
    State(state): State<AppState>,
    pending: PendingLogin,
    headers: HeaderMap,
) -> Result<Response, Error> {
    let (csrf, cookie) = csrf_token(&state, &headers)?;
    let body = code_form(&csrf, &pending.user.login, None);
    Ok(with_cookies(
        page("Verification code", None, &body),
        cookie.into_iter().collect(),
    ))
}

#[derive(Deserialize)]
struct CodeForm {
    code: String,
}

async fn code_submit(
    State(state): State<AppState>,
    pending: PendingLogin,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, Response> {
    let user = pending.user;
    match twofa::check(&state, &user, &form.code)
        .await
        .map_err(IntoResponse::into_response)?
    {
        Ok(_) => {
            session::end(&state, &headers)
                .await
                .map_err(IntoResponse::into_response)?;
            let cookie = session::start_session(&state, user.id)
                .await
                .map_err(IntoResponse::into_response)?;
            Ok(with_cookies(
                Redirect::to("/"),
                vec![cookie, state.cookies.set(state.cookies.pending(), "", 0)],
            ))
        }
        Err(e) => {
            let (csrf, _) = csrf_token(&state, &headers).map_err(IntoResponse::into_response)?;
            let body = code_form(&csrf, &user.login, Some(&e.message()));
            Err((
                e.status(Purpose::Credential),
                page("Verification code", None, &body),
            )
                .into_response())
        }
    }
}

#[derive(Deserialize)]
struct Nothing {}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    CsrfForm(Nothing {}): CsrfForm<Nothing>,
) -> Result<Response, Response> {
    session::end(&state, &headers)
        .await
        .map_err(IntoResponse::into_response)?;
    Ok(with_cookies(
        Redirect::to("/login"),
        vec![state.cookies.set(state.cookies.session(), "", 0)],
    ))
}
