//! Every error the core can report has words in each of the extension's languages: the popup looks
//! them up as `err_<code>` (or `err_<code>_<variant>`) and fills `{name}` from the error's parameters.
//! A variant without words, or words naming a parameter the error does not carry, fails here.

#![allow(clippy::unwrap_used)] // tests may panic on what they check

use std::collections::BTreeMap;
use std::path::PathBuf;

use authbar_core::export::google::NotExportable;
use authbar_core::export::qr_code::QrEncodeError;
use authbar_core::migration::{MigrationError, Unsupported};
use authbar_core::skew::SkewError;
use authbar_core::sync::SyncError;
use authbar_core::uri::UriError;
use authbar_core::vault::{CommitError, SyncId};
use authbar_core::{
    AccountError, Coded, ErrorParams, Format, ImportError, LockError, OtpType, QrError,
    SealedError, SecretError, SkipReason, VaultError,
};

/// One value of every variant of every error enum the front ends show, as (code, params).
fn every_error() -> Vec<(&'static str, ErrorParams)> {
    let secret = [
        SecretError::Empty,
        SecretError::BadCharacter {
            character: '1',
            position: 3,
        },
        SecretError::BadLength { length: 9 },
        SecretError::BadHexCharacter {
            character: 'g',
            position: 2,
        },
        SecretError::OddHexLength { length: 3 },
        SecretError::BadPadding {
            found: 2,
            expected: 0,
        },
        SecretError::BadPadding {
            found: 2,
            expected: 4,
        },
    ];
    let account = [
        AccountError::BadDigits { digits: 5 },
        AccountError::BadSteamDigits { digits: 6 },
        AccountError::BadPeriod { period: 0 },
    ];
    let found = || "x".to_owned();
    let uri = [
        UriError::Malformed { detail: found() },
        UriError::BadScheme { scheme: found() },
        UriError::UnknownType { found: found() },
        UriError::DuplicateParam { name: found() },
        UriError::MissingSecret,
        UriError::Secret(SecretError::Empty),
        UriError::UnknownAlgorithm { found: found() },
        UriError::BadDigits { found: found() },
        UriError::BadSteamDigits { found: found() },
        UriError::BadPeriod { found: found() },
        UriError::MissingCounter,
        UriError::BadCounter { found: found() },
    ];
    let migration = [
        MigrationError::BadScheme { found: found() },
        MigrationError::BadHost { host: found() },
        MigrationError::MissingData,
        MigrationError::DuplicateData,
        MigrationError::BadBase64 { detail: found() },
        MigrationError::BadProtobuf { detail: found() },
    ];
    let unsupported = [
        Unsupported::Md5,
        Unsupported::UnknownAlgorithm(9),
        Unsupported::UnknownDigits(9),
        Unsupported::UnknownType(9),
        Unsupported::NegativeCounter(-1),
        Unsupported::EmptySecret,
    ];
    let format = Format::Aegis;
    let import = [
        ImportError::Uri(UriError::MissingSecret),
        ImportError::Migration(MigrationError::MissingData),
        ImportError::NotAuthenticator { text: found() },
        ImportError::PasswordRequired { format },
        ImportError::WrongPassword { format },
        ImportError::Corrupt {
            format,
            detail: found(),
        },
        ImportError::UnsupportedVersion {
            format,
            found: found(),
            supported: "1",
        },
        ImportError::Unsupported {
            format,
            detail: found(),
        },
        ImportError::UnknownFormat { detail: found() },
        ImportError::TooLarge { bytes: 20 << 20 },
        ImportError::TooManyEntries { found: 200_000 },
        ImportError::TooCostly {
            format,
            detail: found(),
        },
    ];
    let skipped = [
        SkipReason::Migration(Unsupported::Md5),
        SkipReason::UnsupportedType { found: found() },
        SkipReason::UnknownAlgorithm { found: found() },
        SkipReason::BadField {
            field: "digits",
            found: found(),
            rule: "6 or 8",
        },
        SkipReason::BadField {
            field: "digits",
            found: found(),
            rule: "text",
        },
        SkipReason::BadField {
            field: "digits",
            found: found(),
            rule: "a whole number of at least 0",
        },
        SkipReason::BadField {
            field: "otpauth-migration link",
            found: found(),
            rule: "a readable Google Authenticator export",
        },
        SkipReason::MissingSecret,
        SkipReason::Secret(SecretError::Empty),
        SkipReason::Account(AccountError::BadPeriod { period: 0 }),
        SkipReason::Uri(UriError::MissingCounter),
        SkipReason::NotAuthenticator,
        SkipReason::EncryptedEntry,
    ];
    let vault = [
        VaultError::Corrupt { detail: found() },
        VaultError::FutureSchema { found: 9 },
        VaultError::NoSuchEntry { id: 1 },
        VaultError::NotHotp { id: 1 },
        VaultError::NoSuchPosition { index: 3, len: 2 },
        VaultError::BadSite { host: found() },
        VaultError::BadLogo { logo: found() },
        VaultError::UnknownLogo { logo: found() },
        VaultError::AlreadyBack { id: 1 },
        VaultError::MoveAcrossPin {
            index: 0,
            pinned: true,
            first: 2,
            last: 4,
        },
        VaultError::MoveAcrossPin {
            index: 5,
            pinned: false,
            first: 0,
            last: 1,
        },
    ];
    let sealed = [
        SealedError::NotSealed,
        SealedError::Corrupt { detail: found() },
        SealedError::FutureVersion { found: 9 },
        SealedError::UnsupportedCipher { name: found() },
        SealedError::NoPassphraseSlot,
        SealedError::BadKdf { detail: found() },
        SealedError::PassphraseTooShort { chars: 3 },
        SealedError::WrongPassphrase,
        SealedError::KeyRejected,
        SealedError::Tampered,
        SealedError::Vault(VaultError::FutureSchema { found: 9 }),
        SealedError::TooManySlots { found: 9 },
        SealedError::TooMuchWork { found: 1 << 30 },
        SealedError::RandomFailed,
        SealedError::BadPasskey { detail: found() },
        SealedError::NoSuchPasskey,
        SealedError::PasskeyRejected,
    ];
    let lock = [
        LockError::Locked,
        LockError::NotProtected,
        LockError::AlreadyProtected,
        LockError::PasskeysRemain { count: 2 },
        LockError::Sealed(SealedError::WrongPassphrase),
    ];
    let commit = [
        CommitError::StaleIndex { index: 3, len: 2 },
        CommitError::RepeatedIndex { index: 0 },
        CommitError::NoSuchEntry {
            index: 0,
            entry_id: 4,
        },
        CommitError::NotSameName {
            index: 0,
            entry_id: 4,
        },
        CommitError::AlreadyStored {
            index: 0,
            entry_id: 4,
        },
        CommitError::ReplacedTwice { entry_id: 4 },
    ];
    let sync_id = SyncId::parse("AAAAAAAAAAAAAAAAAAAAAA").unwrap();
    let sync = [
        SyncError::Lock(LockError::Locked),
        SyncError::NewerFormat { found: 9 },
        SyncError::HeaderMalformed { detail: found() },
        SyncError::HeaderRejected,
        SyncError::OtherVault { found: sync_id },
        SyncError::NothingToJoin,
        SyncError::ItemRejected { key: found() },
        SyncError::ItemMalformed {
            key: found(),
            detail: found(),
        },
        SyncError::ForeignKey { key: found() },
    ];
    let export = [
        NotExportable::Digits(7),
        NotExportable::Period(60),
        NotExportable::Counter(u64::MAX),
        NotExportable::Type(OtpType::Steam),
        NotExportable::NameLeadingSpace,
        NotExportable::TooLarge {
            bytes: 3000,
            max: 2000,
        },
    ];

    let mut all = Vec::new();
    all.extend(secret.iter().map(|e| (e.code(), e.params())));
    all.extend(account.iter().map(|e| (e.code(), e.params())));
    all.extend(uri.iter().map(|e| (e.code(), e.params())));
    all.extend(migration.iter().map(|e| (e.code(), e.params())));
    all.extend(unsupported.iter().map(|e| (e.code(), e.params())));
    all.extend(import.iter().map(|e| (e.code(), e.params())));
    all.extend(skipped.iter().map(|e| (e.code(), e.params())));
    all.extend(vault.iter().map(|e| (e.code(), e.params())));
    all.extend(sealed.iter().map(|e| (e.code(), e.params())));
    all.extend(lock.iter().map(|e| (e.code(), e.params())));
    all.extend(commit.iter().map(|e| (e.code(), e.params())));
    all.extend(sync.iter().map(|e| (e.code(), e.params())));
    all.extend(export.iter().map(|e| (e.code(), e.params())));
    let qr = QrError::BadDimensions {
        width: 2,
        height: 2,
        channels: 4,
        len: 3,
    };
    all.push((Coded::code(&qr), Coded::params(&qr)));
    let encode = QrEncodeError::TooLong {
        bytes: 3000,
        max: 2953,
    };
    all.push((encode.code(), encode.params()));
    for e in [
        SkewError::NoSamples,
        SkewError::BadSample {
            index: 2,
            rule: "x",
        },
    ] {
        all.push((e.code(), e.params()));
    }
    all
}

/// Every language of the extension.
const LOCALES: [&str; 10] = [
    "en", "cs", "de", "sk", "pl", "fr", "es", "it", "pt_BR", "uk",
];

fn messages(locale: &str) -> BTreeMap<String, String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../extension/_locales")
        .join(locale)
        .join("messages.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let json: BTreeMap<String, serde_json::Value> = serde_json::from_str(&text).unwrap();
    json.into_iter()
        .map(|(k, v)| (k, v["message"].as_str().unwrap().to_owned()))
        .collect()
}

/// The parameters a message names: `{name}` placeholders and the `{name, plural, …}` blocks' counts
/// (a branch's text, `{# bytes}`, is not a parameter).
fn placeholders(message: &str) -> Vec<&str> {
    message
        .split('{')
        .skip(1)
        .filter_map(|rest| {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let (name, after) = rest.split_at(end);
            let named = after.starts_with('}') || after.trim_start().starts_with(',');
            (!name.is_empty() && named).then_some(name)
        })
        .collect()
}

#[test]
fn every_core_error_has_words_in_every_language_and_they_name_only_its_params() {
    for locale in LOCALES {
        let words = messages(locale);
        for (code, params) in every_error() {
            let key = format!("err_{}", params.word_key(code));
            let message = words
                .get(&key)
                .unwrap_or_else(|| panic!("{locale}: no words for {key}"));
            for name in placeholders(message) {
                assert!(
                    params.get(name).is_some(),
                    "{locale}: {key} names {{{name}}}, which {code} does not carry ({params:?})"
                );
            }
        }
    }
}

#[test]
fn every_import_format_has_a_name_in_every_language() {
    let formats = [
        Format::Otpauth,
        Format::GoogleMigration,
        Format::OtpauthList,
        Format::AuthenticatorExtension,
        Format::Aegis,
        Format::TwoFas,
        Format::AndOtp,
        Format::BitwardenJson,
        Format::BitwardenCsv,
        Format::Proton,
        Format::Stratum,
        Format::Authbar,
    ];
    for locale in LOCALES {
        let words = messages(locale);
        for format in formats {
            let key = format!("format_{}", format.as_str().replace('-', "_"));
            assert!(words.contains_key(&key), "{locale}: no name for {key}");
        }
    }
}

#[test]
fn a_bad_base32_character_carries_the_character_and_its_position() {
    let err = authbar_core::Secret::from_base32("JBSW1").unwrap_err();
    assert_eq!(err.code(), "bad_base32");
    assert_eq!(err.params().get("character"), Some("1"));
    assert_eq!(err.params().get("position"), Some("5"));
}
