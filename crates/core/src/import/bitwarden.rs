//! Bitwarden exports (Bitwarden's "Export vault" help page): JSON
//! (`{"encrypted": false, "items": [{"name", "login": {"username", "totp"}}]}`) and CSV (header
//! `folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp`).
//!
//! `login.totp` is an `otpauth://` link, a `steam://SECRET` link or a bare base32 secret; the item's
//! name is the issuer and its username the account name where a link leaves them out. Items without a
//! `totp` are passwords only and are not listed. Encrypted JSON exports (`"encrypted": true`) are
//! sealed with the Bitwarden account's or a file password under Bitwarden's own scheme, which Authbar
//! does not implement: export again as unencrypted JSON or CSV.

use serde_json::Value;

use super::error::{Format, ImportError};
use super::fields;
use super::lists::link_or_secret;
use super::{Import, Probe, Sniff};

pub(super) const JSON_PROBE: Probe = Probe {
    format: Format::BitwardenJson,
    claims: claims_json,
    marks: &["\"items\"", "\"encrypted\""],
    read: read_json,
};

pub(super) const CSV_PROBE: Probe = Probe {
    format: Format::BitwardenCsv,
    claims: claims_csv,
    marks: &[],
    read: read_csv,
};

fn claims_json(sniff: &Sniff) -> bool {
    matches!(&sniff.json, Some(v @ Value::Object(_)) if v.get("encrypted").is_some() && (v.get("items").is_some() || v.get("data").is_some()))
}

fn read_json(sniff: &Sniff, _password: Option<&str>) -> Result<Import, ImportError> {
    let format = Format::BitwardenJson;
    let json = sniff.json.as_ref().ok_or(ImportError::Corrupt {
        format,
        detail: "it is not JSON".into(),
    })?;
    if json.get("encrypted").and_then(Value::as_bool) != Some(false) {
        return Err(ImportError::Unsupported {
            format,
            detail: "it is an encrypted Bitwarden export; export the vault again as \
                     \".json\" (not \".json (Encrypted)\") or \".csv\""
                .into(),
        });
    }
    let items = json
        .get("items")
        .and_then(Value::as_array)
        .ok_or(ImportError::Corrupt {
            format,
            detail: "'items' is not a list".into(),
        })?;
    let mut import = Import::new(format);
    for item in items {
        let login = item.get("login").unwrap_or(&Value::Null);
        let Some(totp) = login
            .get("totp")
            .and_then(Value::as_str)
            .filter(|t| !t.trim().is_empty())
        else {
            continue;
        };
        let issuer = fields::text_or_empty(item, "name");
        let name = fields::text_or_empty(login, "username");
        import.push(issuer, name, link_or_secret(totp, issuer, name));
    }
    Ok(import)
}

fn claims_csv(sniff: &Sniff) -> bool {
    sniff
        .text
        .and_then(|t| t.lines().next())
        .is_some_and(|header| header.split(',').any(|c| c.trim() == "login_totp"))
}

fn read_csv(sniff: &Sniff, _password: Option<&str>) -> Result<Import, ImportError> {
    let format = Format::BitwardenCsv;
    let rows = parse_csv(sniff.text.unwrap_or_default())
        .map_err(|detail| ImportError::Corrupt { format, detail })?;
    let mut rows = rows.into_iter();
    let header = rows.next().unwrap_or_default();
    let column = |name: &str| header.iter().position(|h| h.trim() == name);
    let (Some(totp), Some(item), Some(user)) = (
        column("login_totp"),
        column("name"),
        column("login_username"),
    ) else {
        return Err(ImportError::Corrupt {
            format,
            detail: "the header lacks one of the columns name, login_username, login_totp".into(),
        });
    };
    let mut import = Import::new(format);
    for row in rows {
        let cell = |i: usize| row.get(i).map_or("", String::as_str);
        if cell(totp).trim().is_empty() {
            continue;
        }
        import.push(
            cell(item),
            cell(user),
            link_or_secret(cell(totp), cell(item), cell(user)),
        );
    }
    Ok(import)
}

/// RFC 4180 CSV: fields separated by commas, optionally in double quotes (which may hold commas,
/// line breaks and `""` for a quote); records end at CRLF or LF.
fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut line = 1;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                line += 1;
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(format!(
            "a quoted field is not closed (the file ends inside it, line {line}); the file may be truncated"
        ));
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    Ok(rows)
}
