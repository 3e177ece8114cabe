//! Authbar's engine: one-time codes (RFC 4226 HOTP, RFC 6238 TOTP, Steam Guard), `otpauth://` URIs,
//! Google Authenticator exports, other authenticators' export files and QR images, in pure Rust with
//! no I/O and no clock.
//!
//! Accounts come in through [`import_text`] and [`Vault::preview`] / [`Vault::commit`] (the user
//! confirms what is added), and go out through [`export`]: `otpauth://` lines, Google Authenticator
//! export parts, and QR codes of either.
//!
//! Every function that depends on time takes the time as an argument (`unix_secs`), so the same code
//! runs in the `authbar` command, in the browser extension (compiled to WebAssembly) and in the
//! companion server, and is tested against fixed vectors.
//!
//! # Example
//!
//! ```
//! use authbar_core::{import_text, uri};
//!
//! // A QR code or a pasted setup link gives an account…
//! let import = import_text(
//!     "otpauth://totp/ACME%20Co:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME%20Co",
//! )?;
//! let account = &import.accounts[0];
//! assert_eq!(account.issuer(), Some("ACME Co"));
//! assert_eq!(account.name(), "alice@example.com");
//!
//! // …whose code at a given time comes with the seconds it stays valid (RFC 6238 Appendix B, 6 digits).
//! let now = account.code_at(59);
//! assert_eq!(now.code.to_string(), "287082");
//! assert_eq!(now.remaining_secs, 1);
//!
//! // A server checks a submitted code within ±1 step, in constant time.
//! let matched = account.verify("287082", 61, 1).expect("the previous step is within the window");
//! assert_eq!(matched.offset, -1);
//!
//! // And the account can be shared again as a URI.
//! assert!(uri::format(account).starts_with("otpauth://totp/ACME%20Co:alice@example.com?"));
//! # Ok::<(), authbar_core::ImportError>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod account;
pub mod export;
pub mod import;
pub mod lock;
pub mod logo;
pub mod migration;
pub mod otp;
pub mod params;
mod percent;
pub mod quick;
pub use authbar_qr as qr;
pub mod sealed;
mod secret;
pub mod site;
pub mod skew;
mod stored;
pub mod sync;
pub mod uri;
pub mod vault;

pub use account::{Account, AccountError, OtpType};
pub use import::{
    Format, Import, ImportError, SkipReason, Skipped, import_file, import_payload, import_text,
    is_link,
};
pub use lock::{LockError, LockState};
pub use otp::{Algorithm, Alphabet, Code, Match, TimedCode};
pub use params::{Coded, ErrorParams, ErrorView};
pub use qr::{PayloadKind, QrError, QrPayload};
pub use sealed::{DataKey, KdfParams, SealedError, SealedVault};
pub use secret::{Secret, SecretError};
pub use stored::{Stored, StoredError};
pub use sync::SyncError;
pub use vault::{Added, Vault, VaultError};
