//! Records as a shard of the sync area carries them: each account's entry or tombstone in binary
//! (varints, the default parameters as a flag, the secret as bytes), with what the records of a
//! shard share written once — a table of strings (issuers, the two halves of e-mail addresses,
//! sites, logos) and a table of device ids — and the uid left out when the account gives it (an
//! entry not renamed since it was added). This packs typical accounts tighter than deflate did (66
//! bytes an account in the area against 82, measured by `examples/sync_size.rs`), for a fraction
//! of deflate's code in the extension's WebAssembly (miniz_oxide's was about 25 KB).
//!
//! ```text
//! shard     = count:varint str*  count:varint device:varint*  record*      (the two tables)
//! record    = flags:u8 [uid:16] clock:varint device:ref (tombstone | live)
//! tombstone = secs:varint [counter:varint]
//! live      = order:str [type:u8 algorithm:u8 digits:u8 period:varint] [counter:varint]
//!             [issuer:ref] local:ref domain:varint secret:bytes [site:ref] [logo:ref]
//! flags     = 0x01 tombstone, 0x02 pinned, 0x04 issuer, 0x08 site, 0x10 logo,
//!             0x20 not the default parameters, 0x40 counter, 0x80 uid written
//! str       = length:varint UTF-8;  bytes = length:varint bytes;  ref = varint index in a table
//! ```
//!
//! The name is written as its part before the last `@` and the part after it (`domain` is 0 for a
//! name without `@`, else 1 + the part's ref). The defaults are TOTP, SHA-1, 6 digits and 30 s. A
//! tombstone always writes its uid; a live record without 0x80 takes the uid its account derives.

use zeroize::Zeroizing;

use crate::account::OtpType;
use crate::otp::{Algorithm, DEFAULT_PERIOD};
use crate::vault::{Entry, Tombstone, Uid, Version};

pub(crate) const DEAD: u8 = 0x01;
pub(crate) const PINNED: u8 = 0x02;
pub(crate) const ISSUER: u8 = 0x04;
pub(crate) const SITE: u8 = 0x08;
pub(crate) const LOGO: u8 = 0x10;
pub(crate) const PARAMS: u8 = 0x20;
pub(crate) const COUNTER: u8 = 0x40;
pub(crate) const UID: u8 = 0x80;

/// A shard's plaintext, which holds secrets: wiped when dropped.
pub(crate) type Plain = Zeroizing<Vec<u8>>;

/// One uid's state in a copy of the vault: its entry, or the tombstone its deletion left. (A live
/// record's entry id is this vault's own handle; records read from sync carry 0 until merged.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Record {
    /// The entry.
    Live(Entry),
    /// The deletion.
    Dead(Tombstone),
}

impl Record {
    /// The uid it is about.
    pub(crate) fn uid(&self) -> Uid {
        match self {
            Record::Live(e) => e.uid,
            Record::Dead(t) => t.uid,
        }
    }

    /// The version it holds (a tombstone: the version it deleted).
    pub(crate) fn version(&self) -> Version {
        match self {
            Record::Live(e) => e.version,
            Record::Dead(t) => t.deleted,
        }
    }

    /// Whether its uid is the one its account derives (then the uid is not written).
    pub(crate) fn uid_derived(&self) -> bool {
        match self {
            Record::Live(e) => Uid::derive(&e.account, None) == e.uid,
            Record::Dead(_) => false,
        }
    }
}

pub(crate) fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn bytes(out: &mut Vec<u8>, b: &[u8]) {
    varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// Where `item` is in `table`, added at the end the first time.
fn index<T: PartialEq + Copy>(table: &mut Vec<T>, item: T) -> u64 {
    let i = match table.iter().position(|&t| t == item) {
        Some(i) => i,
        None => {
            table.push(item);
            table.len() - 1
        }
    };
    i as u64
}

/// A name's part before its last `@`, and the part after it (if it has one).
pub(crate) fn split_name(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once('@') {
        Some((local, domain)) => (local, Some(domain)),
        None => (name, None),
    }
}

/// Packs records into a shard's plaintext: the tables, then the records in the order pushed.
pub(crate) struct Packer<'a> {
    strings: Vec<&'a str>,
    devices: Vec<u32>,
    /// Holds secrets: wiped when dropped.
    body: Zeroizing<Vec<u8>>,
}

impl<'a> Packer<'a> {
    pub(crate) fn new() -> Self {
        Packer {
            strings: Vec::new(),
            devices: Vec::new(),
            body: Zeroizing::new(Vec::new()),
        }
    }

    fn head(&mut self, flags: u8, uid: &Uid, version: Version) {
        self.body.push(flags);
        if flags & UID != 0 {
            self.body.extend_from_slice(&uid.0);
        }
        varint(&mut self.body, version.clock);
        let device = index(&mut self.devices, version.device);
        varint(&mut self.body, device);
    }

    fn string(&mut self, text: &'a str) {
        let i = index(&mut self.strings, text);
        varint(&mut self.body, i);
    }

    /// Appends a record; `uid_derived` leaves a live record's uid out (the caller knows it is the
    /// one its account derives), `with_counter` false leaves the counter out (what two versions of
    /// one entry are compared on: counters merge on their own).
    pub(crate) fn push(&mut self, record: &'a Record, uid_derived: bool, with_counter: bool) {
        match record {
            Record::Dead(t) => {
                let counter = with_counter && t.counter != 0;
                let flags = DEAD | UID | if counter { COUNTER } else { 0 };
                self.head(flags, &t.uid, t.deleted);
                varint(&mut self.body, t.secs.unwrap_or(0));
                if counter {
                    varint(&mut self.body, t.counter);
                }
            }
            Record::Live(e) => self.push_live(e, uid_derived, with_counter),
        }
    }

    fn push_live(&mut self, e: &'a Entry, uid_derived: bool, with_counter: bool) {
        let a = &e.account;
        let params = a.otp_type() != OtpType::Totp
            || a.algorithm() != Algorithm::Sha1
            || a.digits() != 6
            || a.period() != DEFAULT_PERIOD;
        let counter = with_counter && a.counter() != 0;
        let flag = |on: bool, bit: u8| if on { bit } else { 0 };
        let flags = flag(e.pinned, PINNED)
            | flag(a.issuer().is_some(), ISSUER)
            | flag(e.site.is_some(), SITE)
            | flag(e.logo.is_some(), LOGO)
            | flag(params, PARAMS)
            | flag(counter, COUNTER)
            | flag(!uid_derived, UID);
        self.head(flags, &e.uid, e.version);
        bytes(&mut self.body, e.order.as_bytes());
        if params {
            let otp_type = match a.otp_type() {
                OtpType::Totp => 0,
                OtpType::Hotp => 1,
                OtpType::Steam => 2,
            };
            let algorithm = match a.algorithm() {
                Algorithm::Sha1 => 0,
                Algorithm::Sha256 => 1,
                Algorithm::Sha512 => 2,
            };
            self.body.extend([otp_type, algorithm, a.digits()]);
            varint(&mut self.body, a.period());
        }
        if counter {
            varint(&mut self.body, a.counter());
        }
        if let Some(issuer) = a.issuer() {
            self.string(issuer);
        }
        let (local, domain) = split_name(a.name());
        self.string(local);
        match domain {
            Some(domain) => {
                let i = index(&mut self.strings, domain);
                varint(&mut self.body, i + 1);
            }
            None => varint(&mut self.body, 0),
        }
        bytes(&mut self.body, a.secret().as_bytes());
        for text in [&e.site, &e.logo].into_iter().flatten() {
            self.string(text);
        }
    }

    /// The plaintext: the tables, then the records (it holds the secrets: wiped when dropped).
    pub(crate) fn finish(self) -> Plain {
        let mut out = Zeroizing::new(Vec::with_capacity(
            self.body.len() + 16 * self.strings.len(),
        ));
        varint(&mut out, self.strings.len() as u64);
        for s in &self.strings {
            bytes(&mut out, s.as_bytes());
        }
        varint(&mut out, self.devices.len() as u64);
        for &d in &self.devices {
            varint(&mut out, u64::from(d));
        }
        out.extend_from_slice(&self.body);
        out
    }
}

/// An entry's packed content without its counter, on its own: what two versions of one entry with
/// the same version are ordered by.
pub(crate) fn content(e: &Entry) -> Plain {
    let mut packer = Packer::new();
    packer.push_live(e, false, false);
    packer.finish()
}
