//! Stage 3: a sampled grid → checked text. The format information (BCH-corrected here), the
//! codeword stream ([`super::codewords`]), de-interleaving, Reed–Solomon correction ([`super::rs`])
//! and the data segments (ISO/IEC 18004:2015 §7.4).
//!
//! Ported from `rqrr` 0.11.0 (`src/decode.rs`: `codestream_ecc`, `decode_payload` and the segment
//! readers; `src/version_db.rs`: the block table), © 2019 Moritz Wanzenböck and the rqrr
//! contributors, MIT licence (`LICENSE-rqrr` beside this file). Why: see [`super::rs`] — calling
//! rqrr's own `decode` links its 64 KiB GF(2⁸) multiplication table into the wasm.

use rqrr::BitGrid;

use super::{codewords, rs};

/// One grid that passed every check.
pub(crate) struct Decoded {
    /// The payload bytes.
    pub bytes: Vec<u8>,
    /// Where the code is: its bounding box (min x, min y, max x, max y) in the searched image's
    /// pixels, filled in by the caller that knows the geometry.
    pub region: [f32; 4],
}

/// Why a grid was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reject {
    /// The format information is unreadable or the grid size is not a QR version.
    Format,
    /// A block has more errors than its parity codewords can correct.
    Ecc,
    /// The corrected data does not parse as segments (unknown mode, or a count beyond the data).
    Data,
}

/// (short block length, data codewords per short block, number of short blocks).
type Blocks = (u8, u8, u8);

/// Per version 1–40: total codewords, and per error-correction level in the order of the format
/// bits (M, L, H, Q): (short block length, data codewords per short block, number of short blocks).
/// Long blocks are one data codeword longer. ISO/IEC 18004:2015 Table 9, as tabulated by rqrr.
const BLOCKS: [(u16, [Blocks; 4]); 40] = [
    (26, [(26, 16, 1), (26, 19, 1), (26, 9, 1), (26, 13, 1)]), // version 1
    (44, [(44, 28, 1), (44, 34, 1), (44, 16, 1), (44, 22, 1)]), // version 2
    (70, [(70, 44, 1), (70, 55, 1), (35, 13, 2), (35, 17, 2)]), // version 3
    (100, [(50, 32, 2), (100, 80, 1), (25, 9, 4), (50, 24, 2)]), // version 4
    (134, [(67, 43, 2), (134, 108, 1), (33, 11, 2), (33, 15, 2)]), // version 5
    (172, [(43, 27, 4), (86, 68, 2), (43, 15, 4), (43, 19, 4)]), // version 6
    (196, [(49, 31, 4), (98, 78, 2), (39, 13, 4), (32, 14, 2)]), // version 7
    (242, [(60, 38, 2), (121, 97, 2), (40, 14, 4), (40, 18, 4)]), // version 8
    (292, [(58, 36, 3), (146, 116, 2), (36, 12, 4), (36, 16, 4)]), // version 9
    (346, [(69, 43, 4), (86, 68, 2), (43, 15, 6), (43, 19, 6)]), // version 10
    (404, [(80, 50, 1), (101, 81, 4), (36, 12, 3), (50, 22, 4)]), // version 11
    (466, [(58, 36, 6), (116, 92, 2), (42, 14, 7), (46, 20, 4)]), // version 12
    (532, [(59, 37, 8), (133, 107, 4), (33, 11, 12), (44, 20, 8)]), // version 13
    (
        581,
        [(64, 40, 4), (145, 115, 3), (36, 12, 11), (36, 16, 11)],
    ), // version 14
    (655, [(65, 41, 5), (109, 87, 5), (36, 12, 11), (54, 24, 5)]), // version 15
    (733, [(73, 45, 7), (122, 98, 5), (45, 15, 3), (43, 19, 15)]), // version 16
    (815, [(74, 46, 10), (135, 107, 1), (42, 14, 2), (50, 22, 1)]), // version 17
    (901, [(69, 43, 9), (150, 120, 5), (42, 14, 2), (50, 22, 17)]), // version 18
    (991, [(70, 44, 3), (141, 113, 3), (39, 13, 9), (47, 21, 17)]), // version 19
    (
        1085,
        [(67, 41, 3), (135, 107, 3), (43, 15, 15), (54, 24, 15)],
    ), // version 20
    (
        1156,
        [(68, 42, 17), (144, 116, 4), (46, 16, 19), (50, 22, 17)],
    ), // version 21
    (
        1258,
        [(74, 46, 17), (139, 111, 2), (37, 13, 34), (54, 24, 7)],
    ), // version 22
    (
        1364,
        [(75, 47, 4), (151, 121, 4), (45, 15, 16), (54, 24, 11)],
    ), // version 23
    (
        1474,
        [(73, 45, 6), (147, 117, 6), (46, 16, 30), (54, 24, 11)],
    ), // version 24
    (
        1588,
        [(75, 47, 8), (132, 106, 8), (45, 15, 22), (54, 24, 7)],
    ), // version 25
    (
        1706,
        [(74, 46, 19), (142, 114, 10), (46, 16, 33), (50, 22, 28)],
    ), // version 26
    (
        1828,
        [(73, 45, 22), (152, 122, 8), (45, 15, 12), (53, 23, 8)],
    ), // version 27
    (
        1921,
        [(73, 45, 3), (147, 117, 3), (45, 15, 11), (54, 24, 4)],
    ), // version 28
    (
        2051,
        [(73, 45, 21), (146, 116, 7), (45, 15, 19), (53, 23, 1)],
    ), // version 29
    (
        2185,
        [(75, 47, 19), (145, 115, 5), (45, 15, 23), (54, 24, 15)],
    ), // version 30
    (
        2323,
        [(74, 46, 2), (145, 115, 13), (45, 15, 23), (54, 24, 42)],
    ), // version 31
    (
        2465,
        [(74, 46, 10), (145, 115, 17), (45, 15, 19), (54, 24, 10)],
    ), // version 32
    (
        2611,
        [(74, 46, 14), (145, 115, 17), (45, 15, 11), (54, 24, 29)],
    ), // version 33
    (
        2761,
        [(74, 46, 14), (145, 115, 13), (46, 16, 59), (54, 24, 44)],
    ), // version 34
    (
        2876,
        [(75, 47, 12), (151, 121, 12), (45, 15, 22), (54, 24, 39)],
    ), // version 35
    (
        3034,
        [(75, 47, 6), (151, 121, 6), (45, 15, 2), (54, 24, 46)],
    ), // version 36
    (
        3196,
        [(74, 46, 29), (152, 122, 17), (45, 15, 24), (54, 24, 49)],
    ), // version 37
    (
        3362,
        [(74, 46, 13), (152, 122, 4), (45, 15, 42), (54, 24, 48)],
    ), // version 38
    (
        3532,
        [(75, 47, 40), (147, 117, 20), (45, 15, 10), (54, 24, 43)],
    ), // version 39
    (
        3706,
        [(75, 47, 18), (148, 118, 19), (45, 15, 20), (54, 24, 34)],
    ), // version 40
];

/// The grid read transposed: a code printed mirrored (rqrr tries this too; some generators and
/// phone screenshots flip codes).
struct Mirrored<'a>(&'a dyn BitGrid);

impl BitGrid for Mirrored<'_> {
    fn size(&self) -> usize {
        self.0.size()
    }
    fn bit(&self, y: usize, x: usize) -> bool {
        self.0.bit(x, y)
    }
}

/// Decodes a grid, trying it mirrored when the direct reading fails (as rqrr does: some
/// generators and screenshots flip codes).
pub(crate) fn decode(grid: &dyn BitGrid) -> Result<Decoded, Reject> {
    let attempt = |g: &dyn BitGrid| {
        format(g)
            .ok_or(Reject::Format)
            .and_then(|format| decode_oriented(g, format))
    };
    attempt(grid).or_else(|original| attempt(&Mirrored(grid)).map_err(|_| original))
}

/// The 15-bit format word of each (error-correction level, mask) pair, as the grid shows it: BCH
/// (15, 5) with generator x¹⁰ + x⁸ + x⁵ + x⁴ + x² + x + 1, XORed with 101010000010010
/// (ISO/IEC 18004:2015 §7.9.1, Annex C).
const FORMAT_WORDS: [u16; 32] = {
    let mut t = [0u16; 32];
    let mut d = 0;
    while d < 32 {
        let mut rem = (d as u16) << 10;
        let mut bit = 14;
        while bit >= 10 {
            if rem & (1 << bit) != 0 {
                rem ^= 0x537 << (bit - 10);
            }
            bit -= 1;
        }
        t[d] = (((d as u16) << 10) | rem) ^ 0x5412;
        d += 1;
    }
    t
};

/// The format information's five data bits (error-correction level, then mask), read from either
/// copy and corrected to the nearest valid word within 3 bit errors (the code's guaranteed correction, §7.9.2); `None`
/// when neither copy is that close to one. Checked here, cheaply, before any codeword is read.
fn format(grid: &dyn BitGrid) -> Option<u16> {
    let n = grid.size();
    if n < 21 {
        return None;
    }
    // Bit i of the first copy is at (YS[i], XS[i]), around the top-left finder (rqrr's order).
    const XS: [usize; 15] = [8, 8, 8, 8, 8, 8, 8, 8, 7, 5, 4, 3, 2, 1, 0];
    const YS: [usize; 15] = [0, 1, 2, 3, 4, 5, 7, 8, 8, 8, 8, 8, 8, 8, 8];
    let first = (0..15).fold(0u16, |w, i| w | (u16::from(grid.bit(YS[i], XS[i])) << i));
    // The second copy: down column 8 from the bottom, then along row 8 at the right.
    let second = (0..7)
        .map(|i| grid.bit(n - 1 - i, 8))
        .chain((0..8).map(|i| grid.bit(8, n - 8 + i)))
        .fold(0u16, |w, b| (w << 1) | u16::from(b));
    let (best, distance) = FORMAT_WORDS
        .iter()
        .enumerate()
        .flat_map(|(d, &word)| [first, second].map(|seen| (d, (seen ^ word).count_ones())))
        .min_by_key(|&(_, distance)| distance)?;
    (distance <= 3).then_some(best as u16)
}

/// The 18-bit version information word of `version`: six data bits and the BCH remainder.
fn version_word(version: u32) -> u32 {
    let mut rem = version << 12;
    for bit in (12..18).rev() {
        if rem & (1 << bit) != 0 {
            rem ^= 0x1f25 << (bit - 12);
        }
    }
    (version << 12) | rem
}

/// Whether the grid's version information agrees with its size: from version 7 on, two copies
/// of an 18-bit BCH (18, 6) word (generator x¹² + x¹¹ + x¹⁰ + x⁹ + x⁸ + x⁵ + x² + 1) sit beside
/// the top-right and bottom-left finders (ISO/IEC 18004:2015 §7.10, Annex D). A grid sampled at
/// the wrong size fails here, before its codewords are read; either copy within 3 bit errors
/// (the code's guaranteed correction) passes.
fn version_matches(grid: &dyn BitGrid) -> bool {
    let n = grid.size();
    let version = n.saturating_sub(17) / 4;
    if version < 7 {
        return true;
    }
    let expected = version_word(version as u32);
    // Bit k (least significant first) is at row k / 3, column n − 11 + k % 3 beside the
    // top-right finder, and transposed beside the bottom-left one.
    let copy = |transposed: bool| {
        (0..18).fold(0u32, |w, k| {
            let (a, b) = (k / 3, n - 11 + k % 3);
            let (y, x) = if transposed { (b, a) } else { (a, b) };
            w | (u32::from(grid.bit(y, x)) << k)
        })
    };
    [false, true]
        .into_iter()
        .any(|t| (copy(t) ^ expected).count_ones() <= 3)
}

/// Reads the codewords of a grid whose format information says `format` (error-correction level
/// in bits 4–3, mask in bits 2–0), corrects them and parses the segments.
fn decode_oriented(grid: &dyn BitGrid, format: u16) -> Result<Decoded, Reject> {
    let n = grid.size();
    if !(21..=177).contains(&n) || !(n - 17).is_multiple_of(4) || !version_matches(grid) {
        return Err(Reject::Format);
    }
    let version = (n - 17) / 4;
    let raw = codewords::read(grid, version, format & 7);
    let stream = correct(version, usize::from(format >> 3), &raw)?;
    let bytes = segments(version, &stream)?;
    Ok(Decoded {
        bytes,
        region: [0.0; 4],
    })
}

/// De-interleaves the codewords into blocks (ISO/IEC 18004:2015 §7.6), corrects each, and returns
/// the data codewords in order.
fn correct(version: usize, ecc_level: usize, raw: &[u8]) -> Result<Vec<u8>, Reject> {
    let (total, levels) = *BLOCKS.get(version.wrapping_sub(1)).ok_or(Reject::Format)?;
    let (bs, dw, ns) = *levels.get(ecc_level).ok_or(Reject::Format)?;
    let (total, bs, dw, ns) = (
        usize::from(total),
        usize::from(bs),
        usize::from(dw),
        usize::from(ns),
    );
    let long_count = (total - bs * ns) / (bs + 1);
    let blocks = long_count + ns;
    let ecc_offset = dw * blocks + long_count;
    let npar = bs - dw;
    if raw.len() < total {
        return Err(Reject::Format);
    }
    let mut out = Vec::with_capacity(total);
    let mut block = Vec::with_capacity(bs + 1);
    for i in 0..blocks {
        let long = i >= ns;
        block.clear();
        block.extend((0..dw).map(|j| raw[j * blocks + i]));
        // A long block's extra data codeword comes after the common columns, where only the long
        // blocks contribute (rqrr's fix for the interleaving of mixed block lengths).
        if long {
            block.push(raw[dw * blocks + (i - ns)]);
        }
        block.extend((0..npar).map(|j| raw[ecc_offset + j * blocks + i]));
        rs::correct_block(&mut block, npar).map_err(|_| Reject::Ecc)?;
        out.extend_from_slice(&block[..block.len() - npar]);
    }
    Ok(out)
}

/// A big-endian bit reader over the corrected data codewords.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Bits<'_> {
    fn remaining(&self) -> usize {
        self.data.len() * 8 - self.pos
    }

    fn take(&mut self, n: usize) -> Result<usize, Reject> {
        if n > self.remaining() {
            return Err(Reject::Data);
        }
        let mut v = 0;
        for _ in 0..n {
            let bit = self.data[self.pos / 8] >> (7 - self.pos % 8) & 1;
            v = v << 1 | usize::from(bit);
            self.pos += 1;
        }
        Ok(v)
    }
}

/// Character-count bits for a mode, by version range 1–9, 10–26, 27–40 (ISO/IEC 18004 Table 3).
fn count_bits(version: usize, by_range: [usize; 3]) -> usize {
    by_range[usize::from(version >= 10) + usize::from(version >= 27)]
}

/// Reads the segments (§7.4): numeric, alphanumeric, byte, kanji (as Shift JIS bytes) and ECI
/// headers, up to the terminator or the end of the data.
fn segments(version: usize, data: &[u8]) -> Result<Vec<u8>, Reject> {
    const ALPHANUMERIC: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    let mut bits = Bits { data, pos: 0 };
    let mut out = Vec::new();
    while bits.remaining() >= 4 {
        match bits.take(4)? {
            0 => break,
            1 => {
                let mut count = bits.take(count_bits(version, [10, 12, 14]))?;
                while count > 0 {
                    let digits = count.min(3);
                    let v = bits.take([0, 4, 7, 10][digits])?;
                    if v >= [1, 10, 100, 1000][digits] {
                        return Err(Reject::Data);
                    }
                    let text = format!("{v:0digits$}");
                    out.extend_from_slice(text.as_bytes());
                    count -= digits;
                }
            }
            2 => {
                let mut count = bits.take(count_bits(version, [9, 11, 13]))?;
                while count > 0 {
                    let chars = count.min(2);
                    let v = bits.take(if chars == 2 { 11 } else { 6 })?;
                    let (hi, lo) = (v / 45, v % 45);
                    if chars == 2 {
                        out.push(*ALPHANUMERIC.get(hi).ok_or(Reject::Data)?);
                    } else if hi != 0 {
                        return Err(Reject::Data);
                    }
                    out.push(ALPHANUMERIC[lo]);
                    count -= chars;
                }
            }
            4 => {
                let count = bits.take(count_bits(version, [8, 16, 16]))?;
                for _ in 0..count {
                    out.push(bits.take(8)? as u8);
                }
            }
            8 => {
                let count = bits.take(count_bits(version, [8, 10, 12]))?;
                for _ in 0..count {
                    let v = bits.take(13)?;
                    let word = ((v / 0xc0) << 8) | (v % 0xc0);
                    let sjis = if word + 0x8140 <= 0x9ffc {
                        word + 0x8140
                    } else {
                        word + 0xc140
                    };
                    out.extend_from_slice(&[(sjis >> 8) as u8, sjis as u8]);
                }
            }
            7 => {
                // ECI designator: 1, 2 or 3 bytes by its leading bits (§7.4.2.2). The payloads an
                // authenticator reads are UTF-8 (or its ASCII subset), so the designator is skipped.
                let first = bits.take(8)?;
                if first & 0xc0 == 0x80 {
                    bits.take(8)?;
                } else if first & 0xe0 == 0xc0 {
                    bits.take(16)?;
                }
            }
            _ => return Err(Reject::Data),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use qrcode::{Color, EcLevel, QrCode, Version as QrVersion};

    /// A generated code as a grid of modules.
    struct Generated {
        n: usize,
        dark: Vec<bool>,
    }

    impl Generated {
        fn new(data: &[u8], version: i16, level: EcLevel) -> Self {
            let code = QrCode::with_version(data, QrVersion::Normal(version), level)
                .unwrap_or_else(|e| panic!("version {version} {level:?}: {e:?}"));
            let dark = code.to_colors().iter().map(|&c| c == Color::Dark).collect();
            Generated {
                n: code.width(),
                dark,
            }
        }
    }

    impl BitGrid for Generated {
        fn size(&self) -> usize {
            self.n
        }
        fn bit(&self, y: usize, x: usize) -> bool {
            self.dark[y * self.n + x]
        }
    }

    #[test]
    fn format_words_match_the_standard() {
        // ISO/IEC 18004 Table C.1: level M (00), mask 0 → 101010000010010; level L, mask 0
        // (data 01000) → 111011111000100, both after the XOR mask.
        assert_eq!(FORMAT_WORDS[0], 0b101010000010010);
        assert_eq!(FORMAT_WORDS[0b01000], 0b111011111000100);
        // Any two words differ in at least 7 bits, so 3 errors are always corrected uniquely.
        for (i, a) in FORMAT_WORDS.iter().enumerate() {
            for b in &FORMAT_WORDS[i + 1..] {
                assert!((a ^ b).count_ones() >= 7);
            }
        }
    }

    #[test]
    fn generated_codes_decode_at_every_level_and_block_layout() {
        let text =
            b"otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";
        for version in [10i16, 15, 22, 27, 40] {
            for level in [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H] {
                let grid = Generated::new(text, version, level);
                let d = decode(&grid).unwrap();
                assert_eq!(d.bytes, text, "version {version} {level:?}");
                // The same code transposed (printed mirrored) reads too.
                assert_eq!(decode(&Mirrored(&grid)).unwrap().bytes, text);
            }
        }
    }

    #[test]
    fn version_information_is_checked() {
        // ISO/IEC 18004 Annex D: version 7 is 000111 110010 010100.
        assert_eq!(version_word(7), 0b000111_110010_010100);
        assert_eq!(version_word(40), 0b101000_110001_101001);
        let text = b"otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP";
        let mut grid = Generated::new(text, 10, EcLevel::M);
        assert!(version_matches(&grid));
        // Four wrong bits in each copy: more than the code corrects, so the grid is refused.
        let n = grid.n;
        for k in 0..4 {
            let (a, b) = (k / 3, n - 11 + k % 3);
            grid.dark[a * n + b] ^= true;
            grid.dark[b * n + a] ^= true;
        }
        assert!(!version_matches(&grid));
        assert_eq!(decode(&grid).err(), Some(Reject::Format));
    }

    #[test]
    fn numeric_and_alphanumeric_segments_decode() {
        for data in [&b"0123456789012"[..], b"HTTPS://EXAMPLE.COM/A-B"] {
            let code = QrCode::new(data).unwrap();
            let grid = Generated {
                n: code.width(),
                dark: code.to_colors().iter().map(|&c| c == Color::Dark).collect(),
            };
            assert_eq!(decode(&grid).unwrap().bytes, data);
        }
    }

    #[test]
    fn segments_reject_what_the_standard_does_not_allow() {
        // Mode 0011 (structured append) is not read: an error, not a guess.
        assert_eq!(segments(1, &[0b0011_0000, 0]), Err(Reject::Data));
        // A byte segment announcing 5 bytes with 1 present.
        assert_eq!(
            segments(1, &[0b0100_0000, 0b0101_0110, 0b0001_0000]),
            Err(Reject::Data)
        );
        // Numeric triple 999 is fine, 1000+ cannot be three digits.
        assert_eq!(
            segments(1, &[0b0001_0000, 0b0000_1111, 0b1110_0111, 0b0000_0000]).unwrap(),
            b"999"
        );
        assert_eq!(
            segments(1, &[0b0001_0000, 0b0000_1111, 0b1111_1111, 0b0000_0000]),
            Err(Reject::Data)
        );
        // A terminator ends the data; an ECI header is skipped.
        assert_eq!(
            segments(1, &[0b0111_0001, 0b1010_0100, 0b0000_0001, 0b0110_0001, 0]).unwrap(),
            b"a"
        );
        assert_eq!(segments(1, &[0, 0xff]).unwrap(), b"");
    }

    #[test]
    fn unknown_versions_and_levels_are_format_errors() {
        assert_eq!(correct(0, 0, &[0; 100]), Err(Reject::Format));
        assert_eq!(correct(41, 0, &[0; 100]), Err(Reject::Format));
        assert_eq!(correct(1, 4, &[0; 100]), Err(Reject::Format));
        assert_eq!(correct(40, 0, &[0; 100]), Err(Reject::Format));
    }

    #[test]
    fn a_grid_with_unreadable_format_is_rejected() {
        let blank = Generated {
            n: 21,
            dark: vec![false; 21 * 21],
        };
        assert_eq!(decode(&blank).err(), Some(Reject::Format));
        let tiny = Generated {
            n: 5,
            dark: vec![true; 25],
        };
        assert_eq!(decode(&tiny).err(), Some(Reject::Format));
    }
}
