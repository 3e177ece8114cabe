//! Between sampling and error correction: a grid's modules → its codeword stream. The data mask is
//! removed and the modules are read in the two-column zigzag that starts at the bottom-right corner,
//! skipping the function patterns (ISO/IEC 18004:2015 §7.7.3, §7.8).
//!
//! Ported from `rqrr` 0.11.0 (`src/decode.rs`: `read_data`, `reserved_cell`), © 2019 Moritz
//! Wanzenböck and the rqrr contributors, MIT licence (`LICENSE-rqrr` beside this file), with the
//! alignment-pattern positions computed (Annex E) instead of tabled. Why not `Grid::get_raw_data`:
//! it reads and BCH-corrects the format information again, which [`super::decode`] has already
//! done, on every candidate grid (a measurable share of a failed grid's cost, and 3 KB of wasm).

use rqrr::BitGrid;

/// The codewords of a grid of `version` whose data modules are masked with `mask` (0–7), in the
/// order they are placed: as many whole bytes as the data modules fill (the 0–7 remainder bits
/// are dropped).
pub(crate) fn read(grid: &dyn BitGrid, version: usize, mask: u16) -> Vec<u8> {
    let n = grid.size();
    // Fewer than two columns hold no column pair (and no QR version is that small).
    if n < 2 {
        return Vec::new();
    }
    let align = alignment_positions(version);
    let mut out = Vec::with_capacity(n * n / 8);
    let (mut byte, mut filled) = (0u8, 0);
    // The right column of the current pair; pairs alternate upward and downward.
    let (mut x, mut upward) = (n - 1, true);
    loop {
        // The vertical timing pattern takes a whole column: the pairs left of it shift by one.
        if x == 6 {
            x = 5;
        }
        for k in 0..n {
            let y = if upward { n - 1 - k } else { k };
            for col in [x, x.saturating_sub(1)] {
                if function_module(n, version, &align, y, col) {
                    continue;
                }
                byte = byte << 1 | u8::from(grid.bit(y, col) ^ mask_bit(mask, y, col));
                filled += 1;
                if filled == 8 {
                    out.push(byte);
                    (byte, filled) = (0, 0);
                }
            }
        }
        if x < 2 {
            break;
        }
        x -= 2;
        upward = !upward;
    }
    out
}

/// The row and column of the alignment patterns' centres of `version` (none for version 1): 6,
/// then evenly spaced up to size − 7 (ISO/IEC 18004:2015 Annex E, Table E.1).
fn alignment_positions(version: usize) -> Vec<usize> {
    if version < 2 {
        return Vec::new();
    }
    let size = 17 + 4 * version;
    let count = version / 7 + 2;
    let step = if version == 32 {
        26
    } else {
        (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
    };
    let mut positions: Vec<usize> = (0..count - 1).map(|k| size - 7 - k * step).collect();
    positions.push(6);
    positions.reverse();
    positions
}

/// Whether module (row `i`, column `j`) belongs to a function pattern, which holds no data:
/// finders with their separators and format information, timing patterns, version information
/// (version ≥ 7) and alignment patterns.
fn function_module(n: usize, version: usize, align: &[usize], i: usize, j: usize) -> bool {
    let (near_top, near_left) = (i < 9, j < 9);
    if (near_top && (near_left || j + 8 >= n)) || (near_left && i + 8 >= n) || i == 6 || j == 6 {
        return true;
    }
    if version >= 7 && ((i < 6 && j + 11 >= n) || (i + 11 >= n && j < 6)) {
        return true;
    }
    // An alignment pattern is 5 × 5 around each pair of positions, except the three pairs that
    // fall on finders.
    let (Some(&first), Some(&last)) = (align.first(), align.last()) else {
        return false;
    };
    let near = |p: usize, v: usize| p.abs_diff(v) <= 2;
    let on_finder =
        |a: usize, b: usize| (a == first && (b == first || b == last)) || (a == last && b == first);
    align
        .iter()
        .any(|&a| near(a, i) && align.iter().any(|&b| near(b, j) && !on_finder(a, b)))
}

/// The data mask patterns, ISO/IEC 18004:2015 Table 10 (i = row, j = column).
fn mask_bit(mask: u16, i: usize, j: usize) -> bool {
    let (m2, m3) = ((i * j) % 2, (i * j) % 3);
    match mask {
        0 => (i + j).is_multiple_of(2),
        1 => i.is_multiple_of(2),
        2 => j.is_multiple_of(3),
        3 => (i + j).is_multiple_of(3),
        4 => (i / 2 + j / 3).is_multiple_of(2),
        5 => m2 + m3 == 0,
        6 => (m2 + m3).is_multiple_of(2),
        _ => (m3 + (i + j) % 2).is_multiple_of(2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_positions_match_table_e1() {
        assert!(alignment_positions(1).is_empty());
        assert_eq!(alignment_positions(2), vec![6, 18]);
        assert_eq!(alignment_positions(7), vec![6, 22, 38]);
        assert_eq!(alignment_positions(16), vec![6, 26, 50, 74]);
        assert_eq!(alignment_positions(32), vec![6, 34, 60, 86, 112, 138]);
        assert_eq!(alignment_positions(36), vec![6, 24, 50, 76, 102, 128, 154]);
        assert_eq!(alignment_positions(40), vec![6, 30, 58, 86, 114, 142, 170]);
    }

    /// Every version's data modules hold exactly its codewords and 0–7 remainder bits
    /// (ISO/IEC 18004:2015 Table 1): the function patterns are skipped exactly.
    #[test]
    fn data_modules_fill_every_versions_codewords() {
        // Table 1's codeword count and remainder bits, for a sample of versions.
        for (version, codewords, remainder) in [
            (1, 26, 0),
            (2, 44, 7),
            (6, 172, 7),
            (7, 196, 0),
            (14, 581, 3),
            (21, 1156, 4),
            (27, 1828, 4),
            (28, 1921, 3),
            (35, 2876, 0),
            (40, 3706, 0),
        ] {
            let n = 17 + 4 * version;
            let align = alignment_positions(version);
            let data = (0..n)
                .flat_map(|i| (0..n).map(move |j| (i, j)))
                .filter(|&(i, j)| !function_module(n, version, &align, i, j))
                .count();
            assert_eq!(data, 8 * codewords + remainder, "version {version}");
        }
    }
}
