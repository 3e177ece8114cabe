//! Where a test's data lives: the backend ([`Backend`], and [`on_both_backends!`] to run a test on
//! each), a database of its own ([`TestDb`]), and what a burst of activations left in it.

use std::path::PathBuf;

use authbar_server::Db;
use authbar_server::db::{PgOptions, Target};

use super::pg;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A temporary SQLite file.
    Sqlite,
    /// A new database in this test binary's PostgreSQL cluster.
    Postgres,
}

/// Defines a test once and runs it on both backends: `name::sqlite` and `name::postgres`. The body
/// names the backend with the identifier given (`async fn name(backend: Backend) { … }`).
#[allow(unused_macros)] // not every test binary runs tests on both
macro_rules! on_both_backends {
    ($(#[$attr:meta])* async fn $name:ident($backend:ident: Backend) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            $(#[$attr])*
            async fn sqlite() {
                let $backend = $crate::common::Backend::Sqlite;
                $body
            }

            $(#[$attr])*
            async fn postgres() {
                let $backend = $crate::common::Backend::Postgres;
                $body
            }
        }
    };
}

/// A database for one test: where it is (`--db`) and how an operator reaches it.
#[derive(Debug, Clone)]
pub enum TestDb {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A database (its name) on a cluster.
    Postgres(&'static pg::Cluster, String),
}

impl TestDb {
    /// A new, empty database on `backend`, under `dir` for SQLite.
    pub fn new(backend: Backend, dir: &std::path::Path) -> TestDb {
        match backend {
            Backend::Sqlite => TestDb::Sqlite(dir.join("flexi.sqlite")),
            Backend::Postgres => {
                let cluster = pg::shared();
                TestDb::Postgres(cluster, cluster.new_database())
            }
        }
    }

    /// The `--db` argument.
    pub fn arg(&self) -> String {
        match self {
            TestDb::Sqlite(path) => path.display().to_string(),
            TestDb::Postgres(cluster, name) => cluster.url(name),
        }
    }

    /// The `--db` target.
    pub fn target(&self) -> Target {
        Target::parse(&self.arg()).unwrap()
    }

    /// Opens (and migrates) it: a new pool or connection, as another instance would.
    pub fn open(&self) -> Db {
        self.open_with(&PgOptions::default())
    }

    /// Opens it with these pool settings.
    pub fn open_with(&self, options: &PgOptions) -> Db {
        Db::connect(&self.target(), options).unwrap()
    }

    /// Runs SQL the way an operator would, beside the server: `sqlite3`'s library on the file, or
    /// `psql` on the database.
    pub fn operator_sql(&self, statement: &str) {
        match self {
            TestDb::Sqlite(path) => rusqlite::Connection::open(path)
                .unwrap()
                .execute_batch(statement)
                .unwrap(),
            TestDb::Postgres(cluster, name) => {
                cluster.psql(name, statement);
            }
        }
    }
}

/// What a burst of activations left in the database.
#[derive(Debug)]
pub struct Activations {
    /// Users with a secret but no prefix, a prefix but no secret, or a secret but no accepted step.
    pub half_activated: i64,
    /// Users with 2FA on.
    pub activated: i64,
    /// Activations recorded in the audit log.
    pub recorded: i64,
}

impl Activations {
    pub fn count(db: &Db) -> Activations {
        let count = |sql: &'static str| -> i64 {
            db.call_sync(move |c| c.query_one(sql, &[])?.int(0))
                .unwrap()
        };
        Activations {
            half_activated: count(
                "SELECT count(*) FROM csuzivatel WHERE (otpsecret IS NULL) != (otpprefix IS NULL) \
                 OR (otpsecret IS NOT NULL AND otp_last_step IS NULL)",
            ),
            activated: count("SELECT count(*) FROM csuzivatel WHERE otpsecret IS NOT NULL"),
            recorded: count("SELECT count(*) FROM audit_log WHERE event = '2fa_activated'"),
        }
    }
}
