//! Rails' own plurals (ActiveSupport's `inflections.rb`): the tables ActiveRecord and Sequelize
//! (whose `inflection` package copies the same rules) make for a model. The general inflection
//! rules ormsh uses elsewhere disagree on a few words (`medium` → `media`, `octopus` →
//! `octopi`), and a table made by Rails must be found by the model name Rails gave it.

/// Words whose plural follows no rule.
const IRREGULAR: [(&str, &str); 6] = [
    ("person", "people"),
    ("man", "men"),
    ("child", "children"),
    ("sex", "sexes"),
    ("move", "moves"),
    ("zombie", "zombies"),
];

/// Words Rails never pluralizes.
const UNCOUNTABLE: [&str; 10] =
    ["equipment", "information", "rice", "money", "species", "series", "fish", "sheep", "jeans", "police"];

/// The plural Rails makes of one lowercase word.
pub fn plural(word: &str) -> String {
    if UNCOUNTABLE.contains(&word) {
        return word.to_string();
    }
    for (one, many) in IRREGULAR {
        // Rails matches an irregular word at the end of a longer one too (`salesperson`).
        if let Some(head) = word.strip_suffix(one) {
            return format!("{head}{many}");
        }
        if word.ends_with(many) {
            return word.to_string();
        }
    }
    let ends = |suffixes: &[&str]| suffixes.iter().find(|s| word.ends_with(*s)).map(|s| &word[..word.len() - s.len()]);
    // The rules in the order Rails tries them: the last one defined first.
    if word == "quiz" || word.ends_with("quiz") {
        return format!("{word}zes");
    }
    if word == "oxen" {
        return word.to_string();
    }
    if word == "ox" {
        return "oxen".to_string();
    }
    if matches!(word, "mice" | "lice") {
        return word.to_string();
    }
    if matches!(word, "mouse" | "louse") {
        return format!("{}ice", &word[..1]);
    }
    if let Some(stem) = ends(&["matrix", "matrex", "vertix", "vertex", "indix", "index"]) {
        let root = &word[stem.len()..word.len() - 2];
        return format!("{stem}{root}ices");
    }
    if ends(&["x", "ch", "ss", "sh"]).is_some() {
        return format!("{word}es");
    }
    if let Some(stem) = word.strip_suffix('y') {
        let before = stem.chars().last();
        if stem.ends_with("qu") || before.is_some_and(|c| !"aeiouy".contains(c)) {
            return format!("{stem}ies");
        }
    }
    if word.ends_with("hive") {
        return format!("{word}s");
    }
    if let Some(stem) = word.strip_suffix("fe").filter(|s| !s.ends_with('f') && !s.is_empty()) {
        return format!("{stem}ves");
    }
    if let Some(stem) = word.strip_suffix('f').filter(|s| s.ends_with(['l', 'r'])) {
        return format!("{stem}ves");
    }
    if let Some(stem) = word.strip_suffix("sis") {
        return format!("{stem}ses");
    }
    if word.ends_with("ta") || word.ends_with("ia") {
        return word.to_string();
    }
    if let Some(stem) = word.strip_suffix("um").filter(|s| s.ends_with(['t', 'i'])) {
        return format!("{stem}a");
    }
    if let Some(stem) = ends(&["buffalo", "tomato"]) {
        return format!("{stem}{}es", &word[stem.len()..]);
    }
    if word.ends_with("bus") {
        return format!("{word}es");
    }
    if ends(&["alias", "status"]).is_some() {
        return format!("{word}es");
    }
    if word.ends_with("octopi") || word.ends_with("viri") {
        return word.to_string();
    }
    if let Some(stem) = ends(&["octopus", "virus"]) {
        return format!("{stem}{}i", &word[stem.len()..word.len() - 2]);
    }
    if matches!(word, "axis" | "testis") {
        return format!("{}es", &word[..word.len() - 2]);
    }
    if word.ends_with('s') {
        return word.to_string();
    }
    format!("{word}s")
}

#[cfg(test)]
mod tests {
    use super::plural;

    /// What `"word".pluralize` answers in ActiveSupport 6.1, one pair per rule and irregular.
    pub const RAILS: [(&str, &str); 37] = [
        ("user", "users"),
        ("person", "people"),
        ("salesperson", "salespeople"),
        ("man", "men"),
        ("child", "children"),
        ("sex", "sexes"),
        ("move", "moves"),
        ("zombie", "zombies"),
        ("medium", "media"),
        ("datum", "data"),
        ("octopus", "octopi"),
        ("virus", "viri"),
        ("alias", "aliases"),
        ("status", "statuses"),
        ("bus", "buses"),
        ("buffalo", "buffaloes"),
        ("tomato", "tomatoes"),
        ("analysis", "analyses"),
        ("axis", "axes"),
        ("wife", "wives"),
        ("half", "halves"),
        ("hive", "hives"),
        ("category", "categories"),
        ("query", "queries"),
        ("day", "days"),
        ("box", "boxes"),
        ("church", "churches"),
        ("address", "addresses"),
        ("wish", "wishes"),
        ("matrix", "matrices"),
        ("vertex", "vertices"),
        ("index", "indices"),
        ("mouse", "mice"),
        ("ox", "oxen"),
        ("quiz", "quizzes"),
        ("series", "series"),
        ("equipment", "equipment"),
    ];

    #[test]
    fn rails_plurals() {
        for (one, many) in RAILS {
            assert_eq!(plural(one), many, "{one}");
        }
    }
}
