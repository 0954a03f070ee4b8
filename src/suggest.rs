//! "Did you mean …?": the nearest known name to a misspelled one.

/// The candidate closest to `name`, if one is close enough to be a plausible typo.
/// Case is ignored; an exact case-insensitive match always wins.
pub fn nearest<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let wanted = name.to_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(&wanted, &candidate.to_lowercase());
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.filter(|(score, _)| *score >= 0.8).map(|(_, c)| c)
}

/// `did you mean `X`?` for the nearest candidate, ready to use as an error's help.
pub fn did_you_mean<'a, I>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    nearest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_and_ignores_strangers() {
        let names = ["User", "Address", "BlogPost"];
        assert_eq!(nearest("Usr", names), Some("User"));
        assert_eq!(nearest("user", names), Some("User"));
        assert_eq!(nearest("adress", names), Some("Address"));
        assert_eq!(nearest("Invoice", names), None);
        assert_eq!(nearest("x", Vec::<&str>::new()), None);
    }
}
