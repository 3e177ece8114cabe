//! The ciphers and password KDFs of other authenticators' encrypted exports, with bounds on every
//! cost parameter a file can set (a hostile file must not make us allocate gigabytes or spin for
//! hours).

use aes_gcm::aead::{Aead, KeyInit as _};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose};
use cbc::cipher::{BlockDecryptMut, KeyIvInit, block_padding::Pkcs7};
use md5::Digest as _;
use zeroize::Zeroizing;

/// A 256-bit key, wiped when dropped.
pub(crate) type Key = Zeroizing<[u8; 32]>;

/// AES-256-GCM decryption of `sealed` (ciphertext followed by the 16-byte tag) with a 12-byte nonce.
/// `None` when the tag does not match: wrong key or altered data.
pub(crate) fn aes_gcm_open(
    key: &[u8; 32],
    nonce: &[u8],
    sealed: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    if nonce.len() != 12 {
        return None;
    }
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    cipher
        .decrypt(Nonce::from_slice(nonce), sealed)
        .ok()
        .map(Zeroizing::new)
}

/// AES-256-CBC decryption with PKCS#7 padding. `None` when the length or padding is wrong.
pub(crate) fn aes_cbc_open(
    key: &[u8; 32],
    iv: &[u8; 16],
    ciphertext: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let mut buffer = Zeroizing::new(ciphertext.to_vec());
    let decryptor = cbc::Decryptor::<aes::Aes256>::new(key.into(), iv.into());
    let len = decryptor
        .decrypt_padded_mut::<Pkcs7>(&mut buffer)
        .ok()?
        .len();
    buffer.truncate(len);
    Some(buffer)
}

/// OpenSSL's `EVP_BytesToKey` with MD5 and one round, as CryptoJS uses it for a passphrase: 32 key
/// bytes and 16 IV bytes from `MD5(previous ‖ password ‖ salt)` blocks.
pub(crate) fn evp_bytes_to_key(password: &[u8], salt: &[u8]) -> (Key, [u8; 16]) {
    let mut out = Zeroizing::new([0u8; 48]);
    let mut previous: Option<md5::digest::Output<md5::Md5>> = None;
    for chunk in out.chunks_mut(16) {
        let mut hasher = md5::Md5::new();
        if let Some(p) = &previous {
            hasher.update(p);
        }
        hasher.update(password);
        hasher.update(salt);
        let block = hasher.finalize();
        chunk.copy_from_slice(&block);
        previous = Some(block);
    }
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&out[..32]);
    let mut iv = [0u8; 16];
    iv.copy_from_slice(&out[32..]);
    (key, iv)
}

/// The most PBKDF2 iterations a file may ask for (andOTP uses 140 000–160 000; 2FAS 10 000).
pub(crate) const MAX_PBKDF2_ITERATIONS: u32 = 2_000_000;

/// PBKDF2-HMAC-SHA256 to a 256-bit key.
pub(crate) fn pbkdf2_sha256(password: &[u8], salt: &[u8], iterations: u32) -> Key {
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, iterations, key.as_mut());
    key
}

/// PBKDF2-HMAC-SHA1 to a 256-bit key.
pub(crate) fn pbkdf2_sha1(password: &[u8], salt: &[u8], iterations: u32) -> Key {
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, iterations, key.as_mut());
    key
}

/// The most password slots an encrypted export may have: each one is a key derivation.
pub(crate) const MAX_KEY_SLOTS: usize = 8;

/// The most scrypt work an export's password slots may ask for together, in bytes of memory times
/// its parallel passes (`128·n·r·p` summed): 512 MiB, sixteen slots of Aegis's 32 MiB default, or
/// two passes at the per-slot memory cap.
pub(crate) const MAX_SCRYPT_WORK: u64 = 512 << 20;

/// The work of one scrypt derivation, as [`MAX_SCRYPT_WORK`] counts it.
pub(crate) fn scrypt_work(n: u64, r: u32, p: u32) -> u64 {
    n.saturating_mul(128)
        .saturating_mul(u64::from(r))
        .saturating_mul(u64::from(p))
}

/// scrypt to a 256-bit key. `n` must be a power of two; memory (`128·n·r` bytes) is bounded to
/// 256 MiB and `p` to 16 (Aegis uses n = 2^15, r = 8, p = 1: 32 MiB).
pub(crate) fn scrypt(password: &[u8], salt: &[u8], n: u64, r: u32, p: u32) -> Result<Key, String> {
    const MAX_MEMORY: u64 = 256 << 20;
    if n < 2 || !n.is_power_of_two() {
        return Err(format!(
            "scrypt's n must be a power of two of at least 2, got {n}"
        ));
    }
    if r == 0 || p == 0 || p > 16 || n.saturating_mul(128).saturating_mul(u64::from(r)) > MAX_MEMORY
    {
        return Err(format!(
            "scrypt parameters n={n}, r={r}, p={p} are out of range (at most 256 MiB of memory and p ≤ 16)"
        ));
    }
    let log_n = n.trailing_zeros() as u8;
    let params = scrypt::Params::new(log_n, r, p)
        .map_err(|_| format!("scrypt parameters n={n}, r={r}, p={p} are invalid"))?;
    let mut key = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(password, salt, &params, key.as_mut())
        .map_err(|_| "scrypt cannot produce a 32-byte key".to_string())?;
    Ok(key)
}

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Argon2Cost {
    /// Memory in KiB.
    pub m: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

/// Argon2id (version 0x13) to `out.len()` bytes. Memory is bounded to 256 MiB, passes to 16 and
/// lanes to 8.
pub(crate) fn argon2id(
    password: &[u8],
    salt: &[u8],
    cost: Argon2Cost,
    out: &mut [u8],
) -> Result<(), String> {
    let Argon2Cost { m, t, p } = cost;
    if m > 256 * 1024 || t > 16 || p > 8 {
        return Err(format!(
            "Argon2 parameters m={m}, t={t}, p={p} are out of range (at most 256 MiB, 16 passes, 8 lanes)"
        ));
    }
    let params = argon2::Params::new(m, t, p, Some(out.len()))
        .map_err(|e| format!("Argon2 parameters m={m}, t={t}, p={p} are invalid: {e}"))?;
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into(password, salt, out)
        .map_err(|e| format!("Argon2 cannot run: {e}"))
}

/// Standard base64, with or without `=` padding.
pub(crate) fn base64(text: &str) -> Option<Vec<u8>> {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    LENIENT.decode(text.trim()).ok()
}

/// Standard base64 without padding (the PHC string format's and the extension's encoding).
pub(crate) fn base64_unpadded(bytes: &[u8]) -> Zeroizing<String> {
    Zeroizing::new(general_purpose::STANDARD_NO_PAD.encode(bytes))
}

/// Hexadecimal text (either case) to bytes.
pub(crate) fn hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}
