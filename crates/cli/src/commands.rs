//! What each subcommand does.

use std::path::Path;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use authbar_core::{
    Account, Algorithm, Import, ImportError, OtpType, PayloadKind, QrPayload, Secret,
    import_payload, import_text, uri,
};
use serde_json::{Value, json};

use crate::args::{Cli, CodeParams, Command};
use crate::failure::Failure;
use crate::images::qr_payloads;

/// Secrets shorter than this get a warning in JSON output (RFC 4226 §4 R6).
const MIN_RECOMMENDED_BITS: usize = 128;

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
        Command::Import { input } => import(&input),
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
        account = rebuild_as_hotp(account, counter);
    }
    Ok(account)
}

fn rebuild_as_hotp(account: Account, counter: u64) -> Account {
    if account.otp_type() == OtpType::Hotp {
        return account.with_counter(counter);
    }
    let rebuilt = Account::new(OtpType::Hotp, account.secret().clone())
        .with_label(
            account.issuer().map(str::to_string),
            account.name().to_string(),
        )
        .with_algorithm(account.algorithm())
        .with_counter(counter);
    // The digits came from a valid account, so this cannot fail; keep the original if it somehow did.
    rebuilt.with_digits(account.digits()).unwrap_or(account)
}

fn verify(account: &Account, code: &str, now: u64, window: u64) -> Result<ExitCode, Failure> {
    let digits = usize::from(account.digits());
    if code.len() != digits || !code.bytes().all(|b| b.is_ascii_digit()) {
        eprintln!("authbar: invalid: '{code}' is not a {digits}-digit code");
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
        print_json(&Value::Array(entries));
    }
    Ok(if all_found {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn payload_json(path: &Path, payload: &QrPayload, show_secrets: bool) -> Value {
    let kind = match payload.kind {
        PayloadKind::Otpauth => "otpauth",
        PayloadKind::Migration => "migration",
        PayloadKind::Other => "other",
    };
    let mut entry = json!({ "file": path.display().to_string(), "kind": kind });
    // Authenticator payloads carry the secret in their text; other text is shown as is.
    if show_secrets || payload.kind == PayloadKind::Other {
        entry["text"] = json!(payload.text);
    }
    match import_payload(payload) {
        Ok(import) => merge(&mut entry, import_json(&import, show_secrets)),
        Err(e) => entry["error"] = error_json(&e),
    }
    entry
}

fn import(input: &str) -> Result<ExitCode, Failure> {
    let path = Path::new(input);
    if !path.is_file() {
        let import = import_text(input).map_err(|e| {
            let hint = if e.code() == "not_authenticator" && !input.contains("://") {
                "pass an otpauth:// URI, an otpauth-migration:// export, or the path of an existing image file"
            } else {
                "check the text: it must be a complete otpauth:// or otpauth-migration:// URI"
            };
            Failure::bad_input(e.to_string(), hint)
        })?;
        print_json(&import_json(&import, true));
        return Ok(ExitCode::SUCCESS);
    }
    let payloads = qr_payloads(path)?;
    if payloads.is_empty() {
        eprintln!("authbar: no QR code found in {}", path.display());
        return Ok(ExitCode::from(1));
    }
    let mut combined = json!({ "accounts": [], "skipped": [], "errors": [] });
    let mut any_ok = false;
    let mut first_error = None;
    for payload in &payloads {
        match import_payload(payload) {
            Ok(import) => {
                any_ok = true;
                merge(&mut combined, import_json(&import, true));
            }
            Err(e) => {
                push(&mut combined, "errors", error_json(&e));
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

fn import_json(import: &Import, show_secrets: bool) -> Value {
    let accounts: Vec<Value> = import
        .accounts
        .iter()
        .map(|a| account_json(a, show_secrets))
        .collect();
    let skipped: Vec<Value> = import
        .skipped
        .iter()
        .map(|s| json!({ "issuer": s.issuer, "name": s.name, "code": s.reason.code(), "reason": s.reason.to_string() }))
        .collect();
    let mut out = json!({ "accounts": accounts, "skipped": skipped });
    if let Some(b) = import.batch {
        out["batch"] = json!({ "index": b.index, "size": b.size, "id": b.id });
    }
    out
}

fn account_json(account: &Account, show_secrets: bool) -> Value {
    let mut value = serde_json::to_value(account).unwrap_or(Value::Null);
    if !show_secrets && let Some(obj) = value.as_object_mut() {
        obj.remove("secret");
    }
    let bits = account.secret().bits();
    value["secretBits"] = json!(bits);
    if bits < MIN_RECOMMENDED_BITS {
        value["warning"] = json!(format!(
            "the secret has only {bits} bits; RFC 4226 asks for at least {MIN_RECOMMENDED_BITS}"
        ));
    }
    if account.otp_type() == OtpType::Totp {
        value.as_object_mut().map(|o| o.remove("counter"));
    } else {
        value.as_object_mut().map(|o| o.remove("period"));
    }
    value
}

fn error_json(e: &ImportError) -> Value {
    json!({ "code": e.code(), "message": e.to_string() })
}

/// Appends the arrays of `from` to those of `into`, and copies its other fields.
fn merge(into: &mut Value, from: Value) {
    if let Value::Object(from) = from {
        for (key, value) in from {
            match value {
                Value::Array(items) => {
                    for item in items {
                        push(into, &key, item);
                    }
                }
                other => into[key.as_str()] = other,
            }
        }
    }
}

fn push(into: &mut Value, key: &str, item: Value) {
    match into.get_mut(key) {
        Some(Value::Array(items)) => items.push(item),
        _ => into[key] = Value::Array(vec![item]),
    }
}

fn print_json(value: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}
