//! The "Authenticator" browser extension's JSON backups (version 8), plain and password-protected.
//!
//! The format as observed in real exports of version 8.0.2 (`tests/peers/ae-8.0.2/README.md`): one
//! JSON object whose values are records. `dataType: "OTPStorage"` records are accounts (`type`,
//! `secret`, and `issuer`, `account`, `digits`, `period`, `counter`, `algorithm`, `pinned`, `index`
//! only when they differ from the defaults). A password-protected backup holds instead
//! `dataType: "EncOTPStorage"` records whose `data` is a CryptoJS passphrase ciphertext (AES-256-CBC,
//! `EVP_BytesToKey`-MD5) of the record, and one `dataType: "Key"` record per key: the passphrase and
//! the key's `salt` string go through Argon2id (t = 2, m = 19 456 KiB, p = 1) to 32 bytes, whose
//! unpadded base64 text is the CryptoJS passphrase; the key's `hash` (an Argon2id PHC string of that
//! text) tells a wrong passphrase from damaged data.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::crypto::{self, Argon2Cost};
use super::error::{Format, ImportError, SkipReason};
use super::fields::{self, Params};
use super::{Import, Probe, Sniff};
use crate::account::OtpType;
use crate::{Account, Secret, percent};

const FORMAT: Format = Format::AuthenticatorExtension;

pub(super) const PROBE: Probe = Probe {
    format: FORMAT,
    claims,
    marks: &["\"dataType\""],
    read,
};

/// The Argon2id cost the extension derives a key's passphrase with (README "KDF").
const KEY_COST: Argon2Cost = Argon2Cost {
    m: 19_456,
    t: 2,
    p: 1,
};

fn claims(sniff: &Sniff) -> bool {
    let Some(Value::Object(map)) = &sniff.json else {
        return false;
    };
    !map.is_empty()
        && map.values().any(|record| {
            matches!(
                record.get("dataType").and_then(Value::as_str),
                Some("OTPStorage" | "EncOTPStorage" | "Key")
            )
        })
}

/// One account record with where the extension lists it.
struct Row {
    pinned: bool,
    index: u64,
    issuer: String,
    name: String,
    outcome: Result<Account, SkipReason>,
}

fn read(sniff: &Sniff, password: Option<&str>) -> Result<Import, ImportError> {
    let text = sniff.text.unwrap_or_default();
    // The records' order in the file is the extension's own order (README), which a map loses.
    let records: Ordered = serde_json::from_str(text).map_err(|e| corrupt(e.to_string()))?;
    let mut unlocked: Vec<(String, Zeroizing<String>)> = Vec::new();
    let mut rows = Vec::new();
    for (id, record) in &records.0 {
        match record.get("dataType").and_then(Value::as_str) {
            Some("Key") => {}
            Some("EncOTPStorage") => {
                let Some(password) = password else {
                    return Err(ImportError::PasswordRequired { format: FORMAT });
                };
                let inner = open_record(&records.0, id, record, password, &mut unlocked)?;
                let index = fields::number(record, "index").ok().flatten();
                rows.push(row(&inner, index));
            }
            _ => rows.push(row(record, None)),
        }
    }
    // Pinned accounts first, then by index; equal indices (new entries all get 0) keep file order.
    rows.sort_by_key(|r| (!r.pinned, r.index));
    let mut import = Import::new(FORMAT);
    for r in rows {
        import.push(&r.issuer, &r.name, r.outcome);
    }
    Ok(import)
}

fn corrupt(detail: impl Into<String>) -> ImportError {
    FORMAT.corrupt(detail)
}

/// Decrypts one `EncOTPStorage` record with its key, unlocking each key once.
fn open_record(
    records: &[(String, Value)],
    id: &str,
    record: &Value,
    password: &str,
    unlocked: &mut Vec<(String, Zeroizing<String>)>,
) -> Result<Value, ImportError> {
    let key_id = record.get("keyId").and_then(Value::as_str).unwrap_or("");
    let passphrase = match unlocked.iter().find(|(k, _)| k == key_id) {
        Some((_, p)) => p.clone(),
        None => {
            let key = records
                .iter()
                .map(|(_, r)| r)
                .find(|r| {
                    r.get("dataType").and_then(Value::as_str) == Some("Key")
                        && r.get("id").and_then(Value::as_str) == Some(key_id)
                })
                .ok_or_else(|| {
                    corrupt(format!(
                        "the entry {id} is encrypted with the key '{key_id}', which the file does not hold"
                    ))
                })?;
            let p = unlock(key, password)?;
            unlocked.push((key_id.to_string(), p.clone()));
            p
        }
    };
    let data = record.get("data").and_then(Value::as_str).unwrap_or("");
    let sealed = crypto::base64(data)
        .filter(|b| b.len() > 16 && b.starts_with(b"Salted__"))
        .ok_or_else(|| {
            corrupt(format!(
                "the entry {id}'s data is not a CryptoJS ciphertext (base64 of 'Salted__', salt, data)"
            ))
        })?;
    let (key, iv) = crypto::evp_bytes_to_key(passphrase.as_bytes(), &sealed[8..16]);
    let plain = crypto::aes_cbc_open(&key, &iv, &sealed[16..]).ok_or_else(|| {
        corrupt(format!(
            "the entry {id} does not decrypt (the password was right, so the data was altered)"
        ))
    })?;
    serde_json::from_slice(&plain).map_err(|e| {
        corrupt(format!(
            "the entry {id} decrypts to something that is not JSON: {e}"
        ))
    })
}

/// The CryptoJS passphrase of a `Key` record, after checking it against the record's hash.
fn unlock(key: &Value, password: &str) -> Result<Zeroizing<String>, ImportError> {
    let salt = key
        .get("salt")
        .and_then(Value::as_str)
        .ok_or_else(|| corrupt("the key record has no salt"))?;
    let mut raw = Zeroizing::new([0u8; 32]);
    crypto::argon2id(password.as_bytes(), salt.as_bytes(), KEY_COST, raw.as_mut())
        .map_err(corrupt)?;
    let passphrase = crypto::base64_unpadded(raw.as_ref());
    if let Some(phc) = key.get("hash").and_then(Value::as_str) {
        let (cost, phc_salt, expected) = parse_phc(phc)
            .ok_or_else(|| corrupt("the key record's hash is not an Argon2id PHC string"))?;
        let mut computed = Zeroizing::new(vec![0u8; expected.len()]);
        crypto::argon2id(passphrase.as_bytes(), &phc_salt, cost, &mut computed).map_err(corrupt)?;
        if !bool::from(computed.ct_eq(&expected)) {
            return Err(ImportError::WrongPassword { format: FORMAT });
        }
    }
    Ok(passphrase)
}

/// `$argon2id$v=19$m=…,t=…,p=…$SALT$HASH` (the PHC string format, base64 without padding).
fn parse_phc(phc: &str) -> Option<(Argon2Cost, Vec<u8>, Vec<u8>)> {
    let mut parts = phc.split('$');
    let ("", "argon2id", "v=19", params, salt, hash, None) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next(),
    ) else {
        return None;
    };
    let mut cost = Argon2Cost { m: 0, t: 0, p: 0 };
    for param in params.split(',') {
        let (name, value) = param.split_once('=')?;
        let value: u32 = value.parse().ok()?;
        match name {
            "m" => cost.m = value,
            "t" => cost.t = value,
            "p" => cost.p = value,
            _ => return None,
        }
    }
    let hash = crypto::base64(hash).filter(|h| (4..=64).contains(&h.len()))?;
    Some((cost, crypto::base64(salt)?, hash))
}

fn row(record: &Value, index: Option<u64>) -> Row {
    let issuer = repair(fields::text_or_empty(record, "issuer"));
    let name = repair(fields::text_or_empty(record, "account"));
    Row {
        pinned: record.get("pinned").and_then(Value::as_bool) == Some(true),
        index: index
            .or_else(|| fields::number(record, "index").ok().flatten())
            .unwrap_or(0),
        outcome: account(record, &issuer, &name),
        issuer,
        name,
    }
}

fn account(record: &Value, issuer: &str, name: &str) -> Result<Account, SkipReason> {
    // A top-level record marked encrypted holds a secret under the legacy (v1) per-entry scheme;
    // records decrypted from an EncOTPStorage say `encrypted: true` too but reach here through
    // `open_record` with their dataType intact, so only outer records are checked.
    if record.get("encrypted").and_then(Value::as_bool) == Some(true)
        && record.get("keyId").is_none()
    {
        return Err(SkipReason::EncryptedEntry);
    }
    let kind = fields::text(record, "type")?.unwrap_or("totp");
    let secret_text = fields::text(record, "secret")?;
    // `hex` and `hhex` are TOTP and HOTP whose secret the extension keeps in hexadecimal.
    let (otp_type, secret) = match kind {
        "hex" | "hhex" => {
            let secret = match secret_text.map(str::trim) {
                None | Some("") => return Err(SkipReason::MissingSecret),
                Some(t) => Secret::from_hex(t).map_err(SkipReason::Secret)?,
            };
            let t = if kind == "hex" {
                OtpType::Totp
            } else {
                OtpType::Hotp
            };
            (t, secret)
        }
        other => (
            fields::otp_type(other)?,
            fields::base32_secret(secret_text)?,
        ),
    };
    let mut params = Params::new(otp_type, secret);
    params.algorithm = fields::algorithm(fields::text(record, "algorithm")?)?;
    // The extension shows Steam codes with 5 characters whatever `digits` says (it writes none).
    if otp_type != OtpType::Steam {
        params.digits = fields::number(record, "digits")?;
    }
    params.period = fields::number(record, "period")?;
    if otp_type == OtpType::Hotp {
        // The extension's counter is the next one to use, as Authbar's is.
        params.counter = fields::number(record, "counter")?;
    }
    params.build(issuer, name)
}

/// Undoes the extension's double encoding: opening its Backup page twice in one session writes
/// percent-encoded issuers and names (README, "AE bug 1"). Text with a `%XX` escape that decodes
/// cleanly to UTF-8 is decoded once; anything else is kept as written.
pub(super) fn repair(text: &str) -> String {
    let has_escape = text
        .as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit());
    if !has_escape {
        return text.to_string();
    }
    percent::decode(text, false).unwrap_or_else(|_| text.to_string())
}

/// A JSON object's entries in file order.
struct Ordered(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object of records")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(V)
    }
}
