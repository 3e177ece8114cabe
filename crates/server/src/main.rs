//! `authbar-server`: boots the companion 2FA server (config, database, key, listener), or hands a
//! `user` command to [`commands`].

mod commands;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use authbar_server::db::{PgOptions, Target};
use authbar_server::{AppState, Clock, ServerKey, crypto, users};
use clap::{Args, Parser, Subcommand};

use commands::{UserCommand, now, open_db, password_or_random};

#[derive(Debug, Parser)]
#[command(
    name = "authbar-server",
    version,
    about = "Authbar's companion server: password + TOTP login like ABRA Flexi"
)]
struct Cli {
    /// The database: an SQLite file (created and migrated on first use), or a PostgreSQL URL such
    /// as postgres://authbar@db.example/flexi that several instances share (migrated on start).
    #[arg(long, global = true, env = "AUTHBAR_DB", hide_env_values = true,
          default_value = "authbar.sqlite", value_parser = Target::parse)]
    db: Target,
    /// PostgreSQL: the most connections this instance opens.
    #[arg(long, global = true, env = "AUTHBAR_DB_POOL_SIZE", default_value_t = PgOptions::default().pool_size)]
    db_pool_size: u32,
    /// PostgreSQL: a statement running longer is cancelled and the request answered 503.
    #[arg(long, global = true, env = "AUTHBAR_DB_STATEMENT_TIMEOUT_MS",
          default_value_t = PgOptions::default().statement_timeout.as_millis() as u64)]
    db_statement_timeout_ms: u64,
    /// PostgreSQL: how long a request waits for a free connection (and a new connection for the
    /// server) before it is answered 503.
    #[arg(long, global = true, env = "AUTHBAR_DB_WAIT_MS",
          default_value_t = PgOptions::default().acquire_timeout.as_millis() as u64)]
    db_wait_ms: u64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web interface and the API.
    Serve(ServeArgs),
    /// Manage users directly in the database (works while the server runs, and without it).
    #[command(subcommand)]
    User(UserCommand),
}

/// How to serve.
#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the real address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The key that encrypts OTP secrets (created with mode 0600 on first start). Default: the
    /// SQLite database path with `.key` appended; required with PostgreSQL (every instance must
    /// use the same key file).
    #[arg(long)]
    key_file: Option<PathBuf>,
    /// FOR TESTING CLOCK SKEW ONLY: shifts the server's clock by this many seconds.
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    clock_offset_secs: i64,
    /// The issuer shown in authenticators (stored as the label prefix, `otpprefix`).
    #[arg(long, default_value = "Authbar Flexi")]
    issuer: String,
    /// The first administrator's password, used only when the database has no users yet
    /// (default: a random one-time password, printed once).
    #[arg(long, env = "AUTHBAR_ADMIN_PASSWORD", hide_env_values = true)]
    admin_password: Option<String>,
    /// The address browsers use, e.g. https://2fa.example.com behind a TLS proxy: https://
    /// makes the cookies Secure with the __Host- prefix, and form posts must come from it.
    #[arg(long)]
    public_url: Option<String>,
}

impl Cli {
    fn pg_options(&self) -> PgOptions {
        PgOptions {
            pool_size: self.db_pool_size,
            statement_timeout: Duration::from_millis(self.db_statement_timeout_ms),
            acquire_timeout: Duration::from_millis(self.db_wait_ms),
        }
    }
}

async fn serve(target: Target, pg: PgOptions, args: ServeArgs) -> Result<()> {
    let ServeArgs {
        listen,
        key_file,
        clock_offset_secs,
        issuer,
        admin_password,
        public_url,
    } = args;
    let key_path = match (key_file, &target) {
        (Some(path), _) => path,
        (None, Target::Sqlite(db_path)) => {
            let mut p = db_path.clone().into_os_string();
            p.push(".key");
            PathBuf::from(p)
        }
        (None, Target::Postgres(_)) => bail!(
            "with a PostgreSQL database, give --key-file: every instance must open the secrets with \
             the same key file"
        ),
    };
    let shown = target.display();
    let db = open_db(&target, &pg)?;
    // A missing or different key would make every sealed secret useless (every 2FA user would get
    // 500): refuse to start instead of creating a new key over them (which would lose them for good).
    let sealed = db.call_sync(|c| users::any_sealed_secret(c))?;
    if sealed.is_some() && !key_path.exists() {
        bail!(
            "the key file {} is missing, but the database {} holds secrets sealed with a key: restore the key \
             file (or pass --key-file), or turn 2FA off for everyone (authbar-server user reset-2fa) and \
             clear pending set-ups before starting with a new key",
            key_path.display(),
            shown
        );
    }
    let key = ServerKey::load_or_create(&key_path)?;
    if let Some((login, secret)) = sealed
        && key.open(&login, &secret).is_err()
    {
        bail!(
            "the key file {} does not open the secrets in {} (tried {login}'s): it is not the key they were \
             sealed with; use the right --key-file",
            key_path.display(),
            shown
        );
    }
    if db.call_sync(|c| users::count(c))? == 0 {
        let (password, generated) = password_or_random(admin_password)?;
        let hash = crypto::hash_password(&password)?;
        let created = db.call_sync(|c| Ok(users::create(c, "admin", &hash, true, now())))?;
        match created {
            // Another instance on the same database started at the same moment and created it.
            Err(users::UserError::LoginTaken(_)) => {
                println!("administrator 'admin' was created by another instance");
            }
            Err(e) => return Err(e.into()),
            Ok(_) if generated => {
                db.call_sync(|c| users::require_password_change(c, "admin"))?;
                println!("created administrator 'admin' with the one-time password: {password}");
                println!("(it is shown only now and must be changed at the first login)");
            }
            Ok(_) => println!("created administrator 'admin' with the given password"),
        }
    }
    if clock_offset_secs != 0 {
        println!(
            "WARNING: the server clock is shifted by {clock_offset_secs} s (--clock-offset-secs, for testing only)"
        );
    }
    let mut state = AppState::new(db, key, Clock::system(clock_offset_secs), issuer)?;
    if let Some(url) = public_url {
        state = state.with_public_url(&url)?;
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    println!("listening on http://{}", listener.local_addr()?);
    authbar_server::serve(listener, state).await
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let pg = cli.pg_options();
    let result = match cli.command {
        Command::User(cmd) => commands::run(&cli.db, &pg, cmd),
        Command::Serve(args) => tokio::runtime::Runtime::new()
            .context("cannot start the async runtime")
            .and_then(|rt| rt.block_on(serve(cli.db, pg, args))),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("authbar-server: error: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}
