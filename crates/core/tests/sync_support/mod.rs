//! What the sync tests share: browsers holding a vault and their own copy of `storage.sync`, a
//! relay that copies items between those copies as the browser's sync service would (per key, last
//! writer wins, any subset and order), and a view of a vault's records without local ids.

#![allow(dead_code, clippy::unwrap_used)] // each test file uses part of it

pub mod typical;

use std::collections::BTreeMap;

use authbar_core::sealed::RandomFailed;
use authbar_core::sync::{self, Merged, SyncError, Synced};
use authbar_core::vault::{Tombstone, Uid, Version};
use authbar_core::{Account, KdfParams, LockState, Vault, import_text};

/// Argon2id at its cheapest: the tests are about sync, not about the KDF.
pub const FAST: KdfParams = KdfParams {
    memory_kib: 64,
    iterations: 1,
    parallelism: 1,
};
pub const PASS: &str = "correct horse battery";
/// A fixed "now": tests never read the clock.
pub const NOW: u64 = 1_700_000_000;

/// A random source from a seed (xorshift): deterministic, and different per browser so two
/// browsers never pick the same nonces.
pub fn random(seed: u64) -> impl FnMut(&mut [u8]) -> Result<(), RandomFailed> {
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    move |buf: &mut [u8]| {
        for b in buf.iter_mut() {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            *b = s as u8;
        }
        Ok(())
    }
}

pub fn account(uri: &str) -> Account {
    import_text(uri).unwrap().accounts.remove(0)
}

/// A TOTP account `issuer:name` with a secret made from `n`.
pub fn numbered(issuer: &str, name: &str, n: u32) -> Account {
    let secret = authbar_core::Secret::from_bytes(
        (0..20u32)
            .map(|i| (n.wrapping_mul(31).wrapping_add(i * 7)) as u8)
            .collect(),
    )
    .unwrap();
    Account::new(authbar_core::OtpType::Totp, secret).with_label(Some(issuer.into()), name.into())
}

type Fill = Box<dyn FnMut(&mut [u8]) -> Result<(), RandomFailed>>;

/// A browser: its lock state and its copy of `storage.sync`.
pub struct Browser {
    pub state: LockState,
    pub area: BTreeMap<String, String>,
    random: Fill,
}

impl Browser {
    /// A browser with these accounts, protected by [`PASS`].
    pub fn protected(seed: u64, accounts: Vec<Account>) -> Browser {
        let mut b = Browser::plain(seed, accounts);
        let mut r = random(seed ^ 0xabcdef);
        b.state.set_passphrase(PASS, FAST, &mut r).unwrap();
        b
    }

    /// A browser with these accounts and no passphrase.
    pub fn plain(seed: u64, accounts: Vec<Account>) -> Browser {
        let mut vault = Vault::new();
        vault.add(accounts);
        Browser {
            state: LockState::Plain(vault),
            area: BTreeMap::new(),
            random: Box::new(random(seed)),
        }
    }

    pub fn vault(&self) -> &Vault {
        self.state.vault().unwrap()
    }

    pub fn vault_mut(&mut self) -> &mut Vault {
        self.state.vault_mut().unwrap()
    }

    /// What the extension does after a round: write and remove the items, store the vault.
    fn apply(&mut self, merged: &Merged) {
        for k in &merged.remove {
            self.area.remove(k);
        }
        self.area
            .extend(merged.write.iter().map(|(k, v)| (k.clone(), v.clone())));
        self.save();
    }

    /// Stores the vault (seals it again), as the extension does after every change.
    pub fn save(&mut self) {
        self.state.to_text(&mut self.random).unwrap();
    }

    pub fn publish(&mut self) -> Merged {
        let merged = sync::publish(&mut self.state, &self.area, NOW, &mut self.random).unwrap();
        self.apply(&merged);
        merged
    }

    pub fn join(&mut self, passphrase: &str) -> Result<Merged, SyncError> {
        let merged = sync::join(
            &mut self.state,
            &self.area,
            passphrase,
            NOW,
            &mut self.random,
        )?;
        self.apply(&merged);
        Ok(merged)
    }

    pub fn sync_at(&mut self, now: u64) -> Result<Synced, SyncError> {
        let synced = sync::sync(&mut self.state, &self.area, now, &mut self.random)?;
        match &synced {
            Synced::Merged(merged) => self.apply(merged),
            Synced::Removed => self.save(),
            Synced::Empty => {}
        }
        Ok(synced)
    }

    /// Syncs at [`NOW`]; the round must merge.
    pub fn sync(&mut self) -> Merged {
        match self.sync_at(NOW).unwrap() {
            Synced::Merged(merged) => merged,
            other => panic!("expected a merge, got {other:?}"),
        }
    }

    /// The stored text of the vault as it is (plain JSON of the accounts).
    pub fn text(&self) -> String {
        self.vault().to_json()
    }
}

/// Copies every item of `from`'s area to `to`'s, and removes from `to` the Authbar keys `from`
/// no longer has: a complete relay.
pub fn relay(from: &Browser, to: &mut Browser) {
    relay_keys(from, to, |_| true);
}

/// Relays only the keys `pick` chooses (a relay cut short).
pub fn relay_keys(from: &Browser, to: &mut Browser, mut pick: impl FnMut(&str) -> bool) {
    let gone: Vec<String> = to
        .area
        .keys()
        .filter(|k| !from.area.contains_key(*k) && pick(k))
        .cloned()
        .collect();
    for k in gone {
        to.area.remove(&k);
    }
    for (k, v) in &from.area {
        if pick(k) {
            to.area.insert(k.clone(), v.clone());
        }
    }
}

/// Both browsers see each other's latest: relay, sync, relay back, sync, until nothing is written.
pub fn settle(a: &mut Browser, b: &mut Browser) {
    for _ in 0..4 {
        relay(a, b);
        let wrote_b = !b.sync().write.is_empty();
        relay(b, a);
        let wrote_a = !a.sync().write.is_empty();
        if !wrote_a && !wrote_b {
            return;
        }
    }
    panic!("the two browsers did not settle in four rounds");
}

/// A record as every copy must agree on it: everything but the local id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rec {
    Live {
        uid: Uid,
        version: Version,
        account: Account,
        site: Option<String>,
        pinned: bool,
        order: String,
        logo: Option<String>,
    },
    Dead(Tombstone),
}

/// A vault's records, by uid.
pub fn records(v: &Vault) -> BTreeMap<Uid, Rec> {
    let live = v.entries().iter().map(|e| {
        (
            e.uid,
            Rec::Live {
                uid: e.uid,
                version: e.version,
                account: e.account.clone(),
                site: e.site.clone(),
                pinned: e.pinned,
                order: e.order.clone(),
                logo: e.logo.clone(),
            },
        )
    });
    let dead = v.tombstones().iter().map(|t| (t.uid, Rec::Dead(t.clone())));
    live.chain(dead).collect()
}

/// The accounts as a list shows them: (issuer, name), in list order.
pub fn labels(v: &Vault) -> Vec<(String, String)> {
    v.entries()
        .iter()
        .map(|e| {
            (
                e.account.issuer().unwrap_or_default().to_owned(),
                e.account.name().to_owned(),
            )
        })
        .collect()
}

/// The id of the entry named `name`.
pub fn id_of(v: &Vault, name: &str) -> u64 {
    v.entries()
        .iter()
        .find(|e| e.account.name() == name)
        .unwrap_or_else(|| panic!("no entry named {name}"))
        .id
}
