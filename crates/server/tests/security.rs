//! The server's promises about credentials and throttling, one regression test each, named after
//! the promise it keeps. Its hardening against other sites and slow clients is in `hardening.rs`.

#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use authbar_server::throttle::{FREE_FAILURES, MAX_BACKOFF_SECS};
use common::{Backend, Browser, TestServer, activate, code_at, signed_in, with_2fa};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A page's `<main>` without its CSRF token (each browser has its own).
fn without_csrf(page: &common::Page) -> String {
    let main = page.main();
    match page.field("csrf") {
        Some(token) => main.replace(&token, "TOKEN"),
        None => main,
    }
}

fn wrong_code(secret: &str, now: u64) -> &'static str {
    if code_at(secret, now) == "000000" {
        "111111"
    } else {
        "000000"
    }
}

// ---- a locked account checks nothing ----

on_both_backends! {
    #[tokio::test]
    async fn a_locked_account_checks_nothing_and_answers_like_any_refusal(backend: Backend) {
        let server = TestServer::start(backend).await;
        server.add_user("pat", "pat-password", false);
        server.sql("UPDATE csuzivatel SET pw_failures = 100, pw_next_try = 0 WHERE jmeno = 'pat'",
        );
        let audit_before = server.audit_events("pat").len();
        let right = server.browser().login("pat", "pat-password").await;
        let wrong = server.browser().login("pat", "wrong-password").await;
        for page in [&right, &wrong] {
            assert_eq!(
                page.status,
                StatusCode::TOO_MANY_REQUESTS,
                "{}",
                page.main()
            );
            assert_eq!(
                page.headers["retry-after"],
                MAX_BACKOFF_SECS.to_string().as_str()
            );
            assert!(!page.body.contains("locked"), "{}", page.main());
        }
        assert_eq!(without_csrf(&right), without_csrf(&wrong));
        // Nothing was checked, so nothing was logged and the count did not move.
        assert_eq!(server.audit_events("pat").len(), audit_before);
        assert_eq!(server.user("pat").pw_failures, 100);
        // The API answers the same for the right password.
        let api = reqwest::Client::new()
            .get(format!("{}/u/pat.json", server.base))
            .basic_auth("pat", Some("pat-password"))
            .send()
            .await
            .unwrap();
        assert_eq!(api.status(), StatusCode::TOO_MANY_REQUESTS);
    }
}

on_both_backends! {
    #[tokio::test]
    async fn unknown_and_known_logins_are_refused_alike_after_the_free_failures(backend: Backend) {
        let server = TestServer::start(backend).await;
        server.add_user("pat", "pat-password", false);
        let mut answers = Vec::new();
        for login in ["pat", "ghost"] {
            for _ in 0..FREE_FAILURES {
                server.browser().login(login, "wrong-password").await;
            }
            let p = server.browser().login(login, "wrong-password").await;
            answers.push((
                p.status,
                p.headers.get("retry-after").cloned(),
                without_csrf(&p).replace(login, "LOGIN"),
            ));
        }
        assert_eq!(answers[0], answers[1]);
        assert_eq!(answers[0].0, StatusCode::TOO_MANY_REQUESTS);
    }
}

// ---- concurrent guesses cannot outrun the throttle ----

on_both_backends! {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_wrong_passwords_are_checked_no_more_often_than_the_throttle_allows(backend: Backend) {
        let server = TestServer::start(backend).await;
        server.add_user("pat", "pat-password", false);
        let mut tasks = Vec::new();
        for _ in 0..40 {
            let b = server.browser();
            tasks.push(tokio::spawn(async move {
                b.login("pat", "wrong-password").await.status
            }));
        }
        let mut checked = 0;
        for t in tasks {
            match t.await.unwrap() {
                StatusCode::UNAUTHORIZED => checked += 1,
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {}
                other => panic!("unexpected {other}"),
            }
        }
        assert_eq!(checked, FREE_FAILURES);
        assert_eq!(server.user("pat").pw_failures, FREE_FAILURES);
    }
}

on_both_backends! {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_wrong_codes_are_checked_no_more_often_than_the_throttle_allows(backend: Backend) {
        let server = TestServer::start(backend).await;
        let (_, secret) = with_2fa(&server, "race").await;
        let b = server.browser();
        b.login("race", "race-password").await;
        let csrf = b.csrf_of("/login/code").await;
        let wrong = wrong_code(&secret, server.now());
        let mut tasks = Vec::new();
        for _ in 0..60 {
            let (b, csrf) = (b.clone(), csrf.clone());
            tasks.push(tokio::spawn(async move {
                b.post("/login/code", &[("code", wrong), ("csrf", &csrf)])
                    .await
                    .status
            }));
        }
        let mut checked = 0;
        for t in tasks {
            match t.await.unwrap() {
                StatusCode::UNAUTHORIZED => checked += 1,
                StatusCode::TOO_MANY_REQUESTS => {}
                other => panic!("unexpected {other}"),
            }
        }
        assert_eq!(checked, FREE_FAILURES);
        assert_eq!(server.user("race").otp_failures, FREE_FAILURES);
    }
}

// ---- a database error is never a free guess ----

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_database_error_is_never_a_free_guess() {
    let server = TestServer::start(Backend::Sqlite).await;
    server.add_user("pat", "pat-password", false);
    // Another process holds the database's write lock past the busy timeout.
    let holder = rusqlite::Connection::open(&server.db_path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let (b1, b2) = (server.browser(), server.browser());
    let (right, wrong) = tokio::join!(
        b1.login("pat", "pat-password"),
        b2.login("pat", "wrong-password"),
    );
    holder.execute_batch("ROLLBACK").unwrap();
    for page in [&right, &wrong] {
        // Refused before anything was checked: the same answer for the right and the wrong password.
        page.assert_unavailable();
    }
    assert_eq!(server.user("pat").pw_failures, 0);
    signed_in(&server, "pat", "pat-password").await;
}

// ---- codes are used up, on the web and the API ----

async fn get_json(req: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let resp = req.send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Starts an API session with Basic credentials and a code: the answer's status and body.
async fn api_session(server: &TestServer, login: &str, code: &str) -> (StatusCode, Value) {
    get_json(
        reqwest::Client::new()
            .post(format!("{}/api/session?otp={code}", server.base))
            .basic_auth(login, Some(format!("{login}-password")))
            .json(&json!({})),
    )
    .await
}

on_both_backends! {
    #[tokio::test]
    async fn api_codes_are_used_up_and_scripts_use_an_api_session(backend: Backend) {
        let server = TestServer::start(backend).await;
        let (_, secret) = with_2fa(&server, "novak").await;
        let client = reqwest::Client::new();
        let url = |p: &str| format!("{}{p}", server.base);
        let basic = |req: reqwest::RequestBuilder| req.basic_auth("novak", Some("novak-password"));

        // A code used for a web login does not work on the API.
        let b = server.browser();
        b.login("novak", "novak-password").await;
        let code = code_at(&secret, server.now());
        assert_eq!(b.code(&code).await.location(), Some("/"));
        let (status, v) = get_json(basic(client.get(url(&format!("/u/novak.json?otp={code}"))))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("already been used")
        );

        // The next step's code works once on the API, then it and older ones are refused.
        server.advance(30);
        let code = code_at(&secret, server.now());
        let (status, _) = get_json(basic(client.get(url(&format!("/u/novak.json?otp={code}"))))).await;
        assert_eq!(status, StatusCode::OK);
        for again in [code.clone(), code_at(&secret, server.now() - 30)] {
            let (status, v) = get_json(basic(
                client.get(url(&format!("/u/novak.json?otp={again}"))),
            ))
            .await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{v}");
        }

        // A script starts an API session with one code and then makes many calls without one.
        server.advance(30);
        let code = code_at(&secret, server.now());
        let (status, v) = api_session(&server, "novak", &code).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        let token = v["authSessionId"].as_str().unwrap().to_string();
        assert_eq!(v["expiresInSecs"], 600);
        for _ in 0..3 {
            let (status, v) = get_json(
                client
                    .get(url("/u/novak.json"))
                    .header("X-authSessionId", &token),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{v}");
            assert_eq!(v["winstrom"]["uzivatel"][0]["twoPhaseAuthEnabled"], "true");
        }
        // A session cannot extend itself.
        let (status, _) = get_json(
            client
                .post(url("/api/session"))
                .header("X-authSessionId", &token)
                .json(&json!({})),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        // It is short-lived…
        server.advance(601);
        let (status, v) = get_json(
            client
                .get(url("/u/novak.json"))
                .header("X-authSessionId", &token),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("POST /api/session")
        );
        // …and ends on request.
        let code = code_at(&secret, server.now());
        let (_, v) = api_session(&server, "novak", &code).await;
        let token = v["authSessionId"].as_str().unwrap().to_string();
        let (status, _) = get_json(
            client
                .delete(url("/api/session"))
                .header("X-authSessionId", &token),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = get_json(
            client
                .get(url("/u/novak.json"))
                .header("X-authSessionId", &token),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

// ---- a stolen session cannot move the second factor ----

on_both_backends! {
    #[tokio::test]
    async fn replacing_an_active_key_needs_a_current_code_of_the_old_one(backend: Backend) {
        let server = TestServer::start(backend).await;
        let (b, old) = with_2fa(&server, "eva").await;
        let sealed_before = server.user("eva").otp_secret;

        // The page shows the state first: Deactivate, and "Replace device" behind a step; no QR.
        let page = b.get("/settings/profile/2fa").await;
        page.assert_contains("<strong id=\"twofa-state\">on</strong>");
        page.assert_contains("Deactivation code");
        page.assert_contains("Replace device…");
        assert!(!page.body.contains("id=\"qr\""), "{}", page.main());

        let replace = b.get("/settings/profile/2fa?replace=1").await;
        replace.assert_contains("id=\"qr\"");
        replace.assert_contains("name=\"current_code\"");
        let new = replace.text_code();
        let csrf = replace.field("csrf").unwrap();
        let now = server.now();
        let post = |fields: Vec<(&'static str, String)>| {
            let b = b.clone();
            async move {
                let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                b.post("/settings/profile/2fa/activate", &fields).await
            }
        };
        // Without a code of the current device: refused, nothing changes.
        let p = post(vec![("code", code_at(&new, now)), ("csrf", csrf.clone())]).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        p.assert_contains("also enter a current code from the authenticator you use now");
        // With a wrong one: refused.
        let p = post(vec![
            ("code", code_at(&new, now)),
            ("current_code", wrong_code(&old, now).to_string()),
            ("csrf", csrf.clone()),
        ])
        .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert_eq!(server.user("eva").otp_secret, sealed_before);
        // With the current device's code: replaced.
        let p = post(vec![
            ("code", code_at(&new, now)),
            ("current_code", code_at(&old, now)),
            ("csrf", csrf.clone()),
        ])
        .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.main());
        assert_ne!(server.user("eva").otp_secret, sealed_before);

        // The API: a session alone cannot replace the device; the call's own ?otp= can.
        server.advance(30);
        let client = reqwest::Client::new();
        let url = |p: &str| format!("{}{p}", server.base);
        let code = code_at(&new, server.now());
        let (_, v) = api_session(&server, "eva", &code).await;
        let token = v["authSessionId"].as_str().unwrap().to_string();
        let png = client
            .get(url("/u/eva/qrcode-2fa.png"))
            .header("X-authSessionId", &token)
            .send()
            .await
            .unwrap();
        let third = png.headers()["secret"].to_str().unwrap().to_string();
        let (status, v) = get_json(
            client
                .post(url("/api/2fa/activate"))
                .header("X-authSessionId", &token)
                .json(&json!({ "code": code_at(&third, server.now()) })),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
        server.advance(30);
        let code = code_at(&new, server.now());
        let (status, v) = get_json(
            client
                .post(url(&format!("/api/2fa/activate?otp={code}")))
                .basic_auth("eva", Some("eva-password"))
                .json(&json!({ "code": code_at(&third, server.now()) })),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{v}");
    }
}

// ---- sessions end when credentials change ----

on_both_backends! {
    #[tokio::test]
    async fn sessions_end_when_credentials_change(backend: Backend) {
        let server = TestServer::start(backend).await;
        server.add_user("olga", "olga-password", false);
        let here = signed_in(&server, "olga", "olga-password").await;
        let other = signed_in(&server, "olga", "olga-password").await;
        let still_in = |b: &Browser| {
            let b = b.clone();
            async move { b.get("/").await.status == StatusCode::OK }
        };

        // Own password change: this session stays, the other ends.
        let p = here
            .change_password("olga-password", "olga-password-2")
            .await;
        p.assert_contains("Your password is changed.");
        assert!(still_in(&here).await);
        assert!(!still_in(&other).await);

        // Activation: the other session ends.
        let other = signed_in(&server, "olga", "olga-password-2").await;
        let secret = activate(&server, &here).await;
        assert!(still_in(&here).await);
        assert!(!still_in(&other).await);

        // Deactivation: likewise.
        server.advance(30);
        let other = server.browser();
        other.login("olga", "olga-password-2").await;
        other.code(&code_at(&secret, server.now())).await;
        assert!(still_in(&other).await);
        server.advance(30);
        let p = here
            .submit(
                "/settings/profile/2fa",
                "/settings/profile/2fa/deactivate",
                &[("code", &code_at(&secret, server.now()))],
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.main());
        assert!(still_in(&here).await);
        assert!(!still_in(&other).await);

        // The command line's set-password ends every session.
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_authbar-server"))
            .args([
                "user",
                "set-password",
                "olga",
                "--password",
                "olga-password-3",
                "--db",
            ])
            .arg(server.test_db.arg())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!still_in(&here).await);

        // A lock ends every session.
        let here = signed_in(&server, "olga", "olga-password-3").await;
        server.sql("UPDATE csuzivatel SET pw_failures = 99, pw_next_try = 0 WHERE jmeno = 'olga'",
        );
        server.browser().login("olga", "wrong-password").await;
        assert!(server.user("olga").locked());
        assert!(!still_in(&here).await);
    }
}

on_both_backends! {
    #[tokio::test]
    async fn the_administrators_disable_ends_the_users_sessions(backend: Backend) {
        let server = TestServer::start(backend).await;
        let (b, _) = with_2fa(&server, "svoboda").await;
        assert_eq!(b.get("/").await.status, StatusCode::OK);
        let admin = signed_in(&server, "admin", "admin-password").await;
        let p = admin
            .submit(
                "/admin/users/svoboda/disable-2fa",
                "/admin/users/svoboda/disable-2fa",
                &[],
            )
            .await;
        p.assert_contains("Two-factor authentication is disabled for svoboda");
        assert_eq!(b.get("/").await.location(), Some("/login"));
    }
}

// ---- the password change form is a login ----

on_both_backends! {
    #[tokio::test]
    async fn the_password_change_form_is_throttled_and_audited_like_login(backend: Backend) {
        let server = TestServer::start(backend).await;
        server.add_user("olga", "olga-password", false);
        let b = signed_in(&server, "olga", "olga-password").await;
        let change = |current: &'static str| {
            let b = b.clone();
            async move {
                b.submit(
                    "/settings/password",
                    "/settings/password",
                    &[
                        ("current", current),
                        ("new", "new-password-1"),
                        ("repeat", "new-password-1"),
                    ],
                )
                .await
            }
        };
        for _ in 0..FREE_FAILURES {
            let p = change("guess-password").await;
            assert_eq!(p.status, StatusCode::UNAUTHORIZED);
            p.assert_contains("The current password is not right.");
        }
        let p = change("olga-password").await;
        assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS, "{}", p.main());
        assert_eq!(p.headers["retry-after"], "1");
        let failed = server
            .audit_events("olga")
            .iter()
            .filter(|e| e.starts_with("password_failed"))
            .count();
        assert_eq!(failed as i64, FREE_FAILURES);
        server.advance(1);
        change("olga-password")
            .await
            .assert_contains("Your password is changed.");
    }
}
