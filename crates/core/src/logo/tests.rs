//! The generated table keeps what the lookups rely on: sorted, unique, squashed keys and normalized
//! domains, each pointing at a brand. (The rule itself is tested through the public API in
//! `tests/logo.rs`.)

use super::*;

/// Binary search needs each key after the one before it (which also makes them unique).
fn assert_sorted_without_repeats(keys: &[&str]) {
    for pair in keys.windows(2) {
        assert!(pair[0] < pair[1], "{} / {}", pair[0], pair[1]);
    }
}

#[test]
fn brands_are_sorted_by_slug_without_repeats() {
    let slugs: Vec<&str> = brands().map(Brand::slug).collect();
    assert_sorted_without_repeats(&slugs);
    assert!(
        slugs
            .iter()
            .all(|slug| !slug.is_empty() && *slug != Chosen::LETTER)
    );
    assert!(brands().all(|b| !b.title().is_empty()));
}

#[test]
fn names_are_squashed_sorted_and_unique() {
    let names: Vec<&str> = (0..NAME_ENDS.len()).map(name).collect();
    assert_sorted_without_repeats(&names);
    for name in names {
        assert!(!name.is_empty());
        assert_eq!(squashed(name), name, "not squashed as the core squashes");
    }
}

#[test]
fn domains_are_normalized_sorted_and_unique() {
    let domains: Vec<&str> = (0..DOMAIN_ENDS.len()).map(domain).collect();
    assert_sorted_without_repeats(&domains);
    for domain in domains {
        assert_eq!(normalize_host(domain).as_deref(), Some(domain));
        assert!(
            domain.contains('.'),
            "{domain} is not under a top-level domain"
        );
    }
    // The domains are the text's last run.
    assert_eq!(usize::from(DOMAIN_ENDS[DOMAIN_ENDS.len() - 1]), TEXT.len());
}

#[test]
fn every_brand_is_found_by_its_slug_and_its_own_title() {
    for brand in brands() {
        assert_eq!(
            by_name(&squashed(brand.title())),
            Some(brand),
            "{}",
            brand.title()
        );
        assert_eq!(super::brand(brand.slug()), Some(brand));
    }
}

#[test]
fn names_and_domains_point_into_the_brand_table() {
    assert!(NAME_BRANDS.iter().all(|&i| usize::from(i) < COUNT));
    assert!(DOMAIN_BRANDS.iter().all(|&i| usize::from(i) < COUNT));
    assert_eq!(
        format!("{:?}", brand("github").unwrap()),
        "Brand(\"github\")"
    );
}
