//! Typical accounts (issue 25): an issuer of at most 16 characters, a 24-character e-mail address
//! as the name, a 160-bit secret, the default parameters; the same ones on every run.

use authbar_core::{Account, OtpType, Secret};

const ISSUERS: &[&str] = &[
    "Google",
    "GitHub",
    "Microsoft",
    "Amazon",
    "Dropbox",
    "Facebook",
    "Twitter",
    "Slack",
    "GitLab",
    "Discord",
    "Reddit",
    "PayPal",
    "Coinbase",
    "Binance",
    "Cloudflare",
    "DigitalOcean",
    "Heroku",
    "npm",
    "Atlassian",
    "Proton",
    "Bitwarden",
    "LinkedIn",
    "Instagram",
    "Twitch",
    "Epic Games",
    "Steam",
    "Nintendo",
    "Sony",
    "Apple",
    "Adobe",
    "Zoom",
    "Okta",
    "Salesforce",
    "Stripe",
    "Kraken",
    "Gemini",
    "OVHcloud",
    "Hetzner",
    "Fastmail",
    "Tutanota",
];
const DOMAINS: &[&str] = &[
    "gmail.com",
    "outlook.com",
    "proton.me",
    "yahoo.com",
    "example.org",
];

/// A small deterministic generator (xorshift).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[(self.next() % list.len() as u64) as usize]
    }
}

/// `n` typical accounts, the same for the same `n`.
pub fn typical_accounts(n: usize) -> Vec<Account> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..n)
        .map(|i| {
            let domain = rng.pick(DOMAINS);
            let letters: String = (0..24 - 1 - domain.len() - 3)
                .map(|_| char::from(b'a' + (rng.next() % 26) as u8))
                .collect();
            let name = format!("{letters}{:03}@{domain}", i % 1000);
            let secret: Vec<u8> = (0..20).map(|_| rng.next() as u8).collect();
            Account::new(
                OtpType::Totp,
                Secret::from_bytes(secret).unwrap_or_else(|_| unreachable!()),
            )
            .with_label(Some(rng.pick(ISSUERS).to_owned()), name)
        })
        .collect()
}
