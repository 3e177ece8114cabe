//! QR codes to show: an account's `otpauth://` URI or a part of a Google Authenticator export, as a
//! module matrix and as a compact SVG.
//!
//! Error correction is level M (15% of the code may be damaged), which phone cameras read well off a
//! screen; a payload too long for M at the largest version (40) falls back to level L rather than
//! failing. The `qrcode` crate encodes (without its image and SVG features, which the extension does
//! not need); [`crate::qr`] reads codes back.

use std::fmt;

use crate::params::{Coded, ErrorParams};
use qrcode::{Color, EcLevel, QrCode};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// The light border around a code, in modules, that ISO/IEC 18004 §9.1 requires for reading.
pub const QUIET_ZONE: usize = 4;

/// The most bytes a version 40 code holds at level M in byte mode (ISO/IEC 18004:2015 Table 7).
pub const MAX_BYTES_M: usize = 2331;

/// The most bytes a version 40 code holds at level L in byte mode: the longest payload any QR code
/// holds whatever its content.
pub const MAX_BYTES_L: usize = 2953;

/// Why a payload cannot be made into a QR code.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum QrEncodeError {
    /// Longer than the largest code holds.
    TooLong {
        /// The payload's length in bytes.
        bytes: usize,
        /// The most a code holds ([`MAX_BYTES_L`]).
        max: usize,
    },
}

impl Coded for QrEncodeError {
    /// A stable machine-readable code.
    fn code(&self) -> &'static str {
        match self {
            QrEncodeError::TooLong { .. } => "qr_too_long",
        }
    }

    /// The values the error names, for wording it in another language (see [`crate::params`]).
    fn params(&self) -> ErrorParams {
        match self {
            QrEncodeError::TooLong { bytes, max } => {
                ErrorParams::new().with("bytes", bytes).with("max", max)
            }
        }
    }
}

impl fmt::Display for QrEncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QrEncodeError::TooLong { bytes, max } => write!(
                f,
                "{bytes} bytes are too many for one QR code, which holds at most {max}"
            ),
        }
    }
}

impl std::error::Error for QrEncodeError {}

/// How much of a code may be damaged and still read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCorrection {
    /// About 7% (only for payloads that do not fit at M).
    L,
    /// About 15%, the default.
    M,
}

/// A QR code's modules, without the quiet zone. Zeroized when dropped: it holds the payload's secret.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct QrMatrix {
    width: usize,
    dark: Vec<bool>,
    #[zeroize(skip)]
    level: ErrorCorrection,
}

impl fmt::Debug for QrMatrix {
    // The modules spell out the payload: show only the size.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "QrMatrix({0}×{0}, {1:?})", self.width, self.level)
    }
}

impl QrMatrix {
    /// Encodes `payload` at level M, or L if it does not fit at M.
    pub fn encode(payload: &str) -> Result<Self, QrEncodeError> {
        let (code, level) = match QrCode::with_error_correction_level(payload, EcLevel::M) {
            Ok(code) => (code, ErrorCorrection::M),
            // The encoder's only failure for byte data is its length.
            Err(_) => match QrCode::with_error_correction_level(payload, EcLevel::L) {
                Ok(code) => (code, ErrorCorrection::L),
                Err(_) => {
                    return Err(QrEncodeError::TooLong {
                        bytes: payload.len(),
                        max: MAX_BYTES_L,
                    });
                }
            },
        };
        Ok(QrMatrix {
            width: code.width(),
            dark: code
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect(),
            level,
        })
    }

    /// Modules per side (21 for version 1, up to 177), without the quiet zone.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The error-correction level used.
    pub fn error_correction(&self) -> ErrorCorrection {
        self.level
    }

    /// Whether the module in column `x`, row `y` (from the top left, without the quiet zone) is dark.
    /// Outside the code (the quiet zone and beyond): light.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }

    /// A compact SVG: one unit per module, a white background including the [`QUIET_ZONE`], and one
    /// path of the dark modules (a rectangle per horizontal run) with `crispEdges` so that it stays
    /// sharp at any size. It holds no size: the page sets `width` and `height`.
    pub fn to_svg(&self) -> String {
        let side = self.width + 2 * QUIET_ZONE;
        let mut path = String::new();
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if !self.is_dark(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while self.is_dark(x, y) {
                    x += 1;
                }
                let run = x - start;
                path.push_str(&format!(
                    "M{} {}h{run}v1h-{run}z",
                    start + QUIET_ZONE,
                    y + QUIET_ZONE
                ));
            }
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" \
             shape-rendering=\"crispEdges\"><path fill=\"#fff\" d=\"M0 0h{side}v{side}H0z\"/>\
             <path d=\"{path}\"/></svg>"
        )
    }
}
