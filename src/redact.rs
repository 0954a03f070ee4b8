//! Passwords never shown: a URL as it may be printed (banner, errors, the prompt, history), and
//! text with every URL's password hidden in place. Used by the drivers, the runner and the
//! editor alike, none of which needs the others for it.

/// The URL as it may be shown: any password is replaced by `***`.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => url.to_string(),
        // Not a URL the parser takes (a password with a raw `/` or `@`, say): hide it by hand.
        Err(_) => mask_passwords(url),
    }
}

/// `text` with the password of every URL in it (`scheme://user:PASSWORD@`) replaced by as many
/// `*`, so that byte offsets into it stay valid. The password runs from the first `:` after
/// `://` to the last `@` of the word, so a raw `/` or `@` in it is hidden too.
pub fn mask_passwords(text: &str) -> String {
    let mut out = text.to_string();
    let mut from = 0;
    while let Some(found) = out[from..].find("://") {
        let userinfo_start = from + found + 3;
        let rest = &out[userinfo_start..];
        let end = rest.find(|c: char| c.is_whitespace() || c == '"' || c == '\'').unwrap_or(rest.len());
        let word = &rest[..end];
        if let Some(at) = word.rfind('@')
            && let Some(colon) = word[..at].find(':')
        {
            let (start, stop) = (userinfo_start + colon + 1, userinfo_start + at);
            let stars = "*".repeat(out[start..stop].len());
            out.replace_range(start..stop, &stars);
        }
        from = userinfo_start;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact_url("postgres://bob:s3cret@db.example/app"), "postgres://bob:***@db.example/app");
        assert_eq!(redact_url("mysql://root@127.0.0.1/test"), "mysql://root@127.0.0.1/test");
        assert_eq!(redact_url("sqlite:ormsh.db"), "sqlite:ormsh.db");
        assert!(!redact_url("postgres://bob:p@ss@host/db").contains("p@ss"));
        assert!(!redact_url("postgres://bob:p/ss@host/db").contains("p/ss"));
    }

    #[test]
    fn passwords_in_text_are_masked_in_place() {
        let text = "connect postgres://bob:hunter2@127.0.0.1:1/db # and mysql://root@x/y";
        let masked = mask_passwords(text);
        assert_eq!(masked, "connect postgres://bob:*******@127.0.0.1:1/db # and mysql://root@x/y");
        assert_eq!(masked.len(), text.len());
        assert_eq!(mask_passwords("a://b:c"), "a://b:c");
        assert_eq!(mask_passwords("x://u:p@ss@h/d"), "x://u:****@h/d");
        assert_eq!(mask_passwords("connect x://u:p/ss@h/d now"), "connect x://u:****@h/d now");
    }
}
