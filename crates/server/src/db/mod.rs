//! The store: one connection API ([`Conn`]) that every query in the server goes through, over two
//! backends: an embedded SQLite file (the default, [`sqlite`]) or a PostgreSQL database shared by
//! several instances ([`postgres`]). Both get the same numbered migrations (`migrations/sqlite/`,
//! `migrations/postgres/`: the same tables and columns, each in its own dialect).
//!
//! Queries are written once, with `?1`-style parameters (the PostgreSQL backend turns them into
//! `$1`); the few places where the dialects differ ask [`Conn::dialect`].

pub mod postgres;
pub mod sqlite;

use std::path::PathBuf;

use anyhow::{Result, bail};

pub use self::postgres::PgOptions;
pub use self::sqlite::open;

/// Which SQL dialect a connection speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite (the embedded file).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A query parameter: every column the server stores is an integer or text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    /// A 64-bit integer (`INTEGER` / `BIGINT`).
    Int(i64),
    /// Text.
    Text(&'a str),
}

impl From<i64> for Value<'_> {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(v: &'a str) -> Self {
        Value::Text(v)
    }
}

impl<'a> From<&'a String> for Value<'a> {
    fn from(v: &'a String) -> Self {
        Value::Text(v)
    }
}

/// Query parameters for [`Conn`]: `params![login, now]`.
#[macro_export]
macro_rules! params {
    ($($v:expr),* $(,)?) => { &[$($crate::db::Value::from($v)),*] };
}

/// One cell of a result row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// SQL NULL.
    Null,
    /// An integer.
    Int(i64),
    /// Text.
    Text(String),
}

/// A result row, read by column index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row(pub Vec<Cell>);

impl Row {
    fn cell(&self, i: usize) -> Result<&Cell> {
        self.0
            .get(i)
            .ok_or_else(|| anyhow::anyhow!("the query returned no column {i}"))
    }

    /// An integer column that may be NULL.
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        match self.cell(i)? {
            Cell::Null => Ok(None),
            Cell::Int(v) => Ok(Some(*v)),
            Cell::Text(_) => bail!("column {i} is text, expected an integer"),
        }
    }

    /// An integer column.
    pub fn int(&self, i: usize) -> Result<i64> {
        self.opt_int(i)?
            .ok_or_else(|| anyhow::anyhow!("column {i} is NULL, expected an integer"))
    }

    /// A text column that may be NULL.
    pub fn opt_text(&self, i: usize) -> Result<Option<String>> {
        match self.cell(i)? {
            Cell::Null => Ok(None),
            Cell::Text(v) => Ok(Some(v.clone())),
            Cell::Int(_) => bail!("column {i} is an integer, expected text"),
        }
    }

    /// A text column.
    pub fn text(&self, i: usize) -> Result<String> {
        self.opt_text(i)?
            .ok_or_else(|| anyhow::anyhow!("column {i} is NULL, expected text"))
    }
}

/// A connection to either backend. Statements are prepared once per connection and cached.
pub trait Conn: Send {
    /// The connection's SQL dialect.
    fn dialect(&self) -> Dialect;
    /// Runs one statement; returns how many rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value<'_>]) -> Result<u64>;
    /// Runs one query; returns every row.
    fn query(&mut self, sql: &str, params: &[Value<'_>]) -> Result<Vec<Row>>;
    /// Runs several statements without parameters (migrations, transaction control).
    fn batch(&mut self, sql: &str) -> Result<()>;
}

impl dyn Conn + '_ {
    /// The first row of a query, if any.
    pub fn query_opt(&mut self, sql: &str, params: &[Value<'_>]) -> Result<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// The first row of a query, which must return one.
    pub fn query_one(&mut self, sql: &str, params: &[Value<'_>]) -> Result<Row> {
        self.query_opt(sql, params)?
            .ok_or_else(|| anyhow::anyhow!("the query returned no row: {sql}"))
    }

    /// Runs `f` in one transaction: committed when it returns `Ok`, rolled back otherwise. On SQLite
    /// the transaction takes the write lock at once (`BEGIN IMMEDIATE`), so two processes never
    /// both read and then both try to write.
    pub fn transaction<R>(&mut self, f: impl FnOnce(&mut dyn Conn) -> Result<R>) -> Result<R> {
        self.batch(match self.dialect() {
            Dialect::Sqlite => "BEGIN IMMEDIATE",
            Dialect::Postgres => "BEGIN",
        })?;
        match f(self) {
            Ok(r) => {
                self.batch("COMMIT")?;
                Ok(r)
            }
            Err(e) => {
                // The statement's error is the one that matters; a failed rollback leaves a
                // connection that the pool discards.
                let _ = self.batch("ROLLBACK");
                Err(e)
            }
        }
    }
}

/// The database is unreachable, busy past its timeout, or restarting: the request did nothing and
/// may be retried, so it is answered 503 (never a success, never a free guess).
#[derive(Debug)]
pub struct Unavailable(pub String);

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the database is unavailable: {}", self.0)
    }
}

impl std::error::Error for Unavailable {}

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
