//! `authbar-server`: boots the companion 2FA server, or acts on its database directly.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use authbar_server::{AppState, Clock, Db, ServerKey, crypto, db, users};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "authbar-server",
    version,
    about = "Authbar's companion server: password + TOTP login like ABRA Flexi"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web interface and the API.
    Serve {
        /// The SQLite database file (created and migrated on start).
        #[arg(long, default_value = "authbar.sqlite")]
        db: PathBuf,
        /// Address to listen on (port 0 picks a free port; the real address is printed).
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// The key that encrypts OTP secrets (created with mode 0600 on first start). Default: the
        /// database path with `.key` appended.
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
    },
    /// Manage users directly in the database (works while the server runs, and without it).
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create a user.
    Add {
        login: String,
        #[arg(long, default_value = "authbar.sqlite")]
        db: PathBuf,
        /// The password (default: AUTHBAR_PASSWORD, else a random one, printed once).
        #[arg(long, env = "AUTHBAR_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// Make the user an administrator.
        #[arg(long)]
        admin: bool,
        /// Succeed without changes when the login exists already.
        #[arg(long)]
        if_missing: bool,
    },
    /// List users with their 2FA and lock state.
    List {
        #[arg(long, default_value = "authbar.sqlite")]
        db: PathBuf,
    },
    /// Turn a user's 2FA off (the lost-phone path, for a locked-out administrator too).
    #[command(name = "reset-2fa")]
    Reset2fa {
        login: String,
        #[arg(long, default_value = "authbar.sqlite")]
        db: PathBuf,
    },
    /// Clear a user's failed-attempt lock.
    Unlock {
        login: String,
        #[arg(long, default_value = "authbar.sqlite")]
        db: PathBuf,
    },
    /// Set a user's password (also clears the password lock).
    SetPassword {
        login: String,
        #[arg(long, default_value = "authbar.sqlite")]
        db: PathBuf,
        #[arg(long, env = "AUTHBAR_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

fn now() -> i64 {
    Clock::system(0).now_secs() as i64
}

fn password_or_random(given: Option<String>) -> Result<(String, bool)> {
    match given {
        Some(p) => {
            users::check_password(&p)?;
            Ok((p, false))
        }
        None => Ok((crypto::random_token()?[..20].to_string(), true)),
    }
}

/// Ends every session of a user (the command line's changes of credentials; finding 5).
fn end_sessions_of(conn: &rusqlite::Connection, login: &str) -> Result<()> {
    if let Some(user) = users::find(conn, login)? {
        users::end_sessions(conn, user.id, &users::KeepSession::None)?;
    }
    Ok(())
}

fn open_db(path: &Path) -> Result<Db> {
    Ok(Db::new(db::open(path)?))
}

fn user_command(cmd: UserCommand) -> Result<()> {
    match cmd {
        UserCommand::Add {
            login,
            db,
            password,
            admin,
            if_missing,
        } => {
            let db = open_db(&db)?;
            if if_missing && db.call_sync(|c| users::find(c, &login))?.is_some() {
                println!("user {login} exists already");
                return Ok(());
            }
            users::check_login(&login)?;
            let (password, generated) = password_or_random(password)?;
            let hash = crypto::hash_password(&password)?;
            db.call_sync(|c| users::create(c, &login, &hash, admin, now()))?;
            println!(
                "created {} {login}",
                if admin { "administrator" } else { "user" }
            );
            if generated {
                db.call_sync(|c| users::require_password_change(c, &login))?;
                println!("one-time password (to be changed at the first login): {password}");
            }
        }
        UserCommand::List { db } => {
            for u in open_db(&db)?.call_sync(|c| users::list(c))? {
                println!(
                    "{}\t{}\t2fa={}\t{}",
                    u.login,
                    if u.admin { "admin" } else { "user" },
                    if u.has_2fa() { "on" } else { "off" },
                    if u.locked() { "locked" } else { "active" }
                );
            }
        }
        UserCommand::Reset2fa { login, db } => {
            let db = open_db(&db)?;
            if db.call_sync(|c| users::find(c, &login))?.is_none() {
                bail!("no user with the login '{login}'");
            }
            let changed = db.call_sync(|c| {
                let changed =
                    users::clear_2fa(c, &login, "2fa_disabled_by_admin", "by command line", now())?;
                end_sessions_of(c, &login)?;
                Ok(changed)
            })?;
            println!(
                "two-factor authentication {} for {login}",
                if changed {
                    "disabled"
                } else {
                    "was already off"
                }
            );
        }
        UserCommand::Unlock { login, db } => {
            open_db(&db)?.call_sync(|c| users::unlock(c, &login, "by command line", now()))?;
            println!("{login} unlocked");
        }
        UserCommand::SetPassword {
            login,
            db,
            password,
        } => {
            let db = open_db(&db)?;
            if db.call_sync(|c| users::find(c, &login))?.is_none() {
                bail!("no user with the login '{login}'");
            }
            let (password, generated) = password_or_random(password)?;
            let hash = crypto::hash_password(&password)?;
            db.call_sync(|c| {
                users::set_password(c, &login, &hash, now())?;
                end_sessions_of(c, &login)
            })?;
            println!("password set for {login}; every session of {login} has ended");
            if generated {
                db.call_sync(|c| users::require_password_change(c, &login))?;
                println!("one-time password (to be changed at the first login): {password}");
            }
        }
    }
    Ok(())
}

async fn serve(
    db_path: PathBuf,
    listen: SocketAddr,
    key_file: Option<PathBuf>,
    clock_offset_secs: i64,
    issuer: String,
    admin_password: Option<String>,
    public_url: Option<String>,
) -> Result<()> {
    let key_path = key_file.unwrap_or_else(|| {
        let mut p = db_path.clone().into_os_string();
        p.push(".key");
        PathBuf::from(p)
    });
    let db = open_db(&db_path)?;
    // A missing or different key would make every sealed secret useless (every 2FA user would get
    // 500): refuse to start instead of creating a new key over them (finding 14).
    let sealed = db.call_sync(|c| users::any_sealed_secret(c))?;
    if sealed.is_some() && !key_path.exists() {
        bail!(
            "the key file {} is missing, but the database {} holds secrets sealed with a key: restore the key \
             file (or pass --key-file), or turn 2FA off for everyone (authbar-server user reset-2fa) and \
             clear pending set-ups before starting with a new key",
            key_path.display(),
            db_path.display()
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
            db_path.display()
        );
    }
    if db.call_sync(|c| users::count(c))? == 0 {
        let (password, generated) = password_or_random(admin_password)?;
        let hash = crypto::hash_password(&password)?;
        db.call_sync(|c| users::create(c, "admin", &hash, true, now()))?;
        if generated {
            db.call_sync(|c| users::require_password_change(c, "admin"))?;
            println!("created administrator 'admin' with the one-time password: {password}");
            println!("(it is shown only now and must be changed at the first login)");
        } else {
            println!("created administrator 'admin' with the given password");
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
    let result = match cli.command {
        Command::User(cmd) => user_command(cmd),
        Command::Serve {
            db,
            listen,
            key_file,
            clock_offset_secs,
            issuer,
            admin_password,
            public_url,
        } => tokio::runtime::Runtime::new()
            .context("cannot start the async runtime")
            .and_then(|rt| {
                rt.block_on(serve(
                    db,
                    listen,
                    key_file,
                    clock_offset_secs,
                    issuer,
                    admin_password,
                    public_url,
                ))
            }),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("authbar-server: error: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}
