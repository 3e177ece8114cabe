//! The constants of the stored account list: the schema this code writes, and the rules of a logo
//! choice. A leaf: the error module names them without importing what reports the errors.

/// The schema this code reads and writes.
pub const SCHEMA: u32 = 3;

/// The logo choice that asks for the letter avatar.
pub const LETTER: &str = "letter";
/// The longest logo slug.
pub const MAX_LOGO_CHARS: usize = 64;
