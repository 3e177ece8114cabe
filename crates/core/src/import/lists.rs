//! Formats that hold `otpauth://` links: a text file of links (Ente Auth's plain export, the
//! "Authenticator" extension's text backup, …) and Proton Authenticator's JSON export; plus
//! Stratum's plain backup, and the link-or-secret fields Bitwarden and Proton use.

use serde_json::Value;

use super::error::{Format, ImportError, RULE_MIGRATION, SkipReason};
use super::fields::{self, Params};
use super::{Import, MAX_ENTRIES, Probe, Sniff, ae, import_known};
use crate::account::OtpType;
use crate::otp::Algorithm;
use crate::params::Coded;
use crate::qr::PayloadKind;
use crate::{Account, Secret, uri};

pub(super) const OTPAUTH_PROBE: Probe = Probe {
    format: Format::OtpauthList,
    claims: claims_otpauth,
    marks: &[],
    read: read_otpauth,
};

pub(super) const PROTON_PROBE: Probe = Probe {
    format: Format::Proton,
    claims: claims_proton,
    marks: &["\"entries\"", "\"entry_type\""],
    read: read_proton,
};

pub(super) const STRATUM_PROBE: Probe = Probe {
    format: Format::Stratum,
    claims: claims_stratum,
    marks: &["\"Authenticators\""],
    read: read_stratum,
};

fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
}

fn claims_otpauth(sniff: &Sniff) -> bool {
    sniff
        .text
        .and_then(|t| lines(t).next())
        .is_some_and(|(_, first)| PayloadKind::of(first) != PayloadKind::Other)
}

/// One account per `otpauth://` line and every account of an `otpauth-migration://` line; other
/// lines are reported as skipped, named by their line number.
fn read_otpauth(sniff: &Sniff, _password: Option<&str>) -> Result<Import, ImportError> {
    let text = sniff.text.unwrap_or_default();
    // Counted before any line is parsed: 200,000 lines are refused at once, not after parsing.
    let found = lines(text).count();
    if found > MAX_ENTRIES {
        return Err(ImportError::TooManyEntries { found });
    }
    let mut import = Import::new(Format::OtpauthList);
    for (number, line) in lines(text) {
        let line_name = format!("line {number}");
        match PayloadKind::of(line) {
            PayloadKind::Other => import.push("", &line_name, Err(SkipReason::NotAuthenticator)),
            kind => match import_known(kind, line) {
                Ok(part) => {
                    import
                        .accounts
                        .extend(part.accounts.into_iter().map(repair_label));
                    import.skipped.extend(part.skipped);
                }
                Err(ImportError::Uri(e)) => import.push("", &line_name, Err(SkipReason::Uri(e))),
                Err(e) => import.push(
                    "",
                    &line_name,
                    Err(SkipReason::BadField {
                        field: "otpauth-migration link",
                        found: e.code().to_string(),
                        rule: RULE_MIGRATION,
                    }),
                ),
            },
        }
    }
    Ok(import)
}

/// The "Authenticator" extension double-encodes labels when its Backup page is opened twice
/// (`%2520` for a space); one more decoding, only where it is clean, restores them.
fn repair_label(mut account: Account) -> Account {
    let issuer = account.issuer().map(ae::repair);
    let name = ae::repair(account.name());
    account.rename(issuer, name);
    account
}

fn claims_proton(sniff: &Sniff) -> bool {
    matches!(&sniff.json, Some(v @ Value::Object(_))
    if v.get("version").is_some()
        && v.get("entries").and_then(Value::as_array).is_some_and(|e| {
            e.first().is_none_or(|first| first.get("content").is_some())
        }))
}

/// `{"version": 1, "entries": [{"id", "content": {"uri", "entry_type": "Totp"|"Steam", "name"},
/// "note"}]}` (Proton Authenticator's exporter); a Steam entry's `uri` is `steam://SECRET`.
fn read_proton(sniff: &Sniff, _password: Option<&str>) -> Result<Import, ImportError> {
    let Some(json) = &sniff.json else {
        return Err(ImportError::Corrupt {
            format: Format::Proton,
            detail: "it is not JSON".into(),
        });
    };
    if json.get("version").and_then(Value::as_u64) != Some(1) {
        return Err(ImportError::UnsupportedVersion {
            format: Format::Proton,
            found: json["version"].to_string(),
            supported: "version 1",
        });
    }
    let mut import = Import::new(Format::Proton);
    for entry in json["entries"].as_array().into_iter().flatten() {
        let content = entry.get("content").unwrap_or(&Value::Null);
        let name = fields::text_or_empty(content, "name");
        let issuer = match fields::text_or_empty(content, "entry_type") {
            "Steam" => "Steam",
            _ => "",
        };
        let outcome = fields::text(content, "uri")
            .and_then(|uri| link_or_secret(uri.unwrap_or(""), issuer, name));
        import.push(issuer, name, outcome);
    }
    Ok(import)
}

/// A field that holds an `otpauth://` link, a `steam://SECRET` link or a bare base32 secret (a TOTP
/// with the defaults), as Bitwarden's `login.totp` and Proton's `uri` do. The item's own issuer and
/// name fill in what a link leaves out.
pub(super) fn link_or_secret(field: &str, issuer: &str, name: &str) -> Result<Account, SkipReason> {
    let field = field.trim();
    let prefixed = |p: &str| {
        field
            .get(..p.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(p))
    };
    if prefixed("otpauth://") {
        let mut account = uri::parse(field).map_err(SkipReason::Uri)?.account;
        let issuer = account
            .issuer()
            .map(str::to_string)
            .or_else(|| Some(issuer.to_string()));
        let name = match account.name() {
            "" => name.to_string(),
            n => n.to_string(),
        };
        account.rename(issuer, name);
        return Ok(account);
    }
    let (otp_type, secret) = match field.get(..8) {
        Some(p) if p.eq_ignore_ascii_case("steam://") => (OtpType::Steam, &field[8..]),
        _ => (OtpType::Totp, field),
    };
    Params::new(otp_type, fields::base32_secret(Some(secret))?).build(issuer, name)
}

fn claims_stratum(sniff: &Sniff) -> bool {
    matches!(&sniff.json, Some(v @ Value::Object(_)) if v.get("Authenticators").is_some())
}

/// Stratum's plain backup (`doc/BACKUP_FORMAT.md` of Stratum, formerly Authenticator Pro):
/// `{"Authenticators": [{"Type", "Issuer", "Username", "Secret", "Algorithm", "Digits", "Period",
/// "Counter"}], …}` with `Type` 1 HOTP, 2 TOTP, 3 mOTP, 4 Steam, 5 Yandex and `Algorithm` 0 SHA1,
/// 1 SHA256, 2 SHA512.
fn read_stratum(sniff: &Sniff, _password: Option<&str>) -> Result<Import, ImportError> {
    let entries = sniff
        .json
        .as_ref()
        .and_then(|j| j["Authenticators"].as_array())
        .ok_or_else(|| ImportError::Corrupt {
            format: Format::Stratum,
            detail: "'Authenticators' is not a list".into(),
        })?;
    let mut import = Import::new(Format::Stratum);
    for entry in entries {
        let (issuer, name) = fields::label(entry, "Issuer", "Username");
        import.push(&issuer, &name, stratum_account(entry, &issuer, &name));
    }
    Ok(import)
}

fn stratum_account(entry: &Value, issuer: &str, name: &str) -> Result<Account, SkipReason> {
    let otp_type = match fields::number(entry, "Type")? {
        Some(1) => OtpType::Hotp,
        Some(2) => OtpType::Totp,
        Some(4) => OtpType::Steam,
        Some(3) => return Err(unsupported("mOTP")),
        Some(5) => return Err(unsupported("Yandex")),
        other => return Err(unsupported(&format!("{other:?}"))),
    };
    let mut params = Params::new(otp_type, stratum_secret(entry)?);
    params.algorithm = match fields::number(entry, "Algorithm")? {
        None | Some(0) => Algorithm::Sha1,
        Some(1) => Algorithm::Sha256,
        Some(2) => Algorithm::Sha512,
        Some(n) => {
            return Err(SkipReason::UnknownAlgorithm {
                found: n.to_string(),
            });
        }
    };
    params.digits = fields::number(entry, "Digits")?;
    if otp_type.is_timed() {
        params.period = fields::number(entry, "Period")?;
    } else {
        params.counter = fields::number(entry, "Counter")?;
    }
    params.build(issuer, name)
}

fn stratum_secret(entry: &Value) -> Result<Secret, SkipReason> {
    fields::base32_secret(fields::text(entry, "Secret")?)
}

fn unsupported(kind: &str) -> SkipReason {
    SkipReason::UnsupportedType {
        found: kind.to_string(),
    }
}
