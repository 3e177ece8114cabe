//! Reading a shard's plaintext back into records (the format is in `record`), as strictly as the
//! local vault is read: every error names the record and what is wrong with it.

use super::record::{COUNTER, DEAD, ISSUER, LOGO, PARAMS, PINNED, Record, SITE, UID};
use crate::account::OtpType;
use crate::otp::{Algorithm, DEFAULT_PERIOD};
use crate::site::normalize_host;
use crate::vault::{Entry, Tombstone, Uid, Version, check_logo, order};
use crate::{Account, Secret};

/// A reader over a shard's plaintext.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], String> {
        if self.rest.len() < n {
            return Err(format!("{what} is cut short"));
        }
        let (head, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(head)
    }

    fn byte(&mut self, what: &str) -> Result<u8, String> {
        Ok(self.take(1, what)?[0])
    }

    fn varint(&mut self, what: &str) -> Result<u64, String> {
        let mut n = 0u64;
        let mut shift = 0u32;
        loop {
            let b = self.byte(what)?;
            let low = u64::from(b & 0x7f);
            if shift > 63 || (shift == 63 && low > 1) {
                return Err(format!("{what} is over 64 bits"));
            }
            n |= low << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
            shift += 7;
        }
    }

    fn bytes(&mut self, what: &str) -> Result<&'a [u8], String> {
        let len = self.varint(what)?;
        let len = usize::try_from(len).map_err(|_| format!("{what} is too long"))?;
        self.take(len, what)
    }

    fn text(&mut self, what: &str) -> Result<&'a str, String> {
        std::str::from_utf8(self.bytes(what)?).map_err(|_| format!("{what} is not UTF-8"))
    }

    /// An entry of `table`, by the index that comes next.
    fn entry<T: Copy>(&mut self, table: &[T], what: &str) -> Result<T, String> {
        let i = self.varint(what)?;
        pick(table, i, what)
    }
}

/// Entry `i` of `table`.
fn pick<T: Copy>(table: &[T], i: u64, what: &str) -> Result<T, String> {
    usize::try_from(i)
        .ok()
        .and_then(|i| table.get(i).copied())
        .ok_or_else(|| format!("{what} refers to entry {i} of a table of {}", table.len()))
}

/// The tables of a shard.
struct Tables<'a> {
    strings: Vec<&'a str>,
    devices: Vec<u32>,
}

/// Reads a shard's plaintext: its tables, then its records.
pub(crate) fn unpack(plain: &[u8]) -> Result<Vec<Record>, String> {
    let mut r = Reader { rest: plain };
    let count = r.varint("the string table's size")?;
    let mut tables = Tables {
        strings: Vec::new(),
        devices: Vec::new(),
    };
    for _ in 0..count {
        tables.strings.push(r.text("a string of the table")?);
    }
    let count = r.varint("the device table's size")?;
    for _ in 0..count {
        let device = r.varint("a device id")?;
        let device =
            u32::try_from(device).map_err(|_| format!("device id {device} is over 32 bits"))?;
        tables.devices.push(device);
    }
    let mut records = Vec::new();
    while !r.rest.is_empty() {
        records.push(record(&mut r, &tables)?);
    }
    Ok(records)
}

fn record(r: &mut Reader<'_>, tables: &Tables<'_>) -> Result<Record, String> {
    let flags = r.byte("a record's flags")?;
    let dead = flags & DEAD != 0;
    if dead && flags & !(DEAD | COUNTER) != UID {
        // A tombstone writes its uid, and has no fields of an entry.
        return Err(format!("a tombstone with flags {flags:#04x}"));
    }
    let uid = if flags & UID != 0 {
        let mut uid = [0u8; 16];
        uid.copy_from_slice(r.take(16, "a uid")?);
        Some(Uid(uid))
    } else {
        None
    };
    let clock = r.varint("a version's clock")?;
    let device = r.entry(&tables.devices, "a device")?;
    let version = Version { clock, device };
    let (true, Some(uid)) = (dead, uid) else {
        return live(r, tables, flags, uid, version);
    };
    let named = |e: String| format!("tombstone {uid}: {e}");
    let secs = r.varint("a deletion time").map_err(named)?;
    let counter = if flags & COUNTER != 0 {
        r.varint("a counter").map_err(named)?
    } else {
        0
    };
    Ok(Record::Dead(Tombstone {
        uid,
        deleted: version,
        secs: Some(secs),
        counter,
    }))
}

fn live(
    r: &mut Reader<'_>,
    tables: &Tables<'_>,
    flags: u8,
    uid: Option<Uid>,
    version: Version,
) -> Result<Record, String> {
    // Until the account is read, name the record by its uid or its place.
    let at = |e: String| match uid {
        Some(uid) => format!("record {uid}: {e}"),
        None => format!("a record: {e}"),
    };
    let order = r.text("an order key").map_err(at)?;
    order::split(order).map_err(|e| at(e.to_string()))?;
    let (otp_type, algorithm, digits, period) = if flags & PARAMS != 0 {
        let otp_type = match r.byte("a type").map_err(at)? {
            0 => OtpType::Totp,
            1 => OtpType::Hotp,
            2 => OtpType::Steam,
            n => return Err(at(format!("unknown type {n}"))),
        };
        let algorithm = match r.byte("an algorithm").map_err(at)? {
            0 => Algorithm::Sha1,
            1 => Algorithm::Sha256,
            2 => Algorithm::Sha512,
            n => return Err(at(format!("unknown algorithm {n}"))),
        };
        let digits = r.byte("digits").map_err(at)?;
        (
            otp_type,
            algorithm,
            digits,
            r.varint("a period").map_err(at)?,
        )
    } else {
        (OtpType::Totp, Algorithm::Sha1, 6, DEFAULT_PERIOD)
    };
    let counter = if flags & COUNTER != 0 {
        r.varint("a counter").map_err(at)?
    } else {
        0
    };
    let strings = &tables.strings;
    let issuer = if flags & ISSUER != 0 {
        let issuer = r.entry(strings, "an issuer").map_err(at)?;
        if issuer.is_empty() {
            return Err(at("an issuer is present but empty".into()));
        }
        Some(issuer.to_owned())
    } else {
        None
    };
    let local = r.entry(strings, "a name").map_err(at)?;
    let name = match r.varint("a name's domain").map_err(at)? {
        0 => local.to_owned(),
        d => format!(
            "{local}@{}",
            pick(strings, d - 1, "a name's domain").map_err(at)?
        ),
    };
    let secret = Secret::from_bytes(r.bytes("a secret").map_err(at)?.to_vec())
        .map_err(|e| at(e.to_string()))?;
    let account = Account::new(otp_type, secret)
        .with_label(issuer, name)
        .with_algorithm(algorithm)
        .with_digits(digits)
        .and_then(|a| a.with_period(period))
        .map_err(|e| at(e.to_string()))?
        .with_counter(counter);
    let uid = uid.unwrap_or_else(|| Uid::derive(&account, None));
    let at = |e: String| format!("record {uid}: {e}");
    let site = if flags & SITE != 0 {
        let site = r.entry(strings, "a site").map_err(at)?;
        if normalize_host(site).as_deref() != Some(site) {
            return Err(at(format!("'{site}' is not a normalized site")));
        }
        Some(site.to_owned())
    } else {
        None
    };
    let logo = if flags & LOGO != 0 {
        let logo = r.entry(strings, "a logo").map_err(at)?;
        check_logo(logo).map_err(|e| at(e.to_string()))?;
        Some(logo.to_owned())
    } else {
        None
    };
    Ok(Record::Live(Entry {
        id: 0,
        account,
        site,
        uid,
        version,
        pinned: flags & PINNED != 0,
        order: order.to_owned(),
        logo,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import_text;
    use crate::sync::record::{DEAD, Packer, UID, content, varint};

    fn entry(uri: &str) -> Entry {
        let account = import_text(uri).unwrap().accounts.remove(0);
        Entry {
            id: 0,
            uid: Uid::derive(&account, None),
            account,
            site: None,
            version: Version {
                clock: 300,
                device: u32::MAX,
            },
            pinned: false,
            order: "a0".into(),
            logo: None,
        }
    }

    fn pack(records: &[Record]) -> crate::sync::record::Plain {
        let mut packer = Packer::new();
        for r in records {
            packer.push(r, r.uid_derived(), true);
        }
        packer.finish()
    }

    #[test]
    fn every_field_round_trips() {
        let plain = entry("otpauth://totp/alice@example.com?secret=JBSWY3DPEHPK3PXP");
        let mut full = entry(
            "otpauth://hotp/ACME:bob?secret=GEZDGNBVGY3TQOJQ&issuer=ACME&algorithm=SHA512&digits=8&counter=18446744073709551615",
        );
        full.site = Some("acme.example".into());
        full.logo = Some("letter".into());
        full.pinned = true;
        full.order = "a0V".into();
        // Renamed since it was added: its uid is not the one its account derives, so it is written.
        full.uid = Uid([9; 16]);
        let mut steam = entry("otpauth://steam/Steam:carol@x@y?secret=JBSWY3DPEHPK3PXP&period=60");
        steam.version.device = 5;
        let dead = Record::Dead(Tombstone {
            uid: Uid([4; 16]),
            deleted: Version {
                clock: 1,
                device: 9,
            },
            secs: Some(1_700_000_000),
            counter: 12,
        });
        let records = vec![
            Record::Live(plain),
            Record::Live(full),
            Record::Live(steam),
            dead,
        ];
        assert_eq!(unpack(&pack(&records)).unwrap(), records);
    }

    #[test]
    fn what_records_share_is_written_once() {
        let a = entry("otpauth://totp/ACME:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME");
        let b = entry("otpauth://totp/ACME:bob@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=ACME");
        let one = pack(&[Record::Live(a.clone())]).len();
        let two = pack(&[Record::Live(a), Record::Live(b)]).len();
        // The second costs its flags, clock, device ref, order key, three refs, its name's own
        // part and its secret: the issuer, the domain and the device are already in the tables.
        assert_eq!(two - one, 1 + 2 + 1 + 3 + 3 + (1 + 3) + (1 + 10));
        // A default TOTP account alone: the tables (issuer, name, domain; device), then the record.
        assert_eq!(one, (1 + 5 + 6 + 12) + (1 + 5) + (1 + 2 + 1 + 3 + 3 + 11));
    }

    #[test]
    fn the_counter_is_left_out_when_versions_are_compared() {
        let mut a = entry("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=3");
        let three = content(&a);
        a.account = a.account.clone().with_counter(9);
        assert_eq!(content(&a), three);
        a.account = a.account.clone().with_counter(0);
        a.pinned = true;
        assert_ne!(content(&a), three);
    }

    /// A shard of `tables` (strings, then devices) and one record's `body`.
    fn shard(strings: &[&str], devices: &[u32], body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        varint(&mut out, strings.len() as u64);
        for s in strings {
            varint(&mut out, s.len() as u64);
            out.extend_from_slice(s.as_bytes());
        }
        varint(&mut out, devices.len() as u64);
        for &d in devices {
            varint(&mut out, u64::from(d));
        }
        out.extend_from_slice(body);
        out
    }

    #[test]
    fn malformed_shards_are_named() {
        let err = |b: &[u8]| unpack(b).unwrap_err();
        assert_eq!(err(&[]), "the string table's size is cut short");
        assert_eq!(err(&[1, 5, b'a']), "a string of the table is cut short");
        assert_eq!(err(&[1, 1, 0xff]), "a string of the table is not UTF-8");
        assert_eq!(err(&[0, 1, 0x80]), "a device id is cut short");
        assert_eq!(
            err(&[0, 1, 0xff, 0xff, 0xff, 0xff, 0x7f]),
            "device id 34359738367 is over 32 bits"
        );
        let mut long = vec![0, 0, 0];
        long.extend([0xff; 10]);
        assert_eq!(err(&long), "a version's clock is over 64 bits");
        // A tombstone: flags, uid, clock, device ref, time.
        let mut dead = vec![DEAD | UID];
        dead.extend([7; 16]);
        dead.extend([1, 0, 5]);
        assert!(unpack(&shard(&[], &[3], &dead)).is_ok());
        assert_eq!(
            err(&shard(&[], &[], &dead)),
            "a device refers to entry 0 of a table of 0"
        );
        dead[0] = DEAD;
        assert_eq!(err(&shard(&[], &[3], &dead)), "a tombstone with flags 0x01");
        dead[0] = DEAD | UID | PINNED;
        assert_eq!(err(&shard(&[], &[3], &dead)), "a tombstone with flags 0x83");
        // A live record without its uid: flags, clock, device, order, local ref, no domain, secret.
        let live = |order: &[u8], rest: &[u8]| {
            let mut b = vec![0, 1, 0, order.len() as u8];
            b.extend_from_slice(order);
            b.extend_from_slice(rest);
            b
        };
        let good = live(b"a0", &[0, 0, 1, 42]);
        assert!(unpack(&shard(&["alice"], &[3], &good)).is_ok());
        assert_eq!(
            err(&shard(&["alice"], &[3], &live(b"a00", &[0, 0, 1, 42]))),
            "a record: 'a00' is not an order key (base-62 characters, an integer part as long as \
             its first character says, a fraction not ending in 0, at most 64 characters)"
        );
        assert_eq!(
            err(&shard(&["alice"], &[3], &live(b"a0", &[1, 0, 1, 42]))),
            "a record: a name refers to entry 1 of a table of 1"
        );
        assert_eq!(
            err(&shard(&["alice"], &[3], &live(b"a0", &[0, 2, 1, 42]))),
            "a record: a name's domain refers to entry 1 of a table of 1"
        );
        assert_eq!(
            err(&shard(&["alice"], &[3], &live(b"a0", &[0, 0, 0]))),
            "a record: the secret is empty"
        );
        let mut params = live(b"a0", &[7, 0, 6, 30]);
        params[0] = PARAMS;
        assert_eq!(
            err(&shard(&["a"], &[3], &params)),
            "a record: unknown type 7"
        );
        // flags, clock, device, the key's length and "a0", then type, algorithm, digits.
        params[6] = 0;
        params[7] = 5;
        assert_eq!(
            err(&shard(&["a"], &[3], &params)),
            "a record: unknown algorithm 5"
        );
        params[7] = 0;
        params[8] = 4;
        params.extend([0, 0, 1, 42]);
        assert_eq!(
            err(&shard(&["a"], &[3], &params)),
            "a record: digits must be from 6 to 10, got 4"
        );
    }

    #[test]
    fn fields_a_vault_would_refuse_are_refused_here() {
        let mut e = entry("otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME");
        e.site = Some("Not A Host".into());
        let uid = e.uid;
        assert_eq!(
            unpack(&pack(&[Record::Live(e.clone())])).unwrap_err(),
            format!("record {uid}: 'Not A Host' is not a normalized site")
        );
        e.site = None;
        e.logo = Some("Logo!".into());
        assert!(
            unpack(&pack(&[Record::Live(e.clone())]))
                .unwrap_err()
                .contains("is not a logo")
        );
        e.logo = None;
        // An issuer flag on an empty issuer.
        let bytes = shard(
            &["", "alice"],
            &[3],
            &[ISSUER, 1, 0, 2, b'a', b'0', 0, 1, 0, 1, 42],
        );
        assert_eq!(
            unpack(&bytes).unwrap_err(),
            "a record: an issuer is present but empty"
        );
        let fixed = shard(
            &["X", "alice"],
            &[3],
            &[ISSUER, 1, 0, 2, b'a', b'0', 0, 1, 0, 1, 42],
        );
        assert!(unpack(&fixed).is_ok());
    }
}
