//! The JSON `authbar import` and `authbar decode --json` print, built from `Serialize` structs whose
//! field names are the extension's (`crates/wasm`'s `View`: camelCase, `type`, `secretBits`, the HOTP
//! counter as a decimal string so 64-bit values survive JavaScript).

use authbar_core::{Account, Coded, Import, ImportError, Secret};
use serde::Serialize;

/// One account.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountJson {
    #[serde(rename = "type")]
    otp_type: &'static str,
    issuer: Option<String>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
    algorithm: &'static str,
    digits: u8,
    /// TOTP and Steam only.
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<u64>,
    /// HOTP only.
    #[serde(skip_serializing_if = "Option::is_none")]
    counter: Option<String>,
    secret_bits: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<String>,
}

impl AccountJson {
    pub fn new(account: &Account, show_secrets: bool) -> Self {
        let secret = account.secret();
        let timed = account.otp_type().is_timed();
        AccountJson {
            otp_type: account.otp_type().as_str(),
            issuer: account.issuer().map(str::to_string),
            name: account.name().to_string(),
            secret: show_secrets.then(|| secret.to_base32()),
            algorithm: account.algorithm().as_str(),
            digits: account.digits(),
            period: timed.then(|| account.period()),
            counter: (!timed).then(|| account.counter().to_string()),
            secret_bits: secret.bits(),
            warning: secret.is_weak().then(|| {
                format!(
                    "the secret has only {} bits; RFC 4226 asks for at least {}",
                    secret.bits(),
                    Secret::MIN_RECOMMENDED_BITS
                )
            }),
        }
    }
}

/// An export entry that was not imported.
#[derive(Serialize)]
pub struct SkippedJson {
    issuer: String,
    name: String,
    code: &'static str,
    reason: String,
}

/// Where a Google Authenticator export's part sits.
#[derive(Serialize)]
pub struct BatchJson {
    index: i32,
    size: i32,
    id: i32,
}

/// An input that could not be read.
#[derive(Serialize)]
pub struct ErrorJson {
    code: &'static str,
    message: String,
}

impl From<&ImportError> for ErrorJson {
    fn from(e: &ImportError) -> Self {
        ErrorJson {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

/// What an input imports: `format` and `accounts`, `skipped`, and `batch` for a Google export.
#[derive(Serialize, Default)]
pub struct ImportJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
    accounts: Vec<AccountJson>,
    skipped: Vec<SkippedJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    batch: Option<BatchJson>,
    /// For an image: the QR codes that were not authenticator codes.
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<Vec<ErrorJson>>,
}

impl ImportJson {
    pub fn new(import: &Import, show_secrets: bool) -> Self {
        let mut out = ImportJson::default();
        out.add(import, show_secrets);
        out
    }

    /// Adds another import's accounts and skipped entries (several QR codes in one image).
    pub fn add(&mut self, import: &Import, show_secrets: bool) {
        self.format.get_or_insert(import.format.as_str());
        self.accounts.extend(
            import
                .accounts
                .iter()
                .map(|a| AccountJson::new(a, show_secrets)),
        );
        self.skipped
            .extend(import.skipped.iter().map(|s| SkippedJson {
                issuer: s.issuer.clone(),
                name: s.name.clone(),
                code: s.reason.code(),
                reason: s.reason.to_string(),
            }));
        if let Some(b) = import.batch {
            self.batch = Some(BatchJson {
                index: b.index,
                size: b.size,
                id: b.id,
            });
        }
    }

    /// Records a QR code that could not be imported (the list is always present for images).
    pub fn add_error(&mut self, error: Option<&ImportError>) {
        let errors = self.errors.get_or_insert_with(Vec::new);
        errors.extend(error.map(ErrorJson::from));
    }
}

/// One QR code of `authbar decode --json`.
#[derive(Serialize)]
pub struct PayloadJson {
    pub file: String,
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(flatten)]
    pub import: Option<ImportJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorJson>,
}

pub fn print_json(value: &impl Serialize) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}
