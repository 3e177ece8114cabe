//! Secrets at rest, password hashes and random tokens.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use anyhow::{Context, Result, bail};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use authbar_core::Secret;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

/// Fills a buffer from the operating system's generator.
pub fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf)
        .map_err(|e| anyhow::anyhow!("the system random generator failed: {e}"))?;
    Ok(buf)
}

/// A 256-bit token for cookies and CSRF fields, URL-safe base64.
pub fn random_token() -> Result<String> {
    Ok(URL_SAFE_NO_PAD.encode(random_bytes::<32>()?))
}

/// What the database stores for a token: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new 160-bit TOTP secret (RFC 4226 §4 recommends 160 bits).
pub fn new_totp_secret() -> Result<Secret> {
    let mut bytes = random_bytes::<20>()?;
    let secret = Secret::from_bytes(bytes.to_vec()).map_err(|e| anyhow::anyhow!("{e}"));
    bytes.zeroize();
    secret
}

/// The server key that encrypts OTP secrets in the database (XChaCha20-Poly1305).
pub struct ServerKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(…)")
    }
}

impl ServerKey {
    /// Reads the key file, or creates it (mode 0600, 32 random bytes) when it does not exist.
    /// A key file that others can read is refused.
    pub fn load_or_create(path: &Path) -> Result<Self> {
        match fs::read(path) {
            Ok(bytes) => {
                let mode = fs::metadata(path)?.permissions().mode();
                if mode & 0o077 != 0 {
                    bail!(
                        "the key file {} is readable by others (mode {:o}); run: chmod 600 {}",
                        path.display(),
                        mode & 0o777,
                        path.display()
                    );
                }
                let bytes = Zeroizing::new(bytes);
                let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
                    anyhow::anyhow!(
                        "the key file {} must hold exactly 32 bytes, it holds {}",
                        path.display(),
                        bytes.len()
                    )
                })?;
                Ok(ServerKey(Zeroizing::new(key)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = Zeroizing::new(random_bytes::<32>()?);
                let mut file = fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(path)
                    .with_context(|| format!("cannot create the key file {}", path.display()))?;
                file.write_all(key.as_slice())?;
                file.sync_all()?;
                Ok(ServerKey(key))
            }
            Err(e) => {
                Err(e).with_context(|| format!("cannot read the key file {}", path.display()))
            }
        }
    }

    /// A key for tests.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        ServerKey(Zeroizing::new(bytes))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.0.as_slice().into())
    }

    /// Encrypts a secret for `login`'s row: `v1.` + base64(nonce ‖ ciphertext). The login is bound as
    /// associated data, so a ciphertext copied to another user's row does not decrypt.
    pub fn seal(&self, login: &str, secret: &Secret) -> Result<String> {
        let nonce = random_bytes::<24>()?;
        let sealed = self
            .cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: secret.as_bytes(),
                    aad: login.as_bytes(),
                },
            )
            .map_err(|_| anyhow::anyhow!("encryption failed"))?;
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&sealed);
        Ok(format!("v1.{}", STANDARD.encode(blob)))
    }

    /// Decrypts what [`ServerKey::seal`] produced for the same login.
    pub fn open(&self, login: &str, stored: &str) -> Result<Secret> {
        let blob = stored
            .strip_prefix("v1.")
            .and_then(|b| STANDARD.decode(b).ok())
            .filter(|b| b.len() > 24 + 16)
            .context("the stored OTP secret is not in the v1 format")?;
        let (nonce, sealed) = blob.split_at(24);
        let plain = Zeroizing::new(
            self.cipher()
                .decrypt(
                    XNonce::from_slice(nonce),
                    Payload {
                        msg: sealed,
                        aad: login.as_bytes(),
                    },
                )
                .map_err(|_| {
                    anyhow::anyhow!("the stored OTP secret does not decrypt with this key")
                })?,
        );
        Secret::from_bytes(plain.to_vec()).map_err(|e| anyhow::anyhow!("{e}"))
    }
}

/// Argon2id with the crate's defaults (m = 19 MiB, t = 2, p = 1: OWASP's recommendation).
pub fn hash_password(password: &str) -> Result<String> {
    let salt =
        SaltString::encode_b64(&random_bytes::<16>()?).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))?
        .to_string())
}

/// Checks a password against a PHC string in a caller-owned work area that is reused from one call to
/// the next (and wiped after each), so that a hashing thread holds one Argon2 memory for its whole
/// life instead of leaving a freed 19 MiB block in every allocator arena it passed through
/// (memory must stay bounded under a burst of logins). A malformed hash never matches.
pub fn verify_password_in(password: &str, phc: &str, memory: &mut Vec<argon2::Block>) -> bool {
    use argon2::{Algorithm, Params, Version};
    let Ok(hash) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return false;
    };
    let (Ok(params), Ok(algorithm)) =
        (Params::try_from(&hash), Algorithm::try_from(hash.algorithm))
    else {
        return false;
    };
    let Ok(version) = hash
        .version
        .map_or(Ok(Version::default()), Version::try_from)
    else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), argon2::Block::default());
    }
    let mut out = Zeroizing::new(vec![0u8; expected.len()]);
    let computed = Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..])
        .is_ok();
    memory.fill(argon2::Block::default());
    computed
        && bool::from(subtle::ConstantTimeEq::ct_eq(
            out.as_slice(),
            expected.as_bytes(),
        ))
}

/// Checks a password against a PHC string; a malformed hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_and_binding() {
        let key = ServerKey::from_bytes([7; 32]);
        let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let sealed = key.seal("novak", &secret).unwrap();
        assert!(sealed.starts_with("v1."));
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(key.open("novak", &sealed).unwrap(), secret);
        assert!(key.open("admin", &sealed).is_err());
        assert!(
            ServerKey::from_bytes([8; 32])
                .open("novak", &sealed)
                .is_err()
        );
        assert!(key.open("novak", "JBSWY3DPEHPK3PXP").is_err());
        // Two seals of one secret differ (random nonce).
        assert_ne!(key.seal("novak", &secret).unwrap(), sealed);
    }

    #[test]
    fn key_file_is_created_private_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.key");
        let key = ServerKey::load_or_create(&path).unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let again = ServerKey::load_or_create(&path).unwrap();
        let s = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(again.open("a", &key.seal("a", &s).unwrap()).unwrap(), s);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        assert!(
            format!("{:#}", ServerKey::load_or_create(&path).unwrap_err()).contains("chmod 600")
        );
        fs::write(dir.path().join("short.key"), [1u8; 5]).unwrap();
        fs::set_permissions(
            dir.path().join("short.key"),
            fs::Permissions::from_mode(0o600),
        )
        .unwrap();
        let err = ServerKey::load_or_create(&dir.path().join("short.key")).unwrap_err();
        assert!(format!("{err:#}").contains("exactly 32 bytes"), "{err:#}");
    }

    #[test]
    fn passwords() {
        let phc = hash_password("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &phc));
        assert!(!verify_password("wrong", &phc));
        assert!(!verify_password("x", "not a hash"));
        let mut memory = Vec::new();
        assert!(verify_password_in("correct horse", &phc, &mut memory));
        assert!(!verify_password_in("wrong", &phc, &mut memory));
        assert!(!verify_password_in("x", "not a hash", &mut memory));
        assert!(
            memory.iter().all(|b| b.as_ref().iter().all(|w| *w == 0)),
            "wiped"
        );
        assert_eq!(token_hash("a").len(), 64);
        assert_ne!(random_token().unwrap(), random_token().unwrap());
        assert_eq!(new_totp_secret().unwrap().bits(), 160);
    }
}
