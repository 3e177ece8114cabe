//! A real server on port 0 over a temporary SQLite file or a new database in a throwaway PostgreSQL
//! cluster, with a manual clock, and a tiny browser that keeps cookies and reads CSRF fields
//! (`browser.rs`).
//!
//! Behavioural tests are written once and run on both backends with [`on_both_backends!`].

#![allow(dead_code, unused_imports, clippy::unwrap_used)] // each test binary uses a part

#[macro_use]
mod store;
mod browser;
pub mod pg;

pub use browser::*;
pub use store::{Activations, Backend, TestDb};

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use authbar_core::{Account, OtpType, Secret};
use authbar_server::{AppState, Clock, Db, ServerKey, crypto, users};

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
