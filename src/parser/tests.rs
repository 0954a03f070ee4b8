//! Parser tables. Successes are compared through a compact rendering of the AST (spans left
//! out; a few tests check spans on their own); errors by message and caret position.

use super::parse_statement;
use crate::ast::*;

/// The AST as an S-expression. Literals: `null`, `true`, `#30` (number), `"x"` (quoted),
/// `John` (bare word).
fn show(command: &Command) -> String {
    match command {
        Command::Model(m) => {
            let mut out = format!("(model {}", m.name.name);
            if let Some(t) = &m.table {
                out += &format!(" (table {})", t.name);
            }
            for f in &m.fields {
                let (kind, ty) = match &f.ty {
                    FieldTypeDecl::Scalar(t) => ("", &t.name),
                    FieldTypeDecl::Reference(t) => ("&", &t.name),
                };
                out += &format!(" ({}: {kind}{ty}", f.name.name);
                if f.nullable {
                    out += "?";
                }
                if f.unique {
                    out += " unique";
                }
                if f.primary_key {
                    out += " primary";
                }
                if let Some(d) = &f.default {
                    out += &format!(" = {}", lit(d));
                }
                out += ")";
            }
            out + ")"
        }
        Command::Alter { model, change } => {
            let change = match change {
                AlterChange::Add(f) => {
                    let shown =
                        show(&Command::Model(ModelDecl { name: model.clone(), table: None, fields: vec![f.clone()] }));
                    format!("add {}", &shown[format!("(model {} ", model.name).len()..shown.len() - 1])
                }
                AlterChange::Rename { from, to } => format!("rename {} {}", from.name, to.name),
                AlterChange::Drop { field, confirmed } => {
                    format!("drop {}{}", field.name, if *confirmed { " confirm" } else { "" })
                }
                AlterChange::Index { fields, unique, .. } => {
                    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
                    format!("{} {}", if *unique { "unique" } else { "index" }, names.join(" "))
                }
            };
            format!("(alter {} {change})", model.name)
        }
        Command::Models(None) => "models".into(),
        Command::Models(Some(schema)) => format!("(models {})", schema.name),
        Command::Refresh => "refresh".into(),
        Command::Describe(m) => format!("(describe {})", m.name),
        Command::Drop { model, confirmed } => {
            format!("(drop {}{})", model.name, if *confirmed { " confirm" } else { "" })
        }
        Command::Add { model, values } => format!("(add {}{})", model.name, assigns(values)),
        Command::Upsert { model, values } => format!("(upsert {}{})", model.name, assigns(values)),
        Command::Get { model, key, with } => format!("(get {} {}{})", model.name, lit(key), with_list(with)),
        Command::Query(q) => {
            let mut out = format!("(query {}", q.model.name);
            if let Some(fields) = &q.fields {
                let names: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
                let distinct = if q.distinct { "distinct " } else { "" };
                out += &format!(" (fields {distinct}{})", names.join(" "));
            }
            if let Some(c) = &q.filter {
                out += &format!(" (where {})", cond(c));
            }
            if !q.by.is_empty() {
                let keys: Vec<String> = q.by.iter().map(|k| k.to_string()).collect();
                out += &format!(" (by {})", keys.join(" "));
            }
            if let Some(c) = &q.having {
                out += &format!(" (having {})", cond(c));
            }
            if !q.order.is_empty() {
                let items: Vec<String> =
                    q.order.iter().map(|o| format!("{} {:?}", o.field, o.direction).to_lowercase()).collect();
                out += &format!(" (order {})", items.join(", "));
            }
            if let Some(l) = q.limit {
                out += &format!(" (limit {})", l.value);
            }
            if let Some(o) = q.offset {
                out += &format!(" (offset {})", o.value);
            }
            out += &with_list(&q.with);
            out + ")"
        }
        Command::Count { model, filter, by } => {
            let mut out = format!("(count {}", model.name);
            if let Some(c) = filter {
                out += &format!(" (where {})", cond(c));
            }
            if !by.is_empty() {
                let keys: Vec<String> = by.iter().map(|k| k.to_string()).collect();
                out += &format!(" (by {})", keys.join(" "));
            }
            out + ")"
        }
        Command::Update { model, target, set } => {
            format!("(update {} {} (set{}))", model.name, targ(target), assigns(set))
        }
        Command::Delete { model, target } => format!("(delete {} {})", model.name, targ(target)),
        Command::Begin(mode) => match (mode.isolation, mode.read_only) {
            (None, None) => "begin".into(),
            (isolation, read_only) => format!("(begin {isolation:?} {read_only:?})"),
        },
        Command::Commit => "commit".into(),
        Command::Rollback => "rollback".into(),
        Command::Savepoint(s) => format!("(savepoint {})", s.name),
        Command::RollbackTo(s) => format!("(rollback-to {})", s.name),
        Command::Release(s) => format!("(release {})", s.name),
        Command::Sql { text, .. } => format!("(sql {text:?})"),
        Command::Explain(inner) => format!("(explain {})", show(inner)),
        Command::Set(s) => format!("(set {s:?})"),
        Command::Source { path, .. } => format!("(source {path:?})"),
        Command::Connect { url, .. } => format!("(connect {url:?})"),
        Command::Export { command, path, format, force, .. } => {
            let format = format.map(|f| format!(" format {f:?}")).unwrap_or_default();
            format!("(export {} to {path:?}{format}{})", show(command), if *force { " force" } else { "" })
        }
        Command::Import { model, path, .. } => format!("(import {} from {path:?})", model.name),
        Command::Help(None) => "help".into(),
        Command::Help(Some(topic)) => format!("(help {})", topic.name),
        Command::Output { path: None, .. } => "output".into(),
        Command::Output { path: Some(path), .. } => format!("(output {path:?})"),
        Command::Edit => "edit".into(),
        Command::Quit => "quit".into(),
    }
}

fn lit(l: &Literal) -> String {
    match &l.kind {
        LiteralKind::Null => "null".into(),
        LiteralKind::Bool(b) => b.to_string(),
        LiteralKind::Number(n) => format!("#{n}"),
        LiteralKind::Quoted(s) => format!("{s:?}"),
        LiteralKind::Word(w) => w.clone(),
        LiteralKind::List(items) => format!("({})", items.iter().map(lit).collect::<Vec<_>>().join(" ")),
    }
}

fn with_list(paths: &[FieldPath]) -> String {
    if paths.is_empty() {
        return String::new();
    }
    let names: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
    format!(" (with {})", names.join(" "))
}

fn assigns(values: &[Assignment]) -> String {
    let through = |a: &Assignment| a.through.as_ref().map(|p| format!(".{p}")).unwrap_or_default();
    values.iter().map(|a| format!(" {}{}{}{}", a.field.name, through(a), a.op.as_str(), lit(&a.value))).collect()
}

fn targ(t: &Target) -> String {
    match t {
        Target::Where(c) => format!("(where {})", cond(c)),
        Target::All(_) => "all".into(),
    }
}

fn cond(c: &Condition) -> String {
    match c {
        Condition::And(a, b) => format!("(and {} {})", cond(a), cond(b)),
        Condition::Or(a, b) => format!("(or {} {})", cond(a), cond(b)),
        Condition::Not(a) => format!("(not {})", cond(a)),
        Condition::Compare { field, op, value } => format!("({} {field} {})", op.as_str(), lit(value)),
        Condition::CompareFields { field, op, other } => format!("({} {field} .{other})", op.as_str()),
        Condition::In { field, values, negated } => {
            let values: Vec<String> = values.iter().map(lit).collect();
            format!("({}in {field} {})", if *negated { "not-" } else { "" }, values.join(" "))
        }
        Condition::IsNull { field, negated } => {
            format!("(is-{}null {field})", if *negated { "not-" } else { "" })
        }
        Condition::Between { field, low, high, negated } => {
            format!("({}between {field} {} {})", if *negated { "not-" } else { "" }, lit(low), lit(high))
        }
    }
}

fn parse(text: &str) -> Statement {
    parse_statement(text).unwrap_or_else(|e| panic!("{text:?} failed: {e:?}"))
}

#[test]
fn parses_commands() {
    let table: &[(&str, &str)] = &[
        ("models", "models"),
        ("MODELS", "models"),
        ("models sales", "(models sales)"),
        ("\\dt sales", "(models sales)"),
        ("query sales.Order where user.name = x", "(query sales.Order (where (= user.name x)))"),
        ("describe `my sales`.Order", "(describe my sales.Order)"),
        ("model Refund { order: sales.Order }", "(model Refund (order: &sales.Order))"),
        ("export count User to n.txt", r#"(export (count User) to "n.txt")"#),
        (
            r#"export query User where name="go to x.csv" to "my dir/out.csv" force # done"#,
            r#"(export (query User (where (= name "go to x.csv"))) to "my dir/out.csv" force)"#,
        ),
        ("EXPORT sql select 1 as to to a.jsonl", r#"(export (sql "select 1 as to") to "a.jsonl")"#),
        ("export count User to n.dat format csv force", r#"(export (count User) to "n.dat" format Csv force)"#),
        ("export count User to n.csv --format JSONL", r#"(export (count User) to "n.csv" format Jsonl)"#),
        // A word `format` that is not followed by a format's name belongs to the query.
        ("export sql select 1 as format to f.txt", r#"(export (sql "select 1 as format") to "f.txt")"#),
        ("import User from data/users.csv", r#"(import User from "data/users.csv")"#),
        ("describe User", "(describe User)"),
        ("drop User", "(drop User)"),
        ("drop User confirm", "(drop User confirm)"),
        ("alter User add phone: text?", "(alter User add (phone: text?))"),
        ("ALTER User ADD boss: User unique = 1", "(alter User add (boss: &User unique = #1))"),
        ("alter User rename phone to mobile", "(alter User rename phone mobile)"),
        ("alter User drop mobile", "(alter User drop mobile)"),
        ("alter User drop `odd name` confirm", "(alter User drop odd name confirm)"),
        ("alter User index ( name , age )", "(alter User index name age)"),
        ("alter User unique (email)", "(alter User unique email)"),
        ("add User name=John age=30", "(add User name=John age=#30)"),
        ("add User", "(add User)"),
        ("add User name = John , age = 30", "(add User name=John age=#30)"),
        (
            r#"add User name="John Smith", email=j@x.io active=true note=null born=2024-01-31"#,
            r#"(add User name="John Smith" email=j@x.io active=true note=null born=2024-01-31)"#,
        ),
        (
            "add Event at=2024-01-31T10:00:00 n=-4 x=12.50 y=1e3",
            "(add Event at=2024-01-31T10:00:00 n=#-4 x=#12.50 y=#1e3)",
        ),
        ("add User name=and flag=FALSE z=NULL", "(add User name=and flag=false z=null)"),
        (r"add User q='it\'s \u{1F600}\t\\'", "(add User q=\"it's 😀\\t\\\\\")"),
        ("add Address user=1", "(add Address user=#1)"),
        ("add `weird table` `odd name`=1", "(add weird table odd name=#1)"),
        ("add User all=1 where=2", "(add User all=#1 where=#2)"),
        // A list: a PostgreSQL array's elements (issue 12).
        (r#"add Post title=x tags=(a, "b c", 3, null)"#, r#"(add Post title=x tags=(a "b c" #3 null))"#),
        ("add Post tags=() n=( 1 , 2 , )", "(add Post tags=() n=(#1 #2))"),
        ("update Post where tags = (a, b) set tags=(c)", "(update Post (where (= tags (a b))) (set tags=(c)))"),
        ("get User 1", "(get User #1)"),
        ("get User \"abc\"", "(get User \"abc\")"),
        ("get User 1 with orders", "(get User #1 (with orders))"),
        ("get User 1 WITH orders.order_items , address", "(get User #1 (with orders.order_items address))"),
        ("get Tag \"with\" with products", "(get Tag \"with\" (with products))"),
        ("get Tag with", "(get Tag with)"),
        (
            "query User where country=NO with orders.order_items, address limit 5",
            "(query User (where (= country NO)) (limit 5) (with orders.order_items address))",
        ),
        ("query User with orders where name=Ann", "(query User (where (= name Ann)) (with orders))"),
        ("query User", "(query User)"),
        ("query User where name=John", "(query User (where (= name John)))"),
        (
            "query User fields name, address.city where age >= 30 order by name desc, id limit 10 offset 20",
            "(query User (fields name address.city) (where (>= age #30)) (order name desc, id asc) (limit 10) (offset 20))",
        ),
        (
            "query User limit 5 where a=1 offset 2 order by a asc",
            "(query User (where (= a #1)) (order a asc) (limit 5) (offset 2))",
        ),
        (
            "QUERY User WHERE name LIKE 'J%' ORDER BY name DESC",
            "(query User (where (like name \"J%\")) (order name desc))",
        ),
        ("query Track where album.artist.name=\"AC/DC\"", "(query Track (where (= album.artist.name \"AC/DC\")))"),
        ("count User", "(count User)"),
        ("count User where active=true", "(count User (where (= active true)))"),
        ("update User where name=John set age=31", "(update User (where (= name John)) (set age=#31))"),
        ("update User where id=1 set a=1, b=null", "(update User (where (= id #1)) (set a=#1 b=null))"),
        ("update User all set active=false", "(update User all (set active=false))"),
        ("update User set age=31 where name=John", "(update User (where (= name John)) (set age=#31))"),
        ("update User set age=31 all", "(update User all (set age=#31))"),
        ("update P all set price *= 0.9, stock -= 1", "(update P all (set price*=#0.9 stock-=#1))"),
        ("update P all set a+=1 b/=2 c=-1", "(update P all (set a+=#1 b/=#2 c=#-1))"),
        ("upsert User email=a@x.io name=Ann", "(upsert User email=a@x.io name=Ann)"),
        ("UPSERT User id=1, age=3", "(upsert User id=#1 age=#3)"),
        ("add Order user.email=a@x.io total=10", "(add Order user.email=a@x.io total=#10)"),
        ("update Order all set user.address.city = Oslo", "(update Order all (set user.address.city=Oslo))"),
        ("upsert Order id=1 user.`e mail`=\"x\"", "(upsert Order id=#1 user.e mail=\"x\")"),
        ("delete User where id in (1, 2)", "(delete User (where (in id #1 #2)))"),
        ("delete User all", "(delete User all)"),
        ("begin", "begin"),
        ("begin serializable", "(begin Some(Serializable) None)"),
        ("BEGIN Read Only", "(begin None Some(true))"),
        ("begin read write, repeatable read", "(begin Some(RepeatableRead) Some(false))"),
        ("begin isolation level read committed read only", "(begin Some(ReadCommitted) Some(true))"),
        ("begin read uncommitted", "(begin Some(ReadUncommitted) None)"),
        ("commit", "commit"),
        ("rollback", "rollback"),
        ("savepoint s1", "(savepoint s1)"),
        ("rollback to s1", "(rollback-to s1)"),
        ("rollback to savepoint s1", "(rollback-to s1)"),
        ("rollback to savepoint", "(rollback-to savepoint)"),
        ("release s1", "(release s1)"),
        ("release savepoint s1", "(release s1)"),
        ("sql select * from users where name = 'a;b'  ", "(sql \"select * from users where name = 'a;b'\")"),
        ("sql select 1 \\\n + 2", "(sql \"select 1 \\n + 2\")"),
        ("explain query User where a=1", "(explain (query User (where (= a #1))))"),
        ("explain delete User all", "(explain (delete User all))"),
        ("set format json", "(set Format(Json))"),
        ("set format VERTICAL", "(set Format(Vertical))"),
        ("set timing on", "(set Timing(true))"),
        ("set timing off", "(set Timing(false))"),
        ("set limit 20", "(set Limit(Some(20)))"),
        ("set limit off", "(set Limit(None))"),
        ("source file.orm", "(source \"file.orm\")"),
        ("source ./dir/my-file.orm # run it", "(source \"./dir/my-file.orm\")"),
        ("source \"my file.orm\"", "(source \"my file.orm\")"),
        (
            "connect postgres://u:p@localhost:5432/db?sslmode=disable",
            "(connect \"postgres://u:p@localhost:5432/db?sslmode=disable\")",
        ),
        ("connect sqlite:my.db   # the local one", "(connect \"sqlite:my.db\")"),
        ("connect 'sqlite:my file.db'", "(connect \"sqlite:my file.db\")"),
        ("help", "help"),
        ("help query", "(help query)"),
        ("quit", "quit"),
        ("exit", "quit"),
        ("\\q", "quit"),
        ("  # a comment before\n  models  # and after", "models"),
        ("query User \\\n  where a=1", "(query User (where (= a #1)))"),
    ];
    for (input, expected) in table {
        assert_eq!(show(&parse(input).command), *expected, "input: {input:?}");
    }
}

#[test]
fn parses_model_declarations() {
    let table: &[(&str, &str)] = &[
        ("model User {}", "(model User)"),
        (
            "model User { name: text, age: int?, email: text unique, active: bool = true, author: User? }",
            "(model User (name: text) (age: int?) (email: text unique) (active: bool = true) (author: &User?))",
        ),
        ("model Person table people { name: text, }", "(model Person (table people) (name: text))"),
        (
            "model User {\n  name: text\n  age: int?   # comment\n\n  code: TEXT primary key\n}",
            "(model User (name: text) (age: int?) (code: TEXT primary))",
        ),
        (
            "model Post { id: uuid primary, title: text? unique = \"untitled\", n: decimal = 1.5, at: datetime }",
            "(model Post (id: uuid primary) (title: text? unique = \"untitled\") (n: decimal = #1.5) (at: datetime))",
        ),
        (
            "model A { b: `int`, c: blog_post, d: time, e: json ? }",
            "(model A (b: &int) (c: &blog_post) (d: time) (e: json?))",
        ),
        ("model A { x: int, \n y: int,\n }", "(model A (x: int) (y: int))"),
        ("model A {\n id: int primary\n key: text key\n}", "(model A (id: int primary) (key: text primary))"),
    ];
    for (input, expected) in table {
        assert_eq!(show(&parse(input).command), *expected, "input: {input:?}");
    }
}

#[test]
fn parses_summaries() {
    let table: &[(&str, &str)] = &[
        ("count Order by status", "(count Order (by status))"),
        ("count Order where paid = true by user.country", "(count Order (where (= paid true)) (by user.country))"),
        ("count Order by status where paid = true", "(count Order (where (= paid true)) (by status))"),
        (
            "query Order by user.country fields count, sum(total), avg(total) having count > 10 order by sum(total) desc limit 5",
            "(query Order (fields count sum(total) avg(total)) (by user.country) (having (> count #10)) (order sum(total) desc) (limit 5))",
        ),
        (
            "query Order by year(created_at), month(created_at) fields count, sum(total)",
            "(query Order (fields count sum(total)) (by year(created_at) month(created_at)))",
        ),
        (
            "query Order fields count, min(created_at), max(total)",
            "(query Order (fields count min(created_at) max(total)))",
        ),
        ("query Order fields distinct status", "(query Order (fields distinct status))"),
        ("query Order fields COUNT(DISTINCT status)", "(query Order (fields count(distinct status)))"),
        ("query User fields date, sum, `count`", "(query User (fields date sum count))"),
    ];
    for (input, expected) in table {
        assert_eq!(show(&parse(input).command), *expected, "{input}");
    }
    for (input, message) in [
        ("count Order by", "expected a field to group by, found end of input"),
        ("query Order fields sum()", "expected a field name inside `sum(…)`, found `)`"),
        ("query Order fields sum(total", "`(` is never closed"),
        ("query Order fields sum(total total)", "expected `)` to close `sum(`, found `total`"),
        ("query Order by status by status", "`by` is given twice"),
        ("query Order having", "expected a condition on the groups after `having`, found end of input"),
    ] {
        let err = parse_statement(input).unwrap_err();
        assert_eq!(err.message, message, "{input}");
    }
}

#[test]
fn parses_conditions() {
    let table: &[(&str, &str)] = &[
        ("a=1", "(= a #1)"),
        ("a != 1", "(!= a #1)"),
        ("a<>1", "(!= a #1)"),
        ("a<1", "(< a #1)"),
        ("a<=1", "(<= a #1)"),
        ("a>1", "(> a #1)"),
        ("a>=1", "(>= a #1)"),
        ("name like 'J%'", "(like name \"J%\")"),
        ("name not like \"J%\"", "(not like name \"J%\")"),
        ("id in (1, 2, three)", "(in id #1 #2 three)"),
        ("id not in (1,)", "(not-in id #1)"),
        ("email is null", "(is-null email)"),
        ("email IS NOT NULL", "(is-not-null email)"),
        ("a=1 and b=2 and c=3", "(and (and (= a #1) (= b #2)) (= c #3))"),
        ("a=1 or b=2 and not c=3", "(or (= a #1) (and (= b #2) (not (= c #3))))"),
        ("(a=1 or b=2) and c=3", "(and (or (= a #1) (= b #2)) (= c #3))"),
        ("not (a=1 or b=2)", "(not (or (= a #1) (= b #2)))"),
        ("not not a=1", "(not (not (= a #1)))"),
        ("((a = 1))", "(= a #1)"),
        (
            "user.name=John and album.artist.name = \"AC/DC\"",
            "(and (= user.name John) (= album.artist.name \"AC/DC\"))",
        ),
        ("`odd col` = x", "(= odd col x)"),
        ("a = and", "(= a and)"),
        ("a=1 or and=2 and or <> 3", "(or (= a #1) (and (= and #2) (!= or #3)))"),
        ("(a=1\n or b=2)", "(or (= a #1) (= b #2))"),
        ("orders.total > 100", "(> orders.total #100)"),
        ("count(orders) = 0", "(= count(orders) #0)"),
        ("sum( orders.total ) >= 10", "(>= sum(orders.total) #10)"),
        ("year(created_at) = 2024", "(= year(created_at) #2024)"),
        ("billing_city = .user.city", "(= billing_city .user.city)"),
        ("a != .`odd col`", "(!= a .odd col)"),
        ("a = .5", "(= a .5)"),
        ("date = today", "(= date today)"),
        ("count.x = 1", "(= count.x #1)"),
        ("name ilike 'j%'", "(ilike name \"j%\")"),
        ("name NOT ILIKE j%", "(not ilike name j%)"),
        ("age between 1 and 5", "(between age #1 #5)"),
        ("age BETWEEN 1 AND 5 and name=x", "(and (between age #1 #5) (= name x))"),
        ("age between 1 and 5 or age between 7 and 9", "(or (between age #1 #5) (between age #7 #9))"),
        ("not age not between 1 and 5", "(not (not-between age #1 #5))"),
        ("at between today and now", "(between at today now)"),
        ("a between and and or", "(between a and or)"),
        ("(age between 1 and 5) and between=2", "(and (between age #1 #5) (= between #2))"),
    ];
    for (input, expected) in table {
        let text = format!("query T where {input}");
        let Command::Query(q) = parse(&text).command else { panic!("{input}: not a query") };
        assert_eq!(cond(q.filter.as_ref().unwrap()), *expected, "input: {input:?}");
    }
}

#[test]
fn keeps_spans() {
    let s = parse("  add User name=\"Jo\" age=30  # note");
    assert_eq!(s.span, Span::new(2, 27));
    let Command::Add { model, values } = s.command else { panic!() };
    assert_eq!(model.span, Span::new(6, 10));
    assert_eq!(values[0].field.span, Span::new(11, 15));
    assert_eq!(values[0].value.span, Span::new(16, 20));
    assert_eq!(values[1].value.span, Span::new(25, 27));

    let s = parse("query Track where album.artist.name=\"AC/DC\" limit 5");
    let Command::Query(q) = s.command else { panic!() };
    let Some(Condition::Compare { field: Expr::Path(field), .. }) = q.filter else { panic!() };
    assert_eq!(field.span, Span::new(18, 35));
    assert_eq!(field.parts[1].span, Span::new(24, 30));

    assert_eq!(q.limit.unwrap().span, Span::new(50, 51));

    let s = parse("query User fields count( distinct orders.total ) where year(born)=1");
    let Command::Query(q) = s.command else { panic!() };
    assert_eq!(q.fields.unwrap()[0].span(), Span::new(18, 48));
    let Some(Condition::Compare { field, .. }) = q.filter else { panic!() };
    assert_eq!(field.span(), Span::new(55, 65));

    let s = parse("delete User all");
    let Command::Delete { target: Target::All(span), .. } = s.command else { panic!() };
    assert_eq!(span, Span::new(12, 15));

    let s = parse("export get User 7 to 'a b.json'");
    let Command::Export { command, span, .. } = s.command else { panic!() };
    assert_eq!(span, Span::new(21, 31));
    let Command::Get { key, .. } = *command else { panic!() };
    assert_eq!(key.span, Span::new(16, 17));

    let s = parse("sql  select 1  ");
    assert_eq!(s.command, Command::Sql { text: "select 1".into(), span: Span::new(5, 13) });

    let s = parse("model Ünïcode { naïve: text }");
    let Command::Model(m) = s.command else { panic!() };
    assert_eq!(m.name.name, "Ünïcode");
    assert_eq!(m.fields[0].span, Span::new(18, 30));
    assert_eq!(m.fields[0].name.span, Span::new(18, 24));
}

/// (input, message, caret start, help if any)
#[test]
fn reports_errors() {
    let table: &[(&str, &str, usize, Option<&str>)] = &[
        ("", "expected a command, found end of input", 0, None),
        (
            "export query User",
            "`export` needs `to FILE` at its end",
            17,
            Some("write `export query User … to users.csv`"),
        ),
        ("export add User a=1 to x.csv", "`export` writes the result of `query`, `get`, `count` or `sql`", 7, None),
        (
            "export query User wher a=1 to x.csv",
            "expected `fields`, `where`, `by`, `having`, `order by`, `limit`, `offset` or `with`, found `wher`",
            18,
            Some("did you mean `where`?"),
        ),
        (
            "export count User to n.dat format xml",
            "unknown format `xml`",
            34,
            Some("formats are table, vertical, json, csv, jsonl, auto"),
        ),
        ("export count User to n.dat format jsn", "unknown format `jsn`", 34, Some("did you mean `json`?")),
        ("import User", "expected `from FILE`, found end of input", 11, None),
        (
            "begin serializable read",
            "expected `serializable`, `repeatable read`, `read committed`, `read uncommitted`, `read only` or `read write`, found end of input",
            23,
            None,
        ),
        ("begin read only read write", "`read only` or `read write` is given twice", 16, None),
        ("begin isolation serializable", "expected `level` after `isolation`, found `serializable`", 16, None),
        ("import User from", "expected a file name after `from`, found end of input", 16, None),
        ("   # nothing", "expected a command, found end of input", 12, None),
        ("qurey User", "unknown command `qurey`", 0, Some("did you mean `query`?")),
        ("SELECT * FROM users", "unknown command `SELECT`", 0, Some("to run SQL as it is, write `sql SELECT …`")),
        ("`query` User", "expected a command, found `` `query` ``", 0, None),
        ("  = 1", "expected a command, found `=`", 2, None),
        ("add = 1", "expected a model name, found `=`", 4, None),
        ("describe", "expected a model name, found end of input", 8, None),
        ("add User name", "expected `=` after `name`, found end of input", 13, None),
        ("add User name John", "expected `=` after `name`, found `John`", 14, None),
        ("add User name=", "expected a value for `name`, found end of input", 14, None),
        ("add User name=\"John", "unterminated string", 14, None),
        ("add User a=1,", "expected `field=value` after `,`, found end of input", 13, None),
        ("add User a=1 a=2", "`a` is given twice", 13, None),
        ("add Order user.=1", "expected a field name after `.`, found `=`", 15, None),
        (
            "upsert User",
            "expected `field=value`, found end of input",
            11,
            Some("an upsert needs the fields of a key, and the fields to store"),
        ),
        ("upsert", "expected a model name, found end of input", 6, None),
        ("add User Name=1, name=2", "`name` is given twice", 17, None),
        ("add User x=\"\\q\"", "unknown escape `\\q`", 12, None),
        ("add User x=\"\\u{110000}\"", "`\\u{110000}` is not a unicode character", 12, None),
        ("add User x=\"\\u{zz}\"", "malformed unicode escape", 12, None),
        ("add `odd", "unterminated quoted name", 4, None),
        ("add User a=1; models", "unexpected `;` after the command", 12, None),
        ("get User", "expected a primary key value, found end of input", 8, None),
        ("get User id=1", "unexpected `=` after the command", 11, None),
        (
            "get User where id=1",
            "`get` takes a primary key value, not a condition",
            9,
            Some("write the key alone: `get User 1`, or use `query User where …`"),
        ),
        (
            "add User name=John Smith age=3",
            "expected `=` after `Smith`, found `age`",
            25,
            Some("quote values that contain spaces: name=\"John Smith\""),
        ),
        ("update User set a=1", "`update` needs `where …` or `all`", 19, None),
        ("update User wher a=1 set b=2", "`update` needs `where …` or `all`", 12, Some("did you mean `where`?")),
        ("update User all set a=1 set b=2", "`set` is given twice", 24, None),
        ("update User where a=1", "expected `set`, found end of input", 21, None),
        ("update User where a=1 all set b=1", "`update` takes one `where …` or `all`", 22, None),
        ("update User all set", "expected `field=value` after `set`, found end of input", 19, None),
        (
            "update P all set a +=",
            "expected a value for `a`, found end of input",
            21,
            Some("quote values that contain spaces: name=\"John Smith\""),
        ),
        ("delete User", "`delete` needs `where …` or `all`", 11, None),
        ("delete  User  # c", "`delete` needs `where …` or `all`", 12, None),
        ("delete User everything", "`delete` needs `where …` or `all`", 12, None),
        ("query User where a=1 where b=2", "`where` is given twice", 21, None),
        ("query User limit 1 limit 2", "`limit` is given twice", 19, None),
        ("query User limit -1", "expected a non-negative integer after `limit`, found `-1`", 17, None),
        ("query User limit 99999999999999999999", "`99999999999999999999` is too large", 17, None),
        (
            "query User wehre a=1",
            "expected `fields`, `where`, `by`, `having`, `order by`, `limit`, `offset` or `with`, found `wehre`",
            11,
            Some("did you mean `where`?"),
        ),
        (
            "query User where name=John Smith",
            "expected `fields`, `where`, `by`, `having`, `order by`, `limit`, `offset` or `with`, found `Smith`",
            27,
            None,
        ),
        ("query User fields", "expected a field name, found end of input", 17, None),
        ("query User with", "expected a relation or reference after `with`, found end of input", 15, None),
        ("query User with orders,", "expected a relation or reference after `with`, found end of input", 23, None),
        ("query User with orders with tags", "`with` is given twice", 23, None),
        (
            "query User wiht orders",
            "expected `fields`, `where`, `by`, `having`, `order by`, `limit`, `offset` or `with`, found `wiht`",
            11,
            Some("did you mean `with`?"),
        ),
        ("get User 1 with", "expected a relation or reference after `with`, found end of input", 15, None),
        ("get User 1 with orders limit 1", "unexpected `limit` after the command", 23, None),
        (
            "get User with orders",
            "`get` needs a primary key value before `with`",
            9,
            Some("write the key first: `get User 1 with …`"),
        ),
        ("query User fields a,", "expected a field name, found end of input", 20, None),
        ("query User order name", "expected `by` after `order`, found `name`", 17, None),
        ("query User where", "expected a condition after `where`, found end of input", 16, None),
        ("query User where = 3", "expected a field name, found `=`", 17, None),
        ("query User where name", "expected an operator after `name`, found end of input", 21, None),
        ("query User where name John", "expected an operator after `name`, found `John`", 22, None),
        ("query User where a=", "expected a value after `=`, found end of input", 19, None),
        ("query User where a=1 and", "expected a condition after `and`, found end of input", 24, None),
        ("query User where a=1 and and b=2", "expected a condition after `and`, found `and`", 25, None),
        ("query User where a=1 or and", "expected a condition after `or`, found `and`", 24, None),
        ("query User where a=1)", "unmatched `)`", 20, None),
        ("query User where (a=1", "`(` is never closed", 17, Some("close it with `)`")),
        ("query User where (a=1 b=2)", "expected `)`, found `b`", 22, None),
        ("query User where a is 3", "expected `null` or `not null` after `is`, found `3`", 22, None),
        ("query User where a not 3", "expected `like`, `ilike`, `in` or `between` after `not`, found `3`", 23, None),
        ("query User where a ilike", "expected a pattern after `ilike`, found end of input", 24, None),
        ("query User where a not ilike", "expected a pattern after `not ilike`, found end of input", 28, None),
        ("query User where a between", "expected a value after `between`, found end of input", 26, None),
        (
            "query User where a between 1",
            "expected `and` after `between 1`, found end of input",
            28,
            Some("give both ends: `between 1 and 5`"),
        ),
        (
            "query User where a not between 1 or 2",
            "expected `and` after `not between 1`, found `or`",
            33,
            Some("give both ends: `between 1 and 5`"),
        ),
        ("query User where a between 1 and", "expected a value after `and`, found end of input", 32, None),
        ("query User where a in 1", "expected `(` after `in`, found `1`", 22, None),
        ("query User where a in ()", "expected a value, found `)`", 23, None),
        ("query User where a in (1 2)", "expected `,` or `)`, found `2`", 25, None),
        ("query User where a.=1", "expected a field name after `.`, found `=`", 19, None),
        ("count User wher a=1", "unexpected `wher` after the command", 11, Some("did you mean `where`?")),
        ("describe User extra", "unexpected `extra` after the command", 14, None),
        ("drop User yes", "unexpected `yes` after the command", 10, None),
        (
            "alter User ad x: int",
            "expected `add`, `rename`, `drop`, `index` or `unique`, found `ad`",
            11,
            Some("did you mean `add`?"),
        ),
        ("alter User rename a b", "expected `to` after `a`, found `b`", 20, None),
        (
            "alter User drop a now",
            "unexpected `now` after the command",
            18,
            Some("write `alter User drop a confirm` to drop it without asking"),
        ),
        ("alter User index (a, a)", "`a` is named twice", 21, None),
        ("alter User unique a", "expected `(` after `unique`, found `a`", 18, Some("e.g. `unique (email)`")),
        ("alter User add x int", "expected `:` after `x`, found `int`", 17, None),
        ("models sales please", "unexpected `please` after the command", 13, None),
        ("model User", "expected `{`, found end of input", 10, None),
        ("model User { name text }", "expected `:` after `name`, found `text`", 18, None),
        ("model User { a: int b: text }", "expected `,`, `}` or a newline after the field, found `b`", 20, None),
        (
            "model User { a: int uniqe }",
            "expected `,`, `}` or a newline after the field, found `uniqe`",
            20,
            Some("did you mean `unique`?"),
        ),
        ("model User { a: int unique unique }", "`unique` is given twice for `a`", 27, None),
        ("model User { a: int, a: text }", "field `a` is declared twice", 21, None),
        ("model User { a: }", "expected a type for `a`, found `}`", 16, None),
        ("model User { a: int = }", "expected a default value after `=`, found `}`", 22, None),
        ("model User { a: int", "`{` is never closed", 11, Some("close it with `}`")),
        ("model User table { a: int }", "expected a table name after `table`, found `{`", 17, None),
        ("savepoint", "expected a savepoint name after `savepoint`, found end of input", 9, None),
        ("rollback to", "expected a savepoint name after `rollback to`, found end of input", 11, None),
        ("release", "expected a savepoint name after `release`, found end of input", 7, None),
        ("sql", "expected SQL text after `sql`, found end of input", 3, None),
        ("explain", "expected a command after `explain`, found end of input", 7, None),
        ("explain explain models", "`explain` cannot explain itself", 8, None),
        ("explain qurey User", "unknown command `qurey`", 8, Some("did you mean `query`?")),
        ("set format xml", "unknown format `xml`", 11, None),
        ("set format jsno", "unknown format `jsno`", 11, Some("did you mean `json`?")),
        ("set fromat json", "unknown setting `fromat`", 4, Some("did you mean `format`?")),
        ("set timing maybe", "expected `on` or `off`, found `maybe`", 11, None),
        ("set limit lots", "expected a non-negative integer or `off`, found `lots`", 10, None),
        ("source", "expected a file name after `source`, found end of input", 6, None),
        ("connect   # nowhere", "expected a database URL after `connect`, found end of input", 19, None),
        ("help me now", "unexpected `now` after the command", 8, None),
        ("\u{0}", "expected a command, found `\\0`", 0, None),
        ("models \u{200f}", "unexpected `\\u{200f}` after the command", 7, None),
    ];
    for (input, message, start, help) in table {
        let error = parse_statement(input).expect_err(input);
        assert_eq!(error.message, *message, "input: {input:?}");
        assert_eq!(error.span.map(|s| s.start), Some(*start), "input: {input:?}");
        assert_eq!(error.kind, crate::error::ErrorKind::Syntax);
        if let Some(help) = help {
            assert_eq!(error.help.as_deref(), Some(*help), "input: {input:?}");
        }
    }
}

#[test]
fn deep_input_is_an_error_not_a_crash() {
    let deep = format!("query T where {}a=1{}", "(".repeat(100_000), ")".repeat(100_000));
    let error = parse_statement(&deep).unwrap_err();
    assert!(error.message.contains("nested too deeply"), "{}", error.message);
    assert_eq!(error.span.unwrap().start, 14 + super::context::MAX_DEPTH);

    let nots = format!("query T where {}a=1", "not ".repeat(100_000));
    assert!(parse_statement(&nots).unwrap_err().message.contains("nested too deeply"));

    let long = format!("query T where a=1{}", " or a=1".repeat(100_000));
    assert!(parse_statement(&long).unwrap_err().message.contains("too long"));

    let fine = format!("query T where {}a=1{}", "(".repeat(60), ")".repeat(60));
    assert!(parse_statement(&fine).is_ok());
    let fine = format!("query T where a=1{}", " and a=1".repeat(super::context::MAX_TERMS));
    assert!(parse_statement(&fine).is_ok());
    let explains = "explain ".repeat(100_000) + "models";
    assert!(parse_statement(&explains).is_err());
}

/// A tiny deterministic generator, so that the crate needs no fuzzing dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

fn check_spans(text: &str) {
    let check = |span: Span| {
        assert!(span.start <= span.end && span.end <= text.len(), "{text:?}: {span:?}");
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end), "{text:?}: {span:?}");
    };
    match parse_statement(text) {
        Ok(statement) => check(statement.span),
        Err(error) => check(error.span.expect("syntax errors have a span")),
    }
}

#[test]
fn never_panics() {
    let samples = [
        "model User { name: text, age: int?, email: text unique, active: bool = true, author: User? }",
        "add User name=\"J\\u{e9}r\\u{f4}me\" age=30, email=j@x.io",
        "query Track fields name, album.title where (album.artist.name=\"AC/DC\" or not id in (1, 2)) and x is not null order by name desc limit 5 offset 1",
        "update User where name like 'J%' set age=31, b=null",
        "delete `odd ``name``` all",
        "rollback to savepoint s1",
        "sql select ';' as x",
        "set limit 20",
        "connect sqlite:x.db # c",
        "source \"a b.orm\"",
        "explain count User where a>=1",
        "\\q",
    ];
    // Every prefix of every sample, on character boundaries.
    for sample in samples {
        for (at, _) in sample.char_indices().chain([(sample.len(), ' ')]) {
            check_spans(&sample[..at]);
            let _ = super::split_statements(&sample[..at]);
            let _ = super::is_incomplete(&sample[..at]);
        }
    }
    // Random soup of the language's punctuation, keywords and awkward characters.
    let atoms = [
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "\"",
        "'",
        "`",
        "\\",
        "\n",
        "\r\n",
        "\t",
        " ",
        "#",
        ";",
        ",",
        ".",
        ":",
        "?",
        "=",
        "!=",
        "<>",
        "<=",
        ">",
        "-",
        "1",
        "1e",
        "0.5",
        "\u{0}",
        "\u{7}",
        "é",
        "😀",
        "\u{200f}",
        "\u{202e}",
        "\u{feff}",
        "日本",
        "\\u{",
        "\\u{41}",
        "where",
        "and",
        "or",
        "not",
        "in",
        "is",
        "null",
        "like",
        "model",
        "add",
        "query",
        "update",
        "delete",
        "set",
        "all",
        "order",
        "by",
        "limit",
        "explain",
        "sql",
        "User",
        "x",
        "table",
        "unique",
        "primary",
        "key",
        "fields",
        "rollback",
        "to",
        "savepoint",
    ];
    let mut rng = Lcg(42);
    for _ in 0..20_000 {
        let len = rng.next() % 24;
        let text: String = (0..len).map(|_| atoms[rng.next() % atoms.len()]).collect();
        check_spans(&text);
        for piece in super::split_statements(&text) {
            check_spans(piece.text(&text));
        }
        let _ = super::is_incomplete(&text);
    }
}

/// The byte tables that speed up the scans say what the character tests say, for every ASCII
/// character.
#[test]
fn ascii_tables_agree_with_the_character_tests() {
    use super::lexical::{ascii_word_len, identifier, is_ident_char, is_word_char};
    for b in 0u8..128 {
        let c = char::from(b);
        let text = c.to_string();
        assert_eq!(ascii_word_len(text.as_bytes()) == 1, is_word_char(c), "word {c:?}");
        let ident = identifier(&text).is_ok_and(|(rest, _)| rest.is_empty());
        assert_eq!(ident, is_ident_char(c) && !c.is_ascii_digit(), "identifier {c:?}");
    }
}

/// Numbers by hand, as the combinators read them: the longest number at the start.
#[test]
fn numbers() {
    use super::literal::number;
    let cases = [
        ("30", Some("30")),
        ("-4", Some("-4")),
        ("12.50", Some("12.50")),
        ("1e3", Some("1e3")),
        ("1E+3x", Some("1E+3")),
        ("2.5e-7", Some("2.5e-7")),
        ("1.", Some("1")),
        ("1.e5", Some("1")),
        ("1e", Some("1")),
        ("1e+", Some("1")),
        ("-", None),
        ("-.5", None),
        (".5", None),
        ("abc", None),
        ("", None),
        ("٣", None),
    ];
    for (text, expected) in cases {
        assert_eq!(number(text).ok().map(|(_, n)| n), expected, "{text:?}");
    }
}
