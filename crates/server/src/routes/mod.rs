//! One module per resource: login, the user's profile (2FA set-up), administration, the JSON API.

pub mod admin;
pub mod api;
pub mod login;
pub mod profile;

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::response::{IntoResponse, Response};

use crate::html;

/// The form's fields, or the page to answer a form that could not be read (with the rejection's own
/// 4xx status: 413 too large, 415 wrong type, 422 bad fields…).
pub fn read_form<T>(form: Result<Form<T>, FormRejection>) -> Result<T, Response> {
    form.map(|Form(t)| t).map_err(|rejection| {
        let status = rejection.status();
        let page = html::message_page(
            "The form could not be read",
            &format!("The form could not be read: {}", rejection.body_text()),
        );
        (status, page).into_response()
    })
}
