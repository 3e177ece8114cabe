//! A tiny browser that keeps cookies and reads CSRF fields, and the steps of the 2FA flows a user
//! takes with it (sign in, activate, submit a code).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};

use super::{TestServer, code_at};

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
