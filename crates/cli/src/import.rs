//! `authbar import INPUT [--password-file PATH]`: a URI, an image with QR codes, or any export file
//! the core reads, told apart by content; the password of an encrypted export comes from a file or a
//! prompt, never from the command line.

use std::io::IsTerminal as _;
use std::path::Path;
use std::process::ExitCode;

use authbar_core::{Coded, ImportError, import_file, import_payload, import_text, is_link};
use zeroize::Zeroizing;

use crate::failure::Failure;
use crate::images::qr_payloads;
use crate::output::{ImportJson, print_json};

pub fn run(input: &str, password_file: Option<&Path>) -> Result<ExitCode, Failure> {
    let path = Path::new(input);
    if !path.is_file() {
        let import = import_text(input).map_err(|e| {
            let hint = if e.code() == "not_authenticator" && !is_link(input) {
                "pass an otpauth:// URI, an otpauth-migration:// export, or the path of an existing file"
            } else {
                "check the text: it must be a complete otpauth:// or otpauth-migration:// URI"
            };
            Failure::bad_input(e.to_string(), hint)
        })?;
        print_json(&ImportJson::new(&import, true));
        return Ok(ExitCode::SUCCESS);
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Failure::bad_input(
            format!("cannot read {}: {e}", path.display()),
            "check the file's path and permissions",
        )
    })?;
    // An image is searched for QR codes; anything else is an export file. Both by content.
    if image::guess_format(&bytes).is_ok() {
        return import_image(path);
    }
    let mut password = match password_file {
        Some(file) => Some(read_password_file(file)?),
        None => None,
    };
    let result = match import_file(&bytes, password.as_deref().map(String::as_str)) {
        Err(ImportError::PasswordRequired { format }) if password.is_none() => {
            password = Some(prompt(&format!("Password for this {format}: "))?);
            import_file(&bytes, password.as_deref().map(String::as_str))
        }
        other => other,
    };
    let import = result.map_err(|e| file_failure(path, &e))?;
    print_json(&ImportJson::new(&import, true));
    Ok(ExitCode::SUCCESS)
}

fn file_failure(path: &Path, e: &ImportError) -> Failure {
    let hint = match e {
        ImportError::PasswordRequired { .. } => {
            "pass --password-file PATH (the password on its first line), or run in a terminal to be asked"
        }
        ImportError::WrongPassword { .. } => {
            "check the password; with --password-file, the first line of the file is used, without its line break"
        }
        ImportError::Corrupt { .. } => {
            "the file is damaged or incomplete; export it again from the app"
        }
        ImportError::UnsupportedVersion { .. } => {
            "export again with the app's plain (unencrypted) backup, or update Authbar"
        }
        ImportError::Unsupported { .. } => "export again from the app as the message says",
        _ => {
            "give an export file of a supported app, an image with QR codes, or an otpauth:// link"
        }
    };
    Failure::bad_input(format!("{}: {e}", path.display()), hint)
}

/// The first line of the file, its line break removed.
fn read_password_file(file: &Path) -> Result<Zeroizing<String>, Failure> {
    let text = Zeroizing::new(std::fs::read_to_string(file).map_err(|e| {
        Failure::bad_input(
            format!("cannot read the password file {}: {e}", file.display()),
            "give a readable UTF-8 text file whose first line is the password",
        )
    })?);
    let line = text.split('\n').next().unwrap_or("");
    Ok(Zeroizing::new(
        line.strip_suffix('\r').unwrap_or(line).to_string(),
    ))
}

/// Asks on the terminal with echo off; without a terminal, asks for --password-file instead.
fn prompt(question: &str) -> Result<Zeroizing<String>, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::bad_input(
            question
                .trim_end_matches(": ")
                .replace("Password for", "a password is needed for"),
            "pass --password-file PATH (the password on its first line)",
        ));
    }
    rpassword::prompt_password(question)
        .map(Zeroizing::new)
        .map_err(|e| {
            Failure::bad_input(
                format!("cannot read the password: {e}"),
                "pass --password-file PATH instead",
            )
        })
}

fn import_image(path: &Path) -> Result<ExitCode, Failure> {
    let payloads = qr_payloads(path)?;
    if payloads.is_empty() {
        eprintln!("authbar: no QR code found in {}", path.display());
        return Ok(ExitCode::from(1));
    }
    let mut combined = ImportJson::default();
    combined.add_error(None);
    let mut any_ok = false;
    let mut first_error = None;
    for payload in &payloads {
        match import_payload(payload) {
            Ok(import) => {
                any_ok = true;
                combined.add(&import, true);
            }
            Err(e) => {
                combined.add_error(Some(&e));
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) if !any_ok => Err(Failure::bad_input(
            format!("{}: {e}", path.display()),
            "this image's QR code is not an authenticator setup code; use the QR the service shows for 2FA",
        )),
        _ => {
            print_json(&combined);
            Ok(ExitCode::SUCCESS)
        }
    }
}
