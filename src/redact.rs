//! Passwords never shown: a URL as it may be printed (banner, errors, the prompt, history), and
//! text with every URL's password hidden in place. Used by the drivers, the runner and the
//! editor alike, none of which needs the others for it.
//!
//! A password is hidden behind a mask of fixed width, whatever its length: the number of `*`
//! must not tell how long it is. Every place the drivers take one is covered: the userinfo
//! (`scheme://user:PASSWORD@host`, with a raw `/` or `@` in it too), a `password=` query
//! parameter (`?password=…`, `&password=…`, which PostgreSQL's driver accepts), and a URL in
//! quotes, where the password may hold spaces.

use std::ops::Range;

/// What every password is shown as.
pub const MASK: &str = "********";

/// The URL as it may be shown: any password is replaced by [`MASK`]. The whole text is one
/// URL, spaces and all (as a quoted one typed by the user is once its quotes are gone).
pub fn redact_url(url: &str) -> String {
    let quoted = Masked::new(&format!("\"{url}\""));
    quoted.text[1..quoted.text.len() - 1].to_string()
}

/// `text` with the password of every URL in it replaced by [`MASK`].
pub fn mask_passwords(text: &str) -> String {
    Masked::new(text).text
}

/// A text with its passwords masked, and where it changed: byte offsets into the original (a
/// span of an error, say) can be carried over to the masked text with [`Masked::offset`].
#[derive(Debug, Clone, Default)]
pub struct Masked {
    pub text: String,
    /// Each masked range of the original, in order, with where its mask starts in `text`.
    edits: Vec<(Range<usize>, usize)>,
}

impl Masked {
    pub fn new(original: &str) -> Masked {
        let secrets = secret_ranges(original);
        if secrets.is_empty() {
            return Masked { text: original.to_string(), edits: Vec::new() };
        }
        let mut text = String::with_capacity(original.len());
        let mut edits = Vec::with_capacity(secrets.len());
        let mut copied = 0;
        for range in secrets {
            text.push_str(&original[copied..range.start]);
            edits.push((range.clone(), text.len()));
            text.push_str(MASK);
            copied = range.end;
        }
        text.push_str(&original[copied..]);
        Masked { text, edits }
    }

    /// Where byte `offset` of the original is in the masked text; an offset inside a password
    /// goes to the start of its mask (or its end, for an offset at the password's end).
    pub fn offset(&self, offset: usize) -> usize {
        let mut shift: isize = 0;
        for (range, masked_start) in &self.edits {
            if offset < range.start {
                break;
            }
            if offset < range.end {
                return *masked_start;
            }
            shift = (*masked_start + MASK.len()) as isize - range.end as isize;
        }
        (offset as isize + shift).max(0) as usize
    }
}

/// The byte ranges of every password in `text`, in order, not overlapping.
fn secret_ranges(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut found: Vec<Range<usize>> = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("://") {
        let scheme_end = from + at;
        let authority = scheme_end + 3;
        let scheme_start = text[..scheme_end]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(0, |i| i + 1);
        // A URL in quotes runs to its closing quote (a password may hold spaces there); a bare
        // one to the first space or quote.
        let quote = scheme_start.checked_sub(1).map(|i| bytes[i]).filter(|b| matches!(b, b'"' | b'\''));
        let rest = &text[authority..];
        let end = match quote {
            Some(q) => rest.find(|c: char| c as u32 == q as u32 || c == '\n').unwrap_or(rest.len()),
            None => rest.find(|c: char| c.is_whitespace() || c == '"' || c == '\'').unwrap_or(rest.len()),
        };
        let word = &rest[..end];
        // The userinfo's password runs from the first `:` to the last `@` of the word, so that
        // a raw `/` or `@` in it is hidden too.
        let mut query_from = 0;
        if let Some(at_sign) = word.rfind('@') {
            query_from = at_sign;
            if let Some(colon) = word[..at_sign].find(':')
                && colon + 1 < at_sign
            {
                found.push(authority + colon + 1..authority + at_sign);
            }
        }
        // Query parameters named `password`, in any case.
        let query = &word[query_from..];
        let lower = query.to_ascii_lowercase();
        let mut search = 0;
        while let Some(i) = lower[search..].find("password=") {
            let key = search + i;
            search = key + "password=".len();
            if key == 0 || !matches!(query.as_bytes()[key - 1], b'?' | b'&' | b';') {
                continue;
            }
            let value_end = query[search..].find('&').map_or(query.len(), |j| search + j);
            if value_end > search {
                let start = authority + query_from;
                found.push(start + search..start + value_end);
            }
        }
        from = authority + end;
    }
    found.sort_by_key(|r| r.start);
    found.dedup_by(|later, earlier| later.start < earlier.end);
    found
}

/// The passwords a URL carries, as written and as the driver decodes them: what must never be
/// shown, wherever a message from elsewhere (a driver's error) might repeat it.
pub fn passwords_in(url: &str) -> Vec<String> {
    let mut secrets = Vec::new();
    let quoted = format!("\"{url}\"");
    for range in secret_ranges(&quoted) {
        let raw = &quoted[range];
        secrets.push(raw.to_string());
        if let Some((_, decoded)) = url::form_urlencoded::parse(format!("x={raw}").as_bytes()).next() {
            secrets.push(decoded.into_owned());
        }
    }
    secrets.retain(|s| !s.is_empty());
    secrets
}

/// `text` with every one of `secrets` replaced by [`MASK`].
pub fn scrub(text: &str, secrets: &[String]) -> String {
    let mut out = mask_passwords(text);
    for secret in secrets {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), MASK);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_with_a_mask_of_fixed_width() {
        assert_eq!(redact_url("postgres://bob:s3cret@db.example/app"), "postgres://bob:********@db.example/app");
        assert_eq!(redact_url("postgres://bob:x@db/app"), "postgres://bob:********@db/app");
        assert_eq!(redact_url("mysql://root@127.0.0.1/test"), "mysql://root@127.0.0.1/test");
        assert_eq!(redact_url("sqlite:ormsh.db"), "sqlite:ormsh.db");
        assert_eq!(redact_url("postgres://bob:two words@h/db"), "postgres://bob:********@h/db");
        assert!(!redact_url("postgres://bob:p@ss@host/db").contains("p@ss"));
        assert!(!redact_url("postgres://bob:p/ss@host/db").contains("p/ss"));
    }

    #[test]
    fn a_password_query_parameter_is_masked() {
        assert_eq!(
            redact_url("postgres://bob@127.0.0.1/db?password=hunter2&sslmode=disable"),
            "postgres://bob@127.0.0.1/db?password=********&sslmode=disable"
        );
        assert_eq!(
            redact_url("postgres://h/db?sslmode=disable&PASSWORD=x"),
            "postgres://h/db?sslmode=disable&PASSWORD=********"
        );
        assert_eq!(redact_url("postgres://u:a@h/db?password=b"), "postgres://u:********@h/db?password=********");
    }

    #[test]
    fn a_quoted_url_hides_a_password_with_spaces() {
        let text = r#"connect "postgres://bob:two words@127.0.0.1/db" now"#;
        assert_eq!(mask_passwords(text), r#"connect "postgres://bob:********@127.0.0.1/db" now"#);
        let text = "connect 'postgres://bob@h/db?password=a b c'";
        assert_eq!(mask_passwords(text), "connect 'postgres://bob@h/db?password=********'");
    }

    #[test]
    fn offsets_follow_the_mask() {
        let text = "connect postgres://bob:hunter2@127.0.0.1:1/db # and mysql://root@x/y";
        let masked = Masked::new(text);
        assert_eq!(masked.text, "connect postgres://bob:********@127.0.0.1:1/db # and mysql://root@x/y");
        let hash = text.find('#').unwrap();
        assert_eq!(&masked.text[masked.offset(hash)..masked.offset(hash) + 1], "#");
        assert_eq!(masked.offset(3), 3);
        assert_eq!(masked.offset(text.find("hunter2").unwrap() + 2), masked.text.find(MASK).unwrap());
        assert_eq!(mask_passwords("a://b:c"), "a://b:c");
        assert_eq!(mask_passwords("x://u:p@ss@h/d"), "x://u:********@h/d");
    }

    #[test]
    fn secrets_are_scrubbed_from_other_text() {
        let secrets = passwords_in("postgres://u:p%20w@h/db");
        assert!(secrets.contains(&"p w".to_string()));
        assert_eq!(scrub("auth failed for p w", &secrets), "auth failed for ********");
    }
}
