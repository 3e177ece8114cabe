//! QR codes in images: every code in a greyscale or RGBA buffer, dark-on-light and light-on-dark.
//!
//! The pipeline has three stages, one module each:
//! 1. [`prepare`]: pixels → 8-bit luma (transparency composited over white), shrunk by an integer box
//!    filter above [`MAX_SIDE`]; the half-size, blurred and double-size copies the retries use; and a
//!    local-threshold binariser after ZXing's `HybridBinarizer`.
//! 2. [`detect`]: `rqrr`'s finder-pattern search, grouping and perspective sampling on one
//!    black-and-white view.
//! 3. [`decode`] with [`rs`]: format, Reed–Solomon correction and data segments (ported from rqrr
//!    over log/antilog tables).
//!
//! Views are tried as a cascade from cheap to expensive (see [`CASCADE`]) and the search stops at the
//! first view that reads a code without leaving a found-but-unreadable grid behind, so a clean code
//! costs one pass. A payload is only reported when the format information's BCH code and every
//! Reed–Solomon block check out; a grid that fails is dropped, never guessed at.

use std::fmt;

mod decode;
mod detect;
mod edge;
mod fallback;
mod finder;
mod prepare;
mod rs;
mod sample;

use decode::Decoded;
use detect::{Polarity, Threshold};
use prepare::{Luma, to_luma};

/// The longest side, in pixels, that is searched at full resolution. Larger images are shrunk by an
/// integer factor to at most this (a 10000×10000 scan becomes 2000×2000), which keeps codes whose
/// modules are ≥ 5 px readable and bounds the work per image.
pub const MAX_SIDE: u32 = 2048;

/// Why pixels could not be searched.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum QrError {
    /// The buffer's length does not match `width × height × channels`.
    BadDimensions {
        /// Width given.
        width: u32,
        /// Height given.
        height: u32,
        /// Bytes per pixel expected (1 for luma, 4 for RGBA).
        channels: u8,
        /// The buffer's actual length.
        len: usize,
    },
}

impl QrError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            QrError::BadDimensions { .. } => "bad_dimensions",
        }
    }
}

impl fmt::Display for QrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QrError::BadDimensions {
                width,
                height,
                channels,
                len,
            } => write!(
                f,
                "a {width}×{height} image with {channels} byte(s) per pixel needs {} bytes, got {len}",
                u128::from(*width) * u128::from(*height) * u128::from(*channels)
            ),
        }
    }
}

impl std::error::Error for QrError {}

/// What a QR code's text is, as far as an authenticator cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadKind {
    /// An `otpauth://` URI (one account).
    Otpauth,
    /// An `otpauth-migration://` Google Authenticator export (a batch of accounts).
    Migration,
    /// Anything else: a link, plain text… not an authenticator code.
    Other,
}

impl PayloadKind {
    /// Classifies text by its scheme (case-insensitive).
    pub fn of(text: &str) -> Self {
        let starts = |prefix: &str| {
            text.get(..prefix.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
        };
        if starts("otpauth://") {
            PayloadKind::Otpauth
        } else if starts("otpauth-migration://") {
            PayloadKind::Migration
        } else {
            PayloadKind::Other
        }
    }
}

/// The text of one QR code found in an image.
#[derive(Clone, PartialEq, Eq)]
pub struct QrPayload {
    /// The decoded text (bytes that are not UTF-8 are shown as U+FFFD; such a code is never an
    /// authenticator code).
    pub text: String,
    /// What the text is.
    pub kind: PayloadKind,
}

impl fmt::Debug for QrPayload {
    // The text usually holds a secret: show only its kind and length.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "QrPayload({:?}, {} bytes)", self.kind, self.text.len())
    }
}

/// Finds every QR code in an 8-bit greyscale image (row-major, `width × height` bytes, 0 = black).
///
/// No code in the image is an empty list, not an error.
pub fn decode_luma(pixels: &[u8], width: u32, height: u32) -> Result<Vec<QrPayload>, QrError> {
    Ok(search(&luma(pixels, width, height, 1)?))
}

/// Finds every QR code in an RGBA image (row-major, 4 bytes per pixel, as canvas `getImageData`
/// returns). Transparent pixels count as white.
pub fn decode_rgba(pixels: &[u8], width: u32, height: u32) -> Result<Vec<QrPayload>, QrError> {
    Ok(search(&luma(pixels, width, height, 4)?))
}

/// Whether a greyscale image shows a QR code that runs off the image's edge: finder patterns whose
/// code cannot fit inside the image (see [`code_cut_at_edge_rgba`]).
pub fn code_cut_at_edge_luma(pixels: &[u8], width: u32, height: u32) -> Result<bool, QrError> {
    Ok(edge::code_cut_off(&luma(pixels, width, height, 1)?))
}

/// Whether an RGBA image shows a QR code that runs off the image's edge — the case where "Scan this
/// page" should say "scroll so the whole QR code is visible" rather than "no QR code". Meant for an
/// image in which [`decode_rgba`] found nothing: it looks for the code's finder patterns (the three
/// corner squares) and answers `true` when those it sees imply a code square that cannot lie inside
/// the image. It never reads a payload.
pub fn code_cut_at_edge_rgba(pixels: &[u8], width: u32, height: u32) -> Result<bool, QrError> {
    Ok(edge::code_cut_off(&luma(pixels, width, height, 4)?))
}

/// Checks the buffer's length and converts it to luma within [`MAX_SIDE`].
fn luma(pixels: &[u8], width: u32, height: u32, channels: u8) -> Result<Luma, QrError> {
    check_len(pixels.len(), width, height, channels)?;
    let (w, h) = (width as usize, height as usize);
    Ok(to_luma(
        pixels,
        w,
        h,
        usize::from(channels),
        MAX_SIDE as usize,
    ))
}

fn check_len(len: usize, width: u32, height: u32, channels: u8) -> Result<(), QrError> {
    let expected = u128::from(width) * u128::from(height) * u128::from(channels);
    if expected != len as u128 {
        return Err(QrError::BadDimensions {
            width,
            height,
            channels,
            len,
        });
    }
    Ok(())
}

/// Which copy of the image a cascade step searches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scale {
    /// The luma image as given (after the [`MAX_SIDE`] bound).
    Full,
    /// [`Luma::half`]: noise, JPEG blocks and moiré average out.
    Half,
    /// [`Luma::blur3`]: speckle noise smoothed at full resolution.
    Blur,
    /// [`Luma::double`]: small modules get enough pixels for the finder scan.
    Double,
}

/// The retries, cheapest and most often successful first. Each step is a copy of the image, a
/// threshold and a polarity; a step is skipped when its copy would be too small or too large.
const CASCADE: [(Scale, Threshold, Polarity); 10] = [
    (Scale::Full, Threshold::RowAverage, Polarity::Normal),
    (Scale::Full, Threshold::Hybrid, Polarity::Normal),
    (Scale::Full, Threshold::Hybrid, Polarity::Inverted),
    (Scale::Full, Threshold::RowAverage, Polarity::Inverted),
    (Scale::Half, Threshold::Hybrid, Polarity::Normal),
    (Scale::Half, Threshold::Hybrid, Polarity::Inverted),
    (Scale::Blur, Threshold::Hybrid, Polarity::Normal),
    (Scale::Blur, Threshold::Hybrid, Polarity::Inverted),
    (Scale::Double, Threshold::Hybrid, Polarity::Normal),
    (Scale::Double, Threshold::Hybrid, Polarity::Inverted),
];

/// Doubling is for small images only: above this side the codes' modules are large enough already
/// and a doubled copy would cost 4× the time of the full pass.
const DOUBLE_MAX_SIDE: usize = 1024;

/// The payloads read so far, and where their codes are (in the luma image's pixels).
#[derive(Default)]
struct Found {
    payloads: Vec<Vec<u8>>,
    regions: Vec<[f32; 4]>,
}

impl Found {
    /// Keeps a decoded code found in a view `scale` times smaller than the luma image.
    fn keep(&mut self, d: Decoded, scale: f32) {
        self.regions.push(d.region.map(|v| v * scale));
        if !self.payloads.contains(&d.bytes) {
            self.payloads.push(d.bytes);
        }
    }
}

/// Runs the cascade, then the finder-triangle fallback for codes no view located; distinct
/// payloads in order of discovery.
fn search(luma: &Luma) -> Vec<QrPayload> {
    let mut found = Found::default();
    let (mut half, mut blur, mut double) = (None, None, None);
    for (scale, threshold, polarity) in CASCADE {
        let (view, factor) = match scale {
            Scale::Full => (luma, 1.0),
            Scale::Half => (&*half.get_or_insert_with(|| luma.half()), 2.0),
            Scale::Blur => (&*blur.get_or_insert_with(|| luma.blur3()), 1.0),
            Scale::Double if luma.w.max(luma.h) <= DOUBLE_MAX_SIDE => {
                (&*double.get_or_insert_with(|| luma.double()), 0.5)
            }
            Scale::Double => continue,
        };
        let result = detect::search(view, threshold, polarity);
        for d in result.decoded {
            found.keep(d, factor);
        }
        if !found.payloads.is_empty() && result.failed == 0 {
            break;
        }
    }
    // Codes no view located, including a second code beside one already read.
    for polarity in [Polarity::Normal, Polarity::Inverted] {
        for d in fallback::search(luma, polarity, &found.regions) {
            found.keep(d, 1.0);
        }
    }
    found
        .payloads
        .into_iter()
        .map(|bytes| {
            let text = String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            QrPayload {
                kind: PayloadKind::of(&text),
                text,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify() {
        assert_eq!(
            PayloadKind::of("otpauth://totp/x?secret=A"),
            PayloadKind::Otpauth
        );
        assert_eq!(
            PayloadKind::of("OTPAUTH://totp/x?secret=A"),
            PayloadKind::Otpauth
        );
        assert_eq!(
            PayloadKind::of("otpauth-migration://offline?data=x"),
            PayloadKind::Migration
        );
        assert_eq!(PayloadKind::of("https://example.com"), PayloadKind::Other);
        assert_eq!(PayloadKind::of("otpauth"), PayloadKind::Other);
        assert_eq!(PayloadKind::of("é"), PayloadKind::Other);
    }

    #[test]
    fn wrong_length_is_an_error() {
        let err = decode_rgba(&[0; 10], 2, 2).unwrap_err();
        assert_eq!(
            err,
            QrError::BadDimensions {
                width: 2,
                height: 2,
                channels: 4,
                len: 10
            }
        );
        assert_eq!(
            err.to_string(),
            "a 2×2 image with 4 byte(s) per pixel needs 16 bytes, got 10"
        );
        assert!(decode_luma(&[], 0, 0).unwrap().is_empty());
    }
}
