//! Accounts: everything needed to produce an account's codes, with a stable serialised schema.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Secret;
use crate::otp::{
    self, Algorithm, Alphabet, DEFAULT_PERIOD, MAX_DIGITS, MIN_DIGITS, Match, STEAM_CHARS, Shape,
    TimedCode,
};
use crate::params::{Coded, ErrorParams};

/// Whether codes follow the clock (TOTP, Steam) or a counter (HOTP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OtpType {
    /// Time-based, RFC 6238.
    #[default]
    Totp,
    /// Counter-based, RFC 4226.
    Hotp,
    /// Steam Guard: TOTP whose codes are 5 characters of Steam's alphabet ([`otp::STEAM_ALPHABET`]).
    Steam,
}

impl OtpType {
    /// `totp`, `hotp` or `steam`, as in `otpauth://` URIs (`otpauth://steam/…` is Aegis's and
    /// Ente's spelling).
    pub fn as_str(self) -> &'static str {
        match self {
            OtpType::Totp => "totp",
            OtpType::Hotp => "hotp",
            OtpType::Steam => "steam",
        }
    }

    /// Parses `totp`, `hotp` or `steam`, case-insensitively.
    pub fn from_name(name: &str) -> Option<Self> {
        [OtpType::Totp, OtpType::Hotp, OtpType::Steam]
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(name))
    }

    /// Whether codes follow the clock (TOTP and Steam) rather than a counter.
    pub fn is_timed(self) -> bool {
        self != OtpType::Hotp
    }

    /// The alphabet codes are written in.
    pub fn alphabet(self) -> Alphabet {
        match self {
            OtpType::Steam => Alphabet::Steam,
            OtpType::Totp | OtpType::Hotp => Alphabet::Decimal,
        }
    }

    /// The digits an account of this type has unless told otherwise (5 for Steam, else 6).
    pub fn default_digits(self) -> u8 {
        match self {
            OtpType::Steam => STEAM_CHARS,
            OtpType::Totp | OtpType::Hotp => MIN_DIGITS,
        }
    }
}

impl fmt::Display for OtpType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why account parameters were rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AccountError {
    /// Digits outside 6–10.
    BadDigits {
        /// The rejected value.
        digits: u64,
    },
    /// A Steam account with other than 5 characters per code.
    BadSteamDigits {
        /// The rejected value.
        digits: u64,
    },
    /// A period of 0 seconds.
    BadPeriod {
        /// The rejected value.
        period: u64,
    },
}

impl Coded for AccountError {
    /// A stable machine-readable code, shared with the URI parser's codes.
    fn code(&self) -> &'static str {
        match self {
            AccountError::BadDigits { .. } | AccountError::BadSteamDigits { .. } => "bad_digits",
            AccountError::BadPeriod { .. } => "bad_period",
        }
    }

    /// The values the error names, for wording it in another language (see [`crate::params`]).
    fn params(&self) -> ErrorParams {
        match self {
            AccountError::BadDigits { digits } => ErrorParams::new()
                .with("found", digits)
                .with("min", MIN_DIGITS)
                .with("max", MAX_DIGITS),
            AccountError::BadSteamDigits { digits } => ErrorParams::new()
                .with("found", digits)
                .with("steam", STEAM_CHARS)
                .variant("steam"),
            AccountError::BadPeriod { period } => ErrorParams::new().with("found", period),
        }
    }
}

impl fmt::Display for AccountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccountError::BadDigits { digits } => {
                write!(
                    f,
                    "digits must be from {MIN_DIGITS} to {MAX_DIGITS}, got {digits}"
                )
            }
            AccountError::BadSteamDigits { digits } => write!(
                f,
                "a Steam account's codes have {STEAM_CHARS} characters, got digits {digits}"
            ),
            AccountError::BadPeriod { period } => {
                write!(
                    f,
                    "period must be a whole number of seconds of at least 1, got {period}"
                )
            }
        }
    }
}

impl std::error::Error for AccountError {}

/// Checks a digit count: 6 to 10.
pub fn check_digits(digits: u64) -> Result<u8, AccountError> {
    match u8::try_from(digits) {
        Ok(d) if (MIN_DIGITS..=MAX_DIGITS).contains(&d) => Ok(d),
        _ => Err(AccountError::BadDigits { digits }),
    }
}

/// Checks a digit count for a type: 6 to 10, and exactly 5 for Steam.
pub fn check_digits_for(otp_type: OtpType, digits: u64) -> Result<u8, AccountError> {
    match otp_type {
        OtpType::Steam if digits == u64::from(STEAM_CHARS) => Ok(STEAM_CHARS),
        OtpType::Steam => Err(AccountError::BadSteamDigits { digits }),
        OtpType::Totp | OtpType::Hotp => check_digits(digits),
    }
}

/// Checks a period: at least one second.
pub fn check_period(period: u64) -> Result<u64, AccountError> {
    if period == 0 {
        Err(AccountError::BadPeriod { period })
    } else {
        Ok(period)
    }
}

/// One authenticator entry.
///
/// The serialised form (JSON via serde) is the stable schema shared by the CLI, the extension's storage
/// and the server; every field is always present:
///
/// ```json
/// {"type":"totp","issuer":"ACME Co","name":"alice@example.com","secret":"JBSWY3DPEHPK3PXP",
///  "algorithm":"SHA1","digits":6,"period":30,"counter":0}
/// ```
///
/// `type` is `totp`, `hotp` or `steam` (Steam Guard: `digits` is 5, codes are 5 characters of Steam's
/// alphabet). `period` matters only for TOTP and Steam, and `counter` only for HOTP. `secret` is canonical base32. Loading
/// checks the same rules as [`Account::new`], so a stored account cannot hold 5 digits or a 0 s period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "AccountFields", into = "AccountFields")]
pub struct Account {
    otp_type: OtpType,
    issuer: Option<String>,
    name: String,
    secret: Secret,
    algorithm: Algorithm,
    digits: u8,
    period: u64,
    counter: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AccountFields {
    #[serde(rename = "type")]
    otp_type: OtpType,
    issuer: Option<String>,
    name: String,
    secret: Secret,
    algorithm: Algorithm,
    digits: u8,
    period: u64,
    counter: u64,
}

impl TryFrom<AccountFields> for Account {
    type Error = AccountError;
    fn try_from(f: AccountFields) -> Result<Self, AccountError> {
        Ok(Account::new(f.otp_type, f.secret)
            .with_label(f.issuer, f.name)
            .with_algorithm(f.algorithm)
            .with_digits(f.digits)?
            .with_period(f.period)?
            .with_counter(f.counter))
    }
}

impl From<Account> for AccountFields {
    fn from(a: Account) -> Self {
        AccountFields {
            otp_type: a.otp_type,
            issuer: a.issuer,
            name: a.name,
            secret: a.secret,
            algorithm: a.algorithm,
            digits: a.digits,
            period: a.period,
            counter: a.counter,
        }
    }
}

impl Account {
    /// A new account with the defaults every authenticator assumes: no issuer, empty name, SHA1,
    /// 6 digits (5 characters for Steam), 30 s period, counter 0.
    pub fn new(otp_type: OtpType, secret: Secret) -> Self {
        Account {
            otp_type,
            issuer: None,
            name: String::new(),
            secret,
            algorithm: Algorithm::Sha1,
            digits: otp_type.default_digits(),
            period: DEFAULT_PERIOD,
            counter: 0,
        }
    }

    /// Sets issuer and account name. An empty issuer is stored as `None`.
    pub fn with_label(mut self, issuer: Option<String>, name: String) -> Self {
        self.issuer = issuer.filter(|i| !i.is_empty());
        self.name = name;
        self
    }

    /// Sets the hash algorithm.
    pub fn with_algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Sets the number of digits (6–10; exactly 5 for Steam).
    pub fn with_digits(mut self, digits: u8) -> Result<Self, AccountError> {
        self.digits = check_digits_for(self.otp_type, u64::from(digits))?;
        Ok(self)
    }

    /// Sets the TOTP period in seconds (≥ 1).
    pub fn with_period(mut self, period: u64) -> Result<Self, AccountError> {
        self.period = check_period(period)?;
        Ok(self)
    }

    /// Sets the HOTP counter.
    pub fn with_counter(mut self, counter: u64) -> Self {
        self.counter = counter;
        self
    }

    /// TOTP, HOTP or Steam.
    pub fn otp_type(&self) -> OtpType {
        self.otp_type
    }
    /// The issuer (service name), if known.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }
    /// The account name (user name or e-mail at the issuer).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The shared secret.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }
    /// The hash algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
    /// Characters per code (6–10 digits; 5 for Steam).
    pub fn digits(&self) -> u8 {
        self.digits
    }
    /// TOTP period in seconds.
    pub fn period(&self) -> u64 {
        self.period
    }
    /// HOTP counter: the counter of the next code.
    pub fn counter(&self) -> u64 {
        self.counter
    }

    /// The code to show now.
    ///
    /// TOTP and Steam: the code for `unix_secs`, its step and the seconds until it changes. HOTP: the
    /// code for the stored counter, whatever the time; `step` is the counter and `remaining_secs` is 0
    /// because HOTP codes do not expire.
    pub fn code_at(&self, unix_secs: u64) -> TimedCode {
        let shape = self.shape();
        if self.otp_type.is_timed() {
            otp::totp_in(
                &self.secret,
                shape.algorithm,
                shape.digits,
                shape.alphabet,
                self.period,
                unix_secs,
            )
        } else {
            TimedCode {
                code: otp::code_in(
                    &self.secret,
                    shape.algorithm,
                    shape.digits,
                    shape.alphabet,
                    self.counter,
                ),
                step: self.counter,
                remaining_secs: 0,
            }
        }
    }

    /// Checks a submitted code, in constant time for each candidate.
    ///
    /// TOTP and Steam: the steps within `window_steps` either side of the step of `unix_secs`. HOTP:
    /// the stored counter and the `window_steps` counters after it (look-ahead only: earlier codes are
    /// used up). Returns the matching step and its offset from the current one.
    pub fn verify(&self, code: &str, unix_secs: u64, window_steps: u64) -> Option<Match> {
        if self.otp_type.is_timed() {
            let step = unix_secs / self.period.max(1);
            otp::verify_in(
                &self.secret,
                self.shape(),
                step,
                window_steps,
                window_steps,
                code,
            )
        } else {
            otp::verify_in(
                &self.secret,
                self.shape(),
                self.counter,
                0,
                window_steps,
                code,
            )
        }
    }

    /// Whether `code` has the length and characters of this account's codes (6 digits, or 5 Steam
    /// characters, …), so a caller can tell a mistyped code from a wrong one.
    pub fn accepts_code_shape(&self, code: &str) -> bool {
        self.shape().accepts(code)
    }

    fn shape(&self) -> Shape {
        Shape {
            algorithm: self.algorithm,
            digits: self.digits,
            alphabet: self.otp_type.alphabet(),
        }
    }

    /// Moves a HOTP counter past the code just used (saturating at `u64::MAX`).
    pub fn advance_counter(&mut self) {
        self.counter = self.counter.saturating_add(1);
    }

    /// Changes issuer and name (for renaming in a UI). An empty issuer is stored as `None`.
    pub fn rename(&mut self, issuer: Option<String>, name: String) {
        self.issuer = issuer.filter(|i| !i.is_empty());
        self.name = name;
    }

    /// Whether two accounts are the same entry: same secret, issuer and name (what import deduplicates on).
    pub fn same_entry(&self, other: &Account) -> bool {
        self.secret == other.secret && self.issuer == other.issuer && self.name == other.name
    }
}
