//! 2FAS backups (`.2fas`): `{"services": […], "schemaVersion": N, …}`.
//!
//! Each service has `name`, `secret` and `otp` (`account`, `issuer`, `digits`, `period`,
//! `algorithm`, `counter`, `tokenType` TOTP/HOTP/STEAM). Schema 4 may be encrypted: `services` is
//! then empty and `servicesEncrypted` is `base64(ciphertext ‖ tag):base64(salt):base64(iv)`,
//! AES-256-GCM under PBKDF2-HMAC-SHA256(password, salt, 10 000 iterations, 256 bits); `reference` is a
//! known text encrypted the same way, which tells a wrong password from damaged data. Older schemas
//! (1–3) have no `otp.issuer` or `tokenType`: the service name is the issuer and the type TOTP.

use serde_json::Value;

use super::crypto;
use super::error::{Format, ImportError, SkipReason};
use super::fields::{self, Params};
use super::{Import, Probe, Sniff};
use crate::Account;
use crate::account::OtpType;

const FORMAT: Format = Format::TwoFas;

pub(super) const PROBE: Probe = Probe {
    format: FORMAT,
    claims,
    marks: &["\"services\"", "\"otp\""],
    read,
};

/// The schema versions read (4 is 2FAS's current one).
const SCHEMAS: std::ops::RangeInclusive<u64> = 1..=4;
/// 2FAS's fixed PBKDF2 iteration count.
const ITERATIONS: u32 = 10_000;

fn claims(sniff: &Sniff) -> bool {
    matches!(&sniff.json, Some(v @ Value::Object(_))
        if v.get("schemaVersion").is_some() && (v.get("services").is_some() || v.get("servicesEncrypted").is_some()))
}

fn corrupt(detail: impl Into<String>) -> ImportError {
    FORMAT.corrupt(detail)
}

fn read(sniff: &Sniff, password: Option<&str>) -> Result<Import, ImportError> {
    let Some(backup) = &sniff.json else {
        return Err(corrupt("it is not JSON"));
    };
    match backup.get("schemaVersion").and_then(Value::as_u64) {
        Some(v) if SCHEMAS.contains(&v) => {}
        _ => {
            return Err(ImportError::UnsupportedVersion {
                format: FORMAT,
                found: backup["schemaVersion"].to_string(),
                supported: "schema versions 1 to 4",
            });
        }
    }
    let decrypted;
    let services = match backup.get("servicesEncrypted").and_then(Value::as_str) {
        Some(sealed) => {
            let password = password.ok_or(ImportError::PasswordRequired { format: FORMAT })?;
            decrypted = decrypt(backup, sealed, password)?;
            &decrypted
        }
        None => &backup["services"],
    };
    let services = services
        .as_array()
        .ok_or_else(|| corrupt("'services' is not a list"))?;
    let mut import = Import::new(FORMAT);
    for service in services {
        let otp = service.get("otp").unwrap_or(&Value::Null);
        let service_name = fields::text_or_empty(service, "name");
        let issuer = match fields::text_or_empty(otp, "issuer") {
            "" => service_name,
            issuer => issuer,
        };
        let name = fields::text_or_empty(otp, "account");
        import.push(issuer, name, account(service, otp, issuer, name));
    }
    Ok(import)
}

/// The three base64 parts of a sealed value: ciphertext with tag, salt, IV.
fn parts(sealed: &str, what: &str) -> Result<[Vec<u8>; 3], ImportError> {
    let pieces: Vec<Option<Vec<u8>>> = sealed.split(':').map(crypto::base64).collect();
    match pieces.as_slice() {
        [Some(data), Some(salt), Some(iv)] => Ok([data.clone(), salt.clone(), iv.clone()]),
        _ => Err(corrupt(format!(
            "{what} is not three base64 parts (data:salt:iv)"
        ))),
    }
}

fn decrypt(backup: &Value, sealed: &str, password: &str) -> Result<Value, ImportError> {
    let [data, salt, iv] = parts(sealed, "servicesEncrypted")?;
    let key = crypto::pbkdf2_sha256(password.as_bytes(), &salt, ITERATIONS);
    // The reference is encrypted under the same password (its own salt and IV): if it opens, the
    // password is right and a failure below means the services were altered.
    let reference_opens = match backup.get("reference").and_then(Value::as_str) {
        Some(reference) => {
            let [r_data, r_salt, r_iv] = parts(reference, "reference")?;
            let r_key = if r_salt == salt {
                key.clone()
            } else {
                crypto::pbkdf2_sha256(password.as_bytes(), &r_salt, ITERATIONS)
            };
            if crypto::aes_gcm_open(&r_key, &r_iv, &r_data).is_none() {
                return Err(ImportError::WrongPassword { format: FORMAT });
            }
            true
        }
        None => false,
    };
    let Some(plain) = crypto::aes_gcm_open(&key, &iv, &data) else {
        return Err(if reference_opens {
            corrupt(
                "the services fail their integrity check (the password was right, so they were altered)",
            )
        } else {
            ImportError::WrongPassword { format: FORMAT }
        });
    };
    serde_json::from_slice(&plain)
        .map_err(|e| corrupt(format!("the decrypted services are not JSON: {e}")))
}

fn account(service: &Value, otp: &Value, issuer: &str, name: &str) -> Result<Account, SkipReason> {
    let otp_type = match fields::text(otp, "tokenType")? {
        None => OtpType::Totp,
        Some(kind) => fields::otp_type(kind)?,
    };
    let mut params = Params::new(
        otp_type,
        fields::base32_secret(fields::text(service, "secret")?)?,
    );
    params.fill(otp, &fields::COMMON)?;
    params.build(issuer, name)
}
