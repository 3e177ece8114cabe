//! What `./build.sh run` sets up: it runs `./build.sh demo-setup DB` with the real binary and checks
//! that the administrator the README names can log in ("Also found" in issue 10: `run` used to add
//! only `novak`, so `serve` never created `admin`).

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use authbar_server::{crypto, db, users};

fn demo_setup(db: &Path) -> std::process::Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    Command::new("bash")
        .arg(root.join("build.sh"))
        .arg("demo-setup")
        .arg(db)
        .env("AUTHBAR_SERVER_BIN", env!("CARGO_BIN_EXE_authbar-server"))
        .env_remove("AUTHBAR_PASSWORD")
        .output()
        .unwrap()
}

#[test]
fn build_sh_run_creates_the_administrator_and_the_demo_user_from_the_readme() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flexi.sqlite");
    for round in 0..2 {
        // Twice: `run` on an existing database changes nothing.
        let out = demo_setup(&path);
        assert!(
            out.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut conn = db::open(&path).unwrap();
    let admin = users::find(&mut conn, "admin")
        .unwrap()
        .expect("admin exists");
    assert!(admin.admin, "admin is an administrator");
    assert!(crypto::verify_password(
        "admin-password",
        &admin.password_hash
    ));
    assert!(!admin.must_change_password);
    let novak = users::find(&mut conn, "novak")
        .unwrap()
        .expect("novak exists");
    assert!(!novak.admin);
    assert!(crypto::verify_password(
        "novak-password",
        &novak.password_hash
    ));
    assert_eq!(users::count(&mut conn).unwrap(), 2);
}

#[test]
fn build_sh_demo_setup_without_a_database_path_says_so() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new("bash")
        .arg(root.join("build.sh"))
        .arg("demo-setup")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("usage: ./build.sh demo-setup DATABASE"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
