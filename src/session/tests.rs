//! Session tests on in-memory SQLite: the language end to end, without a terminal.

use super::*;
use crate::ast::Format;
use crate::parser::parse_statement;
use crate::render::Capture;
use crate::runner::NoConfirm;

struct Fixture {
    session: Session,
    out: Capture,
}

/// A confirmation that answers as told and remembers the question.
struct Answer(bool, Vec<String>);

impl Confirm for Answer {
    fn confirm(&mut self, question: &str) -> bool {
        self.1.push(question.to_string());
        self.0
    }
}

async fn open(format: Format, interactive: bool) -> Fixture {
    let (printer, out, _notes) = Printer::capture(format, false, interactive, false);
    let session = Session::open("sqlite::memory:", printer, false).await.expect("in-memory sqlite opens");
    Fixture { session, out }
}

impl Fixture {
    async fn run(&mut self, line: &str) -> Result<Flow> {
        let statement = parse_statement(line).unwrap_or_else(|e| panic!("`{line}` does not parse: {e:?}"));
        self.session.execute(&statement, &mut NoConfirm).await
    }

    async fn ok(&mut self, line: &str) {
        if let Err(e) = self.run(line).await {
            panic!("`{line}` failed: {e:?}");
        }
    }

    async fn err(&mut self, line: &str) -> Error {
        self.run(line).await.expect_err(line)
    }

    /// Output written since the last call.
    fn take(&self) -> String {
        self.out.take()
    }

    async fn json(&mut self, line: &str) -> serde_json::Value {
        self.take();
        self.ok(line).await;
        serde_json::from_str(&self.take()).unwrap_or_else(|e| panic!("`{line}` did not print json: {e}"))
    }
}

async fn with_users() -> Fixture {
    let mut f = open(Format::Json, false).await;
    f.ok("model User { name: text, age: int?, email: text unique, active: bool = true }").await;
    f
}

#[tokio::test]
async fn add_then_query_returns_the_row() {
    let mut f = with_users().await;
    f.ok("add User name=John age=30 email=j@x.io").await;
    let rows = f.json("query User where name=John").await;
    assert_eq!(rows, serde_json::json!([{"id": 1, "name": "John", "age": 30, "email": "j@x.io", "active": true}]));
}

#[tokio::test]
async fn add_prints_the_stored_record_at_the_prompt() {
    let mut f = open(Format::Json, true).await;
    f.ok("model User { name: text, active: bool = true }").await;
    f.take();
    f.ok("add User name=Ann").await;
    let record: serde_json::Value = serde_json::from_str(&f.take()).unwrap();
    assert_eq!(record, serde_json::json!({"id": 1, "name": "Ann", "active": true}));
}

#[tokio::test]
async fn scripts_are_quiet_about_writes() {
    let mut f = with_users().await;
    f.take();
    f.ok("add User name=A email=a").await;
    f.ok("update User where name=A set age=3").await;
    assert_eq!(f.take(), "");
}

#[tokio::test]
async fn bad_values_are_refused_before_anything_is_sent() {
    let mut f = with_users().await;
    let err = f.err("add User name=Bob age=abc email=b").await;
    assert_eq!(err.kind, ErrorKind::Value);
    assert_eq!(err.label.as_deref(), Some("age is int"));
    assert_eq!(err.span, Some(crate::ast::Span::new(22, 25)));
    assert_eq!(f.json("count User").await, serde_json::json!(0));
}

#[tokio::test]
async fn required_fields_are_named() {
    let mut f = with_users().await;
    let err = f.err("add User name=Bob").await;
    assert!(err.message.contains("email"), "{err:?}");
}

#[tokio::test]
async fn hostile_values_are_stored_verbatim() {
    let mut f = with_users().await;
    let hostile = "x'); DROP TABLE users; --";
    f.ok(&format!("add User name=\"{hostile}\" email=h")).await;
    let rows = f.json(&format!("query User fields name where name=\"{hostile}\"")).await;
    assert_eq!(rows, serde_json::json!([{"name": hostile}]));
}

#[tokio::test]
async fn update_and_delete_need_where_or_all() {
    let mut f = with_users().await;
    f.ok("add User name=A email=a").await;
    f.ok("add User name=B email=b").await;
    f.ok("update User all set active=false").await;
    assert_eq!(f.json("count User where active=false").await, serde_json::json!(2));
    f.ok("delete User where name=A").await;
    assert_eq!(f.json("count User").await, serde_json::json!(1));
    f.ok("delete User all").await;
    assert_eq!(f.json("count User").await, serde_json::json!(0));
}

#[tokio::test]
async fn conditions_cover_the_language() {
    let mut f = with_users().await;
    for (name, age) in [("Ann", "20"), ("Bob", "null"), ("Cid", "40"), ("Dee", "31")] {
        f.ok(&format!("add User name={name} age={age} email={name}@x")).await;
    }
    let names = |v: serde_json::Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(names(f.json("query User where age > 25 order by name").await), ["Cid", "Dee"]);
    assert_eq!(names(f.json("query User where age is null").await), ["Bob"]);
    assert_eq!(names(f.json("query User where age = null").await), ["Bob"]);
    assert_eq!(
        names(f.json("query User where not (age > 25) or age is null order by name desc").await),
        ["Bob", "Ann"]
    );
    assert_eq!(names(f.json("query User where name in (Ann, Dee) order by name").await), ["Ann", "Dee"]);
    assert_eq!(
        names(f.json("query User where name like 'D%' or (age >= 40 and age <= 40) order by name").await),
        ["Cid", "Dee"]
    );
    assert_eq!(
        names(f.json("query User where name != Ann and age is not null order by age desc limit 1").await),
        ["Cid"]
    );
    assert_eq!(names(f.json("query User order by name limit 2 offset 1").await), ["Bob", "Cid"]);
    assert_eq!(names(f.json("query User order by name offset 3").await), ["Dee"]);
}

#[tokio::test]
async fn references_are_followed() {
    let mut f = with_users().await;
    f.ok("model Address { email: text, user: User }").await;
    f.ok("add User name=John email=j").await;
    f.ok("add User name=Jane email=k").await;
    f.ok("add Address email=j@x.io user=1").await;
    f.ok("add Address email=k@x.io user=2").await;
    let rows = f.json("query Address fields email, user.name where user.name=John").await;
    assert_eq!(rows, serde_json::json!([{"email": "j@x.io", "user.name": "John"}]));
    let err = f.err("add Address email=z user=99").await;
    assert_eq!(err.kind, ErrorKind::Database, "the foreign key is enforced: {err:?}");
    f.ok("delete Address where user.name=Jane").await;
    assert_eq!(f.json("count Address").await, serde_json::json!(1));
}

#[tokio::test]
async fn chained_and_self_references() {
    let mut f = open(Format::Json, false).await;
    f.ok("model Artist { name: text }").await;
    f.ok("model Album { title: text, artist: Artist }").await;
    f.ok("model Track { name: text, album: Album }").await;
    f.ok("model Employee { name: text, reports_to: Employee? }").await;
    f.ok("add Artist name=\"AC/DC\"").await;
    f.ok("add Album title=Highway artist=1").await;
    f.ok("add Track name=Touch album=1").await;
    let rows = f.json("query Track fields name, album.artist.name where album.artist.name=\"AC/DC\"").await;
    assert_eq!(rows, serde_json::json!([{"name": "Touch", "album.artist.name": "AC/DC"}]));
    f.ok("add Employee name=Boss").await;
    f.ok("add Employee name=Worker reports_to=1").await;
    let rows = f.json("query Employee fields name where reports_to.name=Boss").await;
    assert_eq!(rows, serde_json::json!([{"name": "Worker"}]));
}

#[tokio::test]
async fn transactions_commit_roll_back_and_survive_errors() {
    let mut f = with_users().await;
    f.ok("begin").await;
    assert_eq!(f.session.prompt(), "ormsh memory [tx]> ");
    f.ok("add User name=A email=a").await;
    let err = f.err("add User name=B email=a").await;
    assert_eq!(err.kind, ErrorKind::Database);
    assert!(f.session.tx_state().is_open(), "a failed command leaves the transaction open");
    f.ok("add User name=C email=c").await;
    f.ok("savepoint s").await;
    f.ok("delete User all").await;
    f.ok("rollback to s").await;
    f.ok("release s").await;
    f.ok("commit").await;
    assert_eq!(f.session.prompt(), "ormsh memory> ");
    assert_eq!(f.json("query User fields name order by name").await, serde_json::json!([{"name": "A"}, {"name": "C"}]));
    f.ok("begin").await;
    f.ok("delete User all").await;
    f.ok("rollback").await;
    assert_eq!(f.json("count User").await, serde_json::json!(2));
}

#[tokio::test]
async fn transaction_mistakes_are_explained() {
    let mut f = with_users().await;
    assert_eq!(f.err("commit").await.kind, ErrorKind::Transaction);
    assert_eq!(f.err("rollback").await.kind, ErrorKind::Transaction);
    assert_eq!(f.err("savepoint s").await.kind, ErrorKind::Transaction);
    f.ok("begin").await;
    assert_eq!(f.err("begin").await.kind, ErrorKind::Transaction);
    f.ok("savepoint first").await;
    let err = f.err("rollback to frist").await;
    assert_eq!(err.help.as_deref(), Some("did you mean `first`?"));
    f.ok("release first").await;
    assert_eq!(f.err("release first").await.kind, ErrorKind::Name);
}

#[tokio::test]
async fn finishing_rolls_back_an_open_transaction() {
    let mut f = with_users().await;
    f.ok("begin").await;
    f.ok("add User name=A email=a").await;
    assert!(f.session.finish().await.is_some_and(|note| note.contains("rolled back")));
    assert_eq!(f.json("count User").await, serde_json::json!(0));
}

#[tokio::test]
async fn the_sandbox_keeps_nothing() {
    let (printer, _out, _notes) = Printer::capture(Format::Json, false, false, false);
    let path = std::env::temp_dir().join(format!("ormsh-sandbox-{}.db", std::process::id()));
    let url = format!("sqlite:{}", path.display());
    let mut session = Session::open(&url, printer, true).await.unwrap();
    for line in ["model User { name: text }", "begin", "add User name=A", "commit", "add User name=B"] {
        session.execute(&parse_statement(line).unwrap(), &mut NoConfirm).await.unwrap();
    }
    assert!(session.finish().await.is_some());
    drop(session);
    let (printer, out, _) = Printer::capture(Format::Json, false, false, false);
    let mut session = Session::open(&url, printer, false).await.unwrap();
    session.execute(&parse_statement("models").unwrap(), &mut NoConfirm).await.unwrap();
    assert_eq!(out.take().trim(), "[]");
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn drop_asks_at_the_prompt_and_needs_a_word_in_scripts() {
    let mut f = with_users().await;
    let err = f.err("drop User").await;
    assert_eq!(err.kind, ErrorKind::Refused);
    assert!(err.help.unwrap().contains("drop User confirm"));
    let mut interactive = open(Format::Table, true).await;
    interactive.ok("model User { name: text }").await;
    let mut no = Answer(false, vec![]);
    interactive.session.execute(&parse_statement("drop User").unwrap(), &mut no).await.unwrap();
    assert_eq!(no.1.len(), 1);
    assert_eq!(interactive.session.catalog().tables.len(), 1);
    let mut yes = Answer(true, vec![]);
    interactive.session.execute(&parse_statement("drop User").unwrap(), &mut yes).await.unwrap();
    assert!(interactive.session.catalog().tables.is_empty());
    f.ok("drop User confirm").await;
    assert!(f.session.catalog().tables.is_empty());
}

#[tokio::test]
async fn tables_made_elsewhere_are_models() {
    let mut f = open(Format::Json, false).await;
    // The table SQLAlchemy's declarative `User` creates.
    f.ok("sql CREATE TABLE users (id INTEGER NOT NULL, name VARCHAR, PRIMARY KEY (id))").await;
    f.ok("add User name=John").await;
    assert_eq!(f.json("query User where name=John").await, serde_json::json!([{"id": 1, "name": "John"}]));
    f.ok("sql CREATE TABLE media_types (MediaTypeId INTEGER PRIMARY KEY, Name TEXT)").await;
    f.ok("add MediaType name=MP3").await;
    assert_eq!(f.json("query MediaType fields Name").await, serde_json::json!([{"Name": "MP3"}]));
}

#[tokio::test]
async fn explain_shows_sql_and_parameters_without_running() {
    let mut f = with_users().await;
    let plan = f.json("explain add User name=John email=j").await;
    assert_eq!(plan["params"], serde_json::json!(["John", "j"]));
    assert!(plan["sql"].as_str().unwrap().starts_with("INSERT INTO \"users\""));
    assert_eq!(f.json("count User").await, serde_json::json!(0));
}

#[tokio::test]
async fn the_prompt_caps_rows_and_says_so() {
    let mut f = open(Format::Table, true).await;
    f.ok("model N { v: int }").await;
    for i in 0..5 {
        f.ok(&format!("add N v={i}")).await;
    }
    f.ok("set limit 3").await;
    f.take();
    f.ok("query N").await;
    let out = f.take();
    assert!(out.contains("(3 rows)"), "{out}");
    f.ok("set limit off").await;
    f.ok("query N").await;
    assert!(f.take().contains("(5 rows)"));
}

#[tokio::test]
async fn unknown_names_suggest_near_ones() {
    let mut f = with_users().await;
    let err = f.err("query Usr").await;
    assert_eq!(err.help.as_deref(), Some("did you mean `User`?"));
    let err = f.err("query User where nmae=x").await;
    assert_eq!(err.help.as_deref(), Some("did you mean `name`?"));
    let err = f.err("model Post { author: Usr }").await;
    assert_eq!(err.help.as_deref(), Some("did you mean `User`?"));
}

#[tokio::test]
async fn every_type_round_trips() {
    let mut f = open(Format::Json, false).await;
    f.ok("model Thing { i: int?, f: float?, d: decimal?, t: text?, b: bool?, day: date?, at: datetime?, j: json?, u: uuid?, raw: bytes? }").await;
    f.ok("add Thing i=-4 f=1.5 d=12.50 t=\"\" b=false day=2024-02-29 at=\"2024-02-29 10:30:00\" j='{\"a\": [1, 2]}' u=67e55044-10b1-426f-9247-bb680e5fe0c8 raw=\\x00ff").await;
    f.ok("add Thing").await;
    let rows = f.json("query Thing order by id").await;
    assert_eq!(
        rows[0],
        serde_json::json!({"id": 1, "i": -4, "f": 1.5, "d": 12.5, "t": "", "b": false, "day": "2024-02-29",
            "at": "2024-02-29 10:30:00", "j": {"a": [1, 2]}, "u": "67e55044-10b1-426f-9247-bb680e5fe0c8", "raw": "\\x00ff"})
    );
    assert_eq!(rows[1]["t"], serde_json::Value::Null);
    assert_eq!(rows[1]["j"], serde_json::Value::Null);
}

#[test]
fn locations_are_short_and_without_passwords() {
    assert_eq!(short_location("sqlite:ormsh.db"), "ormsh.db");
    assert_eq!(short_location("sqlite:///tmp/x/app.db?mode=rwc"), "app.db");
    assert_eq!(short_location("sqlite::memory:"), "memory");
    assert_eq!(short_location("postgres://bob:***@db.example:5432/app"), "db.example/app");
    // A host list, which the URL parser refuses: the hosts and the database.
    assert_eq!(
        short_location("postgres://bob:******@h1:5461,h2:5462/app?target_session_attrs=read-write"),
        "h1:5461,h2:5462/app"
    );
}

/// `explain` prints what runs: every command of every example, at the prompt and in a script,
/// in and out of the sandbox, sends exactly the statements its plan names (the session's own
/// questions to the server about its transaction aside, which no command plans). A command that
/// fails sends its plan up to the statement that failed, then undoes it.
#[tokio::test]
async fn explain_names_the_statements_that_run() {
    use crate::backend::Recording;
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files: Vec<_> = std::fs::read_dir(&examples).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "orm"));
    files.sort();
    assert!(files.len() >= 4, "examples: {files:?}");
    let mut compared = 0;
    for (interactive, sandbox) in [(false, false), (true, false), (false, true), (true, true)] {
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            let (printer, _out, _notes) = Printer::capture(Format::Table, false, interactive, false);
            let mut session = Session::open("sqlite::memory:", printer, sandbox).await.unwrap();
            let recording = Recording::start();
            for piece in crate::parser::split_statements(&text) {
                let Ok(statement) = parse_statement(piece.text(&text)) else { continue };
                let command = &statement.command;
                // The tables the command names are read before it is planned, and more of the
                // schema while a name is not found, as running it does (the schema is read in
                // part).
                let _ = session.read_for(command).await;
                let context = session.context();
                // `export` runs the command it wraps, as planned; `import` runs what its file
                // holds, which no plan knows ahead (it is not explainable).
                let (inner, context) = match command {
                    // Into a file every row goes, with nothing shown.
                    Command::Export { command, .. } => {
                        (&**command, crate::plan::Context { row_cap: None, writes_shown: false, ..context })
                    }
                    other => (other, context),
                };
                let planned =
                    match session.following_schema(|catalog| crate::plan::plan(catalog, inner, &context)).await {
                        // An alter's pending statements are written from the schema, as explain
                        // writes them.
                        Ok(crate::plan::Plan::Alter(alter)) => session
                            .alter_statements(&alter, &context)
                            .await
                            .map(|all| all.iter().map(|s| s.text().to_string()).collect())
                            .unwrap_or_default(),
                        // A note for the reader after ` -- ` is explain's own, never sent.
                        Ok(plan) => plan
                            .statements(&context)
                            .into_iter()
                            .map(|s| s.text().split(" -- ").next().unwrap_or_default().to_string())
                            .collect(),
                        Err(_) => Vec::new(),
                    };
                recording.take();
                let ran = session.execute(&statement, &mut Answer(true, Vec::new())).await;
                let sent = recording.take();
                let what = format!("{} ({interactive}, {sandbox}): `{}`", file.display(), piece.text(&text));
                if matches!(command, Command::Set(_) | Command::Help(_) | Command::Models(_) | Command::Describe(_)) {
                    assert!(sent.is_empty(), "{what} sent {sent:?}");
                    continue;
                }
                if matches!(command, Command::Import { .. }) {
                    continue;
                }
                match ran {
                    Ok(_) => assert_eq!(sent, planned, "{what}"),
                    Err(_) => {
                        let kept = planned.len().saturating_sub(usize::from(context.in_transaction));
                        let ran_of_plan = sent.iter().zip(&planned[..kept]).take_while(|(a, b)| a == b).count();
                        assert!(
                            ran_of_plan == sent.len().min(kept) || sent.is_empty(),
                            "{what}: sent {sent:?}, planned {planned:?}"
                        );
                    }
                }
                compared += 1;
            }
        }
    }
    assert!(compared > 100, "only {compared} commands compared");
}

/// The two ways `explain` once drifted from what ran: the row cap at the prompt, and the
/// sandbox's savepoints where a real run sends BEGIN and COMMIT.
#[tokio::test]
async fn explain_shows_the_row_cap_and_the_sandboxs_savepoints() {
    let (printer, out, _notes) = Printer::capture(Format::Table, false, true, false);
    let mut session = Session::open("sqlite::memory:", printer, true).await.unwrap();
    for line in ["model User { name: text }", "explain query User", "explain begin", "begin", "explain count User"] {
        let statement = parse_statement(line).unwrap();
        session.execute(&statement, &mut NoConfirm).await.unwrap();
    }
    let shown = out.take();
    assert!(shown.contains("LIMIT ?\nparams: 1 = 101"), "{shown}");
    assert!(shown.contains("SAVEPOINT \"ormsh_transaction\""), "{shown}");
    assert!(!shown.contains("SQL: BEGIN"), "{shown}");
    assert!(shown.contains("SAVEPOINT \"ormsh_command\""), "{shown}");
}

/// Two sessions on one SQLite file: the second stands for another tool (another ormsh, sqlite3)
/// that changes the schema while the first is open.
async fn two_on_one_file(dir: &std::path::Path) -> (Fixture, Fixture) {
    let url = format!("sqlite:{}", dir.join("shared.db").display());
    let mut sessions = Vec::new();
    for _ in 0..2 {
        let (printer, out, _notes) = Printer::capture(Format::Json, false, false, false);
        let session = Session::open(&url, printer, false).await.expect("a temporary SQLite file opens");
        sessions.push(Fixture { session, out });
    }
    let other = sessions.pop().expect("two");
    (sessions.pop().expect("two"), other)
}

/// A table made elsewhere while the session is open is found by the first command that names
/// it (a query, `describe`, `explain`), with no `refresh`; a command that succeeds reads
/// nothing again; a name that is nowhere is still an error with its suggestion.
#[tokio::test]
async fn a_name_made_elsewhere_is_found_by_the_command_that_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut f, mut other) = two_on_one_file(dir.path()).await;
    f.ok("model User { name: text }").await;
    // `models` reads the whole schema (the session starts with the tables' names only).
    assert_eq!(f.json("models").await.as_array().map(Vec::len), Some(1));
    other.ok("sql CREATE TABLE gadgets (id integer primary key, label text not null)").await;
    other.ok("sql INSERT INTO gadgets (label) VALUES ('first')").await;
    // A command that succeeds does not read the schema again: `models` does not know it yet.
    f.ok("query User").await;
    assert_eq!(f.json("models").await.as_array().map(Vec::len), Some(1));
    assert_eq!(f.json("query Gadget").await, serde_json::json!([{"id": 1, "label": "first"}]));
    assert_eq!(f.json("models").await.as_array().map(Vec::len), Some(2));

    // A new field of a known model, and `describe` and `explain` of a new model.
    other.ok("sql ALTER TABLE gadgets ADD COLUMN colour text").await;
    assert_eq!(f.json("count Gadget where colour is null").await, serde_json::json!(1));
    other.ok("sql CREATE TABLE gizmos (id integer primary key, size int)").await;
    let fields = f.json("describe Gizmo").await;
    assert_eq!(fields.as_array().map(Vec::len), Some(2), "{fields}");
    other.ok("sql CREATE TABLE sprockets (id integer primary key)").await;
    f.take();
    f.ok("explain count Sprocket").await;
    let explained = f.take();
    assert!(explained.contains("FROM \\\"sprockets\\\""), "{explained}");

    // Nothing found by reading again: the error is the one it always was.
    let err = f.err("query Gadgt").await;
    assert_eq!(err.kind, ErrorKind::Name);
    assert_eq!(err.message, "unknown model `Gadgt`");
    assert_eq!(err.help.as_deref(), Some("did you mean `Gadget`?"));
    let err = f.err("query Gadget where colour = red and weight > 1").await;
    assert_eq!((err.kind, err.message.as_str()), (ErrorKind::Name, "Gadget has no field `weight`"));

    // In a transaction the database aborted, which answers nothing until it is rolled back,
    // the schema is not read (`explain` is accepted there): the name error stands.
    other.ok("sql CREATE TABLE bolts (id integer primary key)").await;
    f.session.tx = TxState::Aborted { savepoints: Vec::new() };
    assert_eq!(f.err("explain count Bolt").await.message, "unknown model `Bolt`");
    f.session.tx = TxState::Idle;
    f.ok("explain count Bolt").await;
}

/// In a script's transaction, a run of `add`s is written as one batch; the first `add` of a
/// model made elsewhere runs on its own, where the schema is read again, and the rest batch.
/// Inside the transaction the catalog read is provisional, and stays right after a rollback.
#[tokio::test]
async fn a_batch_of_adds_finds_a_model_made_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let (mut f, mut other) = two_on_one_file(dir.path()).await;
    other.ok("sql CREATE TABLE gadgets (id integer primary key, label text not null)").await;
    let mut errors = Vec::new();
    let script = "begin\nadd Gadget label=a\nadd Gadget label=b\nadd Gadget label=c\ncommit\ncount Gadget";
    let ended = {
        let mut no = NoConfirm;
        let mut runner =
            crate::runner::Runner::new(&mut f.session, &mut no, &mut errors, crate::runner::OnError::Stop, false);
        runner.run("script.orm", script, std::path::Path::new(".")).await
    };
    assert_eq!(ended, crate::runner::Ended::Done, "{}", String::from_utf8_lossy(&errors));
    assert_eq!(f.take().trim(), "3");

    other.ok("sql CREATE TABLE gizmos (id integer primary key, size int)").await;
    f.ok("begin").await;
    f.ok("add Gizmo size=1").await;
    f.ok("rollback").await;
    assert_eq!(f.json("count Gizmo").await, serde_json::json!(0));
}

/// `refresh` reads the schema on demand; at the prompt it says so.
#[tokio::test]
async fn refresh_reads_the_schema_and_says_so_at_the_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let (mut f, mut other) = two_on_one_file(dir.path()).await;
    other.ok("sql CREATE TABLE gadgets (id integer primary key)").await;
    f.ok("refresh").await;
    assert_eq!(f.take(), "", "silent in scripts");
    assert_eq!(f.json("models").await[0]["model"], "Gadget");

    let (printer, out, _notes) = Printer::capture(Format::Table, false, true, false);
    let url = format!("sqlite:{}", dir.path().join("shared.db").display());
    let mut prompt = Fixture { session: Session::open(&url, printer, false).await.unwrap(), out };
    other.ok("sql CREATE TABLE gizmos (id integer primary key)").await;
    prompt.ok("refresh").await;
    assert_eq!(prompt.take().trim(), "schema read again: 2 models");
}

/// `with` sends one statement whatever the number of rows and of levels: never one per row.
#[tokio::test]
async fn with_takes_one_statement_however_many_rows() {
    use crate::backend::Recording;
    let mut f = open(Format::Json, false).await;
    f.ok("model User { name: text }").await;
    f.ok("model Order { user: User, total: int }").await;
    f.ok("model Item { order: Order, qty: int }").await;
    let mut users = 0;
    for wanted in [1, 3, 30] {
        while users < wanted {
            users += 1;
            f.ok(&format!("add User name=u{users}")).await;
            for total in 1..=3 {
                f.ok(&format!("add Order user={users} total={total}")).await;
                let order = (users - 1) * 3 + total;
                f.ok(&format!("add Item order={order} qty=1")).await;
                f.ok(&format!("add Item order={order} qty=2")).await;
            }
        }
        let recording = Recording::start();
        let rows = f.json("query User with orders.items, orders.user").await;
        assert_eq!(recording.take().len(), 1, "{wanted} users");
        let rows = rows.as_array().unwrap();
        assert_eq!(rows.len(), wanted);
        let last = &rows[wanted - 1];
        assert_eq!(last["orders"].as_array().unwrap().len(), 3);
        let items = serde_json::json!([
            {"id": wanted * 6 - 1, "order_id": wanted * 3, "qty": 1},
            {"id": wanted * 6, "order_id": wanted * 3, "qty": 2}
        ]);
        assert_eq!(last["orders"][2]["items"], items);
        assert_eq!(last["orders"][0]["user"], serde_json::json!({"id": wanted, "name": format!("u{wanted}")}));
        f.take();
        f.ok("get User 1 with orders").await;
        assert_eq!(recording.take().len(), 1);
    }
}

/// The prompt's row cap counts rows, not their related records; a reference to nothing is
/// null, a relation without records an empty list.
#[tokio::test]
async fn with_shows_records_under_capped_rows() {
    let mut f = open(Format::Json, true).await;
    f.ok("model Team { name: text }").await;
    f.ok("model Player { name: text, team: Team? }").await;
    for add in ["Team name=Red", "Team name=Blue", "Player name=Ann team=1", "Player name=Bo team=1", "Player name=Cy"]
    {
        f.ok(&format!("add {add}")).await;
    }
    f.ok("set limit 2").await;
    f.take();
    let rows = f.json("query Team with players order by id").await;
    assert_eq!(
        rows,
        serde_json::json!([
            {"id": 1, "name": "Red", "players": [{"id": 1, "name": "Ann", "team_id": 1}, {"id": 2, "name": "Bo", "team_id": 1}]},
            {"id": 2, "name": "Blue", "players": []}
        ])
    );
    let cy = f.json("get Player 3 with team").await;
    assert_eq!(cy, serde_json::json!({"id": 3, "name": "Cy", "team_id": null, "team": null}));
    let err = f.err("query Team with players, Players").await;
    assert_eq!(err.message, "`with players` is given twice");
}

/// In a script's transaction, a run of `upsert`s is written as multi-row upserts; a key met
/// again in the run starts a new batch, so that the later upsert stores over the earlier one's
/// row, as it would on its own.
#[tokio::test]
async fn a_run_of_upserts_is_batched_until_a_key_comes_again() {
    use crate::backend::Recording;
    let mut f = open(Format::Json, false).await;
    f.ok("model Stock { sku: text unique, qty: int }").await;
    let script = "begin\nupsert Stock sku=a qty=1\nupsert Stock sku=b qty=2\nupsert Stock sku=c qty=3\n\
                  upsert Stock sku=a qty=4\nupsert Stock sku=d qty=5\ncommit";
    let mut errors = Vec::new();
    let recording = Recording::start();
    let ended = {
        let mut no = NoConfirm;
        let mut runner =
            crate::runner::Runner::new(&mut f.session, &mut no, &mut errors, crate::runner::OnError::Stop, false);
        runner.run("script.orm", script, std::path::Path::new(".")).await
    };
    assert_eq!(ended, crate::runner::Ended::Done, "{}", String::from_utf8_lossy(&errors));
    let upserts: Vec<String> = recording.take().into_iter().filter(|s| s.starts_with("INSERT")).collect();
    assert_eq!(upserts.len(), 2, "two batches (a, b, c then a, d): {upserts:?}");
    assert!(upserts.iter().all(|s| s.contains("ON CONFLICT (\"sku\") DO UPDATE")), "{upserts:?}");
    let rows = f.json("query Stock fields sku, qty order by sku").await;
    let expected = serde_json::json!([
        {"sku": "a", "qty": 4}, {"sku": "b", "qty": 2}, {"sku": "c", "qty": 3}, {"sku": "d", "qty": 5}
    ]);
    assert_eq!(rows, expected);
}
