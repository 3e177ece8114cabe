//! Several instances on one PostgreSQL database (issue 13). Every piece of state that decides a
//! login lives in the database, so what one instance refuses the other refuses too: used steps,
//! throttles and locks, pending logins, sessions and API sessions. Also kill -9 of one instance
//! during a burst of activations, and the help page's recovery SQL through psql. The backend on its
//! own (an outage, the user commands, settings, the schema) is in `postgres.rs`.

#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use authbar_server::throttle::FREE_FAILURES;
use authbar_server::{crypto, users};
use common::{
    Activations, Backend, Browser, TestDb, TestServer, activate, code_at, signed_in,
    submit_code_concurrently, with_2fa,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Two instances on one new database, with their clocks together.
async fn pair() -> (TestServer, TestServer) {
    let a = TestServer::start(Backend::Postgres).await;
    let b = a.another_instance().await;
    (a, b)
}

fn wrong_code(secret: &str, now: u64) -> &'static str {
    if code_at(secret, now) == "000000" {
        "111111"
    } else {
        "000000"
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_submissions_of_one_code_over_two_instances_let_exactly_one_in() {
    let (a, b) = pair().await;
    a.add_user("race", "race-password", false);
    let web = signed_in(&a, "race", "race-password").await;
    let secret = activate(&a, &web).await;
    a.advance(30);
    b.set_time(a.now() as i64);

    let on_a = a.browser();
    on_a.login("race", "race-password").await;
    let on_b = on_a.on(&b.base);
    // The pending login started on A is known to B.
    assert_eq!(on_b.get("/login/code").await.status, StatusCode::OK);
    let code = code_at(&secret, a.now());
    let csrf = on_a.csrf_of("/login/code").await;
    let browsers = (0..50)
        .map(|i| if i % 2 == 0 { &on_a } else { &on_b }.clone())
        .collect();
    let successes = submit_code_concurrently(browsers, &code, &csrf).await;
    assert_eq!(
        successes, 1,
        "exactly one of 50 submissions over both instances"
    );
    assert!(
        a.audit_events("race")
            .iter()
            .any(|e| e.starts_with("code_replayed")),
        "the others were refused as replays"
    );
}

#[tokio::test]
async fn wrong_codes_over_two_instances_count_toward_one_throttle_and_one_lock() {
    let (a, b) = pair().await;
    let (_, secret) = with_2fa(&a, "guess").await;
    b.set_time(a.now() as i64);
    let on_a = a.browser();
    assert_eq!(
        on_a.login("guess", "guess-password").await.location(),
        Some("/login/code")
    );
    let on_b = on_a.on(&b.base);
    let wrong = wrong_code(&secret, a.now());
    for i in 0..FREE_FAILURES {
        let browser = if i % 2 == 0 { &on_a } else { &on_b };
        assert_eq!(browser.code(wrong).await.status, StatusCode::UNAUTHORIZED);
    }
    // The free attempts are used up, whichever instance is asked, and nothing is checked now: not
    // even the right code gets in.
    for browser in [&on_a, &on_b] {
        let page = browser.code(&code_at(&secret, a.now())).await;
        assert_eq!(
            page.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            page.main()
        );
        page.assert_contains("Too many wrong codes. Try again in 1 s.");
    }
    assert_eq!(a.user("guess").otp_failures, FREE_FAILURES);

    // One step from the lock; the 100th failure on A locks the account on B too.
    a.sql("UPDATE csuzivatel SET otp_failures = 99, otp_next_try = 0 WHERE jmeno = 'guess'");
    assert_eq!(on_a.code(wrong).await.status, StatusCode::UNAUTHORIZED);
    assert!(a.user("guess").locked());
    let again = b.browser();
    let page = again.login("guess", "guess-password").await;
    assert_eq!(page.status, StatusCode::LOCKED, "{}", page.main());
}

#[tokio::test]
async fn wrong_passwords_and_unknown_logins_over_two_instances_share_one_throttle() {
    let (a, b) = pair().await;
    a.add_user("pat", "pat-password", false);
    for login in ["pat", "nobody"] {
        for i in 0..FREE_FAILURES {
            let server = if i % 2 == 0 { &a } else { &b };
            let page = server.browser().login(login, "wrong-password").await;
            assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{login} attempt {i}");
        }
        for server in [&a, &b] {
            let page = server.browser().login(login, "wrong-password").await;
            assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS, "{login}");
            assert_eq!(page.headers["retry-after"], "1");
        }
    }
    // The right password waits like a wrong one, on both.
    for server in [&a, &b] {
        let page = server.browser().login("pat", "pat-password").await;
        assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    }
    assert_eq!(a.user("pat").pw_failures, FREE_FAILURES);
}

#[tokio::test]
async fn a_password_change_on_one_instance_ends_sessions_on_the_other() {
    let (a, b) = pair().await;
    a.add_user("olga", "olga-password", false);
    let here = signed_in(&a, "olga", "olga-password").await;
    let there = signed_in(&b, "olga", "olga-password").await;
    // Sessions are in the database: B's session works on A.
    assert_eq!(there.on(&a.base).get("/").await.status, StatusCode::OK);

    // B has verified the Basic credentials (its cache) and holds an API session.
    let client = reqwest::Client::new();
    let json_of = |base: &str| {
        client
            .get(format!("{base}/u/olga.json"))
            .basic_auth("olga", Some("olga-password"))
    };
    assert_eq!(
        json_of(&b.base).send().await.unwrap().status(),
        StatusCode::OK
    );
    let session: Value = client
        .post(format!("{}/api/session", b.base))
        .basic_auth("olga", Some("olga-password"))
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["authSessionId"].as_str().unwrap().to_string();
    let with_session = |base: &str| {
        client
            .get(format!("{base}/u/olga.json"))
            .header("X-authSessionId", &token)
    };
    assert_eq!(
        with_session(&b.base).send().await.unwrap().status(),
        StatusCode::OK
    );

    let changed = here
        .change_password("olga-password", "olga-password-2")
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.main());

    // On B: the web session, the API session and the cached old password are all gone.
    assert_eq!(there.get("/").await.location(), Some("/login"));
    assert_eq!(
        with_session(&b.base).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        json_of(&b.base).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "B's credential cache let the old password through"
    );
    // The session where the change was made stays, on either instance.
    assert_eq!(here.get("/").await.status, StatusCode::OK);
    assert_eq!(here.on(&b.base).get("/").await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_help_pages_recovery_sql_run_with_psql_restores_password_login() {
    let (a, b) = pair().await;
    let admin = signed_in(&a, "admin", "admin-password").await;
    activate(&a, &admin).await;
    a.advance(30);
    b.set_time(a.now() as i64);
    assert_eq!(
        b.browser()
            .login("admin", "admin-password")
            .await
            .location(),
        Some("/login/code")
    );
    // Verbatim from the help page (tests/reference/flexi-2fa-help.txt, the repo's copy of
    // ../shared/reference/), the login filled in, through psql.
    let help = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/reference/flexi-2fa-help.txt"
    ))
    .unwrap();
    let statement = help
        .lines()
        .find(|l| l.trim_start().starts_with("update csuzivatel"))
        .unwrap()
        .trim()
        .replace("%LOGIN_UZIVATELE%", "admin");
    assert_eq!(
        statement,
        "update csuzivatel set otpsecret = null, otpprefix = null where jmeno = 'admin';"
    );
    a.sql(&statement);
    let user = a.user("admin");
    assert_eq!(
        (user.otp_last_step, user.otp_failures, user.otp_next_try),
        (None, 0, 0),
        "the PL/pgSQL trigger reset the rest of the 2FA state"
    );
    for server in [&a, &b] {
        signed_in(server, "admin", "admin-password")
            .await
            .get("/")
            .await
            .assert_contains("twofa-state\">off");
    }
}

/// An `authbar-server serve` process on a database, with the shared key file.
struct Instance {
    child: Child,
    base: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(db: &str, key: &std::path::Path) -> Instance {
    let mut child = Command::new(env!("CARGO_BIN_EXE_authbar-server"))
        .args(["serve", "--listen", "127.0.0.1:0", "--db", db, "--key-file"])
        .arg(key)
        .env("AUTHBAR_ADMIN_PASSWORD", "admin-password")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("the server printed its address")
            .unwrap();
        if let Some(addr) = line.strip_prefix("listening on ") {
            break addr.to_string();
        }
    };
    // Keep reading so that the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Instance { child, base }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_of_one_instance_during_activations_leaves_nobody_half_activated() {
    const USERS: usize = 16;
    let dir = tempfile::tempdir().unwrap();
    let test_db = TestDb::new(Backend::Postgres, dir.path());
    let db = test_db.open();
    let hash = crypto::hash_password("burst-password").unwrap();
    db.call_sync(|c| {
        for i in 0..USERS {
            users::create(c, &format!("u{i}"), &hash, false, 0)?;
        }
        Ok(())
    })
    .unwrap();
    let key = dir.path().join("shared.key");
    let mut doomed = serve(&test_db.arg(), &key);
    let survivor = serve(&test_db.arg(), &key);

    let stop = Arc::new(AtomicBool::new(false));
    let survivor_activations = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..USERS {
        // Even users on the instance that will be killed, odd ones on the survivor.
        let base = if i % 2 == 0 {
            doomed.base.clone()
        } else {
            survivor.base.clone()
        };
        let on_survivor = i % 2 == 1;
        let (db, stop, count) = (db.clone(), stop.clone(), survivor_activations.clone());
        tasks.push(tokio::spawn(async move {
            let b = Browser::new(&base);
            let login = format!("u{i}");
            match tokio::time::timeout(
                Duration::from_secs(20),
                b.try_login(&login, "burst-password"),
            )
            .await
            {
                Ok(Some(page)) if page.location() == Some("/") => {}
                _ => return,
            }
            // Activate over and over; between two, the recovery statement turns 2FA off.
            while !stop.load(Ordering::SeqCst) {
                match tokio::time::timeout(Duration::from_secs(5), b.try_activate(now())).await {
                    Ok(Some(page)) if page.body.contains("is now <strong") => {
                        if on_survivor {
                            count.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    Ok(Some(_)) => {}
                    _ => return,
                }
                let login = login.clone();
                let off = db
                    .call(move |c| {
                        c.execute(
                            "update csuzivatel set otpsecret = null, otpprefix = null where jmeno = ?1",
                            authbar_server::params![&login],
                        )
                    })
                    .await;
                if off.is_err() {
                    return;
                }
            }
        }));
    }
    common::sleep_with_jitter(2000).await;
    // SIGKILL: no chance to clean up.
    doomed.child.kill().unwrap();
    doomed.child.wait().unwrap();
    // The survivor keeps activating: wait for a few more of its activations (the bound only stops
    // a hung test; it is not a speed requirement).
    let at_kill = survivor_activations.load(Ordering::SeqCst);
    const MORE: usize = 4;
    let waited = tokio::time::timeout(Duration::from_secs(60), async {
        while survivor_activations.load(Ordering::SeqCst) < at_kill + MORE {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    let after_kill = survivor_activations.load(Ordering::SeqCst) - at_kill;
    stop.store(true, Ordering::SeqCst);
    for t in tasks {
        let _ = t.await;
    }
    assert!(
        waited.is_ok(),
        "the survivor stopped activating after the kill ({at_kill} before it, {after_kill} after)"
    );

    let Activations {
        half_activated,
        activated,
        recorded,
    } = Activations::count(&db);
    assert_eq!(half_activated, 0, "no user is half-activated");
    assert!(
        recorded > USERS as i64,
        "the burst was still running when the instance was killed ({recorded})"
    );
    // The survivor serves everyone, the killed instance's users too: the activated ones are asked
    // for a code, the others signed in.
    let mut asked = 0;
    for i in 0..USERS {
        let page = Browser::new(&survivor.base)
            .login(&format!("u{i}"), "burst-password")
            .await;
        assert!(
            matches!(page.location(), Some("/") | Some("/login/code")),
            "{:?} {}",
            page.status,
            page.main()
        );
        asked += i64::from(page.location() == Some("/login/code"));
    }
    assert_eq!(asked, activated);
    println!(
        "activated at the end: {activated} of {USERS} users; {recorded} activations; \
         {at_kill} on the survivor before the kill, {after_kill} after it"
    );
}
