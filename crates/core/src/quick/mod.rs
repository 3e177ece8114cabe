//! The first screen's read of the stored vault, without `serde`: the popup's first-paint module links
//! only this, the codes and the site rule, so it stays small and starts fast. It reads the common
//! case — a plain list of schema 1 to 3, or a sealed vault of format 1 or 2 opened with the data key
//! held while unlocked — with a small strict JSON reader, and declines (`None`) anything else: a
//! damaged text, a newer schema or format, anything unusual. The caller then reads the text with the
//! full reader ([`crate::LockState::open`]), which gives the precise error. Whenever this reader
//! answers, it answers as the full one does (a property test holds the two together,
//! `tests/quick.rs`).
//!
//! The answers are JSON text in the shapes the list reads (`Vault::listed`, the codes of the rows in
//! view, the site's accounts), written here for both modules, so the first screen and the rest of the
//! popup cannot differ.

mod json;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use json::{Json, Spanned, quote};

use crate::sealed::{self, DataKey, FORMAT, VERSION, VERSION_1};
use crate::site::{SiteMatch, matches};
use crate::vault::{SCHEMA, SyncId, Uid, check_logo, order};
use crate::{Account, Algorithm, OtpType, Secret};

/// One account of the first screen: its id, the account, the site stored for it, and what places
/// it in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickEntry {
    /// The entry's id.
    pub id: u64,
    /// The account.
    pub account: Account,
    /// The site (host) stored for it.
    pub site: Option<String>,
    /// Pinned to the top of the list.
    pub pinned: bool,
    /// The logo chosen for it (a brand's slug, or the letter), if any.
    pub logo: Option<String>,
}

/// Where an entry sorts: its uid and order key (schema 3), or its place in an older list.
struct Place {
    order: String,
    uid: [u8; 16],
}

/// The stored vault as the first screen needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstScreen {
    protected: bool,
    /// The accounts in list order; `None` while locked (no key held, or one that no longer opens).
    entries: Option<Vec<QuickEntry>>,
}

impl FirstScreen {
    /// Reads the stored text (`None`: nothing stored yet) with the held data key, or declines.
    pub fn read(stored: Option<&str>, key: Option<&DataKey>) -> Option<FirstScreen> {
        let Some(text) = stored else {
            return Some(FirstScreen {
                protected: false,
                entries: Some(Vec::new()),
            });
        };
        let value = json::parse(text)?;
        let Json::Object(members) = &value.value else {
            return None;
        };
        if members.iter().any(|(k, _)| k == "format") {
            return sealed_screen(text, members, key);
        }
        Some(FirstScreen {
            protected: false,
            entries: Some(entries(members)?),
        })
    }

    /// Whether a passphrase protects the vault.
    pub fn is_protected(&self) -> bool {
        self.protected
    }

    /// Whether the accounts are out of reach.
    pub fn is_locked(&self) -> bool {
        self.entries.is_none()
    }

    /// The accounts, in list order (none while locked).
    pub fn entries(&self) -> &[QuickEntry] {
        self.entries.as_deref().unwrap_or_default()
    }
}

fn get<'a>(members: &'a [(String, Spanned)], key: &str) -> Option<&'a Json> {
    members
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| &v.value)
}

/// Only these keys (a reader that refuses unknown fields): the others decline.
fn only(members: &[(String, Spanned)], keys: &[&str]) -> Option<()> {
    members
        .iter()
        .all(|(k, _)| keys.contains(&k.as_str()))
        .then_some(())
}

fn text(value: Option<&Json>) -> Option<&str> {
    match value? {
        Json::Text(t) => Some(t),
        _ => None,
    }
}

fn number(value: Option<&Json>) -> Option<u64> {
    match value? {
        Json::Number(n) => Some(*n),
        _ => None,
    }
}

/// A sealed vault of format 1 or 2: opened with the held key, or locked.
fn sealed_screen(
    text_all: &str,
    members: &[(String, Spanned)],
    key: Option<&DataKey>,
) -> Option<FirstScreen> {
    only(
        members,
        &["format", "version", "header", "nonce", "ciphertext"],
    )?;
    if text(get(members, "format"))? != FORMAT {
        return None;
    }
    let version = number(get(members, "version"))?;
    if !(u64::from(VERSION_1)..=u64::from(VERSION)).contains(&version) {
        return None;
    }
    let header = &members.iter().find(|(k, _)| k == "header")?.1;
    let Json::Object(head) = &header.value else {
        return None;
    };
    only(head, &["cipher", "slots"])?;
    let Json::Array(slots) = get(head, "slots")? else {
        return None;
    };
    if text(get(head, "cipher"))? != sealed::CIPHER {
        return None;
    }
    // Format 1 has no passkey slots (the full reader calls such a text damaged).
    let passkeys = slots.iter().any(|s| match &s.value {
        Json::Object(slot) => text(get(slot, "type")) == Some("prf"),
        _ => false,
    });
    if version == u64::from(VERSION_1) && passkeys {
        return None;
    }
    let nonce: [u8; 24] = STANDARD
        .decode(text(get(members, "nonce"))?)
        .ok()?
        .try_into()
        .ok()?;
    let ciphertext = STANDARD.decode(text(get(members, "ciphertext"))?).ok()?;
    let locked = FirstScreen {
        protected: true,
        entries: None,
    };
    let Some(key) = key else {
        return Some(locked);
    };
    let header_text = &text_all[header.start..header.end];
    // A key that does not open the text (re-keyed elsewhere): locked, as the full reader leaves it.
    let Some(plain) = sealed::open_payload(header_text, &nonce, &ciphertext, key) else {
        return Some(locked);
    };
    let plain = std::str::from_utf8(&plain).ok()?;
    let Json::Object(list) = json::parse(plain)?.value else {
        return None;
    };
    Some(FirstScreen {
        protected: true,
        entries: Some(entries(&list)?),
    })
}

/// A plain list: `{"schema", "nextId", "entries"}` (schema 3 adds each entry's uid, version, order
/// key, pin and logo, and the vault's tombstones and replica state), the entries' ids unique and
/// below `nextId`, in list order: pinned first, then by order key, uid and id, as the full reader
/// settles them.
fn entries(members: &[(String, Spanned)]) -> Option<Vec<QuickEntry>> {
    let schema = number(get(members, "schema"))?;
    if !(1..=u64::from(SCHEMA)).contains(&schema) {
        return None;
    }
    let three = schema == 3;
    if three {
        only(
            members,
            &["schema", "nextId", "entries", "tombstones", "replica"],
        )?;
    } else {
        only(members, &["schema", "nextId", "entries"])?;
    }
    let next_id = number(get(members, "nextId"))?;
    let Json::Array(items) = get(members, "entries")? else {
        return None;
    };
    let mut out = Vec::with_capacity(items.len());
    let mut versions = Vec::new();
    for item in items {
        let Json::Object(entry) = &item.value else {
            return None;
        };
        if three {
            only(
                entry,
                &[
                    "id", "account", "site", "uid", "version", "order", "pinned", "logo",
                ],
            )?;
        } else {
            only(entry, &["id", "account", "site"])?;
        }
        let id = number(get(entry, "id"))?;
        let site = match get(entry, "site") {
            None | Some(Json::Null) => None,
            Some(Json::Text(site)) if schema >= 2 => Some(site.clone()),
            _ => return None,
        };
        let Json::Object(fields) = get(entry, "account")? else {
            return None;
        };
        let account = account(fields)?;
        let (place, pinned, logo) = if three {
            let order = text(get(entry, "order"))?;
            order::split(order).ok()?;
            versions.push(version(get(entry, "version")?)?);
            let pinned = match get(entry, "pinned") {
                None | Some(Json::Null) => false,
                Some(Json::Bool(pinned)) => *pinned,
                _ => return None,
            };
            let logo = match get(entry, "logo") {
                None | Some(Json::Null) => None,
                Some(Json::Text(logo)) => {
                    check_logo(logo).ok()?;
                    Some(logo.clone())
                }
                _ => return None,
            };
            let uid = Uid::parse(text(get(entry, "uid"))?)?.0;
            (
                Some(Place {
                    order: order.to_owned(),
                    uid,
                }),
                pinned,
                logo,
            )
        } else {
            (None, false, None)
        };
        out.push((
            place,
            QuickEntry {
                id,
                account,
                site,
                pinned,
                logo,
            },
        ));
    }
    let mut ids: Vec<u64> = out.iter().map(|(_, e)| e.id).collect();
    ids.sort_unstable();
    if ids.windows(2).any(|w| w[0] == w[1]) || ids.last().is_some_and(|&max| max >= next_id) {
        return None;
    }
    if three {
        let uids: Vec<[u8; 16]> = out
            .iter()
            .filter_map(|(p, _)| p.as_ref().map(|p| p.uid))
            .collect();
        replicated(members, uids, &versions)?;
        // The core writes a list in its order (pinned first, then by order key, uid and id): any
        // other is declined, and the full reader sorts it (checked, not sorted, here: no sorting code
        // in the first-paint module).
        let in_order = out.windows(2).all(|w| {
            let ((Some(pa), a), (Some(pb), b)) = (&w[0], &w[1]) else {
                return false;
            };
            (!a.pinned, &pa.order, pa.uid, a.id) < (!b.pinned, &pb.order, pb.uid, b.id)
        });
        if !in_order {
            return None;
        }
    }
    Some(out.into_iter().map(|(_, e)| e).collect())
}

/// A version, `{"clock", "device"}`, as `(clock, device)`.
fn version(value: &Json) -> Option<(u64, u32)> {
    let Json::Object(fields) = value else {
        return None;
    };
    only(fields, &["clock", "device"])?;
    let clock = number(get(fields, "clock"))?;
    let device = u32::try_from(number(get(fields, "device"))?).ok()?;
    Some((clock, device))
}

/// Schema 3's tombstones and replica state, checked as the full reader checks them: the tombstones
/// in uid order, no uid twice among entries and tombstones, tombstones and versions only with a
/// replica, its device not 0, no version past its clock.
fn replicated(
    members: &[(String, Spanned)],
    mut uids: Vec<[u8; 16]>,
    versions: &[(u64, u32)],
) -> Option<()> {
    let tombstones = match get(members, "tombstones") {
        None => &[][..],
        Some(Json::Array(items)) => items.as_slice(),
        _ => return None,
    };
    let mut previous: Option<[u8; 16]> = None;
    let mut clocks: Vec<u64> = versions.iter().map(|v| v.0).collect();
    for item in tombstones {
        let Json::Object(tomb) = &item.value else {
            return None;
        };
        only(tomb, &["uid", "deleted", "secs", "counter"])?;
        let uid = Uid::parse(text(get(tomb, "uid"))?)?.0;
        if previous.is_some_and(|p| p >= uid) {
            return None;
        }
        previous = Some(uid);
        uids.push(uid);
        clocks.push(version(get(tomb, "deleted")?)?.0);
        match get(tomb, "secs") {
            None | Some(Json::Null | Json::Number(_)) => {}
            _ => return None,
        }
        if get(tomb, "counter").is_some() {
            number(get(tomb, "counter"))?;
        }
    }
    uids.sort_unstable();
    if uids.windows(2).any(|w| w[0] == w[1]) {
        return None;
    }
    match get(members, "replica") {
        None | Some(Json::Null) => {
            (tombstones.is_empty() && versions.iter().all(|&v| v == (0, 0))).then_some(())
        }
        Some(Json::Object(replica)) => {
            only(replica, &["device", "clock", "link"])?;
            let device = u32::try_from(number(get(replica, "device"))?).ok()?;
            let clock = number(get(replica, "clock"))?;
            match get(replica, "link") {
                None | Some(Json::Null) => {}
                Some(Json::Object(link)) => {
                    only(link, &["syncId", "revision"])?;
                    SyncId::parse(text(get(link, "syncId"))?)?;
                    number(get(link, "revision"))?;
                }
                _ => return None,
            }
            (device != 0 && clocks.iter().all(|&c| c <= clock)).then_some(())
        }
        _ => None,
    }
}

/// An account's stored fields, with the rules `Account`'s own reader checks.
fn account(fields: &[(String, Spanned)]) -> Option<Account> {
    only(
        fields,
        &[
            "type",
            "issuer",
            "name",
            "secret",
            "algorithm",
            "digits",
            "period",
            "counter",
        ],
    )?;
    let otp_type = match text(get(fields, "type"))? {
        "totp" => OtpType::Totp,
        "hotp" => OtpType::Hotp,
        "steam" => OtpType::Steam,
        _ => return None,
    };
    let algorithm = match text(get(fields, "algorithm"))? {
        "SHA1" => Algorithm::Sha1,
        "SHA256" => Algorithm::Sha256,
        "SHA512" => Algorithm::Sha512,
        _ => return None,
    };
    let issuer = match get(fields, "issuer") {
        None | Some(Json::Null) => None,
        Some(Json::Text(issuer)) => Some(issuer.clone()),
        _ => return None,
    };
    let digits = u8::try_from(number(get(fields, "digits"))?).ok()?;
    let period = number(get(fields, "period"))?;
    let counter = number(get(fields, "counter"))?;
    let secret = Secret::from_base32(text(get(fields, "secret"))?).ok()?;
    Account::new(otp_type, secret)
        .with_label(issuer, text(get(fields, "name"))?.to_owned())
        .with_algorithm(algorithm)
        .with_digits(digits)
        .ok()?
        .with_period(period)
        .ok()
        .map(|a| a.with_counter(counter))
}

/// The list's rows as JSON: `[{"id","type","issuer","name","site"}]`, as `Vault::listed` serializes.
pub fn listed_json<'a>(
    entries: impl Iterator<Item = (u64, &'a Account, Option<&'a str>)>,
) -> String {
    let mut out = String::from("[");
    for (i, (id, account, site)) in entries.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"id\":");
        out.push_str(&id.to_string());
        out.push_str(",\"type\":");
        quote(&mut out, account.otp_type().as_str());
        out.push_str(",\"issuer\":");
        nullable(&mut out, account.issuer());
        out.push_str(",\"name\":");
        quote(&mut out, account.name());
        out.push_str(",\"site\":");
        nullable(&mut out, site);
        out.push('}');
    }
    out.push(']');
    out
}

fn nullable(out: &mut String, text: Option<&str>) {
    match text {
        Some(text) => quote(out, text),
        None => out.push_str("null"),
    }
}

/// The codes at `unix_ms` of the entries `ids`, in the entries' order, as JSON:
/// `[{"id","code","remainingMs","periodMs"}]` — when a time-based code changes (0 for HOTP, whose
/// codes wait for "next") and its step.
pub fn codes_json<'a>(
    entries: impl Iterator<Item = (u64, &'a Account)>,
    ids: &[u64],
    unix_ms: u64,
) -> String {
    let mut wanted = ids.to_vec();
    wanted.sort_unstable();
    let mut out = String::from("[");
    for (id, account) in entries.filter(|(id, _)| wanted.binary_search(id).is_ok()) {
        if out.len() > 1 {
            out.push(',');
        }
        let code = account.code_at(unix_ms / 1000);
        let timed = account.otp_type().is_timed();
        let (remaining, period) = if timed {
            (
                code.remaining_secs * 1000 - unix_ms % 1000,
                account.period() * 1000,
            )
        } else {
            (0, 0)
        };
        out.push_str("{\"id\":");
        out.push_str(&id.to_string());
        out.push_str(",\"code\":");
        quote(&mut out, &code.code.to_string());
        out.push_str(",\"remainingMs\":");
        out.push_str(&remaining.to_string());
        out.push_str(",\"periodMs\":");
        out.push_str(&period.to_string());
        out.push('}');
    }
    out.push(']');
    out
}

/// The entries of `host`'s site as JSON, `[{"id","how"}]`, the stored sites first (`None`: `host` is
/// not a host).
pub fn matching_json<'a>(
    entries: impl Iterator<Item = (u64, &'a Account, Option<&'a str>)>,
    host: &str,
) -> Option<String> {
    let found = matches(entries, host)?;
    let mut out = String::from("[");
    for (i, (id, how)) in found.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"id\":");
        out.push_str(&id.to_string());
        out.push_str(",\"how\":");
        quote(
            &mut out,
            match how {
                SiteMatch::Stored => "stored",
                SiteMatch::Issuer => "issuer",
            },
        );
        out.push('}');
    }
    out.push(']');
    Some(out)
}
