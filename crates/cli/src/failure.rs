//! The one error type of the command: a one-line message, a hint, and the exit status.

/// Exit status for bad input (unreadable file, not an image, bad secret or URI), as clap uses for
/// bad arguments.
pub const BAD_INPUT: u8 = 2;

/// A failure to report on stderr.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub hint: Option<String>,
    pub exit_code: u8,
}

impl Failure {
    pub fn bad_input(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            hint: Some(hint.into()),
            exit_code: BAD_INPUT,
        }
    }
}
