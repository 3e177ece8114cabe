//! The JSON API over real HTTP: the Flexi-shaped user record, the QR endpoint with its `Secret`
//! header, the `otp=` rule, our own activation/deactivation/admin endpoints, and no user enumeration.

#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use authbar_core::qr::decode_luma;
use common::{TestServer, code_at};
use reqwest::StatusCode;
use serde_json::{Value, json};

struct Api<'a> {
    server: &'a TestServer,
    client: reqwest::Client,
}

impl<'a> Api<'a> {
    fn new(server: &'a TestServer) -> Self {
        Api {
            server,
            client: reqwest::Client::new(),
        }
    }

    async fn get(&self, path: &str, auth: Option<(&str, &str)>) -> reqwest::Response {
        let mut req = self.client.get(format!("{}{path}", self.server.base));
        if let Some((u, p)) = auth {
            req = req.basic_auth(u, Some(p));
        }
        req.send().await.unwrap()
    }

    async fn post(&self, path: &str, auth: (&str, &str), body: Value) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.server.base))
            .basic_auth(auth.0, Some(auth.1))
            .json(&body)
            .send()
            .await
            .unwrap()
    }
}

async fn json_of(resp: reqwest::Response) -> (StatusCode, Value) {
    let status = resp.status();
    (status, resp.json().await.unwrap())
}

on_both_backends! {
    #[tokio::test]
    async fn qr_endpoint_activation_and_the_otp_rule(backend: Backend) {
        let server = TestServer::start(backend).await;
        server.add_user("novak", "novak-password", false);
        let api = Api::new(&server);
        let me = ("novak", "novak-password");

        let (status, v) = json_of(api.get("/u/novak.json", Some(me)).await).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(v["winstrom"]["uzivatel"][0]["kod"], "novak");
        assert_eq!(v["winstrom"]["uzivatel"][0]["twoPhaseAuthEnabled"], "false");

        let resp = api.get("/u/novak/qrcode-2fa.png", Some(me)).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.headers()["content-type"], "image/png");
        let secret = resp.headers()["secret"].to_str().unwrap().to_string();
        let png = resp.bytes().await.unwrap();
        let img = image::load_from_memory(&png).unwrap().to_luma8();
        assert_eq!(img.dimensions(), (400, 400));
        let found = decode_luma(img.as_raw(), 400, 400).unwrap();
        let uri = &found[0].text;
        assert!(
            uri.starts_with("otpauth://totp/Authbar%20Flexi:novak?secret="),
            "{uri}"
        );
        let parsed = authbar_core::uri::parse(uri).unwrap();
        assert_eq!(
            parsed.account.secret().to_base32(),
            secret,
            "the Secret header is the QR's key"
        );
        assert_eq!(parsed.account.issuer(), Some("Authbar Flexi"));

        // Activate through the API; a wrong code fails with a message.
        let (status, v) = json_of(
            api.post("/api/2fa/activate", me, json!({"code": "12"}))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(v["error"]["message"].as_str().unwrap().contains("6 digits"));
        let (status, v) = json_of(
            api.post(
                "/api/2fa/activate",
                me,
                json!({"code": code_at(&secret, server.now())}),
            )
            .await,
        )
        .await;
        assert_eq!(
            (status, &v["twoPhaseAuthEnabled"]),
            (StatusCode::OK, &json!(true)),
            "{v}"
        );
        let (status, v) = json_of(
            api.post("/api/2fa/activate", me, json!({"code": "123456"}))
                .await,
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "now every call needs otp: {v}"
        );

        // Now every call needs ?otp=.
        let resp = api.get("/u/novak.json", Some(me)).await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            resp.headers()["www-authenticate"],
            "Basic realm=\"authbar\""
        );
        let v: Value = resp.json().await.unwrap();
        assert_eq!(
            v["error"]["message"],
            "Two-factor authentication is on for novak: add ?otp=<current code> to the request."
        );
        // The activation used this step's code up: the next step's code authenticates calls.
        server.advance(30);
        let code = code_at(&secret, server.now());
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let resp = api
            .get(&format!("/u/novak.json?otp={wrong}"), Some(me))
            .await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        let (status, v) = json_of(
            api.get(&format!("/u/novak.json?otp={code}"), Some(me))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(v["winstrom"]["uzivatel"][0]["twoPhaseAuthEnabled"], "true");
        // A code is used up by the call (RFC 6238 §5.2); scripts that make several calls per step start
        // an API session instead (tests/security.rs).
        let (status, v) = json_of(
            api.get(&format!("/u/novak.json?otp={code}"), Some(me))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("already been used")
        );
        server.advance(30);
        let code = code_at(&secret, server.now());
        let xml = api.get(&format!("/u/novak.xml?otp={code}"), Some(me)).await;
        assert_eq!(
            xml.headers()["content-type"],
            "application/xml; charset=utf-8"
        );
        let xml = xml.text().await.unwrap();
        assert!(
            xml.contains("<twoPhaseAuthEnabled>true</twoPhaseAuthEnabled>"),
            "{xml}"
        );

        // Deactivate with a code from the next step.
        server.advance(30);
        let code = code_at(&secret, server.now());
        let (status, v) = json_of(
            api.post(
                &format!("/api/2fa/deactivate?otp={code}"),
                me,
                json!({"code": code}),
            )
            .await,
        )
        .await;
        // The otp authenticated the call and was used up by it; the same code in the body is that proof,
        // not a replay.
        assert_eq!(
            (status, &v["twoPhaseAuthEnabled"]),
            (StatusCode::OK, &json!(false)),
            "{v}"
        );
        assert_eq!(
            api.get("/u/novak.json", Some(me)).await.status(),
            StatusCode::OK
        );
    }
}

on_both_backends! {
    #[tokio::test]
    async fn wrong_or_missing_credentials_look_the_same_for_known_and_unknown_users(backend: Backend) {
        let server = TestServer::start(backend).await;
        server.add_user("novak", "novak-password", false);
        let api = Api::new(&server);
        let anonymous = api.get("/u/novak.json", None).await;
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
        let known = api
            .get("/u/novak.json", Some(("novak", "wrong-password")))
            .await;
        let unknown = api
            .get("/u/nobody.json", Some(("nobody", "wrong-password")))
            .await;
        assert_eq!(known.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
        let garbage = api
            .client
            .get(format!("{}/u/novak.json", server.base))
            .header("authorization", "Basic !!!")
            .send()
            .await
            .unwrap();
        assert_eq!(garbage.status(), StatusCode::UNAUTHORIZED);
    }
}

on_both_backends! {
    #[tokio::test]
    async fn users_act_on_themselves_administrators_on_anyone(backend: Backend) {
        let server = TestServer::start(backend).await;
        server.add_user("novak", "novak-password", false);
        server.add_user("svoboda", "svoboda-password", false);
        let api = Api::new(&server);
        let novak = ("novak", "novak-password");
        let admin = ("admin", "admin-password");
        assert_eq!(
            api.get("/u/svoboda.json", Some(novak)).await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            api.get("/u/svoboda/qrcode-2fa.png", Some(novak))
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            api.get("/u/svoboda.json", Some(admin)).await.status(),
            StatusCode::OK
        );
        assert_eq!(
            api.get("/u/ghost.json", Some(admin)).await.status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            api.get("/u/novak.yaml", Some(novak)).await.status(),
            StatusCode::NOT_FOUND
        );

        // svoboda turns 2FA on; the administrator turns it off without a code.
        let secret = api
            .get(
                "/u/svoboda/qrcode-2fa.png",
                Some(("svoboda", "svoboda-password")),
            )
            .await
            .headers()["secret"]
            .to_str()
            .unwrap()
            .to_string();
        let code = code_at(&secret, server.now());
        assert_eq!(
            api.post(
                "/api/2fa/activate",
                ("svoboda", "svoboda-password"),
                json!({"code": code})
            )
            .await
            .status(),
            StatusCode::OK
        );
        assert_eq!(
            api.post("/api/users/svoboda/2fa/disable", novak, json!({}))
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        let (status, v) = json_of(
            api.post("/api/users/svoboda/2fa/disable", admin, json!({}))
                .await,
        )
        .await;
        assert_eq!((status, &v["changed"]), (StatusCode::OK, &json!(true)));
        assert_eq!(
            api.get("/u/svoboda.json", Some(("svoboda", "svoboda-password")))
                .await
                .status(),
            StatusCode::OK
        );
        let (status, _) = json_of(
            api.post("/api/users/svoboda/unlock", admin, json!({}))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            api.post("/api/users/ghost/unlock", admin, json!({}))
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            api.post("/api/2fa/deactivate", novak, json!({"code": "123456"}))
                .await
                .status(),
            StatusCode::CONFLICT
        );
        assert_eq!(
            api.post("/api/2fa/activate", novak, json!({"code": "123456"}))
                .await
                .status(),
            StatusCode::CONFLICT
        );
    }
}

on_both_backends! {
    #[tokio::test]
    async fn time_endpoint_reports_the_server_clock(backend: Backend) {
        let server = TestServer::start(backend).await;
        let (status, v) = json_of(Api::new(&server).get("/api/time", None).await).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(v["unixMs"], json!(common::T0 * 1000));
        assert_eq!(v["unixSecs"], json!(common::T0));
    }
}

on_both_backends! {
    #[tokio::test]
    async fn api_failures_are_throttled(backend: Backend) {
        let server = TestServer::start(backend).await;
        let api = Api::new(&server);
        for _ in 0..5 {
            assert_eq!(
                api.get("/u/admin.json", Some(("admin", "nope-nope")))
                    .await
                    .status(),
                StatusCode::UNAUTHORIZED
            );
        }
        let resp = api
            .get("/u/admin.json", Some(("admin", "admin-password")))
            .await;
        assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(resp.headers()["retry-after"], "1");
        server.advance(1);
        assert_eq!(
            api.get("/u/admin.json", Some(("admin", "admin-password")))
                .await
                .status(),
            StatusCode::OK
        );
    }
}
