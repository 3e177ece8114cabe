//! Throwaway PostgreSQL clusters for the tests: `initdb` into a temporary directory (as the
//! `postgres` user when the tests run as root, since `initdb` refuses root), `pg_ctl start` on a
//! unix socket in that directory (no TCP port, so nothing clashes), and a watcher process that stops
//! the cluster and deletes the directory when the test process ends. Nothing depends on a system
//! service; Debian's `postgresql` package (installed by `./build.sh setup`) provides the binaries.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// A running cluster.
#[derive(Debug)]
pub struct Cluster {
    bin: PathBuf,
    /// The temporary directory: the data directory `data/`, the socket and the log.
    pub dir: PathBuf,
    as_postgres: bool,
}

/// The binaries of the newest installed PostgreSQL (`/usr/lib/postgresql/<version>/bin`).
fn binaries() -> PathBuf {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    match found.pop() {
        Some((_, bin)) => bin,
        None => panic!(
            "PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin), and the server's \
             tests run against it too: run ./build.sh setup (it installs Debian's postgresql package)"
        ),
    }
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .map(|v| v.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

impl Cluster {
    /// A command for one of the cluster's binaries, run as `postgres` when we are root.
    fn tool(&self, name: &str) -> Command {
        let path = self.bin.join(name);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    fn run(&self, mut command: Command, what: &str) {
        let out = command.stdin(Stdio::null()).output().unwrap();
        assert!(
            out.status.success(),
            "{what} failed: {}{}\nlog: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(self.dir.join("log")).unwrap_or_default()
        );
    }

    /// Creates and starts a new cluster, stopped and deleted when this process ends.
    pub fn start() -> Cluster {
        let bin = binaries();
        let dir = tempfile::Builder::new()
            .prefix("authbar-pg")
            .tempdir()
            .unwrap()
            .keep();
        let as_postgres = is_root();
        if as_postgres {
            let status = Command::new("chown")
                .arg("postgres:")
                .arg(&dir)
                .status()
                .unwrap();
            assert!(status.success(), "chown postgres {}", dir.display());
        }
        let cluster = Cluster {
            bin,
            dir,
            as_postgres,
        };
        let data = cluster.dir.join("data");
        let mut initdb = cluster.tool("initdb");
        initdb
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
                "-D",
            ])
            .arg(&data);
        cluster.run(initdb, "initdb");
        // In the configuration, so that a restart listens in the same place: only a unix socket in
        // the cluster's directory. No fsync (an operating-system crash would lose a test's data,
        // which dies with it anyway), but commits stay synchronous: a killed server (`pg_ctl stop -m
        // immediate`) must keep every committed transaction, as a real one does.
        let settings = format!(
            "\nunix_socket_directories = '{}'\nlisten_addresses = ''\nfsync = off\n\
             full_page_writes = off\nmax_connections = 300\n",
            cluster.dir.display()
        );
        let mut conf = std::fs::OpenOptions::new()
            .append(true)
            .open(data.join("postgresql.conf"))
            .unwrap();
        std::io::Write::write_all(&mut conf, settings.as_bytes()).unwrap();
        cluster.watch_for_exit();
        cluster.restart();
        cluster
    }

    /// Stops the cluster immediately (as a crash would), keeping its data.
    pub fn stop(&self) {
        let mut stop = self.tool("pg_ctl");
        stop.arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "-w", "stop"]);
        self.run(stop, "pg_ctl stop");
    }

    /// Starts the cluster (again).
    pub fn restart(&self) {
        let mut start = self.tool("pg_ctl");
        start
            .arg("-D")
            .arg(self.dir.join("data"))
            .arg("-l")
            .arg(self.dir.join("log"))
            .args(["-w", "start"]);
        self.run(start, "pg_ctl start");
    }

    /// A process that waits for this one to end, then stops the cluster and deletes its directory
    /// (test binaries end with `exit`, so nothing here would run a destructor).
    // The watcher must outlive this process, so it is never waited for.
    #[allow(clippy::zombie_processes)]
    fn watch_for_exit(&self) {
        let pg_ctl = self.bin.join("pg_ctl");
        let as_postgres = if self.as_postgres {
            "runuser -u postgres -- "
        } else {
            ""
        };
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 0.2; done; \
             {as_postgres}'{pg_ctl}' -D '{data}' -m immediate stop; rm -rf '{dir}'",
            pid = std::process::id(),
            pg_ctl = pg_ctl.display(),
            data = self.dir.join("data").display(),
            dir = self.dir.display(),
        );
        Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
    }

    /// The URL of a database on this cluster.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://postgres@/{database}?host={}",
            self.dir.display()
        )
    }

    /// Runs SQL with `psql` (stops at the first error), as an operator would; returns its output.
    pub fn psql(&self, database: &str, sql: &str) -> String {
        let out = Command::new(self.bin.join("psql"))
            .args(["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(&self.dir)
            .args(["-U", "postgres", "-d", database, "-c", sql])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "psql {sql:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Starts `psql` running `sql` in the background (to hold a lock, say); wait for it to end.
    pub fn psql_in_background(&self, database: &str, sql: &str) -> std::process::Child {
        Command::new(self.bin.join("psql"))
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(&self.dir)
            .args(["-U", "postgres", "-d", database, "-c", sql])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .unwrap()
    }

    /// A new, empty database on this cluster; returns its name.
    pub fn new_database(&self) -> String {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!("t{}", NEXT.fetch_add(1, Ordering::SeqCst));
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
        name
    }
}

/// The cluster shared by this test binary's tests (each test makes its own database in it).
pub fn shared() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(Cluster::start)
}
