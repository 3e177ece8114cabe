//! A real server on port 0 over a temporary SQLite file or a new database in a throwaway PostgreSQL
//! cluster, with a manual clock, and a tiny browser that keeps cookies and reads CSRF fields.
//!
//! Behavioural tests are written once and run on both backends with [`on_both_backends!`].

#![allow(dead_code, unused_imports, clippy::unwrap_used)] // each test binary uses a part

#[macro_use]
mod store;
pub mod pg;

pub use store::{Activations, Backend, TestDb};

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use authbar_core::{Account, OtpType, Secret};
use authbar_server::{AppState, Clock, Db, ServerKey, crypto, users};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};

/// A time at the start of a 30-second step (1_800_000_000 = 60_000_000 × 30).
pub const T0: i64 = 1_800_000_000;

pub struct TestServer {
    pub base: String,
    pub clock: Arc<AtomicI64>,
    /// The SQLite file (SQLite only; see `test_db` for either).
    pub db_path: PathBuf,
    pub test_db: TestDb,
    pub dir: tempfile::TempDir,
    pub db: Db,
}

impl TestServer {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, |state| state).await
    }

    /// A server whose state `configure` adjusts first (public URL, hashers…).
    pub async fn start_with(
        backend: Backend,
        configure: impl FnOnce(AppState) -> AppState,
    ) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let test_db = TestDb::new(backend, dir.path());
        let db = test_db.open();
        let server = Self::serve(db, test_db, dir, configure).await;
        server.add_user("admin", "admin-password", true);
        server
    }

    /// Another instance on the same database: its own pool, key copy, caches and listener, and a
    /// clock of its own set to the same time.
    pub async fn another_instance(&self) -> Self {
        let db = self.test_db.open();
        let dir = tempfile::tempdir().unwrap();
        let other = Self::serve(db, self.test_db.clone(), dir, |s| s).await;
        other.set_time(self.now() as i64);
        other
    }

    /// A server on an existing database (opened by the caller with its own settings).
    pub async fn serve(
        db: Db,
        test_db: TestDb,
        dir: tempfile::TempDir,
        configure: impl FnOnce(AppState) -> AppState,
    ) -> Self {
        let db_path = match &test_db {
            TestDb::Sqlite(path) => path.clone(),
            TestDb::Postgres(..) => dir.path().join("not-sqlite"),
        };
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
        TestServer {
            base,
            clock: handle,
            db_path,
            test_db,
            dir,
            db,
        }
    }

    /// Runs SQL beside the server, as an operator would (see [`TestDb::operator_sql`]).
    pub fn sql(&self, statement: &str) {
        self.test_db.operator_sql(statement);
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
                c.query(
                    "SELECT event || ' ' || detail FROM audit_log WHERE login = ?1 ORDER BY id",
                    authbar_server::params![login],
                )?
                .iter()
                .map(|r| r.text(0))
                .collect()
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

    /// A 503 that says when to retry (1 s) and starts nothing (no redirect, so no session).
    pub fn assert_unavailable(&self) {
        assert_eq!(
            self.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            self.main()
        );
        assert_eq!(self.headers["retry-after"], "1");
        assert!(self.location().is_none(), "no session, no redirect");
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

    /// The same browser (its cookies) talking to another address: another instance behind the
    /// same load balancer.
    pub fn on(&self, base: &str) -> Browser {
        Browser {
            base: base.to_string(),
            ..self.clone()
        }
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Browser {
    /// Changes the password on the profile's form.
    pub async fn change_password(&self, current: &str, new: &str) -> Page {
        self.submit(
            "/settings/password",
            "/settings/password",
            &[("current", current), ("new", new), ("repeat", new)],
        )
        .await
    }

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

/// Posts one code with one CSRF token to the code page from every browser at once; returns how
/// many were let in. Every other answer must be a refusal (4xx, or a redirect away).
pub async fn submit_code_concurrently(browsers: Vec<Browser>, code: &str, csrf: &str) -> usize {
    let mut tasks = Vec::new();
    for b in browsers {
        let (code, csrf) = (code.to_string(), csrf.to_string());
        tasks.push(tokio::spawn(async move {
            b.post("/login/code", &[("code", &code), ("csrf", &csrf)])
                .await
        }));
    }
    let mut successes = 0;
    for t in tasks {
        let page = t.await.unwrap();
        if page.location() == Some("/") {
            successes += 1;
        } else {
            assert!(
                page.status.is_client_error() || page.status.is_redirection(),
                "{:?} {}",
                page.status,
                page.main()
            );
        }
    }
    successes
}

/// Sleeps `millis` plus up to a second that varies from run to run (to kill a server at a different
/// moment of a burst each time).
pub async fn sleep_with_jitter(millis: u64) {
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_millis();
    tokio::time::sleep(std::time::Duration::from_millis(millis + u64::from(jitter))).await;
}
