//! Argon2id (RFC 9106): the parameters a passphrase slot stores, their accepted ranges, and the
//! derivation of a key-encryption key from a passphrase.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::error::SealedError;
use super::format::KEY_LEN;

/// Argon2id cost parameters (RFC 9106), stored in each passphrase slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KdfParams {
    /// Memory in KiB (`m`).
    pub memory_kib: u32,
    /// Passes over the memory (`t`).
    pub iterations: u32,
    /// Lanes (`p`).
    pub parallelism: u32,
}

impl KdfParams {
    /// What new vaults use: 64 MiB, 6 passes, 1 lane. Measured in `docs/vault-format.md`: unlocking
    /// in the extension's WebAssembly takes 0.3–1 s on a 2-core machine. One lane because the wasm
    /// runs single-threaded, so more lanes would only cost the user time, not an attacker; the
    /// passes make up for it, and 64 MiB keeps the popup's memory modest after unlocking.
    pub const DEFAULT: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 6,
        parallelism: 1,
    };
    /// The largest memory a file may ask for: 256 MiB (more could exhaust a browser tab).
    pub const MAX_MEMORY_KIB: u32 = 256 * 1024;
    /// The most passes a file may ask for.
    pub const MAX_ITERATIONS: u32 = 64;
    /// The most lanes a file may ask for.
    pub const MAX_PARALLELISM: u32 = 16;

    /// Checks the ranges a file may use (a crafted file must not make unlocking hang or run out of
    /// memory), and Argon2's own minimum of 8 KiB per lane.
    pub fn check(&self) -> Result<(), SealedError> {
        let bad = |detail: String| Err(SealedError::BadKdf { detail });
        if self.parallelism == 0 || self.parallelism > Self::MAX_PARALLELISM {
            return bad(format!(
                "parallelism must be from 1 to {}, got {}",
                Self::MAX_PARALLELISM,
                self.parallelism
            ));
        }
        if self.iterations == 0 || self.iterations > Self::MAX_ITERATIONS {
            return bad(format!(
                "iterations must be from 1 to {}, got {}",
                Self::MAX_ITERATIONS,
                self.iterations
            ));
        }
        let min = 8 * self.parallelism;
        if self.memory_kib < min || self.memory_kib > Self::MAX_MEMORY_KIB {
            return bad(format!(
                "memory must be from {min} KiB (8 per lane) to {} KiB, got {}",
                Self::MAX_MEMORY_KIB,
                self.memory_kib
            ));
        }
        Ok(())
    }

    /// The work these parameters ask for, in KiB × passes: what
    /// [`MAX_TOTAL_WORK`](super::format::MAX_TOTAL_WORK) bounds.
    pub fn work(&self) -> u64 {
        u64::from(self.memory_kib) * u64::from(self.iterations)
    }

    /// Derives the key-encryption key from a passphrase and salt.
    pub(crate) fn derive(
        &self,
        passphrase: &str,
        salt: &[u8],
    ) -> Result<Zeroizing<[u8; KEY_LEN]>, SealedError> {
        self.check()?;
        let params = argon2::Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(KEY_LEN),
        )
        .map_err(|e| SealedError::BadKdf {
            detail: e.to_string(),
        })?;
        let argon =
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut kek = Zeroizing::new([0u8; KEY_LEN]);
        argon
            .hash_password_into(passphrase.as_bytes(), salt, kek.as_mut())
            .map_err(|e| SealedError::BadKdf {
                detail: e.to_string(),
            })?;
        Ok(kek)
    }
}
