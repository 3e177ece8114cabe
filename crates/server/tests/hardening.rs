//! The server's hardening against other sites, slow clients, the file system and made-up logins, one
//! regression test each, named after the promise it keeps. The promises about credentials and
//! throttling are in `security.rs`.

#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use common::{TestServer, signed_in, with_2fa};
use reqwest::StatusCode;
use serde_json::json;

// ---- cross-site request forgery ----

on_both_backends! {
    #[tokio::test]
    async fn csrf_tokens_are_bound_to_the_session_and_other_sites_cannot_post(backend: Backend) {
        let server = TestServer::start(backend).await;
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
            assert_eq!(
                login_with_headers(&server, &headers).await,
                expected,
                "{headers:?}"
            );
        }
    }
}

/// The administrator's login form posted by a fresh browser with these extra request headers.
async fn login_with_headers(server: &TestServer, headers: &[(&str, &str)]) -> StatusCode {
    let b = server.browser();
    let csrf = b.csrf_of("/login").await;
    let mut req = b.client().post(b.url("/login")).form(&[
        ("login", "admin"),
        ("password", "admin-password"),
        ("csrf", &csrf),
    ]);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    b.send(req).await.status
}

on_both_backends! {
    /// Regression (found by the browser journey): the server's `Referrer-Policy: no-referrer` makes
    /// Chromium post its own forms with `Origin: null` beside `Sec-Fetch-Site: same-origin`; every login
    /// was refused as cross-site.
    #[tokio::test]
    async fn a_same_origin_form_posted_with_a_null_origin_is_accepted(backend: Backend) {
        let server = TestServer::start(backend).await;
        for (headers, expected) in [
            (
                vec![("origin", "null"), ("sec-fetch-site", "same-origin")],
                StatusCode::SEE_OTHER,
            ),
            // Without Sec-Fetch-Site, a null or foreign origin is still refused.
            (vec![("origin", "null")], StatusCode::FORBIDDEN),
            (
                vec![("origin", "null"), ("sec-fetch-site", "cross-site")],
                StatusCode::FORBIDDEN,
            ),
        ] {
            assert_eq!(
                login_with_headers(&server, &headers).await,
                expected,
                "{headers:?}"
            );
        }
    }
}

// ---- the API takes JSON only, and its GET is safe ----

on_both_backends! {
    #[tokio::test]
    async fn state_changing_api_calls_need_a_json_body_and_the_qr_get_is_idempotent(backend: Backend) {
        let server = TestServer::start(backend).await;
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
}

// ---- cookies behind HTTPS ----

on_both_backends! {
    #[tokio::test]
    async fn behind_https_the_cookies_are_secure_host_cookies(backend: Backend) {
        let server =
            TestServer::start_with(backend, |s| s.with_public_url("https://2fa.example.com/").unwrap()).await;
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
}

// ---- the database files are private ----

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

// ---- made-up logins cost nothing and fill nothing ----

on_both_backends! {
    #[tokio::test]
    async fn logins_longer_than_any_real_one_are_refused_before_any_work(backend: Backend) {
        let server = TestServer::start(backend).await;
        let long = "a".repeat(1000);
        let p = server.browser().login(&long, "some-password").await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        p.assert_contains("a login must be 1 to 64 letters");
        let p = server.browser().login("admin", &"p".repeat(2000)).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        p.assert_contains("at most 1024 characters");
        assert_eq!(server.user("admin").pw_failures, 0);
    }
}

// ---- the administrator's pages, the clock check and code fields ----

on_both_backends! {
    #[tokio::test]
    async fn the_administrators_disable_asks_first_and_403_keeps_the_navigation(backend: Backend) {
        let server = TestServer::start(backend).await;
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
}

on_both_backends! {
    #[tokio::test]
    async fn the_time_endpoint_is_readable_from_any_origin_without_credentials(backend: Backend) {
        let server = TestServer::start(backend).await;
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
}

on_both_backends! {
    #[tokio::test]
    async fn code_fields_ask_for_one_time_codes_on_a_numeric_keyboard(backend: Backend) {
        let server = TestServer::start(backend).await;
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
}

// ---- slow and silent clients ----

on_both_backends! {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn slow_and_silent_clients_are_cut_off(backend: Backend) {
        use std::io::{Read, Write};
        use std::time::{Duration, Instant};
        let limits = authbar_server::net::Limits {
            idle: Duration::from_millis(1500),
            request: Duration::from_millis(700),
        };
        let server = TestServer::start_with(backend, move |mut s| {
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
}

// ---- the key to the sealed secrets ----

#[test]
fn the_server_refuses_to_start_when_the_key_to_its_sealed_secrets_is_missing_or_wrong() {
    use authbar_server::{ServerKey, crypto, db, users};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flexi.sqlite");
    let key_path = dir.path().join("flexi.sqlite.key");
    let key = ServerKey::load_or_create(&key_path).unwrap();
    let mut conn = db::open(&path).unwrap();
    let hash = crypto::hash_password("novak-password").unwrap();
    let user = users::create(&mut conn, "novak", &hash, false, 0).unwrap();
    let sealed = key
        .seal("novak", &crypto::new_totp_secret().unwrap())
        .unwrap();
    users::set_pending(&mut conn, user.id, &sealed, 0).unwrap();
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
