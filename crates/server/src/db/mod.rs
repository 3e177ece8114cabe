//! The store: one connection API ([`Conn`]) that every query in the server goes through, over two
//! backends: an embedded SQLite file (the default, [`sqlite`]) or a PostgreSQL database shared by
//! several instances ([`postgres`]). Both get the same numbered migrations (`migrations/sqlite/`,
//! `migrations/postgres/`: the same tables and columns, each in its own dialect).
//!
//! Queries are written once, with `?1`-style parameters (the PostgreSQL backend turns them into
//! `$1`); the few places where the dialects differ ask [`Conn::dialect`].

mod conn;
pub mod postgres;
pub mod sqlite;

use std::path::PathBuf;

use anyhow::Result;

pub use self::conn::{Cell, Conn, Dialect, Row, Unavailable, Value};
pub use self::postgres::PgOptions;
pub use self::sqlite::open;
/// Where the data lives: `--db path.sqlite` or `--db postgres://user@host/database`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An SQLite file (created on first use).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (`postgres://` or `postgresql://`).
    Postgres(String),
}

impl Target {
    /// Reads `--db`: a `postgres://` or `postgresql://` URL, else a file path. Another `scheme://`
    /// is refused rather than taken for a file name.
    pub fn parse(text: &str) -> Result<Target, String> {
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            return Ok(Target::Postgres(text.to_string()));
        }
        if let Some((scheme, _)) = text.split_once("://")
            && !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+')
        {
            return Err(format!(
                "--db takes an SQLite file path or a postgres:// URL, got the scheme '{scheme}://'"
            ));
        }
        if text.is_empty() {
            return Err("--db must not be empty".into());
        }
        Ok(Target::Sqlite(PathBuf::from(text)))
    }

    /// The target as it may be printed: a URL without its password.
    pub fn display(&self) -> String {
        match self {
            Target::Sqlite(path) => path.display().to_string(),
            Target::Postgres(url) => postgres::redacted(url),
        }
    }
}

/// The database, shared by every handler: an SQLite file served by one thread, or a pool of
/// PostgreSQL connections.
#[derive(Clone, Debug)]
pub struct Db(Backend);

#[derive(Clone, Debug)]
enum Backend {
    Sqlite(sqlite::SqliteDb),
    Postgres(postgres::PgDb),
}

impl Db {
    /// Wraps an open (and migrated, see [`open`]) SQLite connection.
    pub fn new(conn: rusqlite::Connection) -> Self {
        Db(Backend::Sqlite(sqlite::SqliteDb::new(conn)))
    }

    /// Opens and migrates the database at `target` (PostgreSQL with the pool settings `pg`).
    pub fn connect(target: &Target, pg: &PgOptions) -> Result<Self> {
        Ok(match target {
            Target::Sqlite(path) => Db::new(open(path)?),
            Target::Postgres(url) => Db(Backend::Postgres(postgres::PgDb::connect(url, pg)?)),
        })
    }

    /// Which dialect the database speaks.
    pub fn dialect(&self) -> Dialect {
        match &self.0 {
            Backend::Sqlite(_) => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Runs `f` with a connection, off the async runtime.
    pub async fn call<R, F>(&self, f: F) -> Result<R>
    where
        F: FnOnce(&mut dyn Conn) -> Result<R> + Send + 'static,
        R: Send + 'static,
    {
        match &self.0 {
            Backend::Sqlite(db) => db.call(f).await,
            Backend::Postgres(db) => db.call(f).await,
        }
    }

    /// Runs `f` with a connection, blocking the caller (the command-line tools, tests).
    pub fn call_sync<R: Send>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<R> + Send,
    ) -> Result<R> {
        match &self.0 {
            Backend::Sqlite(db) => db.call_sync(f),
            Backend::Postgres(db) => db.call_sync(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_targets_are_a_postgres_url_or_a_path() {
        assert_eq!(
            Target::parse("postgres://u:pw@h/db"),
            Ok(Target::Postgres("postgres://u:pw@h/db".into()))
        );
        assert_eq!(
            Target::parse("PostgreSQL://h/db"),
            Ok(Target::Postgres("PostgreSQL://h/db".into()))
        );
        assert_eq!(
            Target::parse("data/flexi.sqlite"),
            Ok(Target::Sqlite("data/flexi.sqlite".into()))
        );
        assert_eq!(
            Target::parse("mysql://h/db"),
            Err(
                "--db takes an SQLite file path or a postgres:// URL, got the scheme 'mysql://'"
                    .into()
            )
        );
        assert_eq!(Target::parse(""), Err("--db must not be empty".into()));
        assert_eq!(
            Target::parse("postgres://u:secret@h/db").unwrap().display(),
            "postgres://u:***@h/db"
        );
    }

    #[test]
    fn rows_name_the_column_and_the_type_they_expected() {
        let row = Row(vec![Cell::Int(1), Cell::Null, Cell::Text("a".into())]);
        assert_eq!(row.int(0).unwrap(), 1);
        assert_eq!(row.opt_text(1).unwrap(), None);
        assert_eq!(
            row.int(2).unwrap_err().to_string(),
            "column 2 is text, expected an integer"
        );
        assert_eq!(
            row.text(1).unwrap_err().to_string(),
            "column 1 is NULL, expected text"
        );
        assert_eq!(
            row.int(3).unwrap_err().to_string(),
            "the query returned no column 3"
        );
    }
}
