//! Load on loopback: authenticated API calls per second and latency at 64 concurrent connections,
//! each a script that started an API session with one code (codes are used up, so a script makes its
//! calls in a session), measured in one run on SQLite, on PostgreSQL with one
//! instance, and on PostgreSQL with two instances sharing the database (the connections spread over
//! both); then password + code logins per second on SQLite (Argon2id-bound). PostgreSQL runs in a
//! throwaway cluster (tests/common/pg.rs). Prints numbers; asserts nothing about time.

#![allow(clippy::unwrap_used)]

#[path = "../tests/common/pg.rs"]
#[allow(dead_code)]
mod pg;

use std::time::{Duration, Instant};

use authbar_core::{Account, OtpType, Secret};
use authbar_server::db::{PgOptions, Target};
use authbar_server::{AppState, Clock, Db, ServerKey, crypto, db, users};

const CONNECTIONS: usize = 64;
const RUN: Duration = Duration::from_secs(5);

fn code(secret: &Secret) -> String {
    let now = Clock::system(0).now_secs();
    Account::new(OtpType::Totp, secret.clone())
        .code_at(now)
        .code
        .to_string()
}

/// Sends a request until it is not 503 (every Argon2 hasher busy: the server says when to retry).
async fn until_served(request: impl Fn() -> reqwest::RequestBuilder) -> reqwest::Response {
    loop {
        let resp = request().send().await.unwrap();
        if resp.status() != reqwest::StatusCode::SERVICE_UNAVAILABLE {
            return resp;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    sorted
        .get(((sorted.len() as f64 - 1.0) * p).round() as usize)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

const KEY: [u8; 32] = [1; 32];

/// 64 API users and 256 login users, each with 2FA on; their secrets. One hash serves all (hashing
/// is not measured).
fn populate(db: &Db) -> Vec<Secret> {
    let key = ServerKey::from_bytes(KEY);
    let hash = crypto::hash_password("bench-password").unwrap();
    let mut secrets = Vec::new();
    for i in 0..CONNECTIONS + 256 {
        let login = format!("u{i}");
        let secret = crypto::new_totp_secret().unwrap();
        let sealed = key.seal(&login, &secret).unwrap();
        db.call_sync(|c| {
            let u = users::create(c, &login, &hash, false, 0)?;
            users::set_pending(c, u.id, &sealed, 0)?;
            users::activate(c, u.id, &sealed, "Bench", 0, 0)?;
            Ok(())
        })
        .unwrap();
        secrets.push(secret);
    }
    secrets
}

/// Starts an instance on `db`; returns its base URL.
async fn instance(db: Db) -> String {
    let state = AppState::new(db, ServerKey::from_bytes(KEY), Clock::system(0), "Bench").unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(authbar_server::serve(listener, state));
    base
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::new(db::open(&dir.path().join("bench.sqlite")).unwrap());
    let secrets = populate(&db);
    let base = instance(db).await;
    api_load(
        "SQLite, one instance",
        std::slice::from_ref(&base),
        &secrets,
        0,
    )
    .await;

    let cluster = pg::Cluster::start();
    let name = cluster.new_database();
    let target = Target::parse(&cluster.url(&name)).unwrap();
    let options = PgOptions::default();
    let pg_secrets = populate(&Db::connect(&target, &options).unwrap());
    let one = instance(Db::connect(&target, &options).unwrap()).await;
    api_load(
        "PostgreSQL, one instance",
        std::slice::from_ref(&one),
        &pg_secrets,
        0,
    )
    .await;
    let two = instance(Db::connect(&target, &options).unwrap()).await;
    // Other users: the first 64 have used this step's code already (a code works once).
    api_load(
        "PostgreSQL, two instances",
        &[one, two],
        &pg_secrets,
        CONNECTIONS,
    )
    .await;

    logins(&base, &secrets).await;
}

/// API: one POST /api/session with Basic + ?otp=CODE per connection (each its own user, from
/// `u{first}` on), then GET /u/{login}.json with X-authSessionId, 64 connections spread over the
/// instances.
async fn api_load(label: &str, bases: &[String], secrets: &[Secret], first: usize) {
    let mut tasks = Vec::new();
    for (i, secret) in secrets.iter().enumerate().skip(first).take(CONNECTIONS) {
        let (base, secret) = (bases[i % bases.len()].clone(), secret.clone());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let login = format!("u{i}");
            let mut latencies = Vec::new();
            let mut failures = 0usize;
            // Starting the session pays for Argon2 and the code; it is not counted.
            let resp = until_served(|| {
                client
                    .post(format!("{base}/api/session?otp={}", code(&secret)))
                    .basic_auth(&login, Some("bench-password"))
                    .json(&serde_json::json!({}))
            })
            .await;
            let session: serde_json::Value = resp.json().await.unwrap();
            let token = session["authSessionId"]
                .as_str()
                .unwrap_or_else(|| panic!("no API session for {login}: {session}"))
                .to_string();
            let begin = Instant::now();
            while begin.elapsed() < RUN {
                let t = Instant::now();
                let resp = client
                    .get(format!("{base}/u/{login}.json"))
                    .header("X-authSessionId", &token)
                    .send()
                    .await
                    .unwrap();
                let ok = resp.status().is_success();
                let _ = resp.bytes().await;
                latencies.push(t.elapsed());
                failures += usize::from(!ok);
            }
            (latencies, failures)
        }));
    }
    let mut all = Vec::new();
    let mut failures = 0;
    for t in tasks {
        let (l, f) = t.await.unwrap();
        all.extend(l);
        failures += f;
    }
    all.sort();
    println!(
        "server ({label}): authenticated API calls (API session after one code): {:.0}/s over {} calls at {CONNECTIONS} connections; p50 {:.2} ms, p99 {:.2} ms; failures {failures}",
        all.len() as f64 / RUN.as_secs_f64(),
        all.len(),
        percentile(&all, 0.5),
        percentile(&all, 0.99),
    );
}

async fn logins(base: &str, secrets: &[Secret]) {
    // Logins: POST /login (Argon2id) then POST /login/code, 256 users, 64 at a time.
    let start = Instant::now();
    let sem = std::sync::Arc::new(tokio::sync::Semaphore::new(CONNECTIONS));
    let mut tasks = Vec::new();
    for (i, secret) in secrets.iter().enumerate().skip(CONNECTIONS) {
        let (base, secret, sem) = (base.to_string(), secret.clone(), sem.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire().await.unwrap();
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let csrf = "c".repeat(43);
            let cookie = format!("authbar_csrf={csrf}");
            let login = format!("u{i}");
            let resp = until_served(|| {
                client
                    .post(format!("{base}/login"))
                    .header("cookie", &cookie)
                    .form(&[
                        ("login", login.as_str()),
                        ("password", "bench-password"),
                        ("csrf", &csrf),
                    ])
            })
            .await;
            let pending = resp
                .headers()
                .get("set-cookie")
                .unwrap()
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_string();
            // The code form's CSRF token is bound to the pending login: read it from the page.
            let page = client
                .get(format!("{base}/login/code"))
                .header("cookie", format!("{cookie}; {pending}"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let marker = "name=\"csrf\" value=\"";
            let from = page.find(marker).unwrap() + marker.len();
            let bound = &page[from..from + page[from..].find('"').unwrap()];
            let resp = client
                .post(format!("{base}/login/code"))
                .header("cookie", format!("{cookie}; {pending}"))
                .form(&[("code", code(&secret).as_str()), ("csrf", bound)])
                .send()
                .await
                .unwrap();
            resp.headers().get("location").is_some_and(|l| l == "/")
        }));
    }
    let mut ok = 0;
    for t in tasks {
        ok += usize::from(t.await.unwrap());
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "server (SQLite): password + code logins: {:.1}/s ({ok} of 256 in {secs:.2} s)",
        ok as f64 / secs
    );
}
