//! `authbar logo`: the logo an issuer (and a stored site) gets, the brand list, and bad input, from
//! the real binary's stdout, stderr and exit status.

#![allow(clippy::unwrap_used)] // tests may panic on what they check

mod common;
use common::{assert_bad_input, authbar};

#[test]
fn an_issuer_with_a_brand_prints_the_brand_and_how_it_matched() {
    let run = authbar(&["logo", "GitHub"]);
    assert_eq!((run.code, run.err.as_str()), (0, ""));
    assert_eq!(
        run.out,
        "brand: github\ntitle: GitHub\ncolour: #181717\nicon colour: #ffffff\n\
         matched: the issuer is one of the brand's names\n"
    );
    let words = authbar(&["logo", "GitHub Enterprise"]);
    assert!(
        words.out.contains("matched: the issuer's leading words"),
        "{}",
        words.out
    );
    let host = authbar(&["logo", "accounts.google.com"]);
    assert!(host.out.starts_with("brand: google\n"), "{}", host.out);
    assert!(
        host.out.contains("matched: the issuer is a host"),
        "{}",
        host.out
    );
}

#[test]
fn a_site_outranks_the_issuer() {
    let run = authbar(&["logo", "GitHub", "--site", "login.gitlab.com"]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(
        run.out.starts_with("brand: gitlab\ntitle: GitLab\n"),
        "{}",
        run.out
    );
    assert!(
        run.out
            .ends_with("matched: the site is one of the brand's domains or under one\n")
    );
}

#[test]
fn an_issuer_without_a_brand_prints_its_letter_avatar() {
    let run = authbar(&["logo", "zyxel credit union"]);
    assert_eq!((run.code, run.err.as_str()), (0, ""));
    let lines: Vec<&str> = run.out.lines().collect();
    assert_eq!(lines.len(), 4, "{}", run.out);
    assert_eq!(lines[0], "letter: Z");
    assert!(
        lines[1].starts_with("background: #") && lines[1].len() == 19,
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], "foreground: #ffffff");
    let ratio: f64 = lines[3]
        .strip_prefix("contrast: ")
        .and_then(|r| r.strip_suffix(":1"))
        .unwrap()
        .parse()
        .unwrap();
    assert!(ratio >= 4.5, "{ratio}");
    // The same name, the same colour.
    assert_eq!(authbar(&["logo", "Zyxel Credit-Union"]).out, run.out);
}

#[test]
fn list_prints_every_brand_tab_separated() {
    let run = authbar(&["logo", "--list"]);
    assert_eq!((run.code, run.err.as_str()), (0, ""));
    let lines: Vec<&str> = run.out.lines().collect();
    assert!(lines.len() >= 300, "{} brands", lines.len());
    assert!(lines.contains(&"github\tGitHub\t#181717\tgithub.com\tgithub"));
    assert!(lines.iter().all(|line| line.split('\t').count() == 5));
}

#[test]
fn bad_site_and_arguments_exit_2() {
    let run = authbar(&["logo", "GitHub", "--site", "https://github.com/"]);
    assert_bad_input(
        &run,
        "bad --site 'https://github.com/': a site is a host name",
    );
    // clap's own errors: no issuer, or an issuer with --list.
    for args in [
        &["logo"][..],
        &["logo", "GitHub", "--list"],
        &["logo", "--list", "--site", "x.com"],
    ] {
        let run = authbar(args);
        assert_eq!(run.code, 2, "{args:?}");
        assert_eq!(run.out, "");
        assert!(run.err.starts_with("error: "), "{}", run.err);
    }
}
