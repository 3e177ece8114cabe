//! Issue 10's findings, one regression test each, named after the promise it keeps.

#![allow(clippy::unwrap_used)]

mod common;

use authbar_server::throttle::{FREE_FAILURES, MAX_BACKOFF_SECS};
use common::{Browser, TestServer, activate, code_at, signed_in};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn sql(server: &TestServer, statement: &str) {
    rusqlite::Connection::open(&server.db_path)
        .unwrap()
        .execute_batch(statement)
        .unwrap();
}

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

/// A signed-in browser of a new user with 2FA on, and the secret.
async fn with_2fa(server: &TestServer, login: &str) -> (Browser, String) {
    server.add_user(login, &format!("{login}-password"), false);
    let b = signed_in(server, login, &format!("{login}-password")).await;
    let secret = activate(server, &b).await;
    server.advance(30);
    (b, secret)
}

// ---- finding 1 ----

#[tokio::test]
async fn a_locked_account_checks_nothing_and_answers_like_any_refusal() {
    let server = TestServer::start().await;
    server.add_user("pat", "pat-password", false);
    sql(
        &server,
        "UPDATE csuzivatel SET pw_failures = 100, pw_next_try = 0 WHERE jmeno = 'pat'",
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

#[tokio::test]
async fn unknown_and_known_logins_are_refused_alike_after_the_free_failures() {
    let server = TestServer::start().await;
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

// ---- finding 2 ----

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_wrong_passwords_are_checked_no_more_often_than_the_throttle_allows() {
    let server = TestServer::start().await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_wrong_codes_are_checked_no_more_often_than_the_throttle_allows() {
    let server = TestServer::start().await;
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

// ---- finding 13 ----

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_database_error_is_never_a_free_guess() {
    let server = TestServer::start().await;
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
        assert_eq!(
            page.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            page.main()
        );
        assert_eq!(page.headers["retry-after"], "1");
        assert!(page.location().is_none());
    }
    assert_eq!(server.user("pat").pw_failures, 0);
    signed_in(&server, "pat", "pat-password").await;
}

// ---- finding 3 ----

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

#[tokio::test]
async fn api_codes_are_used_up_and_scripts_use_an_api_session() {
    let server = TestServer::start().await;
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

// ---- finding 4 ----

#[tokio::test]
async fn replacing_an_active_key_needs_a_current_code_of_the_old_one() {
    let server = TestServer::start().await;
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

// ---- finding 5 ----

#[tokio::test]
async fn sessions_end_when_credentials_change() {
    let server = TestServer::start().await;
    server.add_user("olga", "olga-password", false);
    let here = signed_in(&server, "olga", "olga-password").await;
    let other = signed_in(&server, "olga", "olga-password").await;
    let still_in = |b: &Browser| {
        let b = b.clone();
        async move { b.get("/").await.status == StatusCode::OK }
    };

    // Own password change: this session stays, the other ends.
    let p = here
        .submit(
            "/settings/password",
            "/settings/password",
            &[
                ("current", "olga-password"),
                ("new", "olga-password-2"),
                ("repeat", "olga-password-2"),
            ],
        )
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
        .arg(&server.db_path)
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
    sql(
        &server,
        "UPDATE csuzivatel SET pw_failures = 99, pw_next_try = 0 WHERE jmeno = 'olga'",
    );
    server.browser().login("olga", "wrong-password").await;
    assert!(server.user("olga").locked());
    assert!(!still_in(&here).await);
}

#[tokio::test]
async fn the_administrators_disable_ends_the_users_sessions() {
    let server = TestServer::start().await;
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

// ---- finding 7 ----

#[tokio::test]
async fn the_password_change_form_is_throttled_and_audited_like_login() {
    let server = TestServer::start().await;
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

// ---- finding 8 ----

#[tokio::test]
async fn csrf_tokens_are_bound_to_the_session_and_other_sites_cannot_post() {
    let server = TestServer::start().await;
    server.add_user("novak", "novak-password", false);
    let admin = signed_in(&server, "admin", "admin-password").await;
    let novak = signed_in(&server, "novak", "novak-password").await;
    let novak_token = novak.csrf_of("/").await;
    assert_ne!(novak_token, admin.csrf_of("/").await);
    // Another session's token does not work, even with a planted CSRF cookie of the same value.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let admin_session = {
        let page = admin.get("/").await;
        assert_eq!(page.status, StatusCode::OK);
        admin.cookie("authbar_session").unwrap()
    };
    let forged = client
        .post(format!("{}/admin/users", server.base))
        .header(
            "cookie",
            format!("authbar_session={admin_session}; authbar_csrf={novak_token}"),
        )
        .form(&[
            ("login", "mallory"),
            ("password", "mallory-password"),
            ("csrf", &novak_token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    // Cross-site and foreign-origin posts are refused before anything else; the browser's own
    // same-origin post passes.
    let own_origin = server.base.clone();
    for (headers, expected) in [
        (
            vec![("origin", "http://evil.example")],
            StatusCode::FORBIDDEN,
        ),
        (
            vec![("sec-fetch-site", "cross-site")],
            StatusCode::FORBIDDEN,
        ),
        (vec![("sec-fetch-site", "same-site")], StatusCode::FORBIDDEN),
        (
            vec![
                ("origin", own_origin.as_str()),
                ("sec-fetch-site", "same-origin"),
            ],
            StatusCode::SEE_OTHER,
        ),
    ] {
        let b = server.browser();
        let csrf = b.csrf_of("/login").await;
        let mut req = b.client().post(b.url("/login")).form(&[
            ("login", "admin"),
            ("password", "admin-password"),
            ("csrf", &csrf),
        ]);
        for (name, value) in &headers {
            req = req.header(*name, *value);
        }
        assert_eq!(b.send(req).await.status, expected, "{headers:?}");
    }
}

// ---- finding 9 ----

#[tokio::test]
async fn state_changing_api_calls_need_a_json_body_and_the_qr_get_is_idempotent() {
    let server = TestServer::start().await;
    server.add_user("novak", "novak-password", false);
    let client = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", server.base);
    // What a cross-site form could send: no JSON.
    for path in ["/api/users/novak/unlock", "/api/users/novak/2fa/disable"] {
        let resp = client
            .post(url(path))
            .basic_auth("admin", Some("admin-password"))
            .form(&[("x", "y")])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{path}");
        let resp = client
            .post(url(path))
            .basic_auth("admin", Some("admin-password"))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
    }
    // The QR GET returns the same pending key within its window, a new one after.
    let secret = || async {
        client
            .get(url("/u/novak/qrcode-2fa.png"))
            .basic_auth("novak", Some("novak-password"))
            .send()
            .await
            .unwrap()
            .headers()["secret"]
            .to_str()
            .unwrap()
            .to_string()
    };
    let first = secret().await;
    assert_eq!(secret().await, first);
    server.advance(authbar_server::routes::api::QR_PENDING_SECS + 1);
    assert_ne!(secret().await, first);
}

// ---- finding 10 ----

#[tokio::test]
async fn behind_https_the_cookies_are_secure_host_cookies() {
    let server =
        TestServer::start_with(|s| s.with_public_url("https://2fa.example.com/").unwrap()).await;
    let page = server.browser().get("/login").await;
    let cookie = page.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("__Host-authbar_csrf="), "{cookie}");
    assert!(
        cookie.contains("; Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"), "{cookie}");
    // A post from the public origin passes the origin check; the listening address does not.
    let client = reqwest::Client::new();
    let resp = client
        .post(format!("{}/logout", server.base))
        .header("origin", server.base.clone())
        .form(&[("csrf", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    // Bad public URLs are refused with the rule.
    let state = |url: &str| {
        let dir = tempfile::tempdir().unwrap();
        let db = authbar_server::Db::new(authbar_server::db::open(&dir.path().join("a")).unwrap());
        authbar_server::AppState::new(
            db,
            authbar_server::ServerKey::from_bytes([1; 32]),
            authbar_server::Clock::system(0),
            "x",
        )
        .unwrap()
        .with_public_url(url)
        .map(|_| ())
        .unwrap_err()
        .to_string()
    };
    assert!(state("2fa.example.com").contains("must start with https:// or http://"));
    assert!(state("ftp://x").contains("the scheme 'ftp'"));
    assert!(state("https://x/path").contains("must be an origin"));
}

// ---- finding 11 ----

#[test]
fn the_database_and_its_wal_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flexi.sqlite");
    let conn = authbar_server::db::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let file = dir.path().join(format!("flexi.sqlite{suffix}"));
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }
    drop(conn);
    // An existing world-readable database is made private on open.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    drop(authbar_server::db::open(&path).unwrap());
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

// ---- finding 15 ----

#[tokio::test]
async fn logins_longer_than_any_real_one_are_refused_before_any_work() {
    let server = TestServer::start().await;
    let long = "a".repeat(1000);
    let p = server.browser().login(&long, "some-password").await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    p.assert_contains("a login must be 1 to 64 letters");
    let p = server.browser().login("admin", &"p".repeat(2000)).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    p.assert_contains("at most 1024 characters");
    assert_eq!(server.user("admin").pw_failures, 0);
}

// ---- also found, and issue 9 ----

#[tokio::test]
async fn the_administrators_disable_asks_first_and_403_keeps_the_navigation() {
    let server = TestServer::start().await;
    let (_, _) = with_2fa(&server, "svoboda").await;
    let admin = signed_in(&server, "admin", "admin-password").await;
    let list = admin.get("/admin/users").await;
    list.assert_contains("href=\"/admin/users/svoboda/disable-2fa\"");
    let confirm = admin.get("/admin/users/svoboda/disable-2fa").await;
    assert_eq!(confirm.status, StatusCode::OK);
    confirm.assert_contains("Turn two-factor authentication off for <strong>svoboda</strong>?");
    assert!(server.user("svoboda").has_2fa(), "asking changes nothing");
    server.add_user("plain", "plain-password", false);
    let plain = signed_in(&server, "plain", "plain-password").await;
    let forbidden = plain.get("/admin/users").await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    forbidden.assert_contains("action=\"/logout\"");
    forbidden.assert_contains("Settings &gt; User Profile");
}

#[tokio::test]
async fn the_time_endpoint_is_readable_from_any_origin_without_credentials() {
    let server = TestServer::start().await;
    let resp = reqwest::Client::new()
        .get(format!("{}/api/time", server.base))
        .header("origin", "chrome-extension://abcdef")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");
    assert!(
        resp.headers()
            .get("access-control-allow-credentials")
            .is_none()
    );
}

#[tokio::test]
async fn code_fields_ask_for_one_time_codes_on_a_numeric_keyboard() {
    let server = TestServer::start().await;
    let (b, _) = with_2fa(&server, "eva").await;
    for path in ["/settings/profile/2fa", "/settings/profile/2fa?replace=1"] {
        let page = b.get(path).await;
        for input in page.body.split("<input").skip(1) {
            if input.contains("name=\"code\"") || input.contains("name=\"current_code\"") {
                assert!(
                    input.contains("autocomplete=\"one-time-code\"")
                        && input.contains("inputmode=\"numeric\""),
                    "{path}: {input}"
                );
            }
        }
    }
}

// ---- finding 12 ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_silent_clients_are_cut_off() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};
    let limits = authbar_server::net::Limits {
        idle: Duration::from_millis(1500),
        request: Duration::from_millis(700),
    };
    let server = TestServer::start_with(move |mut s| {
        s.limits = limits;
        s
    })
    .await;
    let addr = server.base.trim_start_matches("http://").to_string();
    let (head, silent_for, silent_read) = tokio::task::spawn_blocking(move || {
        let mut answer = vec![0u8; 4096];
        // A body that never finishes: 408 after the request limit.
        let mut slow = std::net::TcpStream::connect(&addr).unwrap();
        slow.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        slow.write_all(
            b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nlogin=a",
        )
        .unwrap();
        let n = slow.read(&mut answer).unwrap();
        let head = String::from_utf8_lossy(&answer[..n]).to_string();
        // A connection that says nothing is closed after the idle limit.
        let started = Instant::now();
        let mut silent = std::net::TcpStream::connect(&addr).unwrap();
        silent.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let n = silent.read(&mut answer).unwrap_or(usize::MAX);
        (head, started.elapsed(), n)
    })
    .await
    .unwrap();
    assert!(head.starts_with("HTTP/1.1 408"), "{head}");
    assert_eq!(silent_read, 0, "closed without an answer");
    assert!(silent_for >= Duration::from_millis(1400), "{silent_for:?}");
}

// ---- finding 14 ----

#[test]
fn the_server_refuses_to_start_when_the_key_to_its_sealed_secrets_is_missing_or_wrong() {
    use authbar_server::{ServerKey, crypto, db, users};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flexi.sqlite");
    let key_path = dir.path().join("flexi.sqlite.key");
    let key = ServerKey::load_or_create(&key_path).unwrap();
    let conn = db::open(&path).unwrap();
    let hash = crypto::hash_password("novak-password").unwrap();
    let user = users::create(&conn, "novak", &hash, false, 0).unwrap();
    let sealed = key
        .seal("novak", &crypto::new_totp_secret().unwrap())
        .unwrap();
    users::set_pending(&conn, user.id, &sealed, 0).unwrap();
    drop(conn);
    let serve = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_authbar-server"))
            .args(["serve", "--listen", "127.0.0.1:0", "--db"])
            .arg(&path)
            .env("AUTHBAR_ADMIN_PASSWORD", "admin-password")
            .output()
            .unwrap()
    };
    std::fs::remove_file(&key_path).unwrap();
    let out = serve();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("flexi.sqlite.key is missing, but the database"),
        "{err}"
    );
    assert!(
        !key_path.exists(),
        "no new key is created over the sealed secrets"
    );
    // A different key is refused too.
    drop(ServerKey::load_or_create(&key_path).unwrap());
    let out = serve();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("does not open the secrets"), "{err}");
}

#[test]
fn a_public_url_that_is_not_an_origin_stops_the_server_with_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_authbar-server"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--public-url",
            "https://2fa.example.com/login",
            "--db",
        ])
        .arg(dir.path().join("flexi.sqlite"))
        .env("AUTHBAR_ADMIN_PASSWORD", "admin-password")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("--public-url must be an origin (scheme, host and port, no path), got 'https://2fa.example.com/login'"), "{err}");
}
