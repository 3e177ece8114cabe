//! A strict JSON reader for the first screen: objects, arrays, strings, `true`/`false`/`null` and
//! non-negative whole numbers (no fractions or exponents: the stored vault has none). It keeps each
//! value's byte span, so a sealed vault's header is read back exactly as written (its bytes are the
//! associated data). Anything outside that subset, or text that is not JSON, is `None`: the caller
//! then reads the text with `serde_json`, which gives the precise error.

/// A JSON value of the subset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Number(u64),
    Text(String),
    Array(Vec<Spanned>),
    /// Members in order, as written.
    Object(Vec<(String, Spanned)>),
}

/// A value and where it stands in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Spanned {
    pub(crate) value: Json,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// The most nesting the reader follows (the vault's is 4; serde_json's limit is 128).
const MAX_DEPTH: usize = 32;

/// Reads a whole text as one value (surrounding whitespace allowed); `None` for anything else.
pub(crate) fn parse(text: &str) -> Option<Spanned> {
    let mut reader = Reader {
        bytes: text.as_bytes(),
        at: 0,
    };
    let value = reader.value(0)?;
    reader.space();
    (reader.at == reader.bytes.len()).then_some(value)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.bytes.get(self.at) == Some(&byte)).then(|| self.at += 1)
    }

    fn word(&mut self, word: &[u8]) -> Option<()> {
        self.bytes[self.at..]
            .starts_with(word)
            .then(|| self.at += word.len())
    }

    fn value(&mut self, depth: usize) -> Option<Spanned> {
        self.space();
        let start = self.at;
        let value = match *self.bytes.get(self.at)? {
            b'{' if depth < MAX_DEPTH => self.object(depth)?,
            b'[' if depth < MAX_DEPTH => self.array(depth)?,
            b'"' => Json::Text(self.text()?),
            b't' => self.word(b"true").map(|()| Json::Bool(true))?,
            b'f' => self.word(b"false").map(|()| Json::Bool(false))?,
            b'n' => self.word(b"null").map(|()| Json::Null)?,
            b'0'..=b'9' => Json::Number(self.number()?),
            _ => return None,
        };
        Some(Spanned {
            value,
            start,
            end: self.at,
        })
    }

    fn object(&mut self, depth: usize) -> Option<Json> {
        self.eat(b'{')?;
        let mut members: Vec<(String, Spanned)> = Vec::new();
        self.space();
        if self.eat(b'}').is_some() {
            return Some(Json::Object(members));
        }
        loop {
            self.space();
            let key = self.text()?;
            self.space();
            self.eat(b':')?;
            let value = self.value(depth + 1)?;
            // A repeated key is refused by the stored types' readers: declined here too.
            if members.iter().any(|(k, _)| *k == key) {
                return None;
            }
            members.push((key, value));
            self.space();
            if self.eat(b'}').is_some() {
                return Some(Json::Object(members));
            }
            self.eat(b',')?;
        }
    }

    fn array(&mut self, depth: usize) -> Option<Json> {
        self.eat(b'[')?;
        let mut items = Vec::new();
        self.space();
        if self.eat(b']').is_some() {
            return Some(Json::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.space();
            if self.eat(b']').is_some() {
                return Some(Json::Array(items));
            }
            self.eat(b',')?;
        }
    }

    /// A whole number: no sign, no leading zero, no fraction or exponent, at most `u64::MAX`.
    fn number(&mut self) -> Option<u64> {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.bytes.get(self.at) {
            self.at += 1;
        }
        let digits = &self.bytes[start..self.at];
        if (digits.len() > 1 && digits[0] == b'0')
            || matches!(self.bytes.get(self.at), Some(b'.' | b'e' | b'E'))
        {
            return None;
        }
        digits.iter().try_fold(0u64, |n, d| {
            n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        })
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.bytes.get(self.at..self.at + 4)?;
        self.at += 4;
        digits
            .iter()
            .try_fold(0u32, |n, d| Some(n * 16 + char::from(*d).to_digit(16)?))
    }

    /// The character of a `\\uXXXX` escape (after the `u`), a surrogate pair joined; a lone
    /// surrogate is refused, as serde_json refuses it.
    fn escaped_char(&mut self) -> Option<char> {
        let unit = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&unit) {
            self.word(b"\\u")?;
            let low = self.hex4()?;
            if !(0xDC00..0xE000).contains(&low) {
                return None;
            }
            0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
        } else {
            unit
        };
        char::from_u32(code)
    }

    fn text(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = String::new();
        loop {
            let start = self.at;
            while let Some(&b) = self.bytes.get(self.at) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            // The text is a &str: a run between ASCII bytes is whole UTF-8.
            out.push_str(std::str::from_utf8(&self.bytes[start..self.at]).ok()?);
            match *self.bytes.get(self.at)? {
                b'"' => {
                    self.at += 1;
                    return Some(out);
                }
                b'\\' => {
                    let escape = *self.bytes.get(self.at + 1)?;
                    self.at += 2;
                    out.push(match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.escaped_char()?,
                        _ => return None,
                    });
                }
                // A control character must be escaped.
                _ => return None,
            }
        }
    }
}

/// `text` as a JSON string literal, escaped as `serde_json` writes it.
pub(crate) fn quote(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c < ' ' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let n = c as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[n >> 4]));
                out.push(char::from(HEX[n & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
