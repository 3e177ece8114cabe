//! `authbar logo`: the logo the core chooses for an issuer (and a stored site), or every brand.

use std::process::ExitCode;

use authbar_core::logo::{self, AccountLabel, Logo, Matched};
use authbar_core::site::normalize_host;

use crate::failure::Failure;

/// Prints an issuer's logo, one `field: value` line each.
pub fn show(issuer: &str, site: Option<&str>) -> Result<ExitCode, Failure> {
    if let Some(site) = site.filter(|site| normalize_host(site).is_none()) {
        return Err(Failure::bad_input(
            format!(
                "bad --site '{site}': a site is a host name (letters, digits, dots and dashes, like login.github.com)"
            ),
            "pass the host alone, without https:// or a path",
        ));
    }
    let account = AccountLabel {
        issuer: Some(issuer),
        site,
        ..AccountLabel::default()
    };
    match logo::logo(&account) {
        Logo::Brand { brand, matched } => {
            println!("brand: {}", brand.slug());
            println!("title: {}", brand.title());
            println!("colour: {}", brand.hex());
            println!("icon colour: {}", brand.foreground());
            println!("matched: {}", how(matched));
        }
        Logo::Letter(letter) => {
            println!("letter: {}", letter.letter);
            println!("background: {}", letter.background);
            println!("foreground: {}", letter.foreground);
            println!(
                "contrast: {:.2}:1",
                letter.background.contrast(letter.foreground)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints every brand: slug, title, colour, domains and names, tab-separated.
pub fn list() -> ExitCode {
    for brand in logo::brands() {
        let domains: Vec<&str> = brand.domains().collect();
        let names: Vec<&str> = brand.names().collect();
        println!(
            "{}\t{}\t{}\t{}\t{}",
            brand.slug(),
            brand.title(),
            brand.hex(),
            domains.join(","),
            names.join(",")
        );
    }
    ExitCode::SUCCESS
}

fn how(matched: Matched) -> &'static str {
    match matched {
        Matched::Chosen => "chosen",
        Matched::Site => "the site is one of the brand's domains or under one",
        Matched::Issuer => "the issuer is one of the brand's names",
        Matched::IssuerDomain => "the issuer is a host under one of the brand's domains",
        Matched::IssuerWords => "the issuer's leading words are one of the brand's names",
    }
}
