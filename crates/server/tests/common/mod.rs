//! A real server on port 0 over a temporary SQLite file, with a manual clock, and a tiny browser that
//! keeps cookies and reads CSRF fields.

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use authbar_core::{Account, OtpType, Secret};
use authbar_server::{AppState, Clock, Db, ServerKey, crypto, db, users};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};

/// A time at the start of a 30-second step (1_800_000_000 = 60_000_000 × 30).
pub const T0: i64 = 1_800_000_000;

pub struct TestServer {
    pub base: String,
    pub clock: Arc<AtomicI64>,
    pub db_path: PathBuf,
    pub dir: tempfile::TempDir,
    pub db: Db,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(|state| state).await
    }

    /// A server whose state `configure` adjusts first (public URL, hashers…).
    pub async fn start_with(configure: impl FnOnce(AppState) -> AppState) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db_path = dir.path().join("flexi.sqlite");
        let db = Db::new(db::open(&db_path).unwrap());
        let (clock, handle) = Clock::manual(T0 * 1000);
        let state = configure(
            AppState::new(
                db.clone(),
                ServerKey::from_bytes([42; 32]),
                clock,
                "Authbar Flexi",
            )
            .unwrap(),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(authbar_server::serve(listener, state));
        let server = TestServer {
            base,
            clock: handle,
            db_path,
            dir,
            db,
        };
        server.add_user("admin", "admin-password", true);
        server
    }

    pub fn add_user(&self, login: &str, password: &str, admin: bool) {
        let hash = crypto::hash_password(password).unwrap();
        self.db
            .call_sync(|c| Ok(users::create(c, login, &hash, admin, T0)?))
            .unwrap();
    }

    pub fn now(&self) -> u64 {
        (self.clock.load(Ordering::SeqCst) / 1000) as u64
    }

    pub fn set_time(&self, secs: i64) {
        self.clock.store(secs * 1000, Ordering::SeqCst);
    }

    pub fn advance(&self, secs: i64) {
        self.clock.fetch_add(secs * 1000, Ordering::SeqCst);
    }

    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    pub fn user(&self, login: &str) -> users::User {
        self.db
            .call_sync(|c| users::find(c, login))
            .unwrap()
            .unwrap()
    }

    pub fn audit_events(&self, login: &str) -> Vec<String> {
        self.db
            .call_sync(|c| {
                let mut s = c.prepare(
                    "SELECT event || ' ' || detail FROM audit_log WHERE login = ?1 ORDER BY id",
                )?;
                let rows = s
                    .query_map([login], |r| r.get(0))?
                    .collect::<Result<Vec<String>, _>>()?;
                Ok(rows)
            })
            .unwrap()
    }
}

/// The code an authenticator would show for `secret` at `unix_secs`.
pub fn code_at(secret: &str, unix_secs: u64) -> String {
    Account::new(OtpType::Totp, Secret::from_base32(secret).unwrap())
        .code_at(unix_secs)
        .code
        .to_string()
}

#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> Option<&str> {
        self.headers.get(LOCATION).and_then(|v| v.to_str().ok())
    }

    /// The value of `<input … name="NAME" value="…">` (first one).
    pub fn field(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&marker)? + marker.len();
        let end = self.body[start..].find('"')? + start;
        Some(self.body[start..end].to_string())
    }

    /// The text code shown on the set-up page, spaces removed.
    pub fn text_code(&self) -> String {
        let marker = "id=\"text-code\">";
        let start = self.body.find(marker).unwrap() + marker.len();
        let end = self.body[start..].find('<').unwrap() + start;
        self.body[start..end].replace(' ', "")
    }

    pub fn assert_contains(&self, text: &str) {
        assert!(
            self.body.contains(text),
            "expected {text:?} in ({}) {}",
            self.status,
            self.main()
        );
    }

    /// The page's `<main>` with data URIs cut, for readable failure messages.
    pub fn main(&self) -> String {
        let main = self
            .body
            .split_once("<main>")
            .map_or(self.body.as_str(), |(_, m)| m);
        match main.split_once("data:image/png;base64,") {
            Some((a, b)) => format!(
                "{a}data:…{}",
                b.split_once('"').map_or("", |(_, rest)| rest)
            ),
            None => main.to_string(),
        }
    }
}

#[derive(Clone)]
pub struct Browser {
    base: String,
    client: reqwest::Client,
    cookies: Arc<Mutex<HashMap<String, String>>>,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser {
            base: base.to_string(),
            client,
            cookies: Arc::default(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn store(&self, headers: &HeaderMap) {
        let mut jar = self.cookies.lock().unwrap();
        for v in headers.get_all(SET_COOKIE) {
            let v = v.to_str().unwrap();
            let pair = v.split(';').next().unwrap();
            let (k, val) = pair.split_once('=').unwrap();
            if val.is_empty() || v.contains("Max-Age=0") {
                jar.remove(k);
            } else {
                jar.insert(k.to_string(), val.to_string());
            }
        }
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Page {
        let resp = req
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        self.store(&headers);
        let body = resp.text().await.unwrap_or_default();
        Page {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        self.send(self.client.get(format!("{}{path}", self.base)))
            .await
    }

    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.send(
            self.client
                .post(format!("{}{path}", self.base))
                .form(fields),
        )
        .await
    }

    /// Posts a form with the CSRF token of the page at `form_page` (fetched first).
    pub async fn submit(&self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.get(form_page).await;
        let csrf = page
            .field("csrf")
            .unwrap_or_else(|| panic!("no csrf on {form_page}: {}", page.body));
        let mut all = fields.to_vec();
        all.push(("csrf", &csrf));
        self.post(action, &all).await
    }

    /// A cookie's value in this browser's jar.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    pub fn csrf(&self) -> String {
        self.cookies
            .lock()
            .unwrap()
            .get("authbar_csrf")
            .cloned()
            .unwrap_or_default()
    }

    pub async fn login(&self, login: &str, password: &str) -> Page {
        self.submit(
            "/login",
            "/login",
            &[("login", login), ("password", password)],
        )
        .await
    }

    /// Submits a code on the code page (its CSRF token is bound to the pending login).
    pub async fn code(&self, code: &str) -> Page {
        self.submit("/login/code", "/login/code", &[("code", code)])
            .await
    }

    /// The CSRF token of the form on the page at `path`.
    pub async fn csrf_of(&self, path: &str) -> String {
        let page = self.get(path).await;
        page.field("csrf")
            .unwrap_or_else(|| panic!("no csrf on {path}: {}", page.body))
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Browser {
    /// Like [`Browser::login`], but `None` when the server is gone.
    pub async fn try_login(&self, login: &str, password: &str) -> Option<Page> {
        let page = self.try_send(self.client.get(self.url("/login"))).await?;
        let csrf = page.field("csrf")?;
        self.try_send(self.client.post(self.url("/login")).form(&[
            ("login", login),
            ("password", password),
            ("csrf", &csrf),
        ]))
        .await
    }

    async fn try_send(&self, req: reqwest::RequestBuilder) -> Option<Page> {
        let resp = req
            .header("cookie", self.cookie_header())
            .send()
            .await
            .ok()?;
        let status = resp.status();
        let headers = resp.headers().clone();
        self.store(&headers);
        let body = resp.text().await.ok()?;
        Some(Page {
            status,
            headers,
            body,
        })
    }

    /// Opens set-up and activates with the code at `unix_secs`; `None` when the server is gone.
    pub async fn try_activate(&self, unix_secs: u64) -> Option<Page> {
        let page = self
            .try_send(self.client.get(self.url("/settings/profile/2fa")))
            .await?;
        let secret = page
            .body
            .contains("id=\"text-code\"")
            .then(|| page.text_code())?;
        let csrf = page.field("csrf")?;
        let code = code_at(&secret, unix_secs);
        self.try_send(
            self.client
                .post(self.url("/settings/profile/2fa/activate"))
                .form(&[("code", code.as_str()), ("csrf", &csrf)]),
        )
        .await
    }
}

/// Activates 2FA for a signed-in browser with codes at `unix_secs`.
pub async fn activate_at(b: &Browser, unix_secs: u64) -> String {
    let page = b.get("/settings/profile/2fa").await;
    let secret = page.text_code();
    let csrf = page.field("csrf").unwrap();
    let done = b
        .post(
            "/settings/profile/2fa/activate",
            &[("code", &code_at(&secret, unix_secs)), ("csrf", &csrf)],
        )
        .await;
    done.assert_contains("is now <strong id=\"twofa-state\">on</strong>");
    secret
}

/// Logs in with the password and lands signed in (no 2FA).
pub async fn signed_in(server: &TestServer, login: &str, password: &str) -> Browser {
    let b = server.browser();
    let page = b.login(login, password).await;
    assert_eq!(
        (page.status, page.location()),
        (StatusCode::SEE_OTHER, Some("/")),
        "{}",
        page.body
    );
    b
}

/// Opens Set Up Authentication and activates with the authenticator's code; returns the secret.
pub async fn activate(server: &TestServer, b: &Browser) -> String {
    let page = b.get("/settings/profile/2fa").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let secret = page.text_code();
    let code = code_at(&secret, server.now());
    let csrf = page.field("csrf").unwrap();
    let done = b
        .post(
            "/settings/profile/2fa/activate",
            &[("code", &code), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    done.assert_contains("Two-factor authentication is now <strong id=\"twofa-state\">on</strong>");
    secret
}

/// A signed-in browser of a new user (`LOGIN` / `LOGIN-password`) with 2FA on, and the secret; the
/// clock is moved to the next step (the activation used this one).
pub async fn with_2fa(server: &TestServer, login: &str) -> (Browser, String) {
    server.add_user(login, &format!("{login}-password"), false);
    let b = signed_in(server, login, &format!("{login}-password")).await;
    let secret = activate(server, &b).await;
    server.advance(30);
    (b, secret)
}
