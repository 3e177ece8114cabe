//! QR codes in images: every code in a greyscale or RGBA buffer, dark-on-light and light-on-dark.
//!
//! The pipeline is: convert to 8-bit luma (compositing transparency over white), shrink very large
//! images by an integer box filter so that memory and time stay bounded, then run `rqrr` on the image
//! and on its negative, and keep each distinct payload once. `rqrr` corrects errors with the code's
//! Reed–Solomon blocks, so a payload it returns is what the code holds; a grid that fails correction is
//! dropped rather than guessed at.

use std::fmt;

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
    check_len(pixels.len(), width, height, 1)?;
    let (luma, w, h) = shrink(pixels, width as usize, height as usize, 1);
    Ok(search(&luma, w, h))
}

/// Finds every QR code in an RGBA image (row-major, 4 bytes per pixel, as canvas `getImageData`
/// returns). Transparent pixels count as white.
pub fn decode_rgba(pixels: &[u8], width: u32, height: u32) -> Result<Vec<QrPayload>, QrError> {
    check_len(pixels.len(), width, height, 4)?;
    let (luma, w, h) = shrink(pixels, width as usize, height as usize, 4);
    Ok(search(&luma, w, h))
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

/// Luma of one pixel (ITU-R BT.601 weights), alpha composited over white.
fn luma_of(px: &[u8]) -> u8 {
    match *px {
        [v] => v,
        [r, g, b, a] => {
            let y = (299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b) + 500) / 1000;
            let a = u32::from(a);
            ((y * a + 255 * (255 - a) + 127) / 255) as u8
        }
        _ => 255,
    }
}

/// Converts to luma and, above [`MAX_SIDE`], averages `factor × factor` blocks.
fn shrink(pixels: &[u8], w: usize, h: usize, channels: usize) -> (Vec<u8>, usize, usize) {
    let side = w.max(h);
    let factor = side.div_ceil(MAX_SIDE as usize).max(1);
    let (ow, oh) = (w / factor, h / factor);
    if factor == 1 {
        return (pixels.chunks_exact(channels).map(luma_of).collect(), w, h);
    }
    let mut out = vec![0u8; ow * oh];
    let mut row_sums = vec![0u32; ow];
    for oy in 0..oh {
        row_sums.fill(0);
        for y in oy * factor..(oy + 1) * factor {
            let row = &pixels[y * w * channels..(y + 1) * w * channels];
            for (ox, sum) in row_sums.iter_mut().enumerate() {
                let block = &row[ox * factor * channels..(ox + 1) * factor * channels];
                *sum += block
                    .chunks_exact(channels)
                    .map(|p| u32::from(luma_of(p)))
                    .sum::<u32>();
            }
        }
        let area = (factor * factor) as u32;
        for (o, sum) in out[oy * ow..(oy + 1) * ow].iter_mut().zip(&row_sums) {
            *o = ((sum + area / 2) / area) as u8;
        }
    }
    (out, ow, oh)
}

/// Runs the detector on the image and on its negative; distinct payloads in order of discovery.
fn search(luma: &[u8], w: usize, h: usize) -> Vec<QrPayload> {
    let mut found: Vec<QrPayload> = Vec::new();
    // A QR code needs at least 21 modules; nothing smaller than that can hold one.
    if w < 21 || h < 21 {
        return found;
    }
    for invert in [false, true] {
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
            let v = luma[y * w + x];
            if invert { 255 - v } else { v }
        });
        for grid in prepared.detect_grids() {
            let mut bytes = Vec::new();
            if grid.decode_to(&mut bytes).is_err() {
                continue;
            }
            let text = String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            if !found.iter().any(|p| p.text == text) {
                found.push(QrPayload {
                    kind: PayloadKind::of(&text),
                    text,
                });
            }
        }
    }
    found
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
    fn transparency_is_white() {
        assert_eq!(luma_of(&[0, 0, 0, 0]), 255);
        assert_eq!(luma_of(&[0, 0, 0, 255]), 0);
        assert_eq!(luma_of(&[255, 255, 255, 255]), 255);
    }

    #[test]
    fn shrink_bounds_the_side() {
        let (out, w, h) = shrink(&vec![200u8; 5000 * 10], 5000, 10, 1);
        assert_eq!((w, h), (1666, 3));
        assert!(out.iter().all(|&v| v == 200));
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
