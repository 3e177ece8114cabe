//! Running the real `authbar` binary, shared by the command's tests.

#![allow(dead_code)] // each test binary uses its own part of this

use std::process::{Command, Output};

/// What a run printed, and its exit status.
pub struct Run {
    pub out: String,
    pub err: String,
    pub code: i32,
}

pub fn authbar(args: &[&str]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_authbar"))
        .args(args)
        .output()
        .unwrap();
    Run {
        out: String::from_utf8(stdout).unwrap(),
        err: String::from_utf8(stderr).unwrap(),
        code: status.code().unwrap(),
    }
}

/// Asserts a bad-input failure: exit 2, nothing on stdout, one error line and one hint line.
pub fn assert_bad_input(run: &Run, words: &str) {
    assert_eq!(run.code, 2, "{}", run.err);
    assert_eq!(run.out, "");
    let lines: Vec<&str> = run.err.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.err);
    assert!(
        lines[0].starts_with("authbar: error: ") && lines[0].contains(words),
        "{}",
        run.err
    );
    assert!(lines[1].starts_with("hint: "), "{}", run.err);
}
