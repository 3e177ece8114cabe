//! `authbar-server user …`: user administration directly on the database (with or without the
//! server running), for the command line.

use anyhow::{Result, bail};
use authbar_server::db::{Conn, PgOptions, Target};
use authbar_server::{Clock, Db, crypto, users};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user.
    Add {
        /// The new user's login.
        login: String,
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
    List,
    /// Turn a user's 2FA off (the lost-phone path, for a locked-out administrator too).
    #[command(name = "reset-2fa")]
    Reset2fa { login: String },
    /// Clear a user's failed-attempt lock.
    Unlock { login: String },
    /// Set a user's password (also clears the password lock).
    SetPassword {
        /// The user's login.
        login: String,
        /// The new password (default: AUTHBAR_PASSWORD, else a random one-time one, printed once).
        #[arg(long, env = "AUTHBAR_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

/// The system time, unix seconds.
pub fn now() -> i64 {
    Clock::system(0).now_secs() as i64
}

/// The given password (checked against the rules), or a random one-time one: `(password, generated)`.
pub fn password_or_random(given: Option<String>) -> Result<(String, bool)> {
    match given {
        Some(p) => {
            users::check_password(&p)?;
            Ok((p, false))
        }
        None => Ok((crypto::random_token()?[..20].to_string(), true)),
    }
}

/// Ends every session of a user (the command line's changes of credentials end them too, as the web's do).
fn end_sessions_of(conn: &mut dyn Conn, login: &str) -> Result<()> {
    if let Some(user) = users::find(conn, login)? {
        users::end_sessions(conn, user.id, &users::KeepSession::None)?;
    }
    Ok(())
}

/// Opens (creating and migrating) the database.
pub fn open_db(target: &Target, pg: &PgOptions) -> Result<Db> {
    Db::connect(target, pg)
}

/// Runs a `user` command on the database at `target`.
pub fn run(target: &Target, pg: &PgOptions, cmd: UserCommand) -> Result<()> {
    let db = || open_db(target, pg);
    match cmd {
        UserCommand::Add {
            login,
            password,
            admin,
            if_missing,
        } => {
            let db = db()?;
            if if_missing && db.call_sync(|c| users::find(c, &login))?.is_some() {
                println!("user {login} exists already");
                return Ok(());
            }
            users::check_login(&login)?;
            let (password, generated) = password_or_random(password)?;
            let hash = crypto::hash_password(&password)?;
            db.call_sync(|c| Ok(users::create(c, &login, &hash, admin, now())?))?;
            println!(
                "created {} {login}",
                if admin { "administrator" } else { "user" }
            );
            if generated {
                db.call_sync(|c| users::require_password_change(c, &login))?;
                println!("one-time password (to be changed at the first login): {password}");
            }
        }
        UserCommand::List => {
            for u in db()?.call_sync(|c| users::list(c))? {
                println!(
                    "{}\t{}\t2fa={}\t{}",
                    u.login,
                    if u.admin { "admin" } else { "user" },
                    if u.has_2fa() { "on" } else { "off" },
                    if u.locked() { "locked" } else { "active" }
                );
            }
        }
        UserCommand::Reset2fa { login } => {
            let db = db()?;
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
        UserCommand::Unlock { login } => {
            db()?.call_sync(|c| Ok(users::unlock(c, &login, "by command line", now())?))?;
            println!("{login} unlocked");
        }
        UserCommand::SetPassword { login, password } => {
            let db = db()?;
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
