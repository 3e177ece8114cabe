//! What each subcommand does.

use std::path::Path;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use authbar_core::{
    Account, Algorithm, ImportError, OtpType, PayloadKind, QrPayload, Secret, import_payload,
    import_text, uri,
};

use crate::args::{Cli, CodeParams, Command};
use crate::failure::Failure;
use crate::images::qr_payloads;
use crate::output::{ErrorJson, ImportJson, PayloadJson, print_json};

pub fn run(cli: Cli) -> Result<ExitCode, Failure> {
    match cli.command {
        Command::Code { secret, params } => {
            let account = resolve_account(&secret, &params)?;
            println!("{}", account.code_at(now_or(params.time)?).code);
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify {
            secret,
            code,
            params,
            window,
        } => {
            let account = resolve_account(&secret, &params)?;
            verify(&account, &code, now_or(params.time)?, window)
        }
        Command::Decode {
            images,
            json,
            show_secrets,
        } => decode(&images, json, show_secrets),
        Command::Import {
            input,
            password_file,
        } => crate::import::run(&input, password_file.as_deref()),
        Command::Logo {
            issuer: Some(issuer),
            site,
            list: false,
        } => crate::logo::show(&issuer, site.as_deref()),
        // clap asks for an issuer unless --list is given, and refuses both.
        Command::Logo { .. } => Ok(crate::logo::list()),
    }
}

fn now_or(time: Option<u64>) -> Result<u64, Failure> {
    match time {
        Some(t) => Ok(t),
        None => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .map_err(|_| Failure {
                message: "the system clock is before 1970".into(),
                hint: Some("set the clock, or pass --time UNIX".into()),
                exit_code: crate::failure::BAD_INPUT,
            }),
    }
}

/// The account a SECRET|URI argument names, with explicit flags overriding the URI's parameters.
fn resolve_account(text: &str, params: &CodeParams) -> Result<Account, Failure> {
    let text = text.trim();
    let mut account = match PayloadKind::of(text) {
        PayloadKind::Otpauth => uri::parse(text).map(|p| p.account).map_err(|e| {
            Failure::bad_input(
                format!("bad otpauth:// URI: {e}"),
                "check the URI (format: otpauth://totp/ISSUER:NAME?secret=BASE32&issuer=ISSUER)",
            )
        })?,
        PayloadKind::Migration => {
            return Err(Failure::bad_input(
                "this is a Google Authenticator export, which can hold several accounts",
                "run `authbar import` on it to list the accounts, then pass one account's otpauth:// URI",
            ));
        }
        PayloadKind::Other => {
            let secret = Secret::from_base32(text).map_err(|e| match import_text(text) {
                Err(ImportError::Uri(uri_error)) => Failure::bad_input(
                    format!("not a secret or an otpauth:// URI: {uri_error}"),
                    "pass a base32 secret or an otpauth:// URI",
                ),
                _ => Failure::bad_input(
                    format!("bad secret: {e}"),
                    "pass the secret in base32 (letters A-Z, digits 2-7) or an otpauth:// URI",
                ),
            })?;
            Account::new(OtpType::Totp, secret)
        }
    };
    if let Some(name) = &params.algorithm {
        let algorithm = Algorithm::from_name(name).ok_or_else(|| {
            Failure::bad_input(
                format!("unknown algorithm '{name}': it must be SHA1, SHA256 or SHA512"),
                "use --algorithm SHA1, SHA256 or SHA512",
            )
        })?;
        account = account.with_algorithm(algorithm);
    }
    if let Some(digits) = params.digits {
        account = account
            .with_digits(digits)
            .map_err(|e| Failure::bad_input(e.to_string(), "use --digits 6 to 10"))?;
    }
    if let Some(period) = params.period {
        account = account.with_period(period).map_err(|e| {
            Failure::bad_input(
                e.to_string(),
                "use --period 30 (or another number of seconds ≥ 1)",
            )
        })?;
    }
    if let Some(counter) = params.counter {
        // A counter makes the code counter-based, whatever the URI said.
        account = rebuild_as_hotp(account, counter)?;
    }
    Ok(account)
}

fn rebuild_as_hotp(account: Account, counter: u64) -> Result<Account, Failure> {
    match account.otp_type() {
        OtpType::Hotp => return Ok(account.with_counter(counter)),
        OtpType::Steam => {
            return Err(Failure::bad_input(
                "a Steam account's codes follow the clock; --counter does not apply",
                "leave out --counter (or pass --time UNIX)",
            ));
        }
        OtpType::Totp => {}
    }
    let rebuilt = Account::new(OtpType::Hotp, account.secret().clone())
        .with_label(
            account.issuer().map(str::to_string),
            account.name().to_string(),
        )
        .with_algorithm(account.algorithm())
        .with_counter(counter);
    // The digits came from a valid TOTP account, so they are valid for HOTP too.
    rebuilt
        .with_digits(account.digits())
        .map_err(|e| Failure::bad_input(e.to_string(), "use --digits 6 to 10"))
}

fn verify(account: &Account, code: &str, now: u64, window: u64) -> Result<ExitCode, Failure> {
    if !account.accepts_code_shape(code) {
        let shape = match account.otp_type() {
            OtpType::Steam => "a 5-character Steam code".to_string(),
            _ => format!("a {}-digit code", account.digits()),
        };
        eprintln!("authbar: invalid: '{code}' is not {shape}");
        return Ok(ExitCode::from(1));
    }
    match account.verify(code, now, window) {
        Some(m) => {
            println!("{}", m.offset);
            Ok(ExitCode::SUCCESS)
        }
        None => {
            eprintln!(
                "authbar: invalid: the code does not match within {window} step(s) of the current one"
            );
            Ok(ExitCode::from(1))
        }
    }
}

fn decode(
    images: &[std::path::PathBuf],
    json: bool,
    show_secrets: bool,
) -> Result<ExitCode, Failure> {
    let mut all_found = true;
    let mut entries = Vec::new();
    for path in images {
        let payloads = qr_payloads(path)?;
        if payloads.is_empty() {
            eprintln!("authbar: no QR code found in {}", path.display());
            all_found = false;
        }
        for payload in &payloads {
            if json {
                entries.push(payload_json(path, payload, show_secrets));
            } else {
                println!("{}", payload.text);
            }
        }
    }
    if json {
        print_json(&entries);
    }
    Ok(if all_found {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn payload_json(path: &Path, payload: &QrPayload, show_secrets: bool) -> PayloadJson {
    let kind = match payload.kind {
        PayloadKind::Otpauth => "otpauth",
        PayloadKind::Migration => "migration",
        PayloadKind::Other => "other",
    };
    // Authenticator payloads carry the secret in their text; other text is shown as is.
    let text = (show_secrets || payload.kind == PayloadKind::Other).then(|| payload.text.clone());
    let (import, error) = match import_payload(payload) {
        Ok(import) => (Some(ImportJson::new(&import, show_secrets)), None),
        Err(e) => (None, Some(ErrorJson::from(&e))),
    };
    PayloadJson {
        file: path.display().to_string(),
        kind,
        text,
        import,
        error,
    }
}
