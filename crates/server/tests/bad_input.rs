//! Bad input never gives a 500 or a panic: each gets a clear 4xx.

#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use common::{TestServer, signed_in};
use reqwest::StatusCode;

on_both_backends! {
    #[tokio::test]
    async fn malformed_oversized_and_hostile_requests_get_4xx(backend: Backend) {
        let server = TestServer::start(backend).await;
        server.add_user("novak", "novak-password", false);
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let url = |p: &str| format!("{}{p}", server.base);
        let b = server.browser();
        b.get("/login").await;
        let csrf = b.csrf();
        let cookie = format!("authbar_csrf={csrf}");

        let mut cases: Vec<(&str, reqwest::RequestBuilder)> = vec![
            (
                "no fields",
                client
                    .post(url("/login"))
                    .header("cookie", &cookie)
                    .form(&[("csrf", csrf.as_str())]),
            ),
            (
                "wrong content type",
                client
                    .post(url("/login"))
                    .header("cookie", &cookie)
                    .header("content-type", "text/plain")
                    .body("x"),
            ),
            (
                "not urlencoded",
                client
                    .post(url("/login"))
                    .header("cookie", &cookie)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body("%%%"),
            ),
            (
                "non-UTF-8 form",
                client
                    .post(url("/login"))
                    .header("cookie", &cookie)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(b"login=\xff\xfe&password=x&csrf=y".to_vec()),
            ),
            (
                "10 MB body",
                client
                    .post(url("/login"))
                    .header("cookie", &cookie)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(vec![b'a'; 10 * 1024 * 1024]),
            ),
            (
                "SQL-looking login",
                client.post(url("/login")).header("cookie", &cookie).form(&[
                    ("login", "' OR 1=1; DROP TABLE csuzivatel; --"),
                    ("password", "x' OR '1'='1"),
                    ("csrf", csrf.as_str()),
                ]),
            ),
            (
                "unknown user",
                client.post(url("/login")).header("cookie", &cookie).form(&[
                    ("login", "ghost"),
                    ("password", "pw"),
                    ("csrf", csrf.as_str()),
                ]),
            ),
            (
                "code page without a login",
                client
                    .post(url("/login/code"))
                    .header("cookie", &cookie)
                    .form(&[("code", "123456"), ("csrf", csrf.as_str())]),
            ),
            (
                "JSON garbage",
                client
                    .post(url("/api/2fa/activate"))
                    .basic_auth("novak", Some("novak-password"))
                    .header("content-type", "application/json")
                    .body("{not json"),
            ),
            (
                "JSON wrong shape",
                client
                    .post(url("/api/2fa/activate"))
                    .basic_auth("novak", Some("novak-password"))
                    .json(&serde_json::json!({"code": 5})),
            ),
            (
                "JSON 10 MB",
                client
                    .post(url("/api/2fa/activate"))
                    .basic_auth("novak", Some("novak-password"))
                    .header("content-type", "application/json")
                    .body(vec![b' '; 10 * 1024 * 1024]),
            ),
            ("unknown page", client.get(url("/wp-admin.php"))),
            (
                "unknown user record",
                client
                    .get(url("/u/%00%ff.json"))
                    .basic_auth("novak", Some("novak-password")),
            ),
            (
                "admin page anonymous",
                client.post(url("/admin/users/novak/disable-2fa")),
            ),
        ];
        for (name, req) in cases.drain(..) {
            let resp = req.send().await.unwrap();
            let status = resp.status();
            let is_login_redirect = status == StatusCode::SEE_OTHER;
            assert!(
                status.is_client_error() || is_login_redirect,
                "{name}: {status}"
            );
            let body = resp.text().await.unwrap_or_default();
            assert!(!body.is_empty() || is_login_redirect, "{name}: empty body");
        }
        // The tables survived the SQL-looking input.
        assert!(server.user("novak").id > 0);

        // Codes of the wrong length at the code page.
        let signed = signed_in(&server, "novak", "novak-password").await;
        let page = signed.get("/settings/profile/2fa").await;
        let csrf = page.field("csrf").unwrap();
        for code in [
            "",
            "1",
            "12345",
            "1234567",
            "12345678901",
            "abcdef",
            "12-456",
            "１２３４５６",
        ] {
            let p = signed
                .post(
                    "/settings/profile/2fa/activate",
                    &[("code", code), ("csrf", &csrf)],
                )
                .await;
            assert_eq!(p.status, StatusCode::BAD_REQUEST, "{code:?}");
            p.assert_contains("the 6 digits your authenticator shows");
        }
        // None of those counted as failed guesses.
        assert_eq!(server.user("novak").otp_failures, 0);
    }
}
