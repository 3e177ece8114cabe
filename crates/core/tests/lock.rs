//! The lock state (`LockState`): a protected vault's accounts are never written in the clear, a failed
//! random source writes nothing, and a file's key slots are bounded before any key is derived.
#![allow(clippy::unwrap_used)] // tests may panic on what they check

use authbar_core::sealed::{self, KdfParams, RandomFailed, SealedError, SealedVault};
use authbar_core::{Coded, LockError, LockState, Vault, import_text};
use proptest::prelude::*;

/// Small Argon2id costs: the states, not the cost, are under test.
const FAST: KdfParams = KdfParams {
    memory_kib: 64,
    iterations: 1,
    parallelism: 1,
};
const SECRET: &str = "JBSWY3DPEHPK3PXP";
const PASS: &str = "correct horse!";

fn good(buf: &mut [u8]) -> Result<(), RandomFailed> {
    buf.fill(7);
    Ok(())
}

fn failing(_: &mut [u8]) -> Result<(), RandomFailed> {
    Err(RandomFailed)
}

/// A plain state with one account.
fn plain() -> LockState {
    let mut vault = Vault::new();
    let uri = format!("otpauth://totp/ACME:alice?secret={SECRET}&issuer=ACME");
    vault.add(import_text(&uri).unwrap().accounts);
    LockState::open(Some(vault.to_json().into_bytes())).unwrap()
}

/// What a text written for a protected vault may be: sealed, and without the secret.
fn assert_sealed(text: &str) {
    assert!(SealedVault::is_sealed(text), "{text}");
    assert!(!text.contains(SECRET), "the secret is in the stored text");
    assert!(
        !text.contains("alice"),
        "the account's name is in the stored text"
    );
}

#[test]
fn a_protected_vault_is_never_written_as_plain_text() {
    let mut state = plain();
    assert!(state.to_text(&mut good).unwrap().contains(SECRET));
    state.set_passphrase(PASS, FAST, &mut good).unwrap();
    assert_sealed(&state.to_text(&mut good).unwrap());
    state.lock();
    assert_eq!(state.to_text(&mut good), Err(LockError::Locked));
    assert_eq!(state.vault().unwrap_err().code(), "locked");
    // A protected vault opened from storage is locked: nothing to write until it is unlocked.
    let mut again = plain();
    again.set_passphrase(PASS, FAST, &mut good).unwrap();
    let stored = again.to_text(&mut good).unwrap();
    let mut opened = LockState::open(Some(stored.into_bytes())).unwrap();
    assert!(opened.is_protected() && opened.is_locked());
    assert_eq!(opened.to_text(&mut good), Err(LockError::Locked));
    opened.unlock(PASS).unwrap();
    assert_sealed(&opened.to_text(&mut good).unwrap());
    // Only removing the passphrase (with it) makes the text plain again.
    assert_eq!(
        opened.remove_passphrase("wrong one").unwrap_err().code(),
        "wrong_passphrase"
    );
    assert_sealed(&opened.to_text(&mut good).unwrap());
    opened.remove_passphrase(PASS).unwrap();
    assert!(opened.to_text(&mut good).unwrap().contains(SECRET));
}

#[derive(Debug, Clone, Copy)]
enum Op {
    Lock,
    Unlock,
    UnlockWrong,
    UnlockWithKey,
    Set,
    Change,
    Rename,
    Save,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Lock),
        Just(Op::Unlock),
        Just(Op::UnlockWrong),
        Just(Op::UnlockWithKey),
        Just(Op::Set),
        Just(Op::Change),
        Just(Op::Rename),
        Just(Op::Save),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any sequence of operations, failed ones included: once a passphrase is set, every text the
    /// state gives to store is sealed, and a locked state gives none.
    #[test]
    fn no_sequence_of_operations_writes_a_protected_vault_in_the_clear(ops in prop::collection::vec(op(), 1..12)) {
        let mut state = plain();
        state.set_passphrase(PASS, FAST, &mut good).unwrap();
        let mut held = state.key().cloned();
        for op in ops {
            let _ = match op {
                Op::Lock => { state.lock(); Ok(()) }
                Op::Unlock => state.unlock(PASS).map(|_| ()),
                Op::UnlockWrong => state.unlock("not the passphrase").map(|_| ()),
                Op::UnlockWithKey => match held.clone() {
                    Some(key) => state.unlock_with_key(key),
                    None => Ok(()),
                },
                Op::Set => state.set_passphrase("another passphrase", FAST, &mut good).map(|_| ()),
                Op::Change => state.change_passphrase(PASS, PASS, FAST, &mut good),
                Op::Rename => state.vault_mut().map(|v| {
                    let id = v.entries()[0].id;
                    v.rename(id, None, "renamed".into()).unwrap();
                }),
                Op::Save => state.to_text(&mut good).map(|_| ()),
            };
            if let Some(key) = state.key() {
                held = Some(key.clone());
            }
            prop_assert!(state.is_protected());
            match state.to_text(&mut good) {
                Ok(text) => assert_sealed(&text),
                Err(e) => prop_assert_eq!(e, LockError::Locked),
            }
        }
    }
}

#[test]
fn a_failed_random_source_writes_nothing_and_changes_nothing() {
    let mut state = plain();
    let err = state.set_passphrase(PASS, FAST, &mut failing).unwrap_err();
    assert_eq!(err, LockError::Sealed(SealedError::RandomFailed));
    assert_eq!(err.code(), "random_failed");
    assert!(!state.is_protected(), "still the plain vault");
    assert_eq!(state.vault().unwrap().entries().len(), 1);
    state.set_passphrase(PASS, FAST, &mut good).unwrap();
    let before = state.to_text(&mut good).unwrap();
    assert_eq!(
        state.to_text(&mut failing),
        Err(LockError::Sealed(SealedError::RandomFailed))
    );
    assert!(!state.is_locked(), "still unlocked");
    assert_eq!(
        state.change_passphrase(PASS, "a new passphrase", FAST, &mut failing),
        Err(LockError::Sealed(SealedError::RandomFailed))
    );
    // The old passphrase still opens what is stored.
    let mut stored = LockState::open(Some(before.into_bytes())).unwrap();
    stored.unlock(PASS).unwrap();
    // A source that fails half way (after the key, before the nonce) fails the whole seal.
    let mut calls = 0;
    let mut late = |buf: &mut [u8]| {
        calls += 1;
        if calls > 2 {
            Err(RandomFailed)
        } else {
            good(buf)
        }
    };
    let err = sealed::seal(stored.vault().unwrap(), PASS, FAST, &mut late).unwrap_err();
    assert_eq!(err, SealedError::RandomFailed);
}

#[test]
fn operations_that_need_a_passphrase_or_none_say_so() {
    let mut state = plain();
    assert_eq!(state.unlock(PASS).unwrap_err(), LockError::NotProtected);
    assert_eq!(
        state.remove_passphrase(PASS).unwrap_err().code(),
        "not_protected"
    );
    state.set_passphrase(PASS, FAST, &mut good).unwrap();
    assert_eq!(
        state.set_passphrase(PASS, FAST, &mut good).unwrap_err(),
        LockError::AlreadyProtected
    );
    // Changing the passphrase of a locked vault unlocks it with the current one.
    state.lock();
    state
        .change_passphrase(PASS, "a new passphrase", FAST, &mut good)
        .unwrap();
    assert!(!state.is_locked());
    let text = state.to_text(&mut good).unwrap();
    let mut reopened = LockState::open(Some(text.clone().into_bytes())).unwrap();
    assert_eq!(
        reopened.unlock(PASS).unwrap_err().code(),
        "wrong_passphrase"
    );
    reopened.unlock("a new passphrase").unwrap();
    assert!(state.reads_back(&text));
    assert!(!reopened.reads_back("{}"));
}

/// A sealed text whose header holds `slots` (each a passphrase slot with these Argon2id costs).
fn with_slots(costs: &[(u32, u32)]) -> SealedVault {
    let mut state = plain();
    state.set_passphrase(PASS, FAST, &mut good).unwrap();
    let text = state.to_text(&mut good).unwrap();
    let mut envelope: serde_json::Value = serde_json::from_str(&text).unwrap();
    let slot = envelope["header"]["slots"][0].clone();
    let slots: Vec<serde_json::Value> = costs
        .iter()
        .map(|&(memory_kib, iterations)| {
            let mut s = slot.clone();
            s["kdf"]["memoryKib"] = memory_kib.into();
            s["kdf"]["iterations"] = iterations.into();
            s
        })
        .collect();
    envelope["header"]["slots"] = slots.into();
    SealedVault::parse(&envelope.to_string()).unwrap()
}

#[test]
fn a_backup_with_too_many_key_slots_is_refused_before_any_key_is_derived() {
    let sealed = with_slots(&[(64, 1); sealed::MAX_SLOTS + 1]);
    let err = sealed.unlock(PASS).unwrap_err();
    assert_eq!(err, SealedError::TooManySlots { found: 9 });
    assert_eq!(err.code(), "sealed_too_many_slots");
    assert_eq!(err.params().get("max"), Some("8"));
    // Eight slots are read: the first opens the key (and the header, altered here, then fails the
    // accounts' check), so the refusal is not for their number.
    assert_eq!(
        with_slots(&[(64, 1); sealed::MAX_SLOTS])
            .unlock(PASS)
            .unwrap_err(),
        SealedError::Tampered
    );
}

#[test]
fn key_slots_asking_for_too_much_work_together_are_refused_before_any_key_is_derived() {
    // The probe's file: the real slot and three more at 256 MiB, t = 8 (7.2 s in the popup before).
    let big = (256 * 1024, 8);
    let sealed = with_slots(&[(64, 1), big, big, big]);
    let err = sealed.unlock(PASS).unwrap_err();
    assert_eq!(err.code(), "sealed_too_much_work");
    assert_eq!(
        err,
        SealedError::TooMuchWork {
            found: 64 + 3 * 256 * 1024 * 8
        }
    );
    // One slot at the per-slot cap (t = 64) is too much alone.
    let err = with_slots(&[(256 * 1024, 64)]).unlock(PASS).unwrap_err();
    assert_eq!(err.code(), "sealed_too_much_work");
    // The default costs fit eight times over.
    let default = (KdfParams::DEFAULT.memory_kib, KdfParams::DEFAULT.iterations);
    assert_eq!(
        KdfParams::DEFAULT.work() * 8,
        sealed::MAX_TOTAL_WORK,
        "the bound is eight default slots"
    );
    let err = with_slots(&[default; 9]).unlock(PASS).unwrap_err();
    assert_eq!(err.code(), "sealed_too_many_slots");
}
