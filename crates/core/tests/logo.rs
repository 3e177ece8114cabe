//! Which logo an account gets: the brand its stored site or issuer names, or a letter avatar that
//! reads in any colour; and the shipped list of brands against the extension's bundle.

#![allow(clippy::unwrap_used)] // tests may panic on what they check

use std::collections::BTreeSet;
use std::path::PathBuf;

use authbar_core::logo::{
    self, AccountLabel, Chosen, Colour, Letter, Logo, Matched, SIMPLE_ICONS_VERSION,
};

fn of(issuer: Option<&str>, site: Option<&str>) -> Logo {
    logo::logo(&AccountLabel {
        issuer,
        name: "alice@example.com",
        site,
        chosen: None,
    })
}

/// The brand's slug and how it matched, or the letter.
fn shown(logo: Logo) -> String {
    match logo {
        Logo::Brand { brand, matched } => format!("{} {matched:?}", brand.slug()),
        Logo::Letter(letter) => format!("letter {}", letter.letter),
    }
}

fn issuer(issuer: &str) -> String {
    shown(of(Some(issuer), None))
}

fn site(site: &str) -> String {
    shown(of(None, Some(site)))
}

#[test]
fn an_issuer_matches_a_brand_by_name_in_any_case_and_punctuation() {
    assert_eq!(issuer("GitHub"), "github Issuer");
    assert_eq!(issuer("github"), "github Issuer");
    assert_eq!(issuer(" GITHUB "), "github Issuer");
    assert_eq!(issuer("Git-Hub"), "github Issuer");
    assert_eq!(issuer("Proton Mail"), "protonmail Issuer");
    assert_eq!(issuer("Booking.com"), "bookingdotcom Issuer");
    assert_eq!(issuer("1Password"), "1password Issuer");
}

#[test]
fn an_issuer_matches_a_brand_by_another_name() {
    assert_eq!(issuer("Twitter"), "x Issuer");
    assert_eq!(issuer("ProtonMail"), "protonmail Issuer");
    assert_eq!(issuer("Tutanota"), "tuta Issuer");
    assert_eq!(issuer("Amex"), "americanexpress Issuer");
    assert_eq!(issuer("Battle.net"), "battledotnet Issuer");
    assert_eq!(issuer("Blizzard"), "battledotnet Issuer");
}

#[test]
fn an_issuer_written_as_a_host_matches_by_domain() {
    assert_eq!(issuer("github.com"), "github IssuerDomain");
    assert_eq!(issuer("accounts.google.com"), "google IssuerDomain");
    assert_eq!(issuer("mastodon.social"), "mastodon IssuerDomain");
    assert_eq!(issuer("gitlab.com (work)"), "gitlab IssuerDomain");
}

#[test]
fn an_issuer_matches_by_its_leading_words() {
    assert_eq!(issuer("GitHub Enterprise"), "github IssuerWords");
    assert_eq!(issuer("Epic Games Launcher"), "epicgames IssuerWords");
    assert_eq!(issuer("Coinbase: alice"), "coinbase IssuerWords");
    assert_eq!(
        issuer("Bank of America Online"),
        "bankofamerica IssuerWords"
    );
    // Only whole words: Kraken is not GitKraken, and "Gitx" is not GitHub.
    assert_eq!(issuer("Kraken"), "letter K");
    assert_eq!(issuer("Gitx Labs"), "letter G");
}

#[test]
fn short_names_match_whole_but_never_by_leading_words() {
    assert_eq!(issuer("X"), "x Issuer");
    assert_eq!(issuer("HP"), "hp Issuer");
    assert_eq!(issuer("X Corp"), "letter X");
    assert_eq!(issuer("HP Inc"), "letter H");
    assert_eq!(issuer("EA Sports"), "letter E");
}

#[test]
fn a_stored_site_matches_its_brand_and_subdomains() {
    assert_eq!(site("github.com"), "github Site");
    assert_eq!(site("login.github.com"), "github Site");
    assert_eq!(site("WWW.GitHub.com."), "github Site");
    assert_eq!(site("gist.github.com"), "github Site");
    // The longest domain wins: Gmail's mail.google.com is under Google's google.com.
    assert_eq!(site("mail.google.com"), "gmail Site");
    assert_eq!(site("accounts.google.com"), "google Site");
    assert_eq!(site("eu.mail.google.com"), "gmail Site");
}

#[test]
fn a_site_matches_only_its_own_domain() {
    assert_eq!(site("notgithub.com"), "letter A");
    assert_eq!(site("github.com.evil.example"), "letter A");
    assert_eq!(site("github.co"), "letter A");
    // Text that is not a host names no domain.
    assert_eq!(site("https://github.com/"), "letter A");
    assert_eq!(site(""), "letter A");
}

#[test]
fn a_stored_site_outranks_the_issuer() {
    assert_eq!(shown(of(Some("GitHub"), Some("gitlab.com"))), "gitlab Site");
    // A site no brand has leaves the issuer to decide.
    assert_eq!(
        shown(of(Some("GitHub"), Some("intranet.example"))),
        "github Issuer"
    );
    assert_eq!(
        shown(of(Some("ACME"), Some("login.github.com"))),
        "github Site"
    );
}

#[test]
fn the_users_choice_outranks_everything_while_its_brand_is_shipped() {
    let chosen = |chosen| {
        shown(logo::logo(&AccountLabel {
            issuer: Some("GitHub"),
            name: "alice",
            site: Some("github.com"),
            chosen: Some(chosen),
        }))
    };
    assert_eq!(chosen(Chosen::Brand("gitlab")), "gitlab Chosen");
    assert_eq!(chosen(Chosen::Letter), "letter G");
    // A brand no longer shipped is passed over.
    assert_eq!(chosen(Chosen::Brand("nosuchbrand")), "github Site");
    assert_eq!(Chosen::from_stored("letter"), Chosen::Letter);
    assert_eq!(Chosen::from_stored("github"), Chosen::Brand("github"));
}

#[test]
fn brands_missing_from_simple_icons_get_the_letter() {
    assert_eq!(issuer("Microsoft"), "letter M");
    assert_eq!(issuer("Amazon Web Services"), "letter A");
    assert_eq!(issuer("Slack"), "letter S");
    assert_eq!(issuer("LinkedIn"), "letter L");
    assert_eq!(site("signin.aws.amazon.com"), "letter A");
}

#[test]
fn the_letter_is_the_first_letter_or_digit_of_the_issuer_else_the_name() {
    let letter = |issuer, name| Letter::of(issuer, name).letter;
    assert_eq!(letter(Some("zyxel credit union"), "bob"), 'Z');
    assert_eq!(letter(Some("  (1st) Bank"), "bob"), '1');
    assert_eq!(letter(Some("ärzte bank"), "bob"), 'Ä');
    assert_eq!(letter(Some("微博"), "bob"), '微');
    // Upper case that is two letters keeps the letter.
    assert_eq!(letter(Some("ßbank"), "bob"), 'ß');
    // No issuer, or one without a letter or digit: the name's.
    assert_eq!(letter(None, "bob@example.com"), 'B');
    assert_eq!(letter(Some(" - "), "bob"), 'B');
    assert_eq!(letter(Some(""), "@@"), '?');
    assert_eq!(letter(None, ""), '?');
    assert_eq!(shown(of(None, None)), "letter A");
}

#[test]
fn the_letters_colour_is_the_names_whatever_its_case() {
    let a = Letter::of(Some("Zyxel Credit Union"), "bob");
    let b = Letter::of(Some("zyxel credit-union"), "alice");
    assert_eq!(a.background, b.background);
    // Names spread over many colours.
    let colours: BTreeSet<String> = (0..1000)
        .map(|i| {
            Letter::of(Some(&format!("Issuer {i}")), "")
                .background
                .to_string()
        })
        .collect();
    assert!(colours.len() > 900, "{} colours", colours.len());
}

#[test]
fn every_letter_avatar_reads_at_four_and_a_half_to_one() {
    let words = [
        "Bank",
        "Credit Union",
        "Mail",
        "Cloud",
        "Žabka",
        "東京",
        "Ünion",
        "42",
    ];
    let mut darkest = f64::MAX;
    for i in 0..10_000_u32 {
        let name = format!("{} {i:x}", words[i as usize % words.len()]);
        let letter = Letter::of(Some(&name), "");
        let ratio = letter.background.contrast(letter.foreground);
        assert!(ratio >= 4.5, "{name}: {ratio}");
        assert_eq!(letter.foreground, Colour::WHITE, "{name}");
        darkest = darkest.min(ratio);
    }
    println!("lowest letter contrast over 10,000 names: {darkest:.2}");
}

#[test]
fn every_brand_icon_reads_on_its_tile() {
    for brand in logo::brands() {
        let ratio = brand.hex().contrast(brand.foreground());
        assert!(ratio >= 4.5, "{}: {ratio}", brand.slug());
    }
    let github = logo::brand("github").unwrap();
    assert_eq!(github.hex(), Colour::rgb(0x18, 0x17, 0x17));
    assert_eq!(github.foreground(), Colour::WHITE);
}

#[test]
fn at_least_three_hundred_brands_ship_each_with_a_name() {
    let count = logo::brands().len();
    assert!(count >= 300, "{count} brands");
    let github = logo::brand("github").unwrap();
    assert_eq!((github.slug(), github.title()), ("github", "GitHub"));
    assert_eq!(github.names().collect::<Vec<_>>(), ["github"]);
    assert_eq!(github.domains().collect::<Vec<_>>(), ["github.com"]);
    assert!(logo::brand("nosuchbrand").is_none());
    assert!(logo::brand("").is_none());
}

#[test]
fn every_brand_is_in_the_extensions_bundle_and_nothing_else() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../extension/logos/logos.json");
    let bundle: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(bundle["simpleIcons"], SIMPLE_ICONS_VERSION);
    let icons = bundle["icons"].as_object().unwrap();
    let in_bundle: BTreeSet<&str> = icons.keys().map(String::as_str).collect();
    let in_core: BTreeSet<&str> = logo::brands().map(|b| b.slug()).collect();
    assert_eq!(in_bundle, in_core);
    for (slug, path) in icons {
        let path = path.as_str().unwrap();
        assert!(
            path.starts_with('M') || path.starts_with('m'),
            "{slug}: {path:.20}"
        );
    }
}

#[test]
fn matched_serializes_in_camel_case() {
    let text = serde_json::to_string(&Matched::IssuerDomain).unwrap();
    assert_eq!(text, "\"issuerDomain\"");
}
