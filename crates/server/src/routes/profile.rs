//! "Settings > User Profile > Set Up Authentication": the QR code and text code, activation, and
//! deactivation with a code.

use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use base64::Engine as _;
use serde::Deserialize;

use crate::AppState;
use crate::error::Error;
use crate::html::{alert, csrf_field, esc, page};
use crate::qrpng;
use crate::routes::read_form;
use crate::session::{SignedIn, check_csrf};
use crate::twofa::{self, CodeError};
use crate::users::User;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/profile", get(profile))
        .route("/settings/profile/2fa", get(setup))
        .route("/settings/profile/2fa/activate", post(activate))
        .route("/settings/profile/2fa/deactivate", post(deactivate))
}

fn nav(s: &SignedIn) -> Option<(&str, bool, &str)> {
    Some((&s.user.login, s.user.admin, &s.csrf))
}

async fn profile(signed: SignedIn) -> Response {
    let u = &signed.user;
    let body = format!(
        "<p>Login: <strong>{}</strong> ({})</p>\
         <p>Two-factor authentication is <strong id=\"twofa-state\">{}</strong>.</p>\
         <p><a href=\"/settings/profile/2fa\">Set Up Authentication</a></p>",
        esc(&u.login),
        if u.admin { "administrator" } else { "user" },
        if u.has_2fa() { "on" } else { "off" }
    );
    page("User Profile", nav(&signed), &body).into_response()
}

/// Groups a base32 secret in fours for reading and typing.
fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn deactivate_form(csrf: &str, error: Option<&str>) -> String {
    format!(
        "<section><h2>Deactivate</h2>{}<p>To turn two-factor authentication off, enter a current code from your \
         authenticator (the deactivation code).</p>\
         <form method=\"post\" action=\"/settings/profile/2fa/deactivate\">{}\
         <label for=\"deactivation-code\">Deactivation code</label>\
         <input type=\"text\" id=\"deactivation-code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" required>\
         <div><button type=\"submit\">Deactivate</button></div></form></section>",
        alert(error),
        csrf_field(csrf)
    )
}

/// Each visit generates a new 160-bit key; activating it replaces any earlier one (one device per
/// account).
/// After a failed activation the same pending key is shown again, so that the user can correct the
/// device's clock and retry without scanning again.
async fn setup_body(
    state: &AppState,
    signed: &SignedIn,
    error: Option<&str>,
) -> Result<String, Error> {
    let user = &signed.user;
    let (secret, uri) = match error {
        Some(_) => match twofa::current_pending(state, user).await? {
            Some(pending) => pending,
            None => twofa::new_pending(state, user).await?,
        },
        None => twofa::new_pending(state, user).await?,
    };
    let png = qrpng::png(&uri)?;
    let text = secret.to_base32();
    let status = if user.has_2fa() {
        "<p class=\"ok\">Two-factor authentication is <strong id=\"twofa-state\">on</strong>. Activating a new key below \
         replaces the current one: the old authenticator entry stops working.</p>"
    } else {
        "<p>Two-factor authentication is <strong id=\"twofa-state\">off</strong>.</p>"
    };
    let mut body = format!(
        "{status}{}<section><h2>Activate</h2>\
         <p>Scan the QR code with your authenticator app or browser extension, or enter the text code by hand. \
         Then enter the code it shows and press Activate. The device's clock must be within 30 seconds of the \
         server's.</p>\
         <img id=\"qr\" src=\"data:image/png;base64,{}\" width=\"{size}\" height=\"{size}\" alt=\"QR code for your authenticator\">\
         <p>Text code (issuer {}, account {}):</p><p class=\"secret\" id=\"text-code\">{}</p>\
         <form method=\"post\" action=\"/settings/profile/2fa/activate\">{}\
         <label for=\"code\">Verification code</label>\
         <input type=\"text\" id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" required>\
         <div><button type=\"submit\">Activate</button></div></form></section>",
        alert(error),
        base64::engine::general_purpose::STANDARD.encode(png),
        esc(&state.issuer),
        esc(&user.login),
        grouped(&text),
        csrf_field(&signed.csrf),
        size = qrpng::SIZE,
    );
    if user.has_2fa() {
        body.push_str(&deactivate_form(&signed.csrf, None));
    }
    Ok(body)
}

async fn setup(State(state): State<AppState>, signed: SignedIn) -> Result<Response, Error> {
    let body = setup_body(&state, &signed, None).await?;
    Ok(page("Set Up Authentication", nav(&signed), &body).into_response())
}

#[derive(Deserialize)]
struct CodeForm {
    code: String,
    #[serde(default)]
    csrf: String,
}

fn status_of(e: &CodeError) -> StatusCode {
    match e {
        CodeError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
        CodeError::Locked => StatusCode::LOCKED,
        CodeError::NothingPending | CodeError::NotEnabled => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    }
}

async fn activate(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    form: Result<Form<CodeForm>, FormRejection>,
) -> Result<Response, Response> {
    let form = read_form(form)?;
    check_csrf(&headers, &form.csrf).map_err(IntoResponse::into_response)?;
    match twofa::activate(&state, &signed.user, &form.code)
        .await
        .map_err(IntoResponse::into_response)?
    {
        Ok(()) => {
            let body = format!(
                "<p class=\"ok\" role=\"status\">Two-factor authentication is now <strong id=\"twofa-state\">on</strong> \
                 for {}. From now on you log in with your password and a code from your authenticator.</p>\
                 <p><a href=\"/\">Continue</a></p>",
                esc(&signed.user.login)
            );
            Ok(page("Two-factor authentication activated", nav(&signed), &body).into_response())
        }
        Err(e) => {
            let user = reload(&state, &signed.user)
                .await
                .map_err(IntoResponse::into_response)?;
            let signed = SignedIn {
                user,
                csrf: signed.csrf,
            };
            let body = setup_body(&state, &signed, Some(&e.message()))
                .await
                .map_err(IntoResponse::into_response)?;
            Err((
                status_of(&e),
                page("Set Up Authentication", nav(&signed), &body),
            )
                .into_response())
        }
    }
}

async fn reload(state: &AppState, user: &User) -> Result<User, Error> {
    let id = user.id;
    state
        .db
        .call(move |conn| crate::users::find_id(conn, id))
        .await?
        .ok_or_else(|| Error::NotFound("This user no longer exists.".into()))
}

async fn deactivate(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    form: Result<Form<CodeForm>, FormRejection>,
) -> Result<Response, Response> {
    let form = read_form(form)?;
    check_csrf(&headers, &form.csrf).map_err(IntoResponse::into_response)?;
    match twofa::deactivate(&state, &signed.user, &form.code)
        .await
        .map_err(IntoResponse::into_response)?
    {
        Ok(()) => {
            let body = "<p class=\"ok\" role=\"status\">Two-factor authentication is now <strong id=\"twofa-state\">off</strong>. \
                        Future logins need only your password.</p><p><a href=\"/\">Continue</a></p>";
            Ok(page("Two-factor authentication deactivated", nav(&signed), body).into_response())
        }
        Err(e) => {
            let status = match e {
                CodeError::Wrong | CodeError::Replayed { .. } => StatusCode::UNAUTHORIZED,
                ref other => status_of(other),
            };
            let body = deactivate_form(&signed.csrf, Some(&e.message()));
            Err((status, page("Set Up Authentication", nav(&signed), &body)).into_response())
        }
    }
}
