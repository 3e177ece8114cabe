//! Colours as the logos use them: a brand's colour, the letter avatar's background drawn from its
//! name, and the text colour that reads on either, by WCAG 2's contrast ratio.

use std::fmt;

use serde::{Serialize, Serializer};

/// An sRGB colour, 8 bits a channel. Shown (and serialized) as `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Colour {
    /// Red, 0–255.
    pub r: u8,
    /// Green, 0–255.
    pub g: u8,
    /// Blue, 0–255.
    pub b: u8,
}

impl Colour {
    /// Black, `#000000`.
    pub const BLACK: Colour = Colour::rgb(0, 0, 0);
    /// White, `#ffffff`.
    pub const WHITE: Colour = Colour::rgb(255, 255, 255);

    /// A colour from its three channels.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Colour {
        Colour { r, g, b }
    }

    /// A colour from hue (degrees, taken modulo 360), saturation and lightness (0–1; clamped).
    pub fn from_hsl(hue: f64, saturation: f64, lightness: f64) -> Colour {
        // CSS Color 4 §7.1, "Converting HSL Colors to sRGB".
        let (s, l) = (saturation.clamp(0.0, 1.0), lightness.clamp(0.0, 1.0));
        let h = hue.rem_euclid(360.0);
        let a = s * l.min(1.0 - l);
        let channel = |n: f64| {
            let k = (n + h / 30.0) % 12.0;
            let value = l - a * (k - 3.0).min(9.0 - k).clamp(-1.0, 1.0);
            // In 0..=1, so the rounded product fits a byte.
            (value * 255.0).round() as u8
        };
        Colour::rgb(channel(0.0), channel(8.0), channel(4.0))
    }

    /// WCAG 2's relative luminance: 0 for black, 1 for white (sRGB channels linearized, then
    /// weighted 0.2126, 0.7152, 0.0722).
    pub fn luminance(self) -> f64 {
        let linear = |channel: u8| {
            let c = f64::from(channel) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.r) + 0.7152 * linear(self.g) + 0.0722 * linear(self.b)
    }

    /// WCAG 2's contrast ratio between two colours: from 1 (the same) to 21 (black and white).
    /// Body text needs at least 4.5 (success criterion 1.4.3, level AA).
    pub fn contrast(self, other: Colour) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// The text colour for this background: white or black, whichever contrasts more. Either one
    /// reaches at least 4.58:1 on any colour (they tie at a luminance of about 0.18), so text drawn
    /// this way always meets the 4.5:1 of body text.
    pub fn text_on(self) -> Colour {
        if self.contrast(Colour::WHITE) >= self.contrast(Colour::BLACK) {
            Colour::WHITE
        } else {
            Colour::BLACK
        }
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

impl Serialize for Colour {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The avatar of an account without a logo: a letter on a colour of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Letter {
    /// The first letter or digit of the issuer (else of the account's name), upper case; `?` when
    /// neither has one.
    pub letter: char,
    /// Drawn from the text the letter comes from, so an issuer always gets the same colour.
    pub background: Colour,
    /// White or black, whichever reads better on the background (at least 4.5:1; white, as the
    /// background is chosen dark enough for it).
    pub foreground: Colour,
}

impl Letter {
    /// The avatar for an account: its issuer's first letter or digit, or, when the issuer has none
    /// (or there is no issuer), its name's.
    pub fn of(issuer: Option<&str>, name: &str) -> Letter {
        let has_letter = |text: &&str| text.chars().any(char::is_alphanumeric);
        let text = issuer.filter(has_letter).unwrap_or(name);
        let letter = text
            .chars()
            .find(|c| c.is_alphanumeric())
            .map_or('?', upper);
        let background = background_of(text);
        // White wherever it reads (the background is chosen for it), as on most brands' tiles.
        let foreground = if background.contrast(Colour::WHITE) >= 4.5 {
            Colour::WHITE
        } else {
            background.text_on()
        };
        Letter {
            letter,
            background,
            foreground,
        }
    }
}

/// A letter in upper case, for the scripts whose letters people name issuers in and whose cases
/// lie a fixed distance apart: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic. Other letters,
/// and letters whose upper case is two (ß → SS), stay as they are: the standard library's case
/// table would add 14 KB to the WebAssembly for the rest.
fn upper(c: char) -> char {
    let code = u32::from(c);
    let odd = code % 2 == 1;
    let upper = match code {
        0x61..=0x7a | 0xe0..=0xfe if code != 0xf7 => code - 0x20,
        0xff => 0x178,
        0x131 => 0x49,
        0x17f => 0x53,
        0x101..=0x137 | 0x14b..=0x177 if odd => code - 1,
        0x13a..=0x148 | 0x17a..=0x17e if !odd => code - 1,
        0x3ac => 0x386,
        0x3ad..=0x3af => code - 0x25,
        0x3c2 => 0x3a3,
        0x3b1..=0x3cb => code - 0x20,
        0x3cc => 0x38c,
        0x3cd..=0x3ce => code - 0x3f,
        0x430..=0x44f => code - 0x20,
        0x450..=0x45f => code - 0x50,
        _ => code,
    };
    char::from_u32(upper).unwrap_or(c)
}

/// A colour for a name: its letters and digits in lower case hashed (FNV-1a, 32 bits) to a hue, a
/// saturation of 45–75 % and a lightness of 32–52 %, so names differ in colour, and "GitHub" and
/// "github" do not. Light hues (yellow, cyan) are darkened until white text reaches 4.5:1 on them,
/// so every letter avatar is white on a colour, as the brands' tiles mostly are.
fn background_of(text: &str) -> Colour {
    let squashed = crate::site::squashed(text);
    let hash = squashed.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    let hue = f64::from(hash % 360);
    let saturation = 0.45 + f64::from((hash >> 9) % 31) / 100.0;
    let mut lightness = 0.32 + f64::from((hash >> 17) % 21) / 100.0;
    let mut colour = Colour::from_hsl(hue, saturation, lightness);
    // At a lightness of 0.2 every hue is dark enough, so this ends within 17 steps.
    while colour.contrast(Colour::WHITE) < 4.5 && lightness > 0.2 {
        lightness -= 0.02;
        colour = Colour::from_hsl(hue, saturation, lightness);
    }
    colour
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_show_as_css_hex() {
        assert_eq!(Colour::rgb(0x18, 0x17, 0x17).to_string(), "#181717");
        assert_eq!(
            serde_json::to_string(&Colour::WHITE).unwrap(),
            "\"#ffffff\""
        );
    }

    #[test]
    fn hsl_converts_like_css() {
        assert_eq!(Colour::from_hsl(0.0, 1.0, 0.5), Colour::rgb(255, 0, 0));
        assert_eq!(Colour::from_hsl(120.0, 1.0, 0.25), Colour::rgb(0, 128, 0));
        assert_eq!(Colour::from_hsl(240.0, 1.0, 0.5), Colour::rgb(0, 0, 255));
        assert_eq!(Colour::from_hsl(480.0, 1.0, 0.5), Colour::rgb(0, 255, 0));
        assert_eq!(Colour::from_hsl(0.0, 0.0, 1.0), Colour::WHITE);
    }

    #[test]
    fn contrast_follows_wcag() {
        let ratio = Colour::BLACK.contrast(Colour::WHITE);
        assert!((ratio - 21.0).abs() < 1e-9, "{ratio}");
        assert!((Colour::WHITE.contrast(Colour::WHITE) - 1.0).abs() < 1e-9);
        // #767676 is the lightest grey with 4.5:1 on white (4.54).
        let grey = Colour::rgb(0x76, 0x76, 0x76).contrast(Colour::WHITE);
        assert!((grey - 4.54).abs() < 0.01, "{grey}");
    }

    #[test]
    fn upper_case_agrees_with_the_standard_library_where_it_changes_a_letter() {
        let covered = ['a'..='z', 'à'..='þ', 'ÿ'..='ž', 'ά'..='ώ', 'а'..='џ'];
        for c in covered.into_iter().flatten() {
            let mut standard = c.to_uppercase();
            let expected = match (standard.next(), standard.next()) {
                (Some(one), None) => one,
                _ => c,
            };
            assert_eq!(upper(c), expected, "{c} U+{:04X}", u32::from(c));
        }
        // Anywhere else, a letter changes only to its standard upper case.
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            let mut standard = c.to_uppercase();
            if upper(c) != c {
                assert_eq!((standard.next(), standard.next()), (Some(upper(c)), None));
            }
        }
        assert_eq!((upper('ß'), upper('東'), upper('7')), ('ß', '東', '7'));
    }

    #[test]
    fn text_on_any_colour_reaches_four_and_a_half_to_one() {
        // Every grey, and a coarse grid of the whole cube.
        let greys = (0..=255).map(|v| Colour::rgb(v, v, v));
        let cube = (0..=255_u8)
            .step_by(15)
            .flat_map(|r| (0..=255_u8).step_by(15).map(move |g| (r, g)))
            .flat_map(|(r, g)| (0..=255_u8).step_by(15).map(move |b| Colour::rgb(r, g, b)));
        for colour in greys.chain(cube) {
            let ratio = colour.contrast(colour.text_on());
            assert!(ratio >= 4.5, "{colour}: {ratio}");
        }
    }
}
