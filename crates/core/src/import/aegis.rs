//! Aegis vaults (Aegis's `docs/vault.md`): `{"version": 1, "header": {"slots", "params"}, "db"}`.
//!
//! A plain vault has `slots` and `params` null and `db` an object of `entries`. An encrypted vault
//! has `db` as base64 of AES-256-GCM ciphertext under a random master key, with its nonce and tag in
//! `header.params`; each key slot holds the master key encrypted the same way under a key derived
//! from something the user has. Only password slots (type 1: scrypt with the slot's `n`, `r`, `p`
//! and `salt`) can be opened here; a vault with only biometric slots (type 2, a key kept in the
//! phone's keystore) cannot, and says so.

use serde_json::Value;

use super::crypto::{self, Key};
use super::error::{Format, ImportError, SkipReason};
use super::fields::{self, Params};
use super::{Import, Probe, Sniff};
use crate::Account;

const FORMAT: Format = Format::Aegis;

pub(super) const PROBE: Probe = Probe {
    format: FORMAT,
    claims,
    marks: &["\"header\"", "\"db\""],
    read,
};

/// The vault version Aegis writes and this reads (`docs/vault.md`).
const VAULT_VERSION: u64 = 1;
/// The database versions Aegis has written so far: 1, 2 (groups as names) and 3 (groups as UUIDs).
const DB_VERSIONS: std::ops::RangeInclusive<u64> = 1..=3;
/// Slot type of a password slot.
const PASSWORD_SLOT: u64 = 1;
/// Slot type of a biometric slot.
const BIOMETRIC_SLOT: u64 = 2;

fn claims(sniff: &Sniff) -> bool {
    matches!(&sniff.json, Some(v @ Value::Object(_)) if v.get("header").is_some() && v.get("db").is_some())
}

fn corrupt(detail: impl Into<String>) -> ImportError {
    FORMAT.corrupt(detail)
}

fn read(sniff: &Sniff, password: Option<&str>) -> Result<Import, ImportError> {
    let Some(vault) = &sniff.json else {
        return Err(corrupt("it is not JSON"));
    };
    let version = vault.get("version").and_then(Value::as_u64);
    if version != Some(VAULT_VERSION) {
        return Err(ImportError::UnsupportedVersion {
            format: FORMAT,
            found: vault.get("version").map_or("none".into(), Value::to_string),
            supported: "version 1",
        });
    }
    let header = &vault["header"];
    let db = match &vault["db"] {
        Value::Object(_) => vault["db"].clone(),
        Value::String(sealed) => {
            // What the file is comes before any question: a vault only biometrics open, or one with
            // too many or too costly slots, is said at once, not after a password was typed.
            let slots = password_slots(header)?;
            let password = password.ok_or(ImportError::PasswordRequired { format: FORMAT })?;
            let master = open_slots(&slots, password)?;
            let params = &header["params"];
            let nonce = hex_field(params, "nonce")?;
            let tag = hex_field(params, "tag")?;
            let mut ciphertext =
                crypto::base64(sealed).ok_or_else(|| corrupt("the db is not base64"))?;
            ciphertext.extend_from_slice(&tag);
            let plain = crypto::aes_gcm_open(&master, &nonce, &ciphertext).ok_or_else(|| {
                corrupt("the db fails its integrity check (the password was right, so the db was altered)")
            })?;
            serde_json::from_slice(&plain)
                .map_err(|e| corrupt(format!("the decrypted db is not JSON: {e}")))?
        }
        _ => {
            return Err(corrupt(
                "the db is neither an object nor an encrypted string",
            ));
        }
    };
    read_db(&db)
}

fn hex_field(object: &Value, field: &str) -> Result<Vec<u8>, ImportError> {
    object
        .get(field)
        .and_then(Value::as_str)
        .and_then(crypto::hex)
        .ok_or_else(|| corrupt(format!("the header has no hexadecimal '{field}'")))
}

/// A password slot and its scrypt costs, checked before any key is derived.
struct PasswordSlot<'a> {
    slot: &'a Value,
    n: u64,
    r: u32,
    p: u32,
}

/// The header's password slots, each with its costs: refused when there are none (a vault only the
/// phone's biometrics open), too many, or when together they ask for too much scrypt work.
fn password_slots(header: &Value) -> Result<Vec<PasswordSlot<'_>>, ImportError> {
    let slots = header
        .get("slots")
        .and_then(Value::as_array)
        .ok_or_else(|| corrupt("the db is encrypted but the header lists no key slots"))?;
    let slot_type = |s: &Value| s.get("type").and_then(Value::as_u64);
    let password_slots: Vec<&Value> = slots
        .iter()
        .filter(|s| slot_type(s) == Some(PASSWORD_SLOT))
        .collect();
    if password_slots.is_empty() {
        let detail = if slots.iter().any(|s| slot_type(s) == Some(BIOMETRIC_SLOT)) {
            "it can only be unlocked with biometrics on the phone that made it; in Aegis, set a \
             password (Settings > Security) or export again with encryption off"
        } else {
            "it has no password slot; export it again from Aegis with a password"
        };
        return Err(ImportError::Unsupported {
            format: FORMAT,
            detail: detail.into(),
        });
    }
    // Every slot's cost is known before any key is derived: a crafted vault with many slots, or
    // slots at the per-slot cap, is refused at once instead of costing minutes.
    if password_slots.len() > crypto::MAX_KEY_SLOTS {
        return Err(ImportError::TooCostly {
            format: FORMAT,
            detail: format!(
                "{} password slots; at most {}",
                password_slots.len(),
                crypto::MAX_KEY_SLOTS
            ),
        });
    }
    let mut costs = Vec::with_capacity(password_slots.len());
    for &slot in &password_slots {
        let number = |f: &str| slot.get(f).and_then(Value::as_u64);
        let (Some(n), Some(r), Some(p)) = (number("n"), number("r"), number("p")) else {
            return Err(corrupt(
                "a password slot lacks its scrypt parameters n, r, p",
            ));
        };
        let (Ok(r), Ok(p)) = (u32::try_from(r), u32::try_from(p)) else {
            return Err(corrupt(format!(
                "scrypt parameters r={r}, p={p} are out of range"
            )));
        };
        costs.push(PasswordSlot { slot, n, r, p });
    }
    let work: u64 = costs
        .iter()
        .map(|s| crypto::scrypt_work(s.n, s.r, s.p))
        .fold(0, u64::saturating_add);
    if work > crypto::MAX_SCRYPT_WORK {
        return Err(ImportError::TooCostly {
            format: FORMAT,
            detail: format!(
                "{} MiB of scrypt work in its password slots; at most {} MiB",
                work >> 20,
                crypto::MAX_SCRYPT_WORK >> 20
            ),
        });
    }
    Ok(costs)
}

/// The master key, from the first password slot the password opens.
fn open_slots(slots: &[PasswordSlot<'_>], password: &str) -> Result<Key, ImportError> {
    for &PasswordSlot { slot, n, r, p } in slots {
        let salt = hex_field(slot, "salt")?;
        let mut sealed = hex_field(slot, "key")?;
        let params = slot.get("key_params").unwrap_or(&Value::Null);
        let nonce = hex_field(params, "nonce")?;
        sealed.extend_from_slice(&hex_field(params, "tag")?);
        let key = crypto::scrypt(password.as_bytes(), &salt, n, r, p).map_err(corrupt)?;
        if let Some(master) = crypto::aes_gcm_open(&key, &nonce, &sealed) {
            let mut out = Key::default();
            if master.len() != out.len() {
                return Err(corrupt(
                    "a key slot holds a master key that is not 32 bytes",
                ));
            }
            out.copy_from_slice(&master);
            return Ok(out);
        }
    }
    Err(ImportError::WrongPassword { format: FORMAT })
}

fn read_db(db: &Value) -> Result<Import, ImportError> {
    match db.get("version").and_then(Value::as_u64) {
        Some(v) if DB_VERSIONS.contains(&v) => {}
        _ => {
            return Err(ImportError::UnsupportedVersion {
                format: FORMAT,
                found: format!(
                    "db {}",
                    db.get("version").map_or("none".into(), Value::to_string)
                ),
                supported: "db versions 1 to 3",
            });
        }
    }
    let entries = db
        .get("entries")
        .and_then(Value::as_array)
        .ok_or_else(|| corrupt("the db has no list of entries"))?;
    let mut import = Import::new(FORMAT);
    for entry in entries {
        let (issuer, name) = fields::label(entry, "issuer", "name");
        import.push(&issuer, &name, account(entry, &issuer, &name));
    }
    Ok(import)
}

fn account(entry: &Value, issuer: &str, name: &str) -> Result<Account, SkipReason> {
    let kind = fields::text(entry, "type")?.unwrap_or("");
    let otp_type = fields::otp_type(kind)?;
    let info = entry.get("info").unwrap_or(&Value::Null);
    let mut params = Params::new(
        otp_type,
        fields::base32_secret(fields::text(info, "secret")?)?,
    );
    params.fill(
        info,
        &fields::Names {
            algorithm: "algo",
            ..fields::COMMON
        },
    )?;
    params.build(issuer, name)
}
