//! The PostgreSQL backend: a pool of connections shared by the handlers of one instance, while every
//! instance keeps all the state that decides a login in the one database.
//!
//! - The pool holds at most [`PgOptions::pool_size`] connections; a request waits at most
//!   [`PgOptions::acquire_timeout`] for one (and a new connection that long for the server), else
//!   the database counts as unavailable: 503 with `Retry-After`, nothing done, nothing counted.
//! - Every statement runs under `statement_timeout` ([`PgOptions::statement_timeout`]): a stuck
//!   query is cancelled by the server and answered 503 like an unreachable database.
//! - A connection is checked before each use (an empty query), so after the database restarts the
//!   pool replaces its dead connections instead of failing a request with each of them.
//!
//! `postgres` (the synchronous client over `tokio-postgres`) runs each connection on a small
//! runtime of its own; queries run on tokio's blocking threads, like the SQLite backend's thread.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls, Statement};

use super::conn::{Cell, Conn, Dialect, Row, Unavailable, Value};

/// The migrations, in order; the table `authbar_schema` records how many have been applied.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_users",
        include_str!("../../migrations/postgres/0001_users.sql"),
    ),
    (
        "0002_sessions",
        include_str!("../../migrations/postgres/0002_sessions.sql"),
    ),
    (
        "0003_audit",
        include_str!("../../migrations/postgres/0003_audit.sql"),
    ),
    (
        "0004_one_time_passwords",
        include_str!("../../migrations/postgres/0004_one_time_passwords.sql"),
    ),
    (
        "0005_api_sessions",
        include_str!("../../migrations/postgres/0005_api_sessions.sql"),
    ),
    (
        "0006_unknown_logins",
        include_str!("../../migrations/postgres/0006_unknown_logins.sql"),
    ),
];

/// The advisory lock that serialises migrations when several instances start at once.
const MIGRATION_LOCK: i64 = 0x0061_7574_6862_6172; // "authbar" in ASCII

/// The pool and time limits (`--db-pool-size`, `--db-statement-timeout-ms`, `--db-wait-ms`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PgOptions {
    /// The most connections this instance opens.
    pub pool_size: u32,
    /// The longest a statement may run before the database cancels it.
    pub statement_timeout: Duration,
    /// The longest a request waits for a free connection, and a new connection for the database.
    pub acquire_timeout: Duration,
}

impl Default for PgOptions {
    fn default() -> Self {
        PgOptions {
            pool_size: 16,
            statement_timeout: Duration::from_secs(5),
            acquire_timeout: Duration::from_secs(2),
        }
    }
}

/// A URL fit for messages and logs: the password (in the user part or a `password=` parameter)
/// replaced by `***`.
pub fn redacted(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (authority_end, _) = rest
        .char_indices()
        .find(|&(_, c)| c == '/' || c == '?')
        .unwrap_or((rest.len(), ' '));
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{name}:***@{host}"),
            None => authority.to_string(),
        },
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => pair.to_string(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{scheme}://{authority}{tail}")
}

/// One pooled connection with its prepared statements.
pub struct PgConnection {
    client: Client,
    statements: HashMap<String, Statement>,
}

impl std::fmt::Debug for PgConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PgConnection")
    }
}

/// Turns the server's `?1` parameters into PostgreSQL's `$1`.
fn placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

/// A lost connection, a timeout, a server shutting down or out of resources, and a serialisation
/// failure are [`Unavailable`] (503, retry); anything else is a bug or a schema problem (500).
fn classify(e: postgres::Error) -> anyhow::Error {
    let transient = match e.code() {
        Some(state) => {
            let code = state.code();
            // 08 connection exception, 53 insufficient resources, 57 operator intervention
            // (57014: statement_timeout), 40001 serialisation failure, 40P01 deadlock.
            ["08", "53", "57"]
                .iter()
                .any(|class| code.starts_with(class))
                || code == "40001"
                || code == "40P01"
        }
        None => {
            e.is_closed() || std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>())
        }
    };
    if transient {
        // The whole chain: `postgres::Error` alone says only "db error".
        Unavailable(format!("{:#}", anyhow::Error::from(e))).into()
    } else {
        e.into()
    }
}

fn cells(row: &postgres::Row) -> Result<Row> {
    let mut out = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let ty = column.type_();
        let cell = if *ty == Type::INT8 {
            row.try_get::<_, Option<i64>>(i)?.map(Cell::Int)
        } else if *ty == Type::INT4 {
            row.try_get::<_, Option<i32>>(i)?
                .map(|v| Cell::Int(v.into()))
        } else if *ty == Type::INT2 {
            row.try_get::<_, Option<i16>>(i)?
                .map(|v| Cell::Int(v.into()))
        } else if *ty == Type::BOOL {
            row.try_get::<_, Option<bool>>(i)?
                .map(|v| Cell::Int(v.into()))
        } else if [Type::TEXT, Type::VARCHAR, Type::NAME, Type::BPCHAR].contains(ty) {
            row.try_get::<_, Option<String>>(i)?.map(Cell::Text)
        } else {
            bail!(
                "column {} has the type {ty}, which the server does not store",
                column.name()
            );
        };
        out.push(cell.unwrap_or(Cell::Null));
    }
    Ok(Row(out))
}

impl PgConnection {
    fn statement(&mut self, sql: &str) -> Result<Statement> {
        if let Some(stmt) = self.statements.get(sql) {
            return Ok(stmt.clone());
        }
        let stmt = self.client.prepare(&placeholders(sql)).map_err(classify)?;
        self.statements.insert(sql.to_string(), stmt.clone());
        Ok(stmt)
    }
}

fn bind<'a>(params: &'a [Value<'a>]) -> Vec<&'a (dyn ToSql + Sync)> {
    params
        .iter()
        .map(|v| match v {
            Value::Int(i) => i as &(dyn ToSql + Sync),
            Value::Text(t) => t as &(dyn ToSql + Sync),
        })
        .collect()
}

impl Conn for PgConnection {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute(&mut self, sql: &str, params: &[Value<'_>]) -> Result<u64> {
        let stmt = self.statement(sql)?;
        self.client.execute(&stmt, &bind(params)).map_err(classify)
    }

    fn query(&mut self, sql: &str, params: &[Value<'_>]) -> Result<Vec<Row>> {
        let stmt = self.statement(sql)?;
        let rows = self.client.query(&stmt, &bind(params)).map_err(classify)?;
        rows.iter().map(cells).collect()
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        self.client.batch_execute(sql).map_err(classify)
    }
}

/// Opens connections for the pool and checks them before use.
#[derive(Debug)]
struct Manager {
    config: postgres::Config,
}

impl r2d2::ManageConnection for Manager {
    type Connection = PgConnection;
    type Error = postgres::Error;

    fn connect(&self) -> Result<PgConnection, postgres::Error> {
        Ok(PgConnection {
            client: self.config.connect(NoTls)?,
            statements: HashMap::new(),
        })
    }

    fn is_valid(&self, conn: &mut PgConnection) -> Result<(), postgres::Error> {
        conn.client.simple_query("").map(|_| ())
    }

    fn has_broken(&self, conn: &mut PgConnection) -> bool {
        conn.client.is_closed()
    }
}

/// The pool. A `postgres::Client` must not be dropped on an async worker thread (it closes itself
/// by blocking on its runtime), so the last handle hands the pool to a thread of its own to close.
struct Holder(Option<r2d2::Pool<Manager>>);

impl Drop for Holder {
    fn drop(&mut self) {
        if let Some(pool) = self.0.take() {
            let _ = std::thread::Builder::new()
                .name("pg-close".into())
                .spawn(move || drop(pool));
        }
    }
}

/// A pool of connections to one PostgreSQL database.
#[derive(Clone)]
pub struct PgDb {
    pool: r2d2::Pool<Manager>,
    _holder: Arc<Holder>,
}

impl std::fmt::Debug for PgDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PgDb")
    }
}

fn checkout(pool: &r2d2::Pool<Manager>) -> Result<r2d2::PooledConnection<Manager>> {
    pool.get().map_err(|e| Unavailable(e.to_string()).into())
}

fn migrate(conn: &mut dyn Conn) -> Result<()> {
    conn.transaction(|c| {
        // Two instances starting together: the second waits here, then finds the work done.
        c.batch(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))?;
        c.batch("CREATE TABLE IF NOT EXISTS authbar_schema (version BIGINT NOT NULL)")?;
        let applied = match c.query_opt("SELECT version FROM authbar_schema", &[])? {
            Some(row) => row.int(0)?,
            None => {
                c.execute("INSERT INTO authbar_schema (version) VALUES (0)", &[])?;
                0
            }
        };
        let applied = usize::try_from(applied)?;
        if applied > MIGRATIONS.len() {
            bail!(
                "the database is at schema version {applied}, newer than this server knows ({}); \
                 use a newer authbar-server",
                MIGRATIONS.len()
            );
        }
        for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(applied) {
            c.batch(sql)
                .with_context(|| format!("migration {name} failed"))?;
            c.execute(
                "UPDATE authbar_schema SET version = ?1",
                crate::params![(index + 1) as i64],
            )?;
        }
        Ok(())
    })
}

impl PgDb {
    /// Opens the pool and migrates the database (waiting at most the acquire timeout for it).
    pub fn connect(url: &str, options: &PgOptions) -> Result<Self> {
        let shown = redacted(url);
        let mut config: postgres::Config = url
            .parse()
            .with_context(|| format!("cannot read the database URL {shown}"))?;
        let timeout_ms = options.statement_timeout.as_millis();
        let extra = format!("-c statement_timeout={timeout_ms}");
        let combined = match config.get_options() {
            Some(given) => format!("{given} {extra}"),
            None => extra,
        };
        config
            .options(&combined)
            .connect_timeout(options.acquire_timeout)
            .keepalives(true);
        if config.get_application_name().is_none() {
            config.application_name("authbar-server");
        }
        if options.pool_size == 0 {
            bail!("--db-pool-size must be at least 1, got 0");
        }
        let pool = r2d2::Pool::builder()
            .max_size(options.pool_size)
            .min_idle(Some(0))
            .connection_timeout(options.acquire_timeout)
            .test_on_check_out(true)
            .error_handler(Box::new(r2d2::NopErrorHandler))
            .build_unchecked(Manager { config });
        let db = PgDb {
            _holder: Arc::new(Holder(Some(pool.clone()))),
            pool,
        };
        db.call_sync(migrate)
            .with_context(|| format!("cannot open the database {shown}"))?;
        Ok(db)
    }

    /// Runs `f` with a pooled connection on a blocking thread.
    pub async fn call<R, F>(&self, f: F) -> Result<R>
    where
        F: FnOnce(&mut dyn Conn) -> Result<R> + Send + 'static,
        R: Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = checkout(&pool)?;
            f(&mut *conn)
        })
        .await
        .map_err(|e| anyhow::anyhow!("a database task failed: {e}"))?
    }

    /// Runs `f` with a pooled connection and waits for it. It runs on a thread of its own: the
    /// client's runtime cannot be started on a thread that is inside one already (an async caller).
    pub fn call_sync<R: Send>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<R> + Send,
    ) -> Result<R> {
        std::thread::scope(|s| {
            s.spawn(|| {
                let mut conn = checkout(&self.pool)?;
                f(&mut *conn)
            })
            .join()
        })
        .map_err(|_| anyhow::anyhow!("a database thread panicked"))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_become_dollar_numbers() {
        assert_eq!(
            placeholders("UPDATE t SET a = ?2 WHERE id = ?1 AND b <= ?12"),
            "UPDATE t SET a = $2 WHERE id = $1 AND b <= $12"
        );
    }

    #[test]
    fn passwords_never_reach_a_message() {
        assert_eq!(
            redacted("postgres://authbar:s3cret@db.example:5432/flexi?sslmode=disable"),
            "postgres://authbar:***@db.example:5432/flexi?sslmode=disable"
        );
        assert_eq!(
            redacted("postgresql:///flexi?host=/run/pg&password=s3cret&user=a"),
            "postgresql:///flexi?host=/run/pg&password=***&user=a"
        );
        assert_eq!(redacted("postgres://h/db"), "postgres://h/db");
    }
}
