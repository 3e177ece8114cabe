//! QR codes in images: every code in a greyscale or RGBA buffer, dark-on-light and light-on-dark.
//!
//! The pipeline has three stages, one module each:
//! 1. [`prepare`]: pixels → 8-bit luma (transparency composited over white), shrunk by an integer box
//!    filter above [`MAX_SIDE`]; the half-size, blurred and double-size copies the retries use; and a
//!    local-threshold binariser after ZXing's `HybridBinarizer`.
//! 2. [`detect`]: `rqrr`'s finder-pattern search, grouping and perspective sampling on one
//!    black-and-white view.
//! 3. [`decode`] with [`codewords`] and [`rs`]: format, codeword stream, Reed–Solomon correction
//!    and data segments (ported from rqrr, over log/antilog tables).
//!
//! Views are tried as a cascade from cheap to expensive (see [`CASCADE`]) and the search stops at the
//! first view that reads a code without leaving a found-but-unreadable grid behind, so a clean code
//! costs one pass. A payload is only reported when the format information's BCH code and every
//! Reed–Solomon block check out; a grid that fails is dropped, never guessed at.
//!
//! A crate of its own so that the extension's wasm can optimise these pixel loops for speed while
//! the rest of it is optimised for size (`[profile.wasm-release.package.authbar-qr]`); `authbar-core`
//! re-exports it as `authbar_core::qr`.
//!
//! # Example
//!
//! ```
//! use authbar_qr::{PayloadKind, decode_luma};
//! use qrcode::{Color, QrCode};
//!
//! // A code drawn at 4 px per module inside its 4-module quiet zone, as a screenshot shows it.
//! let code = QrCode::new(b"otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP")?;
//! let (n, colors) = (code.width(), code.to_colors());
//! let side = (n + 8) * 4;
//! let pixels: Vec<u8> = (0..side * side)
//!     .map(|i| {
//!         let (x, y) = ((i % side / 4).wrapping_sub(4), (i / side / 4).wrapping_sub(4));
//!         let dark = x < n && y < n && colors[y * n + x] == Color::Dark;
//!         if dark { 0 } else { 255 }
//!     })
//!     .collect();
//!
//! let found = decode_luma(&pixels, side as u32, side as u32)?;
//! assert_eq!(found.len(), 1);
//! assert_eq!(found[0].kind, PayloadKind::Otpauth);
//! assert_eq!(found[0].text, "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::fmt;

mod codewords;
mod decode;
mod detect;
mod edge;
mod fallback;
mod finder;
mod prepare;
mod rs;
mod sample;

use decode::Decoded;
use detect::{Polarity, Threshold, ViewResult};
use prepare::{Flat, Luma, to_luma};

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
}

/// How a step finds codes in its view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Detector {
    /// Our finder scan, finder triangles and sampling ([`fallback`]) on the local-threshold bitmap
    /// made with `Flat` (`Flat::Skipped` on the full view only): no search for a perspective but
    /// the alignment pattern (and one fitted corner in the half-size step), so cheap, and it reads
    /// flat and rotated codes (screenshots, pages) whatever their version.
    Finders(Flat),
    /// `rqrr`'s detector on the view binarised this way: fits perspective (photos, tilted codes).
    Rqrr(Threshold),
    /// [`search_crops`]: rqrr on the doubled surroundings of triangles [`Detector::Finders`] saw
    /// but could not read.
    Crops,
}

/// The steps, cheapest and most often successful first (the half-size rqrr pass costs a quarter of
/// the full-size one, so it comes first); the search stops after the first step that reads a code
/// and leaves no located-but-unread code behind. Which steps earn their place was
/// measured on the benchmark set: rqrr on the negative and on a doubled image read nothing the
/// finder steps and crops had not, at up to four times the cost, so they are not here. The third
/// step's bitmap ([`Flat::Skipped`]) reads the low-contrast codes whose flat quiet zone cost the
/// first bitmap their finder patterns; the fourth, on the half-size view, the photos of screens
/// whose pixel grid breaks the finder patterns' runs at full size (a quarter of the pixels, so
/// cheap), and it alone fits the far corner of a tilted code whose alignment pattern is lost.
const CASCADE: [(Scale, Detector, Polarity); 9] = [
    (
        Scale::Full,
        Detector::Finders(Flat::Counted),
        Polarity::Normal,
    ),
    (
        Scale::Full,
        Detector::Finders(Flat::Counted),
        Polarity::Inverted,
    ),
    (
        Scale::Full,
        Detector::Finders(Flat::Skipped),
        Polarity::Normal,
    ),
    (
        Scale::Half,
        Detector::Finders(Flat::Counted),
        Polarity::Normal,
    ),
    (Scale::Full, Detector::Crops, Polarity::Normal),
    (
        Scale::Full,
        Detector::Rqrr(Threshold::RowAverage),
        Polarity::Normal,
    ),
    (
        Scale::Half,
        Detector::Rqrr(Threshold::Hybrid),
        Polarity::Normal,
    ),
    (
        Scale::Full,
        Detector::Rqrr(Threshold::Hybrid),
        Polarity::Normal,
    ),
    (
        Scale::Blur,
        Detector::Rqrr(Threshold::Hybrid),
        Polarity::Normal,
    ),
];

/// The pixels all rqrr passes together may search in one image (the first pass always runs).
/// 1.6 Mpx is the full-size and the half-size pass over a 1280×800 screenshot or a 1024×768 photo,
/// and every pass over the smaller images where the later passes read codes. On the benchmark set
/// a second full-size pass over an image that large read nothing the others had not, and one such
/// pass over a photo of a monitor cost 230 ms (rqrr copies the whole image for every finder
/// grouping it tries).
const RQRR_BUDGET_PIXELS: usize = 1_600_000;

/// At most this many unread finder triangles are searched again cropped.
const MAX_CROPS: usize = 3;

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

/// The copies of the image and their local-threshold bitmaps, made when a step first needs them
/// and shared by the steps after it.
struct Views<'a> {
    full: &'a Luma,
    scaled: [Option<Luma>; 2],
    hybrid: [Option<Vec<bool>>; 3],
    /// The full view's bitmap with [`Flat::Skipped`].
    skipped: Option<Vec<bool>>,
}

impl Views<'_> {
    /// Makes the view for `scale`, and its bitmap made with `flat` if one is asked for
    /// ([`Flat::Skipped`] on the full view only).
    fn prepare(&mut self, scale: Scale, flat: Option<Flat>) {
        let k = scale as usize;
        if k > 0 && self.scaled[k - 1].is_none() {
            self.scaled[k - 1] = Some(match scale {
                Scale::Half => self.full.half(),
                _ => self.full.blur3(),
            });
        }
        match flat {
            Some(Flat::Counted) if self.hybrid[k].is_none() => {
                self.hybrid[k] = Some(prepare::hybrid_threshold(self.view(scale), Flat::Counted));
            }
            Some(Flat::Skipped) if self.skipped.is_none() => {
                self.skipped = Some(prepare::hybrid_threshold(self.full, Flat::Skipped));
            }
            _ => {}
        }
    }

    /// The bitmap [`Views::prepare`] made for `scale` and `flat`, if it made one.
    fn bitmap(&self, scale: Scale, flat: Option<Flat>) -> Option<&[bool]> {
        match flat {
            Some(Flat::Skipped) => self.skipped.as_deref(),
            _ => self.hybrid[scale as usize].as_deref(),
        }
    }

    /// The pixel count of the view for `scale`, made or not.
    fn area(&self, scale: Scale) -> usize {
        let (w, h) = (self.full.w, self.full.h);
        match scale {
            Scale::Half => (w / 2) * (h / 2),
            _ => w * h,
        }
    }

    fn view(&self, scale: Scale) -> &Luma {
        match scale {
            Scale::Full => self.full,
            _ => self.scaled[scale as usize - 1]
                .as_ref()
                .unwrap_or(self.full),
        }
    }
}

/// Searches again, cropped and doubled, with rqrr's perspective fit, the finder triangles the finder
/// step saw but could not read: a tilted photo of a screen has too few pixels per module for rqrr at
/// full size and too much perspective for the affine reading. A crop costs a fraction of the image.
fn search_crops(luma: &Luma, unread: &[([f32; 4], Polarity)]) -> ViewResult {
    let mut out = ViewResult::default();
    let mut searched: Vec<[f32; 4]> = Vec::new();
    for &(region, polarity) in unread {
        if searched.len() == MAX_CROPS {
            break;
        }
        // Failed triangles of one code overlap: a region centred in one already searched adds
        // nothing but its cost.
        let [x0, y0, x1, y1] = region;
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        if searched.iter().any(|&r| detect::contains(r, (cx, cy))) {
            continue;
        }
        let (crop, (ox, oy)) = luma.crop(region);
        // Doubling is for codes with too few pixels per module; a region over a quarter of the
        // image has enough for the full-size passes, and doubled it would cost more than one.
        if 4 * crop.w * crop.h > luma.w * luma.h {
            continue;
        }
        searched.push(region);
        let double = crop.double();
        let hybrid = prepare::hybrid_threshold(&double, Flat::Counted);
        let result = detect::search(&double, Some(&hybrid), Threshold::Hybrid, polarity);
        let (x1, y1) = ((ox + crop.w) as f32, (oy + crop.h) as f32);
        for mut d in result.decoded {
            d.region = [ox as f32, oy as f32, x1, y1];
            out.decoded.push(d);
        }
        out.failed += result.failed;
    }
    out
}

/// Runs the cascade; distinct payloads in order of discovery.
fn search(luma: &Luma) -> Vec<QrPayload> {
    let mut found = Found::default();
    let mut views = Views {
        full: luma,
        scaled: [None, None],
        hybrid: [None, None, None],
        skipped: None,
    };
    let mut unread: Vec<([f32; 4], Polarity)> = Vec::new();
    let mut spent = 0;
    for (scale, detector, polarity) in CASCADE {
        let flat = match detector {
            Detector::Finders(flat) => Some(flat),
            Detector::Rqrr(Threshold::Hybrid) => Some(Flat::Counted),
            _ => None,
        };
        if let Detector::Rqrr(_) = detector {
            // A pass of rqrr costs about its image's area; past the budget, an image that has
            // not been read by now is rarely read at all, and a page without a code should not
            // cost more than a couple of passes.
            let area = views.area(scale);
            if spent > 0 && spent + area > RQRR_BUDGET_PIXELS {
                continue;
            }
            spent += area;
        }
        views.prepare(scale, flat);
        let (view, hybrid) = (views.view(scale), views.bitmap(scale, flat));
        let factor = match scale {
            Scale::Full | Scale::Blur => 1.0,
            Scale::Half => 2.0,
        };
        let result = match (detector, hybrid) {
            (Detector::Finders(_), Some(hybrid)) => {
                // One corner fit per image, in the half-size step: the step that finds the
                // finders of photographed screens, where tilt is usual.
                let fit = scale == Scale::Half;
                // Regions are kept in the luma image's pixels.
                let known: Vec<[f32; 4]> = found
                    .regions
                    .iter()
                    .map(|r| r.map(|v| v / factor))
                    .collect();
                let result = fallback::search(view, hybrid, polarity, &known, fit);
                unread.extend(
                    result
                        .unread
                        .iter()
                        .map(|&r| (r.map(|v| v * factor), polarity)),
                );
                result
            }
            (Detector::Crops, _) => search_crops(luma, &unread),
            (Detector::Rqrr(threshold), _) => detect::search(view, hybrid, threshold, polarity),
            (Detector::Finders(_), None) => continue,
        };
        for d in result.decoded {
            found.keep(d, factor);
        }
        if !found.payloads.is_empty() && result.failed == 0 {
            break;
        }
    }
    found.into_payloads()
}

impl Found {
    /// The payloads as text (bytes that are not UTF-8 shown as U+FFFD), classified.
    fn into_payloads(self) -> Vec<QrPayload> {
        self.payloads
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
