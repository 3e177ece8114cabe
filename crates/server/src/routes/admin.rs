//! "Company Users": the administrator's list, user creation, "Disable Two-Factor Authentication"
//! (the lost-phone path) and unlocking.

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use crate::error::Error;
use crate::html::{alert, csrf_field, esc, page};
use crate::routes::read_form;
use crate::session::{SignedIn, check_csrf};
use crate::users;
use crate::{AppState, crypto};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list).post(create))
        .route("/admin/users/{login}/disable-2fa", post(disable_2fa))
        .route("/admin/users/{login}/unlock", post(unlock))
}

/// The checks every administrator form passes first: an administrator, and the form's CSRF token.
fn admin_post(signed: &SignedIn, headers: &HeaderMap, csrf: &str) -> Result<(), Response> {
    require_admin(signed).map_err(IntoResponse::into_response)?;
    check_csrf(headers, csrf).map_err(IntoResponse::into_response)
}

/// Who acts (for the audit log) and when.
fn actor(state: &AppState, signed: &SignedIn) -> (String, i64) {
    (
        format!("by {}", signed.user.login),
        state.clock.now_secs() as i64,
    )
}

fn require_admin(signed: &SignedIn) -> Result<(), Error> {
    if signed.user.admin {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "Only an administrator can manage company users.".into(),
        ))
    }
}

async fn render(
    state: &AppState,
    signed: &SignedIn,
    message: Option<(&str, bool)>,
) -> Result<String, Error> {
    let rows = state.db.call(|conn| users::list(conn)).await?;
    let csrf = csrf_field(&signed.csrf);
    let mut table = String::from(
        "<table><thead><tr><th>Login</th><th>Role</th><th>Two-factor</th><th>State</th><th>Actions</th></tr></thead><tbody>",
    );
    for u in &rows {
        let login = esc(&u.login);
        let path = encode_path(&u.login);
        let mut actions = String::new();
        if u.has_2fa() {
            actions.push_str(&format!(
                "<form class=\"inline\" method=\"post\" action=\"/admin/users/{path}/disable-2fa\">{csrf}\
                 <button type=\"submit\" aria-label=\"Disable Two-Factor Authentication for {login}\">Disable Two-Factor Authentication</button></form> "
            ));
        }
        if u.locked() || u.pw_failures > 0 || u.otp_failures > 0 {
            actions.push_str(&format!(
                "<form class=\"inline\" method=\"post\" action=\"/admin/users/{path}/unlock\">{csrf}\
                 <button type=\"submit\" aria-label=\"Unlock {login}\">Unlock</button></form>"
            ));
        }
        table.push_str(&format!(
            "<tr data-login=\"{login}\"><td>{login}</td><td>{}</td><td class=\"twofa\">{}</td><td>{}</td><td>{actions}</td></tr>",
            if u.admin { "administrator" } else { "user" },
            if u.has_2fa() { "on" } else { "off" },
            if u.locked() { "locked" } else { "active" },
        ));
    }
    table.push_str("</tbody></table>");
    let message = match message {
        Some((m, true)) => format!("<p class=\"ok\" role=\"status\">{}</p>", esc(m)),
        Some((m, false)) => alert(Some(m)),
        None => String::new(),
    };
    Ok(format!(
        "{message}{table}<section><h2>Create a user</h2><form method=\"post\" action=\"/admin/users\">{csrf}\
         <label for=\"new-login\">Login</label><input type=\"text\" id=\"new-login\" name=\"login\" required>\
         <label for=\"new-password\">Password (at least 8 characters)</label>\
         <input type=\"password\" id=\"new-password\" name=\"password\" autocomplete=\"new-password\" required>\
         <label><input type=\"checkbox\" name=\"admin\" value=\"on\"> Administrator</label>\
         <div><button type=\"submit\">Create user</button></div></form></section>"
    ))
}

/// Percent-encodes a login for a URL path segment.
fn encode_path(login: &str) -> String {
    login
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn nav(s: &SignedIn) -> Option<(&str, bool, &str)> {
    Some((&s.user.login, s.user.admin, &s.csrf))
}

async fn list(State(state): State<AppState>, signed: SignedIn) -> Result<Response, Error> {
    require_admin(&signed)?;
    let body = render(&state, &signed, None).await?;
    Ok(page("Company Users", nav(&signed), &body).into_response())
}

#[derive(Deserialize)]
struct CreateForm {
    login: String,
    password: String,
    admin: Option<String>,
    #[serde(default)]
    csrf: String,
}

async fn respond(
    state: &AppState,
    signed: &SignedIn,
    status: StatusCode,
    message: (&str, bool),
) -> Result<Response, Response> {
    let body = render(state, signed, Some(message))
        .await
        .map_err(IntoResponse::into_response)?;
    Ok((status, page("Company Users", nav(signed), &body)).into_response())
}

async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    form: Result<Form<CreateForm>, FormRejection>,
) -> Result<Response, Response> {
    let form = read_form(form)?;
    admin_post(&signed, &headers, &form.csrf)?;
    let login = form.login.trim().to_string();
    if let Err(e) = users::check_login(&login).and_then(|()| users::check_password(&form.password))
    {
        return respond(
            &state,
            &signed,
            StatusCode::BAD_REQUEST,
            (&e.to_string(), false),
        )
        .await;
    }
    let password = form.password;
    let hash = tokio::task::spawn_blocking(move || crypto::hash_password(&password))
        .await
        .map_err(|e| Error::Internal(e.into()).into_response())?
        .map_err(|e| Error::Internal(e).into_response())?;
    let (now, admin, new_login) = (
        state.clock.now_secs() as i64,
        form.admin.is_some(),
        login.clone(),
    );
    let created = state
        .db
        .call(move |conn| Ok(users::create(conn, &new_login, &hash, admin, now)))
        .await;
    match created.map_err(|e| Error::Internal(e).into_response())? {
        Ok(_) => {
            respond(
                &state,
                &signed,
                StatusCode::CREATED,
                (&format!("User {login} created."), true),
            )
            .await
        }
        Err(e) => {
            respond(
                &state,
                &signed,
                StatusCode::CONFLICT,
                (&e.to_string(), false),
            )
            .await
        }
    }
}

#[derive(Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

async fn disable_2fa(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(login): Path<String>,
    headers: HeaderMap,
    form: Result<Form<CsrfOnly>, FormRejection>,
) -> Result<Response, Response> {
    let form = read_form(form)?;
    admin_post(&signed, &headers, &form.csrf)?;
    let ((by, now), target) = (actor(&state, &signed), login.clone());
    let result = state
        .db
        .call(move |conn| {
            if users::find(conn, &target)?.is_none() {
                return Ok(None);
            }
            Ok(Some(users::clear_2fa(
                conn,
                &target,
                "2fa_disabled_by_admin",
                &by,
                now,
            )?))
        })
        .await
        .map_err(|e| Error::Internal(e).into_response())?;
    match result {
        None => {
            respond(
                &state,
                &signed,
                StatusCode::NOT_FOUND,
                (&format!("There is no user {login}."), false),
            )
            .await
        }
        Some(true) => {
            let m = format!(
                "Two-factor authentication is disabled for {login}. They log in with the password alone until they set it up again."
            );
            respond(&state, &signed, StatusCode::OK, (&m, true)).await
        }
        Some(false) => {
            respond(
                &state,
                &signed,
                StatusCode::OK,
                (
                    &format!("Two-factor authentication was already off for {login}."),
                    true,
                ),
            )
            .await
        }
    }
}

async fn unlock(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(login): Path<String>,
    headers: HeaderMap,
    form: Result<Form<CsrfOnly>, FormRejection>,
) -> Result<Response, Response> {
    let form = read_form(form)?;
    admin_post(&signed, &headers, &form.csrf)?;
    let ((by, now), target) = (actor(&state, &signed), login.clone());
    let result = state
        .db
        .call(move |conn| Ok(users::unlock(conn, &target, &by, now)))
        .await;
    match result.map_err(|e| Error::Internal(e).into_response())? {
        Ok(()) => {
            respond(
                &state,
                &signed,
                StatusCode::OK,
                (&format!("{login} is unlocked."), true),
            )
            .await
        }
        Err(e) => {
            respond(
                &state,
                &signed,
                StatusCode::NOT_FOUND,
                (&e.to_string(), false),
            )
            .await
        }
    }
}
