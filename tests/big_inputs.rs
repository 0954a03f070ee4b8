//! Inputs that are big (issue 17.3): an `add` with tens of thousands of assignments and a
//! `model` with tens of thousands of fields are parsed and checked in linear time (they took
//! 7.3 s for 40k assignments when every one was compared with every other). Nothing here is
//! timed; a quadratic step makes this file take minutes, which is what it is there to show.

use ormsh::ast::Format;
use ormsh::parser::parse_statement;
use ormsh::render::Printer;
use ormsh::runner::NoConfirm;
use ormsh::session::Session;

const N: usize = 40_000;

#[test]
fn an_add_with_40k_assignments_finds_the_one_given_twice() {
    let mut line = String::from("add User");
    for i in 0..N {
        line.push_str(&format!(" f{i}={i}"));
    }
    line.push_str(" F17=again");
    let err = parse_statement(&line).unwrap_err();
    assert_eq!(err.message, "`F17` is given twice");
    assert_eq!(&line[err.span.unwrap().start..err.span.unwrap().end], "F17");
}

#[test]
fn a_model_with_40k_fields_finds_the_one_declared_twice() {
    let fields: Vec<String> = (0..N).map(|i| format!("f{i}: int")).collect();
    let line = format!("model Wide {{ {}, F39999: text }}", fields.join(", "));
    let err = parse_statement(&line).unwrap_err();
    assert_eq!(err.message, "field `F39999` is declared twice");
}

#[test]
fn a_model_as_wide_as_sqlite_allows_takes_an_add_of_every_field() {
    // SQLite allows 2000 columns, the key included.
    let n = 1999;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let (printer, out, _) = Printer::capture(Format::Csv, false, false, false);
        let mut session = Session::open("sqlite::memory:", printer, false).await.unwrap();
        let fields: Vec<String> = (0..n).map(|i| format!("f{i}: int")).collect();
        let assignments: Vec<String> = (0..n).map(|i| format!("f{i}={i}")).collect();
        for line in [
            format!("model Wide {{ {} }}", fields.join(", ")),
            format!("add Wide {}", assignments.join(" ")),
            format!("add Wide {}", assignments.join(", ")),
            "count Wide where f1998 = 1998".to_string(),
        ] {
            let statement = parse_statement(&line).unwrap();
            session.execute(&statement, &mut NoConfirm).await.unwrap();
        }
        assert_eq!(out.contents().trim_end().lines().last(), Some("2"));
    });
}
