//! The server's clock: the system time plus an optional offset (`--clock-offset-secs`, for testing
//! clock skew), or a manual clock in tests.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Where the server reads the time.
#[derive(Debug, Clone)]
pub enum Clock {
    /// System time shifted by `offset_ms`.
    System {
        /// Milliseconds added to the system time.
        offset_ms: i64,
    },
    /// A time set by tests, in milliseconds.
    Manual(Arc<AtomicI64>),
}

impl Clock {
    /// The system clock shifted by whole seconds.
    pub fn system(offset_secs: i64) -> Self {
        Clock::System {
            offset_ms: offset_secs.saturating_mul(1000),
        }
    }

    /// A manual clock starting at `unix_ms`, and the handle to move it.
    pub fn manual(unix_ms: i64) -> (Self, Arc<AtomicI64>) {
        let handle = Arc::new(AtomicI64::new(unix_ms));
        (Clock::Manual(handle.clone()), handle)
    }

    /// Milliseconds since the Unix epoch (never negative).
    pub fn now_ms(&self) -> i64 {
        let ms = match self {
            Clock::System { offset_ms } => {
                let sys = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis() as i64);
                sys.saturating_add(*offset_ms)
            }
            Clock::Manual(handle) => handle.load(Ordering::SeqCst),
        };
        ms.max(0)
    }

    /// Whole seconds since the Unix epoch.
    pub fn now_secs(&self) -> u64 {
        (self.now_ms() / 1000) as u64
    }
}
