//! andOTP backups: a JSON list of entries (`secret`, `issuer`, `label`, `digits`, `type`
//! TOTP/HOTP/STEAM, `algorithm`, `period`, `counter`), plain or encrypted (`.json.aes`).
//!
//! An encrypted backup (andOTP's `BackupHelper`, from version 0.6.3) is binary: the PBKDF2
//! iteration count as a 4-byte big-endian integer, a 12-byte salt, a 12-byte IV, then AES-256-GCM
//! ciphertext with its 16-byte tag; the key is PBKDF2-HMAC-SHA1(password, salt, iterations, 256
//! bits). andOTP picks 140 000–160 000 iterations. GCM cannot tell a wrong password from an altered
//! file, so either is reported as a wrong password.

use serde_json::Value;

use super::crypto;
use super::error::{Format, ImportError, SkipReason};
use super::fields::{self, Params};
use super::{Import, Probe, Sniff};
use crate::Account;

const FORMAT: Format = Format::AndOtp;

pub(super) const PLAIN_PROBE: Probe = Probe {
    format: FORMAT,
    claims: claims_plain,
    marks: &["\"secret\"", "\"label\""],
    read: read_plain,
};

pub(super) const ENCRYPTED_PROBE: Probe = Probe {
    format: FORMAT,
    claims: claims_encrypted,
    marks: &[],
    read: read_encrypted,
};

const HEADER: usize = 4 + 12 + 12;
const TAG: usize = 16;

fn claims_plain(sniff: &Sniff) -> bool {
    match &sniff.json {
        Some(Value::Array(entries)) => entries
            .first()
            .is_some_and(|e| e.get("secret").is_some() && e.get("type").is_some()),
        _ => false,
    }
}

/// A binary file whose first four bytes are a plausible iteration count: no text file starts with a
/// NUL byte, and andOTP's counts (below 2^24) always do.
fn claims_encrypted(sniff: &Sniff) -> bool {
    sniff.bytes.len() >= HEADER + TAG
        && iterations(sniff.bytes).is_some_and(|i| i > 0 && i < 1 << 24)
}

fn iterations(bytes: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?))
}

fn read_plain(sniff: &Sniff, _password: Option<&str>) -> Result<Import, ImportError> {
    match &sniff.json {
        Some(entries) => read_entries(entries),
        None => Err(ImportError::Corrupt {
            format: FORMAT,
            detail: "it is not JSON".into(),
        }),
    }
}

fn read_encrypted(sniff: &Sniff, password: Option<&str>) -> Result<Import, ImportError> {
    let password = password.ok_or(ImportError::PasswordRequired { format: FORMAT })?;
    let bytes = sniff.bytes;
    let iterations = iterations(bytes).unwrap_or(0);
    if iterations > crypto::MAX_PBKDF2_ITERATIONS {
        return Err(ImportError::Corrupt {
            format: FORMAT,
            detail: format!(
                "it asks for {iterations} PBKDF2 iterations, more than the {} Authbar allows",
                crypto::MAX_PBKDF2_ITERATIONS
            ),
        });
    }
    let (salt, rest) = bytes[4..].split_at(12);
    let (iv, sealed) = rest.split_at(12);
    let key = crypto::pbkdf2_sha1(password.as_bytes(), salt, iterations);
    let plain = crypto::aes_gcm_open(&key, iv, sealed)
        .ok_or(ImportError::WrongPassword { format: FORMAT })?;
    let entries: Value = serde_json::from_slice(&plain).map_err(|e| ImportError::Corrupt {
        format: FORMAT,
        detail: format!("it decrypts to something that is not JSON: {e}"),
    })?;
    read_entries(&entries)
}

fn read_entries(entries: &Value) -> Result<Import, ImportError> {
    let entries = entries.as_array().ok_or_else(|| ImportError::Corrupt {
        format: FORMAT,
        detail: "it is not a list of entries".into(),
    })?;
    let mut import = Import::new(FORMAT);
    for entry in entries {
        let (issuer, name) = fields::label(entry, "issuer", "label");
        import.push(&issuer, &name, account(entry, &issuer, &name));
    }
    Ok(import)
}

fn account(entry: &Value, issuer: &str, name: &str) -> Result<Account, SkipReason> {
    let otp_type = fields::otp_type(fields::text(entry, "type")?.unwrap_or("TOTP"))?;
    let mut params = Params::new(
        otp_type,
        fields::base32_secret(fields::text(entry, "secret")?)?,
    );
    params.fill(entry, &fields::COMMON)?;
    params.build(issuer, name)
}
