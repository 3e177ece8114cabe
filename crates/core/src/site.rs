//! Which accounts belong to the site in the browser tab: the popup shows them first and fills only
//! their codes without asking.
//!
//! An account belongs to a site when the site it was added or filled from is the tab's site (the same
//! host, or one is a subdomain of the other: `login.example.com` and `example.com`), or, for an
//! account never tied to a site, when its issuer names the site (`GitHub` and `github.com`,
//! `ACME Co` and `acme.example`). The issuer rule is a guess, so a stored site always ranks first.
//! Hosts are compared without a leading `www.` and without case; there is no public-suffix list, so
//! `co.uk`-style registries are compared label by label like any other host.

use serde::Serialize;

use crate::Account;

/// How an account belongs to a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SiteMatch {
    /// The site the account was added or filled from.
    Stored,
    /// The account's issuer names the site.
    Issuer,
}

/// A host as compared: lower case, without a trailing dot or a leading `www.`. `None` for text that
/// is not a host name or address (empty, spaces, a scheme or path).
pub fn normalize_host(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let valid = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    valid.then(|| host.to_owned())
}

/// Whether two normalized hosts are one site: equal, or one a subdomain of the other.
fn same_site(a: &str, b: &str) -> bool {
    let under = |sub: &str, parent: &str| {
        sub.len() > parent.len()
            && sub.ends_with(parent)
            && sub.as_bytes()[sub.len() - parent.len() - 1] == b'.'
    };
    a == b || under(a, b) || under(b, a)
}

/// The letters and digits of a text, lower case: `ACME Co.` → `acmeco`. ASCII only, so both sides of
/// a comparison drop the same accented letters, and no Unicode case table is needed in the wasm. The
/// one way issuers are compared: with sites here, with brands' names in `crate::logo`.
pub(crate) fn squashed(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether an issuer names a host: the issuer (letters and digits only) or its first word is one of
/// the host's labels, other than the last (the top-level domain). Names shorter than 3 characters
/// never match: `X` would match half the web.
fn issuer_names(issuer: &str, host: &str) -> bool {
    let whole = squashed(issuer);
    let first = issuer
        .split_whitespace()
        .next()
        .map(squashed)
        .unwrap_or_default();
    let mut labels: Vec<&str> = host.split('.').collect();
    labels.pop();
    labels.iter().any(|label| {
        let label = squashed(label);
        label.len() >= 3 && (label == whole || label == first)
    })
}

/// The entries (`id`, account, stored site) that belong to `host`, the stored sites first, each in
/// the order given; `None` when `host` is not a host. The one rule the vault and the first screen
/// (`crate::quick`) rank accounts by.
pub fn matches<'a>(
    entries: impl Iterator<Item = (u64, &'a Account, Option<&'a str>)>,
    host: &str,
) -> Option<Vec<(u64, SiteMatch)>> {
    let host = normalize_host(host)?;
    let (mut found, by_issuer): (Vec<_>, Vec<_>) = entries
        .filter_map(|(id, account, site)| site_match(account, site, &host).map(|m| (id, m)))
        .partition(|&(_, m)| m == SiteMatch::Stored);
    found.extend(by_issuer);
    Some(found)
}

/// How an account, with the site stored for it, belongs to the tab's host (normalized).
pub fn site_match(account: &Account, stored: Option<&str>, host: &str) -> Option<SiteMatch> {
    if let Some(stored) = stored {
        // A stored site is the account's site: the issuer is no longer guessed from.
        return same_site(stored, host).then_some(SiteMatch::Stored);
    }
    account
        .issuer()
        .filter(|issuer| issuer_names(issuer, host))
        .map(|_| SiteMatch::Issuer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{OtpType, Secret};

    fn account(issuer: Option<&str>) -> Account {
        let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        Account::new(OtpType::Totp, secret).with_label(issuer.map(str::to_owned), "alice".into())
    }

    #[test]
    fn hosts_are_compared_without_case_www_or_trailing_dot() {
        assert_eq!(
            normalize_host("WWW.GitHub.com.").as_deref(),
            Some("github.com")
        );
        assert_eq!(normalize_host("127.0.0.1").as_deref(), Some("127.0.0.1"));
        assert_eq!(normalize_host("[::1]").as_deref(), Some("[::1]"));
        assert_eq!(normalize_host(""), None);
        assert_eq!(normalize_host("https://x.com/"), None);
        assert_eq!(normalize_host("a b"), None);
    }

    #[test]
    fn a_stored_site_matches_itself_and_its_subdomains_only() {
        let a = account(Some("Bank"));
        assert_eq!(
            site_match(&a, Some("example.com"), "example.com"),
            Some(SiteMatch::Stored)
        );
        assert_eq!(
            site_match(&a, Some("example.com"), "login.example.com"),
            Some(SiteMatch::Stored)
        );
        assert_eq!(
            site_match(&a, Some("login.example.com"), "example.com"),
            Some(SiteMatch::Stored)
        );
        assert_eq!(site_match(&a, Some("example.com"), "badexample.com"), None);
        assert_eq!(
            site_match(&a, Some("example.com"), "example.com.evil.net"),
            None
        );
    }

    #[test]
    fn a_stored_site_outranks_the_issuer_guess() {
        // Stored for another site: the issuer naming this host does not pull it in.
        let a = account(Some("GitHub"));
        assert_eq!(site_match(&a, Some("gitlab.com"), "github.com"), None);
    }

    #[test]
    fn an_issuer_names_the_host_by_a_label_other_than_the_tld() {
        let github = account(Some("GitHub"));
        assert_eq!(
            site_match(&github, None, "github.com"),
            Some(SiteMatch::Issuer)
        );
        assert_eq!(
            site_match(&github, None, "gist.github.com"),
            Some(SiteMatch::Issuer)
        );
        assert_eq!(site_match(&github, None, "gitlab.com"), None);
        let acme = account(Some("ACME Co."));
        assert_eq!(
            site_match(&acme, None, "acme.example"),
            Some(SiteMatch::Issuer)
        );
        assert_eq!(
            site_match(&acme, None, "acmeco.example"),
            Some(SiteMatch::Issuer)
        );
        // The top-level domain is no name: an issuer "Com" matches nothing.
        assert_eq!(site_match(&account(Some("Com")), None, "github.com"), None);
        // Too short to mean anything.
        assert_eq!(site_match(&account(Some("X")), None, "x.com"), None);
        assert_eq!(site_match(&account(None), None, "github.com"), None);
    }
}
