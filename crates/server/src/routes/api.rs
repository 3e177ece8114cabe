//! The JSON API. The first three routes mirror ABRA Flexi's REST API:
//!
//! - `GET /u/{login}.json`, `GET /u/{login}.xml`: the user record with `twoPhaseAuthEnabled`;
//! - `GET /u/{login}/qrcode-2fa.png`: a 400×400 QR with the pending key, which is also in the `Secret`
//!   response header. The key is generated on the first call and the same one is returned for
//!   [`QR_PENDING_SECS`] after, so repeating the GET changes nothing (a GET must be safe to repeat).
//!
//! Our own (every `POST` takes a JSON body, `{}` when there is nothing to say, so that a cross-site
//! form cannot send it with the browser's cached Basic credentials):
//!
//! - `POST /api/session` `{}`: starts an API session (Basic, and `?otp=` with 2FA on); answers
//!   `{"authSessionId": …, "expiresInSecs": 600}`; later calls send `X-authSessionId: …` instead of
//!   credentials. `DELETE /api/session` ends it.
//! - `POST /api/2fa/activate` `{"code": "123456"}`: activates the caller's pending key; when 2FA is on
//!   this replaces the device and needs a current code of the old key too: the call's `?otp=`, or
//!   `"currentCode"` in the body (a stolen session alone cannot move the second factor);
//! - `POST /api/2fa/deactivate` `{"code": "123456"}`: the caller turns 2FA off with a current code
//!   (the call's own `?otp=` counts when it is the same code);
//! - `POST /api/users/{login}/2fa/disable` `{}`: an administrator turns another user's 2FA off;
//! - `POST /api/users/{login}/unlock` `{}`: an administrator clears a user's lock;
//! - `GET /api/time`: the server time (`unixMs`), for checking a device's clock. No authentication,
//!   and readable from any origin (CORS `*`, no credentials), so the extension can compare clocks.
//!
//! Authentication is in [`super::api_auth`].

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::api_auth::{ApiUser, Via};
use crate::error::{ApiError, Error};
use crate::html::esc;
use crate::session::{self, API_SESSION_SECS};
use crate::twofa::{self, CurrentKey, Purpose};
use crate::users::{self, KeepSession, User};
use crate::{AppState, qrpng};

/// How long `GET /u/{login}/qrcode-2fa.png` keeps answering with the same pending key.
pub const QR_PENDING_SECS: i64 = 10 * 60;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/u/{file}", get(user_record))
        .route("/u/{login}/qrcode-2fa.png", get(qrcode_png))
        .route("/api/session", post(start_session).delete(end_session))
        .route("/api/2fa/activate", post(activate))
        .route("/api/2fa/deactivate", post(deactivate))
        .route("/api/users/{login}/2fa/disable", post(admin_disable))
        .route("/api/users/{login}/unlock", post(admin_unlock))
        .route("/api/time", get(time))
}

fn body<T>(json: Result<Json<T>, JsonRejection>) -> Result<T, Error> {
    json.map(|Json(t)| t)
        .map_err(|r| Error::Rejected(r.status(), r.body_text()))
}

/// The target user, when the caller may act on it (itself, or anyone for an administrator).
async fn target(state: &AppState, caller: &User, login: &str) -> Result<User, Error> {
    if caller.login == login {
        // Read moments ago by the authentication of this very request.
        return Ok(caller.clone());
    }
    if !caller.admin {
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
    api: ApiUser,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let caller = api.user;
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
    api: ApiUser,
    Path(login): Path<String>,
) -> Result<Response, ApiError> {
    let caller = api.user;
    let user = target(&state, &caller, &login).await?;
    let since = state.clock.now_secs() as i64 - QR_PENDING_SECS;
    let (secret, uri) = match twofa::current_pending(&state, &user, since).await? {
        Some(pending) => pending,
        None => twofa::new_pending(&state, &user).await?,
    };
    let png = qrpng::png(&uri)?;
    let mut response = ([(CONTENT_TYPE, "image/png")], png).into_response();
    let headers = response.headers_mut();
    headers.insert(
        "Secret",
        HeaderValue::from_str(&secret.to_base32()).map_err(Error::internal)?,
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CodeBody {
    code: String,
    #[serde(default)]
    current_code: Option<String>,
}

/// Any JSON object: state-changing calls with nothing to say still send `{}` (a cross-site form cannot send JSON).
#[derive(Deserialize)]
struct Empty {}

/// Whether `code` is the one this call's `?otp=` already used up.
fn same_as_otp(api: &ApiUser, code: &str) -> bool {
    matches!(&api.via, Via::PasswordAndCode(otp) if twofa::normalise(code).is_ok_and(|c| &c == otp))
}

async fn start_session(
    State(state): State<AppState>,
    api: ApiUser,
    json: Result<Json<Empty>, JsonRejection>,
) -> Result<Response, ApiError> {
    body(json)?;
    if let Via::Session(_) = api.via {
        return Err(Error::BadRequest(
            "An API session cannot start another: authenticate with HTTP Basic (and ?otp=) to start one.".into(),
        )
        .into());
    }
    let token = session::start_api_session(&state, api.user.id).await?;
    Ok(Json(json!({
        "authSessionId": token,
        "expiresInSecs": API_SESSION_SECS,
        "login": api.user.login,
    }))
    .into_response())
}

async fn end_session(api: ApiUser, State(state): State<AppState>) -> Result<Response, ApiError> {
    let Via::Session(hash) = api.via else {
        return Err(Error::BadRequest(
            "Send the session to end in the X-authSessionId header.".into(),
        )
        .into());
    };
    session::end_api_session(&state, hash).await?;
    Ok(Json(json!({ "ended": true })).into_response())
}

async fn activate(
    State(state): State<AppState>,
    api: ApiUser,
    json: Result<Json<CodeBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let body = body(json)?;
    let current = match (&api.via, body.current_code.as_deref()) {
        (_, Some(c)) if same_as_otp(&api, c) => CurrentKey::UsedUp,
        (_, Some(c)) => CurrentKey::Code(c),
        (Via::PasswordAndCode(_), None) => CurrentKey::UsedUp,
        (_, None) => CurrentKey::Missing,
    };
    let keep = api.keep();
    match twofa::activate(&state, &api.user, &body.code, current, keep).await? {
        Ok(()) => Ok(
            Json(json!({ "login": api.user.login, "twoPhaseAuthEnabled": true })).into_response(),
        ),
        Err(e) => Err(e.into_error(Purpose::NewKey).into()),
    }
}

async fn deactivate(
    State(state): State<AppState>,
    api: ApiUser,
    json: Result<Json<CodeBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let code = body(json)?.code;
    let current = if same_as_otp(&api, &code) {
        CurrentKey::UsedUp
    } else {
        CurrentKey::Code(&code)
    };
    let keep = api.keep();
    match twofa::deactivate(&state, &api.user, current, keep).await? {
        Ok(()) => Ok(
            Json(json!({ "login": api.user.login, "twoPhaseAuthEnabled": false })).into_response(),
        ),
        Err(e) => Err(e.into_error(Purpose::Credential).into()),
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
    api: ApiUser,
    Path(login): Path<String>,
    json: Result<Json<Empty>, JsonRejection>,
) -> Result<Response, ApiError> {
    body(json)?;
    let (user, by, now) = admin_target(&state, &api.user, &login).await?;
    let (target_login, target_id) = (user.login.clone(), user.id);
    let was_on = state
        .db
        .call(move |conn| {
            let changed = users::clear_2fa(conn, &target_login, "2fa_disabled_by_admin", &by, now)?;
            users::end_sessions(conn, target_id, &KeepSession::None)?;
            Ok(changed)
        })
        .await?;
    Ok(
        Json(json!({ "login": user.login, "twoPhaseAuthEnabled": false, "changed": was_on }))
            .into_response(),
    )
}

async fn admin_unlock(
    State(state): State<AppState>,
    api: ApiUser,
    Path(login): Path<String>,
    json: Result<Json<Empty>, JsonRejection>,
) -> Result<Response, ApiError> {
    body(json)?;
    let (user, by, now) = admin_target(&state, &api.user, &login).await?;
    let target_login = user.login.clone();
    state
        .db
        .call(move |conn| Ok(users::unlock(conn, &target_login, &by, now)))
        .await??;
    Ok(Json(json!({ "login": user.login, "locked": false })).into_response())
}

/// The server time. Any origin may read it (the extension compares its clock with the server's;
/// issue 9): `Access-Control-Allow-Origin: *` and no credentials, on this GET only.
async fn time(State(state): State<AppState>) -> Response {
    let ms = state.clock.now_ms();
    (
        StatusCode::OK,
        [(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"))],
        Json(json!({ "unixMs": ms, "unixSecs": ms / 1000 })),
    )
        .into_response()
}
