//! The browser extension's view of `authbar-core`: each export converts JavaScript values
//! (`f64` milliseconds, `Uint8Array` pixels, strings, plain objects) into core types and calls the core.
//! Errors reach JavaScript as `Error` objects with a stable `code` property.
//!
//! One crate builds two WebAssembly modules, chosen by feature, so the popup's first paint loads only
//! what it needs:
//!
//! - `codes` (module 1, loaded first): the vault and its passphrase, the codes, adding from text, QR
//!   payloads and read files, renaming, deleting, and the text exports. See [`Authbar`].
//! - `tools` (module 2, loaded when Add or Settings opens): QR decoding and drawing, and reading
//!   other apps' export files. Stateless.
//!
//! Each instance has its own memory; what crosses between them goes through JavaScript as text
//! (QR payloads, a file's accounts: see `read.rs`). Both share [`js`]'s error conversion. The default
//! (both features) is one module with everything, which the tests and `cargo clippy` use.
#![forbid(unsafe_code)]

mod js;
mod read;
mod views;

#[cfg(feature = "paint")]
mod paint;

#[cfg(feature = "codes")]
mod codes;
#[cfg(feature = "tools")]
mod logos;
#[cfg(feature = "tools")]
mod tools;

#[cfg(feature = "codes")]
pub use codes::Authbar;
#[cfg(feature = "tools")]
pub use logos::{logo_brands, logos_of};
#[cfg(feature = "paint")]
pub use paint::Paint;
#[cfg(feature = "tools")]
pub use tools::{qr_cut_at_edge_rgba, qr_decode_rgba, qr_svg, read_file};
