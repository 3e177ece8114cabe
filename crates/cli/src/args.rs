//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Authbar: TOTP/HOTP codes, otpauth:// URIs, Google Authenticator exports and QR images.
#[derive(Debug, Parser)]
#[command(name = "authbar", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the current code for a base32 secret or an otpauth:// URI (like `oathtool --totp -b`).
    Code {
        /// A base32 secret (spaces, dashes and lower case allowed) or an otpauth:// URI.
        secret: String,
        #[command(flatten)]
        params: CodeParams,
    },
    /// Check a code; exits 0 and prints the step offset when it is valid, 1 when it is not.
    Verify {
        /// A base32 secret or an otpauth:// URI.
        secret: String,
        /// The code to check.
        code: String,
        #[command(flatten)]
        params: CodeParams,
        /// How many steps before and after the current one are accepted (HOTP: after the counter).
        #[arg(long, default_value_t = 1)]
        window: u64,
    },
    /// Print the text of every QR code in images (PNG, JPEG, GIF, WebP, BMP), one per line.
    Decode {
        /// Image files.
        #[arg(required = true)]
        images: Vec<PathBuf>,
        /// Print the accounts each code holds as JSON instead of the raw text.
        #[arg(long)]
        json: bool,
        /// With --json, include the secrets (they are left out by default).
        #[arg(long, requires = "json")]
        show_secrets: bool,
    },
    /// Print, as JSON, the accounts a URI, a Google Authenticator export, a QR image or another
    /// authenticator's export file (Aegis, 2FAS, andOTP, Bitwarden, Ente Auth, Proton Authenticator,
    /// Stratum, the Authenticator extension) would import. The output holds the secrets.
    Import {
        /// An otpauth:// or otpauth-migration:// URI, or the path of an export file or an image.
        input: String,
        /// A file whose first line is the password of an encrypted export (without it, the password
        /// is asked for on a terminal). Never pass a password on the command line.
        #[arg(long, value_name = "PATH")]
        password_file: Option<PathBuf>,
    },
    /// Print the logo an account gets, chosen offline: the brand its site or issuer names (slug,
    /// title, colours and how it matched), or its letter avatar and colours.
    Logo {
        /// The account's issuer (the ISSUER of otpauth://totp/ISSUER:NAME).
        #[arg(required_unless_present = "list")]
        issuer: Option<String>,
        /// The site stored for the account: a host, such as login.github.com.
        #[arg(long, value_name = "HOST", conflicts_with = "list")]
        site: Option<String>,
        /// List every brand instead: slug, title, colour, sign-in domains and the names it
        /// matches, tab-separated, one per line.
        #[arg(long, conflicts_with = "issuer")]
        list: bool,
    },
}

#[derive(Debug, Args)]
pub struct CodeParams {
    /// Unix time in seconds to compute the code for (default: now).
    #[arg(long, value_name = "UNIX")]
    pub time: Option<u64>,
    /// Hash algorithm: SHA1, SHA256 or SHA512 (default SHA1, or the URI's).
    #[arg(long, value_name = "A")]
    pub algorithm: Option<String>,
    /// Digits per code, 6 to 10 (default 6, or the URI's).
    #[arg(long, value_name = "N")]
    pub digits: Option<u8>,
    /// TOTP time step in seconds (default 30, or the URI's).
    #[arg(long, value_name = "S")]
    pub period: Option<u64>,
    /// HOTP counter: computes a counter-based code (default: a hotp URI's own counter).
    #[arg(long, value_name = "N")]
    pub counter: Option<u64>,
}
