//! `authbar-server`: boots the companion 2FA server (config, database, key, listener), or hands a
//! `user` command to [`commands`].

mod commands;

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
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
    /// The SQLite database file (created and migrated on first use).
    #[arg(long, global = true, default_value = "authbar.sqlite")]
    db: PathBuf,
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
}

async fn serve(db_path: PathBuf, args: ServeArgs) -> Result<()> {
    let ServeArgs {
        listen,
        key_file,
        clock_offset_secs,
        issuer,
        admin_password,
        public_url,
    } = args;
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
        db.call_sync(|c| Ok(users::create(c, "admin", &hash, true, now())?))?;
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
        Command::User(cmd) => commands::run(&cli.db, cmd),
        Command::Serve(args) => tokio::runtime::Runtime::new()
            .context("cannot start the async runtime")
            .and_then(|rt| rt.block_on(serve(cli.db, args))),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("authbar-server: error: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}
