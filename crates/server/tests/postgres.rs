//! The PostgreSQL backend on its own (issue 13): an unreachable database under a running server (a
//! clear 503 that counts nothing, and recovery when it returns), the `user` commands, bad `--db`
//! settings, and the same schema from both backends' migrations.

#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use authbar_server::db::PgOptions;
use common::pg::Cluster;
use common::{Backend, TestDb, TestServer, signed_in};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_database_is_a_clear_503_that_counts_nothing_and_the_server_recovers() {
    // A cluster of its own, to stop and start.
    let cluster: &'static Cluster = Box::leak(Box::new(Cluster::start()));
    let test_db = TestDb::Postgres(cluster, cluster.new_database());
    let options = PgOptions {
        pool_size: 4,
        statement_timeout: Duration::from_secs(2),
        acquire_timeout: Duration::from_millis(500),
    };
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::serve(test_db.open_with(&options), test_db, dir, |s| s).await;
    server.add_user("pat", "pat-password", false);
    let kept = signed_in(&server, "pat", "pat-password").await;
    let client = reqwest::Client::new();
    let api = || {
        client
            .get(format!("{}/u/pat.json", server.base))
            .basic_auth("pat", Some("pat-password"))
    };

    cluster.stop();
    for password in ["pat-password", "wrong-password"] {
        let page = server.browser().login("pat", password).await;
        page.assert_unavailable();
        page.assert_contains("cannot use its database just now, so nothing was done");
    }
    assert_eq!(
        kept.get("/").await.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "a session that cannot be checked is not let through"
    );
    let resp = api().send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "database_unavailable");

    cluster.restart();
    // The pool replaces its dead connections: the very next requests work.
    let home = kept.get("/").await;
    assert_eq!(
        home.status,
        StatusCode::OK,
        "the session survived: {}",
        home.main()
    );
    assert_eq!(api().send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(server.user("pat").pw_failures, 0, "nothing was counted");
    signed_in(&server, "pat", "pat-password").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_statement_past_its_timeout_is_a_503_and_never_a_free_guess() {
    let dir = tempfile::tempdir().unwrap();
    let test_db = TestDb::new(Backend::Postgres, dir.path());
    let TestDb::Postgres(cluster, name) = test_db.clone() else {
        unreachable!("a PostgreSQL database")
    };
    let options = PgOptions {
        statement_timeout: Duration::from_secs(1),
        ..PgOptions::default()
    };
    let server = TestServer::serve(test_db.open_with(&options), test_db, dir, |s| s).await;
    server.add_user("pat", "pat-password", false);
    // Another session holds the users' table for longer than the statement timeout.
    let mut holder = cluster.psql_in_background(
        &name,
        "BEGIN; LOCK TABLE csuzivatel IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(4); COMMIT;",
    );
    while cluster
        .psql(
            &name,
            "SELECT count(*) FROM pg_locks WHERE relation = 'csuzivatel'::regclass AND granted \
             AND mode = 'AccessExclusiveLock'",
        )
        .trim()
        != "1"
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (b1, b2) = (server.browser(), server.browser());
    let (right, wrong) = tokio::join!(
        b1.login("pat", "pat-password"),
        b2.login("pat", "wrong-password"),
    );
    assert!(holder.wait().unwrap().success());
    for page in [&right, &wrong] {
        // Cancelled by the database before anything was checked: the same answer for both.
        page.assert_unavailable();
    }
    assert_eq!(server.user("pat").pw_failures, 0);
    signed_in(&server, "pat", "pat-password").await;
}

/// Runs the binary; returns its exit code, stdout and stderr.
fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_authbar-server"))
        .args(args)
        .env_remove("AUTHBAR_DB")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_user_commands_work_on_postgresql() {
    let dir = tempfile::tempdir().unwrap();
    let url = TestDb::new(Backend::Postgres, dir.path()).arg();
    let (code, out, err) = cli(&[
        "user",
        "add",
        "novak",
        "--password",
        "novak-password",
        "--db",
        &url,
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "created user novak\n");
    let (code, out, _) = cli(&["user", "list", "--db", &url]);
    assert_eq!((code, out.as_str()), (0, "novak\tuser\t2fa=off\tactive\n"));
    let (code, _, err) = cli(&[
        "user",
        "add",
        "novak",
        "--password",
        "other-password",
        "--db",
        &url,
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("the login 'novak' is already taken"), "{err}");
    let (code, out, _) = cli(&["user", "reset-2fa", "novak", "--db", &url]);
    assert_eq!(
        (code, out.as_str()),
        (0, "two-factor authentication was already off for novak\n")
    );
}

#[test]
fn bad_database_settings_stop_the_server_with_the_rule_and_never_print_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k");
    let key = key.to_str().unwrap();
    // Nothing listens there: a clear error naming the database, its password masked.
    let unreachable = format!(
        "postgres://authbar:s3cret-pw@/flexi?host={}",
        dir.path().display()
    );
    let (code, out, err) = cli(&[
        "serve",
        "--db",
        &unreachable,
        "--key-file",
        key,
        "--db-wait-ms",
        "300",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        err.contains("cannot open the database postgres://authbar:***@/flexi"),
        "{err}"
    );
    assert!(
        !err.contains("s3cret-pw") && !out.contains("s3cret-pw"),
        "{err}"
    );
    // Several instances must share one key: PostgreSQL needs --key-file.
    let url = TestDb::new(Backend::Postgres, dir.path()).arg();
    let (code, _, err) = cli(&["serve", "--db", &url]);
    assert_eq!(code, 1);
    assert!(
        err.contains("with a PostgreSQL database, give --key-file"),
        "{err}"
    );
    let (code, _, err) = cli(&[
        "serve",
        "--db",
        &url,
        "--key-file",
        key,
        "--db-pool-size",
        "0",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("--db-pool-size must be at least 1, got 0"),
        "{err}"
    );
    let (code, _, err) = cli(&["serve", "--db", "mysql://h/flexi"]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "--db takes an SQLite file path or a postgres:// URL, got the scheme 'mysql://'"
        ),
        "{err}"
    );
    let (code, _, err) = cli(&[
        "serve",
        "--db",
        "postgres://h:notaport/flexi",
        "--key-file",
        key,
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read the database URL"), "{err}");
}

#[test]
fn both_backends_have_the_same_tables_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = TestDb::new(Backend::Sqlite, dir.path()).open();
    let postgres = TestDb::new(Backend::Postgres, dir.path()).open();
    let columns = |db: &authbar_server::Db, sql: &'static str| -> Vec<String> {
        let mut rows: Vec<String> = db
            .call_sync(move |c| c.query(sql, &[])?.iter().map(|r| r.text(0)).collect())
            .unwrap();
        rows.sort();
        rows
    };
    let in_sqlite = columns(
        &sqlite,
        "SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
    );
    let in_postgres = columns(
        &postgres,
        "SELECT table_name || '.' || column_name FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name != 'authbar_schema'",
    );
    assert_eq!(in_sqlite, in_postgres);
    assert!(in_postgres.contains(&"csuzivatel.otpprefix".to_string()));
    // The trigger that makes the recovery statement reset the 2FA state exists on both.
    let triggers = |db: &authbar_server::Db, sql: &'static str| columns(db, sql);
    assert_eq!(
        triggers(
            &sqlite,
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        ),
        triggers(
            &postgres,
            "SELECT DISTINCT trigger_name::text FROM information_schema.triggers"
        )
    );
}
