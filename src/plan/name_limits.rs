//! Names the database would not keep as given: PostgreSQL cuts an identifier past 63 bytes
//! without an error (and ormsh would then report the name it asked for), MySQL/MariaDB refuse
//! one past 64 characters. A name the user gave is refused here, before anything is sent, with
//! the limit; a name ormsh makes itself (an index's) is shortened to fit ([`fit_generated`]).

use sha2::{Digest, Sha256};

use crate::ast::{FieldDecl, ModelDecl, Span};
use crate::dialect::Dialect;
use crate::error::{Error, ErrorKind, Result};

use super::CreateTable;

/// The longest name `dialect` keeps, and what it counts (SQLite has no limit).
fn limit(dialect: Dialect) -> Option<(usize, &'static str, &'static str)> {
    match dialect {
        Dialect::Postgres => Some((63, "bytes", "PostgreSQL")),
        Dialect::Mysql => Some((64, "characters", "MySQL/MariaDB")),
        Dialect::Sqlite => None,
    }
}

/// `name`, or when it is longer than `dialect` keeps, its head and `_` and eight hex digits of
/// the SHA-256 of the whole name (Rails and Django shorten so): the same name always gives the
/// same result, and two long names that share their head still differ. For the names ormsh
/// makes itself, where PostgreSQL would cut two of them to one and MySQL would refuse them.
pub fn fit_generated(dialect: Dialect, name: &str) -> String {
    let Some((max, unit, _)) = limit(dialect) else { return name.to_string() };
    let length = |name: &str| if unit == "bytes" { name.len() } else { name.chars().count() };
    if length(name) <= max {
        return name.to_string();
    }
    let suffix = format!("_{}", hex::encode(&Sha256::digest(name.as_bytes())[..4]));
    let mut head = String::new();
    for c in name.chars() {
        if length(&head) + length(c.encode_utf8(&mut [0; 4])) + suffix.len() > max {
            break;
        }
        head.push(c);
    }
    head + &suffix
}

/// The table and every column of `create` fit `dialect`'s names.
pub fn check(dialect: Dialect, model: &ModelDecl, create: &CreateTable) -> Result<()> {
    let Some((max, unit, database)) = limit(dialect) else { return Ok(()) };
    let length = |name: &str| if unit == "bytes" { name.len() } else { name.chars().count() };
    let too_long = |what: &str, name: &str, span: Span| {
        Error::at(
            ErrorKind::Name,
            format!("the {what} name `{name}` is {} {unit} long; {database} allows at most {max}", length(name)),
            span,
        )
        .with_label("too long")
        .with_help("choose a shorter name (`model Name table short_name { … }` names the table)")
    };
    if length(&create.table) > max {
        let at = model.table.as_ref().unwrap_or(&model.name);
        return Err(too_long("table", &create.table, at.span));
    }
    for column in &create.columns {
        if length(&column.name) > max {
            let span = field_of(model, &column.name).map_or(model.name.span, |f| f.name.span);
            return Err(too_long("column", &column.name, span));
        }
    }
    Ok(())
}

/// The declared field a column comes from (a reference `author` makes `author_id`).
fn field_of<'m>(model: &'m ModelDecl, column: &str) -> Option<&'m FieldDecl> {
    model.fields.iter().find(|f| f.name.name == column || crate::naming::reference_column(&f.name.name) == column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Command;
    use crate::catalog::Catalog;
    use crate::parser::parse_statement;

    fn model(text: &str) -> ModelDecl {
        match parse_statement(text).unwrap().command {
            Command::Model(model) => model,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn names_past_the_limit_are_refused_with_it() {
        let long = "a".repeat(64);
        let decl = model(&format!("model Foo table {long} {{ name: text }}"));
        let create = super::super::resolve::create_table(&Catalog::default(), &decl).unwrap();
        let err = check(Dialect::Postgres, &decl, &create).unwrap_err();
        assert_eq!(err.message, format!("the table name `{long}` is 64 bytes long; PostgreSQL allows at most 63"));
        assert!(check(Dialect::Mysql, &decl, &create).is_ok());
        assert!(check(Dialect::Sqlite, &decl, &create).is_ok());

        let field = "é".repeat(33);
        let decl = model(&format!("model Foo {{ {field}: text }}"));
        let create = super::super::resolve::create_table(&Catalog::default(), &decl).unwrap();
        let err = check(Dialect::Postgres, &decl, &create).unwrap_err();
        assert!(err.message.contains("is 66 bytes long; PostgreSQL allows at most 63"), "{}", err.message);
        assert!(check(Dialect::Mysql, &decl, &create).is_ok());

        let decl = model(&format!("model Foo {{ {}: text }}", "b".repeat(65)));
        let create = super::super::resolve::create_table(&Catalog::default(), &decl).unwrap();
        let err = check(Dialect::Mysql, &decl, &create).unwrap_err();
        assert!(err.message.ends_with("is 65 characters long; MySQL/MariaDB allows at most 64"), "{}", err.message);
        assert_eq!(err.span, Some(decl.fields[0].name.span));
    }

    #[test]
    fn generated_names_past_the_limit_are_shortened_with_a_hash() {
        let table = "t".repeat(60);
        let (a, b) = (format!("{table}_first_name_x_idx"), format!("{table}_first_name_y_idx"));
        let (pa, pb) = (fit_generated(Dialect::Postgres, &a), fit_generated(Dialect::Postgres, &b));
        assert_eq!(pa.len(), 63, "{pa}");
        assert_ne!(pa, pb);
        assert!(pa.starts_with(&table[..54]) && pa.as_bytes()[54] == b'_', "{pa}");
        assert_eq!(pa, fit_generated(Dialect::Postgres, &a), "the same every time");
        assert_eq!(fit_generated(Dialect::Mysql, &a).chars().count(), 64);
        assert_eq!(fit_generated(Dialect::Sqlite, &a), a);
        assert_eq!(fit_generated(Dialect::Postgres, "short_idx"), "short_idx");
        // Cut between characters, and counted as each database counts.
        let wide = format!("{}_idx", "é".repeat(40));
        let fitted = fit_generated(Dialect::Postgres, &wide);
        assert!(fitted.len() <= 63 && fitted.len() >= 62, "{fitted}");
        assert_eq!(fit_generated(Dialect::Mysql, &wide), wide, "44 characters fit MySQL");
    }
}
