//! "Company Users": the administrator's list, user creation, "Disable Two-Factor Authentication"
//! (the lost-phone path, confirmed on its own page first) and unlocking.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::AppState;
use crate::error::Error;
use crate::html::{alert, csrf_field, esc, page};
use crate::session::{CsrfForm, SignedIn};
use crate::users::{self, KeepSession, UserError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list).post(create))
        .route(
            "/admin/users/{login}/disable-2fa",
            get(confirm_disable_2fa).post(disable_2fa),
        )
        .route("/admin/users/{login}/unlock", post(unlock))
}

/// Who acts (for the audit log) and when.
fn actor(state: &AppState, signed: &SignedIn) -> (String, i64) {
    (
        format!("by {}", signed.user.login),
        state.clock.now_secs() as i64,
    )
}

/// Everything here needs an administrator; others get 403 on a page that keeps their navigation.
fn require_admin(signed: &SignedIn) -> Result<(), Response> {
    if signed.user.admin {
        Ok(())
    } else {
        Err(
            Error::Forbidden("Only an administrator can manage company users.".into())
                .page_for(signed.nav()),
        )
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
            // A link to a confirmation page: turning 2FA off is not undone by a second click.
            actions.push_str(&format!(
                "<a href=\"/admin/users/{path}/disable-2fa\" aria-label=\"Disable Two-Factor Authentication for {login}\">Disable Two-Factor Authentication</a> "
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

async fn list(State(state): State<AppState>, signed: SignedIn) -> Result<Response, Response> {
    require_admin(&signed)?;
    let body = render(&state, &signed, None)
        .await
        .map_err(|e| e.page_for(signed.nav()))?;
    Ok(page("Company Users", Some(signed.nav()), &body).into_response())
}

#[derive(Deserialize)]
struct CreateForm {
    login: String,
    password: String,
    admin: Option<String>,
}

async fn respond(
    state: &AppState,
    signed: &SignedIn,
    status: StatusCode,
    message: (&str, bool),
) -> Result<Response, Response> {
    let body = render(state, signed, Some(message))
        .await
        .map_err(|e| e.page_for(signed.nav()))?;
    Ok((status, page("Company Users", Some(signed.nav()), &body)).into_response())
}

async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<CreateForm>,
) -> Result<Response, Response> {
    require_admin(&signed)?;
    let login = form.login.trim().to_string();
    if let Err(e) = users::check_login(&login).and_then(|()| users::check_password(&form.password))
    {
        return refused(&state, &signed, e).await;
    }
    let hash = state
        .hashers
        .hash(form.password)
        .await
        .map_err(|e| e.page_for(signed.nav()))?;
    let (now, admin, new_login) = (
        state.clock.now_secs() as i64,
        form.admin.is_some(),
        login.clone(),
    );
    let created = state
        .db
        .call(move |conn| Ok(users::create(conn, &new_login, &hash, admin, now)))
        .await;
    match created.map_err(|e| Error::from(e).page_for(signed.nav()))? {
        Ok(_) => {
            respond(
                &state,
                &signed,
                StatusCode::CREATED,
                (&format!("User {login} created."), true),
            )
            .await
        }
        Err(e) => refused(&state, &signed, e).await,
    }
}

/// The list again with why a user operation was refused (its status and rule), or the error page
/// when the database failed.
async fn refused(state: &AppState, signed: &SignedIn, e: UserError) -> Result<Response, Response> {
    let e = Error::from(e);
    match e {
        Error::Internal(_) | Error::Unavailable(_) | Error::DatabaseUnavailable => {
            Err(e.page_for(signed.nav()))
        }
        e => respond(state, signed, e.status(), (&e.message(), false)).await,
    }
}

#[derive(Deserialize)]
struct Nothing {}

/// "Disable Two-Factor Authentication" asks first: what it does, and a button to confirm.
async fn confirm_disable_2fa(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(login): Path<String>,
) -> Result<Response, Response> {
    require_admin(&signed)?;
    let lookup = login.clone();
    let user = state
        .db
        .call(move |conn| users::find(conn, &lookup))
        .await
        .map_err(|e| Error::from(e).page_for(signed.nav()))?;
    let Some(user) = user else {
        return respond(
            &state,
            &signed,
            StatusCode::NOT_FOUND,
            (&format!("There is no user {login}."), false),
        )
        .await;
    };
    let name = esc(&user.login);
    let body = format!(
        "<p>Turn two-factor authentication off for <strong>{name}</strong>? Do this when the phone or authenticator          is lost. {name} then logs in with the password alone, every session of {name} ends, and {name} sets up          a new device under Set Up Authentication.</p>         <form method=\"post\" action=\"/admin/users/{}/disable-2fa\">{}\
         <button type=\"submit\">Disable Two-Factor Authentication</button> <a href=\"/admin/users\">Cancel</a></form>",
        encode_path(&user.login),
        csrf_field(&signed.csrf)
    );
    Ok(page(
        "Disable Two-Factor Authentication",
        Some(signed.nav()),
        &body,
    )
    .into_response())
}

async fn disable_2fa(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(login): Path<String>,
    CsrfForm(Nothing {}): CsrfForm<Nothing>,
) -> Result<Response, Response> {
    require_admin(&signed)?;
    let ((by, now), target) = (actor(&state, &signed), login.clone());
    let result = state
        .db
        .call(move |conn| {
            let Some(user) = users::find(conn, &target)? else {
                return Ok(None);
            };
            let changed = users::clear_2fa(conn, &target, "2fa_disabled_by_admin", &by, now)?;
            // A lost phone may be a stolen one: its owner's sessions end too.
            users::end_sessions(conn, user.id, &KeepSession::None)?;
            Ok(Some(changed))
        })
        .await
        .map_err(|e| Error::from(e).page_for(signed.nav()))?;
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
    CsrfForm(Nothing {}): CsrfForm<Nothing>,
) -> Result<Response, Response> {
    require_admin(&signed)?;
    let ((by, now), target) = (actor(&state, &signed), login.clone());
    let result = state
        .db
        .call(move |conn| Ok(users::unlock(conn, &target, &by, now)))
        .await;
    match result.map_err(|e| Error::from(e).page_for(signed.nav()))? {
        Ok(()) => {
            respond(
                &state,
                &signed,
                StatusCode::OK,
                (&format!("{login} is unlocked."), true),
            )
            .await
        }
        Err(e) => refused(&state, &signed, e).await,
    }
}
