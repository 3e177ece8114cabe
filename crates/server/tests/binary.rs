//! The real `authbar-server` binary: first start, the `user` commands, and crash safety under kill -9.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::Browser;
use reqwest::StatusCode;

const BIN: &str = env!("CARGO_BIN_EXE_authbar-server");

struct Server {
    child: Child,
    base: String,
    admin_password: Option<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `serve` on port 0 and reads the address (and a generated admin password) from stdout.
// `Server`'s Drop kills and waits for the child.
#[allow(clippy::zombie_processes)]
fn start(db: &Path) -> Server {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(db)
        .env_remove("AUTHBAR_ADMIN_PASSWORD")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut admin_password = None;
    loop {
        let line = lines
            .next()
            .expect("server exited before listening")
            .unwrap();
        if let Some(p) =
            line.strip_prefix("created administrator 'admin' with the one-time password: ")
        {
            admin_password = Some(p.to_string());
        }
        if let Some(addr) = line.strip_prefix("listening on ") {
            // Keep draining stdout so the server never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines {});
            return Server {
                child,
                base: addr.to_string(),
                admin_password,
            };
        }
    }
}

fn cli(db: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .arg("--db")
        .arg(db)
        .env_remove("AUTHBAR_PASSWORD")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn first_start_creates_the_admin_and_user_commands_manage_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("flexi.sqlite");
    let server = start(&db);
    let password = server
        .admin_password
        .clone()
        .expect("a generated one-time password");
    let key = dir.path().join("flexi.sqlite.key");
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let b = Browser::new(&server.base);
    assert_eq!(b.login("admin", &password).await.location(), Some("/"));
    // The one-time password must be replaced before anything else.
    assert_eq!(b.get("/").await.location(), Some("/settings/password"));
    assert_eq!(
        b.get("/admin/users").await.location(),
        Some("/settings/password")
    );
    let page = b.get("/settings/password").await;
    page.assert_contains("works only once");
    let csrf = page.field("csrf").unwrap();
    let changed = b
        .post(
            "/settings/password",
            &[
                ("current", &password),
                ("new", "my-own-password"),
                ("repeat", "my-own-password"),
                ("csrf", &csrf),
            ],
        )
        .await;
    changed.assert_contains("Your password is changed.");
    assert_eq!(b.get("/admin/users").await.status, StatusCode::OK);
    assert_eq!(
        Browser::new(&server.base)
            .login("admin", &password)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        Browser::new(&server.base)
            .login("admin", "my-own-password")
            .await
            .location(),
        Some("/")
    );
    // A second start does not create another administrator.
    drop(server);
    assert_eq!(start(&db).admin_password, None);

    assert_eq!(
        cli(
            &db,
            &["user", "add", "novak", "--password", "novak-password"]
        )
        .0,
        0
    );
    let (code, _, err) = cli(
        &db,
        &["user", "add", "novak", "--password", "novak-password"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("the login 'novak' is already taken"), "{err}");
    let (code, out, _) = cli(&db, &["user", "add", "novak", "--if-missing"]);
    assert_eq!((code, out.trim()), (0, "user novak exists already"));
    let (code, _, err) = cli(&db, &["user", "add", "x", "--password", "short"]);
    assert_eq!(code, 1);
    assert!(err.contains("8 to 1024 characters"), "{err}");
    let (code, _, err) = cli(
        &db,
        &["user", "add", "bad login", "--password", "long-enough"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("a login must be"), "{err}");
    let (_, out, _) = cli(&db, &["user", "add", "gen"]);
    let gen_password = out
        .split_once("one-time password (to be changed at the first login): ")
        .map(|(_, p)| p.trim().to_string())
        .unwrap_or_else(|| panic!("{out}"));
    let (_, out, _) = cli(&db, &["user", "list"]);
    assert!(
        out.contains("admin\tadmin\t2fa=off\tactive")
            && out.contains("novak\tuser\t2fa=off\tactive"),
        "{out}"
    );

    // A 2FA user is recovered from the command line.
    let server = start(&db);
    // A one-time password does not open the API until it is changed on the web.
    let resp = reqwest::Client::new()
        .get(format!("{}/u/gen.json", server.base))
        .basic_auth("gen", Some(&gen_password))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("has a one-time password")
    );
    let b = Browser::new(&server.base);
    assert_eq!(
        b.login("novak", "novak-password").await.location(),
        Some("/")
    );
    common::activate_at(&b, now()).await;
    assert!(
        cli(&db, &["user", "list"])
            .1
            .contains("novak\tuser\t2fa=on")
    );
    assert_eq!(
        Browser::new(&server.base)
            .login("novak", "novak-password")
            .await
            .location(),
        Some("/login/code")
    );
    let (code, out, _) = cli(&db, &["user", "reset-2fa", "novak"]);
    assert_eq!(
        (code, out.trim()),
        (0, "two-factor authentication disabled for novak")
    );
    assert_eq!(
        Browser::new(&server.base)
            .login("novak", "novak-password")
            .await
            .location(),
        Some("/")
    );
    assert_eq!(cli(&db, &["user", "reset-2fa", "ghost"]).0, 1);
    assert_eq!(cli(&db, &["user", "unlock", "novak"]).0, 0);
    assert_eq!(cli(&db, &["user", "unlock", "ghost"]).0, 1);
    assert_eq!(
        cli(
            &db,
            &[
                "user",
                "set-password",
                "novak",
                "--password",
                "another-password"
            ]
        )
        .0,
        0
    );
    assert_eq!(
        Browser::new(&server.base)
            .login("novak", "another-password")
            .await
            .location(),
        Some("/")
    );
    assert_eq!(
        cli(
            &db,
            &[
                "user",
                "set-password",
                "ghost",
                "--password",
                "another-password"
            ]
        )
        .0,
        1
    );
}

#[tokio::test]
async fn a_database_newer_than_the_server_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("flexi.sqlite");
    assert_eq!(cli(&db, &["user", "list"]).0, 0);
    rusqlite::Connection::open(&db)
        .unwrap()
        .pragma_update(None, "user_version", 42)
        .unwrap();
    let (code, _, err) = cli(&db, &["user", "list"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("schema version 42, newer than this server knows"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_a_burst_leaves_a_consistent_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("flexi.sqlite");
    const USERS: usize = 24;
    for i in 0..USERS {
        assert_eq!(
            cli(
                &db,
                &[
                    "user",
                    "add",
                    &format!("u{i}"),
                    "--password",
                    "burst-password"
                ]
            )
            .0,
            0
        );
    }
    let server = start(&db);
    let base = server.base.clone();
    let mut tasks = Vec::new();
    for i in 0..USERS {
        let (base, db_path) = (base.clone(), db.clone());
        tasks.push(tokio::spawn(async move {
            // Each user signs in, then activates a new key over and over (each activation writes the
            // secret in one transaction) until the server dies; between two, the help page's recovery
            // statement turns 2FA off from another connection (replacing an active key would need a
            // code of the old one, and each step's code works once).
            let b = Browser::new(&base);
            let recovery = rusqlite::Connection::open(&db_path).unwrap();
            recovery.busy_timeout(Duration::from_secs(5)).unwrap();
            let login = format!("u{i}");
            match tokio::time::timeout(
                Duration::from_secs(10),
                b.try_login(&login, "burst-password"),
            )
            .await
            {
                Ok(Some(page)) if page.location() == Some("/") => {}
                _ => return,
            }
            while let Ok(Some(_)) =
                tokio::time::timeout(Duration::from_secs(5), b.try_activate(now())).await
            {
                let off = recovery.execute(
                    "update csuzivatel set otpsecret = null, otpprefix = null where jmeno = ?1",
                    [&login],
                );
                if off.is_err() {
                    return;
                }
            }
        }));
    }
    // Kill at a time that varies from run to run, well inside the burst.
    common::sleep_with_jitter(1500).await;
    let mut server = server;
    // SIGKILL: no chance to clean up.
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    for t in tasks {
        let _ = t.await;
    }

    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    drop(conn);
    let common::Activations {
        half_activated,
        activated,
        recorded: activations,
    } = common::Activations::count(&authbar_server::Db::new(
        authbar_server::db::open(&db).unwrap(),
    ));
    assert_eq!(half_activated, 0, "no user is half-activated");
    assert!(
        activations > USERS as i64,
        "the burst was still running when the server was killed ({activations})"
    );

    // The server starts again on the same file and every activated user is asked for a code.
    let server = start(&db);
    let mut asked = 0;
    for i in 0..USERS {
        let page = Browser::new(&server.base)
            .login(&format!("u{i}"), "burst-password")
            .await;
        assert!(
            matches!(page.location(), Some("/") | Some("/login/code")),
            "{:?}",
            page.status
        );
        asked += i64::from(page.location() == Some("/login/code"));
        assert_ne!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    }
    assert_eq!(asked, activated);
    println!("activated before the kill: {activated} of {USERS} users, {activations} activations");
}
