//! A reader of the JSON that `dialect/load.rs` has the database build: lists of records, each
//! an array (PostgreSQL: an object) of scalars and of the documents nested in it. The text is
//! read once, in place, straight into values: no tree of JSON is built for a hundred thousand
//! records (building one, through serde_json, took as long as SQLite's own work), and a number
//! reaches its column's rule as the digits it was written with. A value that is JSON of its own
//! (a JSON column's object, a PostgreSQL array) is handed to serde_json whole.

use std::borrow::Cow;

/// A position in a JSON text. Errors are a sentence saying what was expected where.
pub(super) struct Scan<'t> {
    text: &'t str,
    at: usize,
}

type Read<T> = Result<T, String>;

impl<'t> Scan<'t> {
    pub(super) fn new(text: &'t str) -> Scan<'t> {
        Scan { text, at: 0 }
    }

    fn bytes(&self) -> &'t [u8] {
        self.text.as_bytes()
    }

    fn skip_ws(&mut self) {
        while self.bytes().get(self.at).is_some_and(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    /// The next byte that is not whitespace, left where it is.
    pub(super) fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.bytes().get(self.at).copied()
    }

    /// Takes `b` if it comes next.
    pub(super) fn eat(&mut self, b: u8) -> bool {
        let found = self.peek() == Some(b);
        self.at += usize::from(found);
        found
    }

    pub(super) fn expect(&mut self, b: u8) -> Read<()> {
        if self.eat(b) { Ok(()) } else { Err(self.unexpected(&format!("`{}`", b as char))) }
    }

    /// "expected WHAT at N, found …".
    pub(super) fn unexpected(&mut self, what: &str) -> String {
        let found = match self.peek() {
            None => "the end".to_string(),
            Some(_) => {
                let rest = &self.text[self.at..];
                let shown: String = rest.chars().take(12).collect();
                format!("`{shown}`")
            }
        };
        format!("expected {what} at character {}, found {found}", self.at)
    }

    /// Nothing but whitespace is left.
    pub(super) fn end(&mut self) -> Read<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.unexpected("the end")),
        }
    }

    /// `null`, `true` or `false`.
    pub(super) fn literal(&mut self, word: &str) -> Read<()> {
        self.skip_ws();
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(())
        } else {
            Err(self.unexpected(&format!("`{word}`")))
        }
    }

    /// A number's text, as written.
    pub(super) fn number(&mut self) -> Read<&'t str> {
        self.skip_ws();
        let start = self.at;
        let digits = |b: &u8| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E');
        while self.bytes().get(self.at).is_some_and(digits) {
            self.at += 1;
        }
        let text = &self.text[start..self.at];
        let first = text.strip_prefix('-').unwrap_or(text);
        if !first.starts_with(|c: char| c.is_ascii_digit()) {
            self.at = start;
            return Err(self.unexpected("a number"));
        }
        Ok(text)
    }

    /// A string's text: borrowed when it has no escapes (nearly always), else unescaped.
    pub(super) fn string(&mut self) -> Read<Cow<'t, str>> {
        self.expect(b'"')?;
        let start = self.at;
        let bytes = self.bytes();
        // `"` and `\` are ASCII, so they never fall inside a character of several bytes: every
        // index found is a character boundary.
        let Some(stop) = bytes[start..].iter().position(|b| matches!(b, b'"' | b'\\')) else {
            return Err(self.unexpected("the end of a string"));
        };
        self.at = start + stop;
        if bytes[self.at] == b'"' {
            self.at += 1;
            return Ok(Cow::Borrowed(&self.text[start..start + stop]));
        }
        let mut out = String::from(&self.text[start..self.at]);
        loop {
            let Some(stop) = bytes[self.at..].iter().position(|b| matches!(b, b'"' | b'\\')) else {
                return Err(self.unexpected("the end of a string"));
            };
            out.push_str(&self.text[self.at..self.at + stop]);
            self.at += stop;
            if bytes[self.at] == b'"' {
                self.at += 1;
                return Ok(Cow::Owned(out));
            }
            self.at += 1;
            let escape = bytes.get(self.at).copied();
            self.at += 1;
            out.push(match escape {
                Some(b'"') => '"',
                Some(b'\\') => '\\',
                Some(b'/') => '/',
                Some(b'b') => '\u{8}',
                Some(b'f') => '\u{c}',
                Some(b'n') => '\n',
                Some(b'r') => '\r',
                Some(b't') => '\t',
                Some(b'u') => self.unicode_escape()?,
                _ => {
                    self.at -= 2;
                    return Err(self.unexpected("an escape"));
                }
            });
        }
    }

    /// The character of `\uXXXX` (after the `u`), or of a surrogate pair `\uD83D\uDE00`.
    fn unicode_escape(&mut self) -> Read<char> {
        let high = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&high) {
            if !self.text[self.at..].starts_with("\\u") {
                return Err(self.unexpected("the second half of a surrogate pair"));
            }
            self.at += 2;
            let low = self.hex4()?;
            if !(0xDC00..0xE000).contains(&low) {
                return Err(self.unexpected("the second half of a surrogate pair"));
            }
            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        } else {
            high
        };
        char::from_u32(code).ok_or_else(|| self.unexpected("a character"))
    }

    fn hex4(&mut self) -> Read<u32> {
        let digits = self.text.get(self.at..self.at + 4).ok_or_else(|| self.unexpected("four hex digits"))?;
        let code = u32::from_str_radix(digits, 16).map_err(|_| self.unexpected("four hex digits"))?;
        self.at += 4;
        Ok(code)
    }

    /// The whole text of the one JSON value that comes next, whatever it holds.
    pub(super) fn value_text(&mut self) -> Read<&'t str> {
        self.skip_ws();
        let start = self.at;
        let bytes = self.bytes();
        let mut depth = 0usize;
        while let Some(&b) = bytes.get(self.at) {
            match b {
                b'"' => {
                    self.string()?;
                    if depth == 0 {
                        break;
                    }
                    continue;
                }
                b'[' | b'{' => depth += 1,
                b']' | b'}' if depth == 0 => break,
                b']' | b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        self.at += 1;
                        break;
                    }
                }
                b',' if depth == 0 => break,
                _ => {}
            }
            self.at += 1;
        }
        if depth > 0 || self.at == start {
            return Err(self.unexpected("a value"));
        }
        Ok(&self.text[start..self.at])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_borrowed_unless_they_hold_escapes() {
        let mut scan = Scan::new(r#" "plain ünïcode" "a\"b\\c\/\n\t\u00e9\ud83d\ude00" "#);
        assert!(matches!(scan.string().unwrap(), Cow::Borrowed("plain ünïcode")));
        assert_eq!(scan.string().unwrap(), "a\"b\\c/\n\té😀");
        scan.end().unwrap();
        for bad in [r#""open"#, r#""\x""#, r#""\u12""#, r#""\ud83d""#, r#""\ud83d\u0041""#] {
            assert!(Scan::new(bad).string().is_err(), "{bad}");
        }
    }

    #[test]
    fn numbers_keep_their_digits() {
        let mut scan = Scan::new("12345678901234567890.0123456789, -1e+300,x");
        assert_eq!(scan.number().unwrap(), "12345678901234567890.0123456789");
        scan.expect(b',').unwrap();
        assert_eq!(scan.number().unwrap(), "-1e+300");
        scan.expect(b',').unwrap();
        assert_eq!(scan.number().unwrap_err(), "expected a number at character 41, found `x`");
    }

    #[test]
    fn a_value_of_its_own_is_taken_whole() {
        let mut scan = Scan::new(r#"[{"a": "]}", "b": [1, [2]]}, 3], 4"#);
        scan.expect(b'[').unwrap();
        assert_eq!(scan.value_text().unwrap(), r#"{"a": "]}", "b": [1, [2]]}"#);
        scan.expect(b',').unwrap();
        assert_eq!(scan.value_text().unwrap(), "3");
        scan.expect(b']').unwrap();
        scan.expect(b',').unwrap();
        assert_eq!(scan.value_text().unwrap(), "4");
        assert!(Scan::new("[1, 2").value_text().is_err());
        assert!(Scan::new("").value_text().is_err());
    }
}
