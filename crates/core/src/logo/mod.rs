//! Each account's logo, chosen offline from the logos Authbar ships: a brand's icon, or a letter
//! avatar.
//!
//! Authenticators that fetch logos from an icon server tell that server every site the user has a
//! second factor for. Authbar ships its brands (Simple Icons, CC0; the list and how it is made:
//! `brands.tsv` beside this file, `docs/make-logos.mjs`) and chooses among them here, so nothing is
//! ever asked of the network.
//!
//! The rule, first match wins:
//!
//! 1. the logo the user chose for the account ([`Chosen`]), when that brand is still shipped;
//! 2. the account's stored site (the host it was added or filled from), against each brand's
//!    sign-in domains: the host or a domain it is under (`login.github.com` is GitHub's), the
//!    longest such domain winning (`mail.google.com` is Gmail's, `accounts.google.com` Google's).
//!    A stored site outranks the issuer, which is only what the account calls itself;
//! 3. the issuer's name against each brand's names (its title and the other names it goes by), with
//!    case, spaces and punctuation ignored (`Proton Mail` = `protonmail`);
//! 4. an issuer written as a host (`github.com`, `accounts.google.com`) against the domains;
//! 5. the issuer's leading words, longest first (`GitHub Enterprise` → GitHub, `Epic Games Launcher`
//!    → Epic Games). Names shorter than 3 characters never match this way: `X Corp` is not X;
//! 6. otherwise the letter avatar ([`Letter`]).
//!
//! # Example
//!
//! ```
//! use authbar_core::logo::{self, AccountLabel, Logo, Matched};
//!
//! let account = AccountLabel { issuer: Some("GitHub Enterprise"), name: "alice", ..Default::default() };
//! let Logo::Brand { brand, matched } = logo::logo(&account) else { panic!("GitHub has a logo") };
//! assert_eq!((brand.slug(), brand.title(), matched), ("github", "GitHub", Matched::IssuerWords));
//! assert_eq!(brand.hex().to_string(), "#181717");
//!
//! let unknown = AccountLabel { issuer: Some("Zyxel Credit Union"), name: "alice", ..Default::default() };
//! let Logo::Letter(letter) = logo::logo(&unknown) else { panic!("no such brand") };
//! assert_eq!(letter.letter, 'Z');
//! assert!(letter.background.contrast(letter.foreground) >= 4.5);
//! ```

mod colour;
mod table;

pub use colour::{Colour, Letter};
pub use table::SIMPLE_ICONS_VERSION;

use std::cmp::Ordering;
use std::fmt;

use serde::Serialize;

use crate::site::{normalize_host, squashed};
use table::{
    COUNT, DOMAIN_BRANDS, DOMAIN_ENDS, HEX, NAME_BRANDS, NAME_ENDS, SLUG_ENDS, TEXT, TITLE_ENDS,
};

/// A brand whose logo Authbar ships (the icon itself is in the extension's bundle, by slug).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Brand {
    /// Its place in the table, sorted by slug.
    index: u16,
}

impl Brand {
    /// Simple Icons' id of the brand (`github`): the name of its icon in the bundle.
    pub fn slug(self) -> &'static str {
        entry(&SLUG_ENDS, 0, self.index.into())
    }

    /// The brand's name as it writes it (`GitHub`).
    pub fn title(self) -> &'static str {
        entry(&TITLE_ENDS, SLUG_ENDS[COUNT - 1], self.index.into())
    }

    /// The brand's colour (`#181717`): its tile's, on which the icon is drawn in
    /// [`Brand::foreground`].
    pub fn hex(self) -> Colour {
        let [r, g, b] = HEX[usize::from(self.index)];
        Colour::rgb(r, g, b)
    }

    /// The icon's colour on a tile of the brand's colour: white or black, whichever contrasts more
    /// (at least 4.5:1, see [`Colour::text_on`]).
    pub fn foreground(self) -> Colour {
        self.hex().text_on()
    }

    /// The names an issuer matches this brand by: letters and digits in lower case (`protonmail`).
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        (0..NAME_ENDS.len())
            .filter(move |&i| NAME_BRANDS[i] == self.index)
            .map(name)
    }

    /// The domains of the brand's sign-in sites (`github.com`); their subdomains match too.
    pub fn domains(self) -> impl Iterator<Item = &'static str> {
        (0..DOMAIN_ENDS.len())
            .filter(move |&i| DOMAIN_BRANDS[i] == self.index)
            .map(domain)
    }
}

impl fmt::Debug for Brand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Brand").field(&self.slug()).finish()
    }
}

/// Every brand Authbar has a logo for, sorted by slug: for a picker and `authbar logo --list`.
pub fn brands() -> impl ExactSizeIterator<Item = Brand> {
    // The generator keeps the count within a u16 (the table's offsets are u16 too).
    (0..COUNT as u16).map(|index| Brand { index })
}

/// The brand with this slug, if Authbar ships it.
pub fn brand(slug: &str) -> Option<Brand> {
    search(COUNT, slug, |i| entry(&SLUG_ENDS, 0, i)).map(brand_at)
}

/// Entry `i` of a run of the table's text that starts at `start` and whose entries end at `ends`.
fn entry(ends: &[u16], start: u16, i: usize) -> &'static str {
    let from = if i == 0 { start } else { ends[i - 1] };
    &TEXT[usize::from(from)..usize::from(ends[i])]
}

fn name(i: usize) -> &'static str {
    entry(&NAME_ENDS, TITLE_ENDS[COUNT - 1], i)
}

fn domain(i: usize) -> &'static str {
    entry(&DOMAIN_ENDS, NAME_ENDS[NAME_ENDS.len() - 1], i)
}

/// The brand of a name's or domain's entry (the generator writes only indexes below [`COUNT`]).
fn brand_at(index: usize) -> Brand {
    Brand {
        index: index as u16,
    }
}

/// Binary search of `key` among `count` sorted entries.
fn search(count: usize, key: &str, at: impl Fn(usize) -> &'static str) -> Option<usize> {
    let (mut low, mut high) = (0, count);
    while low < high {
        let middle = low + (high - low) / 2;
        match at(middle).cmp(key) {
            Ordering::Less => low = middle + 1,
            Ordering::Greater => high = middle,
            Ordering::Equal => return Some(middle),
        }
    }
    None
}

/// The logo the user chose for an account, as the vault keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chosen<'a> {
    /// A brand, by slug.
    Brand(&'a str),
    /// The letter avatar, even where a brand matches.
    Letter,
}

impl<'a> Chosen<'a> {
    /// How the letter avatar is stored; any other text is a brand's slug.
    pub const LETTER: &'static str = "letter";

    /// The choice a stored text names: [`Chosen::LETTER`], or a slug.
    pub fn from_stored(text: &'a str) -> Chosen<'a> {
        if text == Self::LETTER {
            Chosen::Letter
        } else {
            Chosen::Brand(text)
        }
    }
}

/// What a logo is chosen from: what the account list knows of an account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccountLabel<'a> {
    /// The issuer (`GitHub`), if the account has one.
    pub issuer: Option<&'a str>,
    /// The account's name (`alice@example.com`): the letter avatar's source without an issuer.
    pub name: &'a str,
    /// The site stored for the account (a host: `github.com`), if any. Text that is not a host
    /// names no brand's domain.
    pub site: Option<&'a str>,
    /// The logo the user chose, if any. A brand that is no longer shipped is passed over, and the
    /// logo is chosen as if nothing had been.
    pub chosen: Option<Chosen<'a>>,
}

/// How a brand was found for an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Matched {
    /// The user chose it.
    Chosen,
    /// The stored site is one of the brand's domains or under one.
    Site,
    /// The issuer is one of the brand's names.
    Issuer,
    /// The issuer is written as a host that is one of the brand's domains or under one.
    IssuerDomain,
    /// The issuer's leading words are one of the brand's names.
    IssuerWords,
}

/// An account's logo.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Logo {
    /// A brand's icon.
    Brand {
        /// The brand.
        brand: Brand,
        /// How it was found.
        matched: Matched,
    },
    /// No brand: the letter avatar.
    Letter(Letter),
}

/// The logo of an account (see the module's documentation for the rule).
pub fn logo(account: &AccountLabel<'_>) -> Logo {
    let found = match account.chosen {
        Some(Chosen::Letter) => None,
        Some(Chosen::Brand(slug)) => brand(slug)
            .map(|brand| (brand, Matched::Chosen))
            .or_else(|| guess(account)),
        None => guess(account),
    };
    match found {
        Some((brand, matched)) => Logo::Brand { brand, matched },
        None => Logo::Letter(Letter::of(account.issuer, account.name)),
    }
}

/// The brand the site or the issuer names, if any.
fn guess(account: &AccountLabel<'_>) -> Option<(Brand, Matched)> {
    let by_site = account
        .site
        .and_then(normalize_host)
        .and_then(|host| by_domain(&host))
        .map(|brand| (brand, Matched::Site));
    by_site.or_else(|| account.issuer.and_then(by_issuer))
}

fn by_issuer(issuer: &str) -> Option<(Brand, Matched)> {
    if let Some(brand) = by_name(&squashed(issuer)) {
        return Some((brand, Matched::Issuer));
    }
    let words: Vec<&str> = issuer
        .split(|c: char| c.is_whitespace() || "()[],:;/|".contains(c))
        .filter(|word| !word.is_empty())
        .collect();
    let as_host = words
        .first()
        .filter(|word| word.contains('.'))
        .and_then(|word| normalize_host(word))
        .and_then(|host| by_domain(&host));
    if let Some(brand) = as_host {
        return Some((brand, Matched::IssuerDomain));
    }
    // All the words were the whole issuer, tried first: from all but the last down to the first.
    (1..words.len())
        .rev()
        .map(|count| words[..count].iter().map(|word| squashed(word)).collect())
        .filter(|key: &String| key.chars().count() >= 3)
        .find_map(|key| by_name(&key))
        .map(|brand| (brand, Matched::IssuerWords))
}

/// The brand one of whose names is `key` (already squashed).
fn by_name(key: &str) -> Option<Brand> {
    search(NAME_ENDS.len(), key, name).map(|i| brand_at(NAME_BRANDS[i].into()))
}

/// The brand whose domain is the (normalized) host or the longest domain the host is under.
fn by_domain(host: &str) -> Option<Brand> {
    let mut rest = host;
    loop {
        if let Some(i) = search(DOMAIN_ENDS.len(), rest, domain) {
            return Some(brand_at(DOMAIN_BRANDS[i].into()));
        }
        rest = rest.split_once('.')?.1;
    }
}

#[cfg(test)]
mod tests;
