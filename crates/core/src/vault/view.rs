//! What a user interface shows of an account: every field but the secret, in the shape the extension
//! reads (camelCase JSON through serde).

use serde::Serialize;

use crate::{Account, Algorithm, OtpType};

/// An account as shown, without its secret.
///
/// JSON: `{"type":"totp","issuer":"ACME","name":"alice","algorithm":"SHA1","digits":6,"period":30,
/// "counter":"0","secretBits":160,"weakSecret":false}`. The counter is a decimal string because it can
/// exceed what a JavaScript number holds exactly (2^53).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    /// TOTP or HOTP.
    #[serde(rename = "type")]
    pub otp_type: OtpType,
    /// The issuer, if any.
    pub issuer: Option<String>,
    /// The account name.
    pub name: String,
    /// The hash algorithm.
    pub algorithm: Algorithm,
    /// Digits per code.
    pub digits: u8,
    /// TOTP period in seconds.
    pub period: u64,
    /// HOTP counter, in decimal.
    pub counter: String,
    /// The secret's length in bits.
    pub secret_bits: usize,
    /// Whether the secret is weak ([`crate::Secret::is_weak`], the one place the threshold lives).
    pub weak_secret: bool,
}

impl From<&Account> for AccountView {
    fn from(a: &Account) -> Self {
        let secret_bits = a.secret().bits();
        AccountView {
            otp_type: a.otp_type(),
            issuer: a.issuer().map(str::to_string),
            name: a.name().to_string(),
            algorithm: a.algorithm(),
            digits: a.digits(),
            period: a.period(),
            counter: a.counter().to_string(),
            secret_bits,
            weak_secret: a.secret().is_weak(),
        }
    }
}

/// A stored entry as shown: its id and its [`AccountView`] fields side by side
/// (`{"id":3,"type":"totp",…}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryView {
    /// The entry's id.
    pub id: u64,
    /// The account, without its secret.
    #[serde(flatten)]
    pub account: AccountView,
    /// The site it was added or filled from, if any.
    pub site: Option<String>,
}

/// An entry as the account list shows and searches it: its id, type, issuer, name and site, borrowed
/// from the vault (`{"id":3,"type":"totp","issuer":"ACME","name":"alice","site":null}`). The popup
/// lists every entry each time it opens, so this carries nothing more; [`EntryView`] has every field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedView<'a> {
    /// The entry's id.
    pub id: u64,
    /// TOTP or HOTP (an HOTP row has a "next code" button).
    #[serde(rename = "type")]
    pub otp_type: OtpType,
    /// The issuer, if any.
    pub issuer: Option<&'a str>,
    /// The account name.
    pub name: &'a str,
    /// The site it was added or filled from, if any.
    pub site: Option<&'a str>,
}

/// Whether two accounts carry the same issuer and name (whatever their secrets): the accounts a user
/// cannot tell apart in a list (issue 9, item 5).
pub(crate) fn same_label(a: &Account, b: &Account) -> bool {
    a.issuer() == b.issuer() && a.name() == b.name()
}
