//! The SQLite backend: opening the file, the numbered migrations, one thread that serves the
//! connection, and [`Conn`] over rusqlite.

use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};

use anyhow::{Context, Result, bail};
use rusqlite::Connection;
use rusqlite::types::{ToSqlOutput, ValueRef};

use super::conn::{Cell, Conn, Dialect, Row, Unavailable, Value};

/// The migrations, in order; `PRAGMA user_version` records how many have been applied.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_users",
        include_str!("../../migrations/sqlite/0001_users.sql"),
    ),
    (
        "0002_sessions",
        include_str!("../../migrations/sqlite/0002_sessions.sql"),
    ),
    (
        "0003_audit",
        include_str!("../../migrations/sqlite/0003_audit.sql"),
    ),
    (
        "0004_one_time_passwords",
        include_str!("../../migrations/sqlite/0004_one_time_passwords.sql"),
    ),
    (
        "0005_api_sessions",
        include_str!("../../migrations/sqlite/0005_api_sessions.sql"),
    ),
    (
        "0006_unknown_logins",
        include_str!("../../migrations/sqlite/0006_unknown_logins.sql"),
    ),
];

/// Creates the database file readable by its owner only, and takes group and other access away from
/// an existing one and its `-wal` and `-shm` files (other users of the machine must not read
/// them). SQLite creates `-wal` and `-shm`
/// with the main file's permissions, so a 0600 database keeps them 0600.
fn make_private(path: &Path) -> Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    if !path.exists() {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .with_context(|| format!("cannot create the database {}", path.display()))?;
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let file = Path::new(&file);
        if let Ok(meta) = std::fs::metadata(file)
            && meta.permissions().mode() & 0o077 != 0
        {
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))
                .with_context(|| format!("cannot make {} private (chmod 600)", file.display()))?;
        }
    }
    Ok(())
}

/// Opens (creating if needed, mode 0600) and migrates the database file.
pub fn open(path: &Path) -> Result<Connection> {
    make_private(path)?;
    let mut conn = Connection::open(path)
        .with_context(|| format!("cannot open the database {}", path.display()))?;
    // WAL keeps readers and the writer apart and, with synchronous=NORMAL, loses no committed
    // transaction when the process is killed; foreign keys make deleting a user delete its sessions.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Every query of a request is cached (the default 16 would evict some under the API load).
    conn.set_prepared_statement_cache_capacity(64);
    migrate(&mut conn)
        .with_context(|| format!("cannot migrate the database {}", path.display()))?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let applied: usize = conn
        .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))?
        .try_into()?;
    if applied > MIGRATIONS.len() {
        bail!(
            "the database is at schema version {applied}, newer than this server knows ({}); \
             use a newer authbar-server",
            MIGRATIONS.len()
        );
    }
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(applied) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)
            .with_context(|| format!("migration {name} failed"))?;
        tx.pragma_update(None, "user_version", (index + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

/// A shared connection, served by one thread of its own. SQLite allows one writer at a time anyway and
/// queries take microseconds; a single warm thread taking jobs in turn avoids waking a pool thread
/// per query and dozens of threads contending for the connection under load (the API benchmark's
/// tail latency), and keeps the async workers free.
#[derive(Clone)]
pub struct SqliteDb {
    conn: Arc<Mutex<Connection>>,
    jobs: mpsc::Sender<Job>,
}

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

impl std::fmt::Debug for SqliteDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteDb")
    }
}

/// Locks the connection; a panic in an earlier job does not make it unusable.
fn lock(conn: &Mutex<Connection>) -> std::sync::MutexGuard<'_, Connection> {
    conn.lock().unwrap_or_else(|p| p.into_inner())
}

impl SqliteDb {
    /// Wraps an open connection and starts its thread (which ends when the last `Db` is dropped).
    pub fn new(conn: Connection) -> Self {
        let conn = Arc::new(Mutex::new(conn));
        let (jobs, queue) = mpsc::channel::<Job>();
        let served = conn.clone();
        let spawned = std::thread::Builder::new()
            .name("sqlite".into())
            .spawn(move || {
                for job in queue {
                    job(&mut lock(&served));
                }
            });
        if let Err(e) = spawned {
            // Calls then fail with "the database thread is gone"; the command line still works.
            eprintln!("authbar-server: cannot start the database thread: {e}");
        }
        SqliteDb { conn, jobs }
    }

    /// Runs `f` with the connection on the database thread.
    pub async fn call<R, F>(&self, f: F) -> Result<R>
    where
        F: FnOnce(&mut dyn Conn) -> Result<R> + Send + 'static,
        R: Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move |conn| {
                let _ = reply.send(f(conn));
            }))
            .map_err(|_| anyhow::anyhow!("the database thread is gone"))?;
        answer
            .await
            .map_err(|_| anyhow::anyhow!("the database thread stopped during a query"))?
    }

    /// Runs `f` with the connection on the current thread (for the command-line tools).
    pub fn call_sync<R>(&self, f: impl FnOnce(&mut dyn Conn) -> Result<R>) -> Result<R> {
        f(&mut *lock(&self.conn))
    }
}

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Int(v) => ValueRef::Integer(*v),
            Value::Text(v) => ValueRef::Text(v.as_bytes()),
        }))
    }
}

/// A busy or locked database (another process holds the write lock past the busy timeout) is
/// [`Unavailable`]: the request did nothing and may be retried (never a free guess).
fn classify(e: rusqlite::Error) -> anyhow::Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            Unavailable(e.to_string()).into()
        }
        _ => e.into(),
    }
}

fn cell(value: ValueRef<'_>) -> Result<Cell> {
    Ok(match value {
        ValueRef::Null => Cell::Null,
        ValueRef::Integer(v) => Cell::Int(v),
        ValueRef::Text(t) => Cell::Text(String::from_utf8(t.to_vec())?),
        ValueRef::Real(_) | ValueRef::Blob(_) => {
            bail!("the database returned a real or a blob where the server stores none")
        }
    })
}

impl Conn for Connection {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute(&mut self, sql: &str, params: &[Value<'_>]) -> Result<u64> {
        let mut stmt = self.prepare_cached(sql).map_err(classify)?;
        let n = stmt
            .execute(rusqlite::params_from_iter(params))
            .map_err(classify)?;
        Ok(n as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value<'_>]) -> Result<Vec<Row>> {
        let mut stmt = self.prepare_cached(sql).map_err(classify)?;
        let width = stmt.column_count();
        let mut rows = stmt
            .query(rusqlite::params_from_iter(params))
            .map_err(classify)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(classify)? {
            let cells = (0..width)
                .map(|i| cell(row.get_ref(i)?))
                .collect::<Result<Vec<_>>>()?;
            out.push(Row(cells));
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        self.execute_batch(sql).map_err(classify)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_once_and_refuses_future_schemas() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.sqlite");
        drop(open(&path).unwrap());
        let conn = open(&path).unwrap(); // idempotent
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let err = open(&path).unwrap_err();
        assert!(
            format!("{err:#}").contains("schema version 99, newer than this server knows"),
            "{err:#}"
        );
    }
}
