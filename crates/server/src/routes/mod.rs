//! One module per resource: login, the user's profile (2FA set-up), administration, and the JSON API
//! (its authentication in `api_auth`, its handlers in `api`).

pub mod admin;
pub mod api;
pub mod api_auth;
pub mod login;
pub mod profile;
