//! The constants of the sealed format: its name and version, the cipher, the sizes of keys, salts and
//! nonces, and the bounds a reader puts on a file's slots before deriving any key.

/// The `format` field of every sealed vault and backup.
pub const FORMAT: &str = "authbar-vault";
/// The newest format version this code reads and writes: 2, which adds passkey slots. A vault or
/// backup is written in the oldest version that holds it (1 while it has no passkey slot), so a
/// version that knows only format 1 keeps opening what uses nothing newer.
pub const VERSION: u32 = 2;
/// The format version without passkey slots.
pub const VERSION_1: u32 = 1;
/// The only payload cipher of version 1.
pub const CIPHER: &str = "xchacha20poly1305";

/// The shortest new passphrase accepted (existing files open with whatever they were made with).
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// The most slots a header may hold. A reader refuses a file with more before deriving any key: each
/// passphrase slot costs an Argon2id run, and a crafted backup could otherwise stack them.
pub const MAX_SLOTS: usize = 8;

/// The most Argon2id work a file's passphrase slots may ask for together, in KiB × passes (memory
/// times iterations, summed over the slots): eight times the default's 64 MiB × 6 passes, which is one
/// slot at the 256 MiB cap with 12 passes. Unlocking does at most this much work (about 3.5 s in the
/// extension's WebAssembly on a 2-core machine) however the file is made; the default slot is an
/// eighth of it.
pub const MAX_TOTAL_WORK: u64 = 8 * 64 * 1024 * 6;

pub(crate) const KEY_LEN: usize = 32;
pub(crate) const SALT_LEN: usize = 16;
pub(crate) const NONCE_LEN: usize = 24;
