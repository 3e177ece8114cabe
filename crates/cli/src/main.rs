//! `authbar`: one-time codes from the command line (like `oathtool`), plus QR and export import.

mod args;
mod commands;
mod failure;
mod images;
mod import;
mod logo;
mod output;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("authbar: error: {}", failure.message);
            if let Some(hint) = &failure.hint {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(failure.exit_code)
        }
    }
}
