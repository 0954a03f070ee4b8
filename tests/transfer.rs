//! Data in and out through the real binary: `export … to FILE` writes the result of a command
//! to a file in the format its extension names, and `import M from FILE` reads a CSV, JSON or
//! JSON Lines file, all of it or nothing.
//!
//! SQLite always; PostgreSQL and MariaDB from `ORMSH_TEST_PG` and `ORMSH_TEST_MYSQL`, each in a
//! schema or database of the test's own.

mod common;

use common::{Scratch, ServerDb, ServerKind, assert_success, ormsh, text};

/// One database to run on, with a scratch directory for its files.
struct Backend {
    name: &'static str,
    url: String,
    files: Scratch,
    _db: Option<ServerDb>,
}

fn backends(label: &str) -> Vec<Backend> {
    let files = Scratch::new();
    let url = files.url("transfer.db");
    let mut all = vec![Backend { name: "SQLite", url, files, _db: None }];
    for (name, kind) in [("PostgreSQL", ServerKind::Postgres), ("MariaDB", ServerKind::Mysql)] {
        if let Some(db) = kind.fresh_db("transfer", label) {
            all.push(Backend { name, url: db.url.clone(), files: Scratch::new(), _db: Some(db) });
        }
    }
    all
}

impl Backend {
    fn run(&self, commands: &[&str]) -> std::process::Output {
        let mut args = vec!["--format", "json"];
        for c in commands {
            args.extend(["-c", c]);
        }
        ormsh(&self.url, &args)
    }

    /// Commands that must succeed; stdout.
    fn ok(&self, commands: &[&str]) -> String {
        let out = self.run(commands);
        assert_success(&out, &format!("{}: {commands:?}", self.name));
        text(&out.stdout)
    }

    /// Commands that must fail; stderr.
    fn fails(&self, commands: &[&str]) -> String {
        let out = self.run(commands);
        assert!(!out.status.success(), "{}: {commands:?} succeeded:\n{}", self.name, text(&out.stdout));
        text(&out.stderr)
    }

    /// A path in the scratch directory, as typed in a command.
    fn file(&self, name: &str) -> String {
        self.files.path(name).display().to_string()
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.files.path(name)).unwrap_or_else(|e| panic!("{}: read {name}: {e}", self.name))
    }
}

const MODEL: &str = "model Item { name: text, qty: int?, price: decimal?, day: date? }";

fn seed(b: &Backend) {
    b.ok(&[
        MODEL,
        "add Item name=\"a, b\" qty=1 price=2.5 day=2024-01-31",
        "add Item name=\"line\nbreak\" qty=2",
        "add Item name=\"\" qty=3",
    ]);
}

#[test]
fn export_writes_each_format_from_the_extension_on_every_backend() {
    for b in backends("export") {
        seed(&b);
        let csv = b.file("items.csv");
        let out = b.ok(&[&format!("export query Item fields name, qty, price, day order by qty to {csv}")]);
        assert_eq!(out, "", "{}: a script is silent about an export", b.name);
        assert_eq!(
            b.read("items.csv"),
            "name,qty,price,day\n\"a, b\",1,2.5,2024-01-31\n\"line\nbreak\",2,,\n\"\",3,,\n",
            "{}",
            b.name
        );
        let json = b.file("items.json");
        b.ok(&[&format!("export query Item fields name, qty order by qty limit 2 to {json}")]);
        assert_eq!(
            b.read("items.json"),
            "[\n  {\"name\":\"a, b\",\"qty\":1},\n  {\"name\":\"line\\nbreak\",\"qty\":2}\n]\n"
        );
        let jsonl = b.file("items.jsonl");
        b.ok(&[&format!("export query Item fields qty where qty >= 2 order by qty to {jsonl}")]);
        assert_eq!(b.read("items.jsonl"), "{\"qty\":2}\n{\"qty\":3}\n", "{}", b.name);
        let txt = b.file("count.txt");
        b.ok(&[&format!("export count Item to {txt}")]);
        assert_eq!(b.read("count.txt"), "3\n", "{}", b.name);
        let by = b.file("by.csv");
        b.ok(&[&format!("export sql select qty from items where qty < 3 order by qty to {by}")]);
        assert_eq!(b.read("by.csv"), "qty\n1\n2\n", "{}", b.name);
        // A format named in the command wins over the extension, and none over the session's.
        let dat = b.file("named.dat");
        b.ok(&[&format!("export query Item fields qty where qty = 1 to {dat} format jsonl")]);
        assert_eq!(b.read("named.dat"), "{\"qty\":1}\n", "{}", b.name);
        b.ok(&[&format!("export query Item fields qty where qty = 1 to {csv} --format json force")]);
        assert_eq!(b.read("items.csv"), "[\n  {\"qty\":1}\n]\n", "{}", b.name);
        // --verbose says how many rows went to the file.
        let out = ormsh(&b.url, &["--verbose", "-c", &format!("export query Item to {} force", b.file("by.csv"))]);
        assert_success(&out, "export --verbose");
        assert!(
            text(&out.stdout).contains(&format!("3 rows written to {}", b.file("by.csv"))),
            "{}",
            text(&out.stdout)
        );
    }
}

#[test]
fn export_keeps_an_existing_file_unless_forced_and_never_leaves_half_a_file() {
    for b in backends("export_force") {
        seed(&b);
        let path = b.file("kept.csv");
        std::fs::write(&path, "precious\n").unwrap();
        let err = b.fails(&[&format!("export count Item to {path}")]);
        assert!(err.contains(&format!("error: {path} exists already")), "{}: {err}", b.name);
        assert!(err.contains("force` to replace it"), "{}: {err}", b.name);
        assert_eq!(b.read("kept.csv"), "precious\n");
        // A command that fails leaves the file as it was, and nothing beside it.
        let err = b.fails(&[&format!("export sql select nothing_here from items to {path} force")]);
        assert!(err.contains("error"), "{err}");
        assert_eq!(b.read("kept.csv"), "precious\n", "{}", b.name);
        let left: Vec<_> = std::fs::read_dir(b.files.root()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert!(!left.iter().any(|n| n.to_string_lossy().ends_with(".partial")), "{}: {left:?}", b.name);
        b.ok(&[&format!("export count Item to {path} force")]);
        assert_eq!(b.read("kept.csv"), "3\n", "{}", b.name);
    }
}

#[test]
fn export_paths_are_relative_to_the_working_directory() {
    let scratch = Scratch::new();
    std::fs::create_dir(scratch.path("sub")).unwrap();
    let out = scratch.run("rel.db", &[MODEL, "add Item name=x", "export query Item fields name to sub/out.csv"]);
    assert_success(&out, "export to a relative path");
    assert_eq!(std::fs::read_to_string(scratch.path("sub/out.csv")).unwrap(), "name\nx\n");
}

/// Bad files, each with a good row before the bad one: (file, its bytes, the first line of the
/// error). Every one leaves the table as it was.
const BAD_FILES: &[(&str, &[u8], &str)] = &[
    ("header.csv", b"name,qtyy\nok,1\n", "error: header.csv:1: Item has no field `qtyy`"),
    ("missing.csv", b"qty\n1\n", "error: missing.csv:1: Item needs a value for name"),
    ("twice.csv", b"name,qty,name\nok,1,x\n", "error: twice.csv:1: `name` is named twice"),
    ("value.csv", b"name,qty\nok,1\nok,2\nbad,two\n", "error: value.csv:4: field `qty`: \"two\" is not an int"),
    ("short.csv", b"name,qty\nok,1\nbad\n", "error: short.csv:3: 1 fields, where the header names 2"),
    ("null.csv", b"name,qty\nok,1\n,2\n", "error: null.csv:3: field `name` cannot be null"),
    ("quote.csv", b"name,qty\nok,1\n\"bad,2\nok,3\n", "error: quote.csv:3: a quoted field is never closed"),
    ("utf8.csv", b"name,qty\nok,1\n\xff\xfe,2\n", "error: utf8.csv:3: field `name`: not valid UTF-8"),
    ("empty.csv", b"", "error: empty.csv: the file is empty: its first line must name the fields"),
    ("absent.csv", b"-", "error: cannot read absent.csv: no such file"),
    ("format.txt", b"name\nok\n", "error: format.txt: cannot tell the file's format"),
    (
        "value.json",
        b"[{\"name\":\"ok\",\"qty\":1},\n {\"name\":\"bad\", \"qty\":1.5}]",
        "error: value.json:2: field `qty`: `1.5` is not an int",
    ),
    ("array.json", b"{\"name\":\"ok\"}", "error: array.json:1: expected `[`: a .json file is an array of objects"),
    (
        "open.json",
        b"[{\"name\":\"ok\"},\n{\"name\":\"ok\"}\n",
        "error: open.json:3: the array is never closed with `]`",
    ),
    (
        "key.jsonl",
        b"{\"name\":\"ok\"}\n{\"name\":\"ok\",\"qty\":1}\n",
        "error: key.jsonl:2: key `qty` is not in the first object; every object has the keys of the first",
    ),
    ("syntax.jsonl", b"{\"name\":\"ok\"}\n\n{\"name\":\"bad\",}\n", "error: syntax.jsonl:3: not JSON: trailing comma"),
    ("object.jsonl", b"{\"name\":\"ok\"}\n[1]\n", "error: object.jsonl:2: expected an object (`{…}`)"),
];

#[test]
fn a_bad_file_is_an_error_at_its_line_and_stores_nothing() {
    let scratch = Scratch::new();
    scratch.ok("bad.db", &[MODEL, "add Item name=before"]);
    for (name, bytes, message) in BAD_FILES {
        if *bytes != b"-" {
            std::fs::write(scratch.path(name), bytes).unwrap();
        }
        let out = scratch.run("bad.db", &[&format!("import Item from {name}")]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let stderr = text(&out.stderr);
        assert_eq!(stderr.lines().next(), Some(*message), "{name}:\n{stderr}");
        assert_eq!(scratch.count("bad.db", "Item"), 1, "{name} stored rows");
    }
    // A header naming a field near one the model has says which.
    let out = scratch.run("bad.db", &["import Item from header.csv"]);
    assert!(text(&out.stderr).contains("help: did you mean `qty`?"), "{}", text(&out.stderr));
}

/// On a terminal, an import of a big file shows how far it has come, then wipes the bar; a
/// script's standard error never sees one.
#[test]
fn a_progress_bar_follows_a_big_import_on_a_terminal_only() {
    let scratch = Scratch::new();
    scratch.ok("big.db", &[MODEL]);
    let mut csv = String::from("name,qty,price,day\n");
    let rows = 60_000;
    for i in 0..rows {
        csv.push_str(&format!("item number {i},{i},{}.25,2024-02-{:02}\n", i % 1000, i % 28 + 1));
    }
    scratch.write("big.csv", &csv);
    let out = scratch.run("big.db", &["import Item from big.csv"]);
    assert_success(&out, "import off a terminal");
    assert!(!text(&out.stderr).contains("importing"), "{}", text(&out.stderr));

    let mut pty = scratch.spawn_prompt(&scratch.url("big.db"), 60_000);
    pty.exp_string("big.db>").expect("the prompt");
    pty.send_line("import Item from big.csv").expect("type");
    pty.exp_string("importing big.csv [").expect("a progress bar");
    pty.exp_string(&format!("{rows} rows imported into items")).expect("the import's outcome");
    pty.send_line("quit").expect("type");
    assert_eq!(scratch.count("big.db", "Item"), 2 * rows);
}

#[test]
fn inside_begin_an_import_is_part_of_the_transaction() {
    let scratch = Scratch::new();
    scratch.write("two.csv", "name,qty\na,1\nb,2\n");
    scratch.write("bad.csv", "name,qty\nc,3\nd,x\n");
    scratch.ok("tx.db", &[MODEL]);
    // A failed import undoes itself alone: the transaction and what it did before go on.
    let out = scratch
        .cmd()
        .args([&scratch.url("tx.db"), "--on-error", "continue"])
        .args(["-c", "begin", "-c", "add Item name=kept", "-c", "import Item from bad.csv", "-c", "commit"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(scratch.count("tx.db", "Item"), 1);
    // A good one is undone with the transaction.
    scratch.ok("tx.db", &["begin", "import Item from two.csv", "rollback"]);
    assert_eq!(scratch.count("tx.db", "Item"), 1);
    scratch.ok("tx.db", &["begin", "import Item from two.csv", "commit"]);
    assert_eq!(scratch.count("tx.db", "Item"), 3);
}

#[test]
fn import_reads_csv_json_and_json_lines_on_every_backend() {
    for b in backends("import") {
        b.ok(&[MODEL]);
        // A BOM, CRLF, a quoted comma, a newline in a field, an empty field as null.
        std::fs::write(
            b.files.path("items.csv"),
            "\u{feff}name,qty,price,day\r\n\"a, b\",1,2.5,2024-01-31\r\n\"two\r\nlines\",,,\r\n",
        )
        .unwrap();
        std::fs::write(b.files.path("items.json"), "[\n {\"name\":\"j\",\"qty\":7,\"price\":\"1.25\"}\n]\n").unwrap();
        std::fs::write(b.files.path("items.jsonl"), "{\"name\":\"l\",\"day\":\"2020-02-29\"}\n").unwrap();
        let out = b.ok(&[
            &format!("import Item from {}", b.file("items.csv")),
            &format!("import Item from {}", b.file("items.json")),
            &format!("import Item from {}", b.file("items.jsonl")),
            "query Item fields name, qty, price, day order by id",
        ]);
        let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            rows,
            serde_json::json!([
                {"name": "a, b", "qty": 1, "price": 2.5, "day": "2024-01-31"},
                {"name": "two\r\nlines", "qty": null, "price": null, "day": null},
                {"name": "j", "qty": 7, "price": 1.25, "day": null},
                {"name": "l", "qty": null, "price": null, "day": "2020-02-29"},
            ]),
            "{}",
            b.name
        );
        // Out and back in: the same rows, in a second model.
        b.ok(&[
            "model Copy { name: text, qty: int?, price: decimal?, day: date? }",
            &format!("export query Item fields name, qty, price, day order by id to {}", b.file("out.csv")),
            &format!("import Copy from {}", b.file("out.csv")),
        ]);
        let copy = b.ok(&["query Copy fields name, qty, price, day order by id"]);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&copy).unwrap(), rows, "{}", b.name);
        // Rows with their keys: the next `add` takes a key after theirs (PostgreSQL's sequence
        // is moved on).
        b.ok(&[
            "model Keyed { name: text }",
            &format!("export query Item fields id, name to {}", b.file("keyed.jsonl")),
            &format!("import Keyed from {}", b.file("keyed.jsonl")),
            "add Keyed name=next",
        ]);
        let next = b.ok(&["query Keyed fields id where name = next"]);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&next).unwrap(),
            serde_json::json!([{"id": 5}]),
            "{}",
            b.name
        );
        // More rows than one insert takes, counted.
        let many: String =
            std::iter::once("name,qty\n".to_string()).chain((0..2500).map(|i| format!("n{i},{i}\n"))).collect();
        std::fs::write(b.files.path("many.csv"), many).unwrap();
        let out = ormsh(&b.url, &["--verbose", "-c", &format!("import Copy from {}", b.file("many.csv"))]);
        assert_success(&out, "import many");
        assert!(text(&out.stdout).contains("2500 rows imported into"), "{}: {}", b.name, text(&out.stdout));
        assert_eq!(b.ok(&["count Copy"]).trim(), "2504", "{}", b.name);
        // A bad value after many good rows (some of them sent already): none of them stays.
        let mut bad: String =
            std::iter::once("name,qty\n".to_string()).chain((0..12_000).map(|i| format!("n{i},{i}\n"))).collect();
        bad.push_str("last,many\n");
        std::fs::write(b.files.path("bad.csv"), bad).unwrap();
        let err = b.fails(&[&format!("import Copy from {}", b.file("bad.csv"))]);
        let want = format!("error: {}:12002: field `qty`: \"many\" is not an int", b.file("bad.csv"));
        assert_eq!(err.lines().next(), Some(want.as_str()), "{}", b.name);
        assert_eq!(b.ok(&["count Copy"]).trim(), "2504", "{}", b.name);
        // A row the database refuses (a key taken twice): nothing of the file stays either.
        std::fs::write(b.files.path("dup.csv"), "id,name\n100,a\n100,b\n").unwrap();
        let err = b.fails(&[&format!("import Keyed from {}", b.file("dup.csv"))]);
        assert!(err.contains("nothing of the file is stored"), "{}: {err}", b.name);
        assert_eq!(b.ok(&["count Keyed"]).trim(), "5", "{}", b.name);
    }
}

mod round_trip {
    //! Export, then import: the same rows, for every field type (SQLite).

    use super::common::{Scratch, assert_success};
    use proptest::prelude::*;
    use serde_json::{Value as Json, json};

    const FIELDS: &str = "{ t: text?, i: int?, f: float?, d: decimal?, b: bool?, day: date?, tm: time?, \
                          ts: datetime?, j: json?, u: uuid?, by: bytes? }";

    fn maybe(value: impl Strategy<Value = Json>) -> impl Strategy<Value = Json> {
        prop_oneof![1 => Just(Json::Null), 4 => value]
    }

    fn row() -> impl Strategy<Value = Json> {
        // CSV reads an empty field as null: text is never empty here.
        let text = "[a-zA-Z0-9 ,;\"'\\n\\té€😀]{1,10}".prop_map(Json::from);
        let int = any::<i64>().prop_map(Json::from);
        let float = prop::num::f64::NORMAL.prop_map(Json::from);
        let decimal = (-999_999i64..999_999, 0u8..100).prop_map(|(w, f)| Json::from(format!("{w}.{f:02}")));
        let day = (1000i32..9999, 1u32..13, 1u32..29).prop_map(|(y, m, d)| Json::from(format!("{y:04}-{m:02}-{d:02}")));
        let time = (0u32..24, 0u32..60, 0u32..60).prop_map(|(h, m, s)| Json::from(format!("{h:02}:{m:02}:{s:02}")));
        let stamp = (1970i32..2100, 1u32..13, 1u32..29, 0u32..24, 0u32..60, 0u32..60, 0u32..1_000_000).prop_map(
            |(y, mo, d, h, mi, s, us)| Json::from(format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{us:06}")),
        );
        let document = prop_oneof![
            any::<i32>().prop_map(|n| json!({"n": n, "list": [n, "x"]})),
            "[a-z ]{0,6}".prop_map(Json::from),
            any::<bool>().prop_map(Json::from),
        ];
        let uuid = any::<u128>().prop_map(|u| Json::from(format!("{:032x}", u)));
        let uuid = uuid.prop_map(|u| {
            let s = u.as_str().unwrap().to_string();
            Json::from(format!("{}-{}-{}-{}-{}", &s[..8], &s[8..12], &s[12..16], &s[16..20], &s[20..]))
        });
        let bytes = prop::collection::vec(any::<u8>(), 0..8)
            .prop_map(|b| Json::from(format!("\\x{}", b.iter().map(|x| format!("{x:02x}")).collect::<String>())));
        (
            maybe(text),
            maybe(int),
            maybe(float),
            maybe(decimal),
            maybe(any::<bool>().prop_map(Json::from)),
            maybe(day),
            maybe(time),
            maybe(stamp),
            maybe(document),
            maybe(uuid),
            maybe(bytes),
        )
            .prop_map(|(t, i, f, d, b, day, tm, ts, j, u, by)| {
                json!({"t": t, "i": i, "f": f, "d": d, "b": b, "day": day, "tm": tm, "ts": ts, "j": j, "u": u, "by": by})
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn export_then_import_gives_back_the_same_rows(rows in prop::collection::vec(row(), 0..8)) {
            let scratch = Scratch::new();
            // The rows go in as JSON Lines; a JSON column's value is a document, never text.
            let lines: String = rows.iter().map(|r| format!("{r}\n")).collect();
            std::fs::write(scratch.path("in.jsonl"), if rows.is_empty() { "{\"t\":null}\n".to_string() } else { lines }).unwrap();
            let commands = [
                format!("model A {FIELDS}"),
                format!("model B {FIELDS}"),
                format!("model C {FIELDS}"),
                "import A from in.jsonl".to_string(),
                "export query A to a.csv".to_string(),
                "import B from a.csv".to_string(),
                "export query A to a.jsonl".to_string(),
                "import C from a.jsonl".to_string(),
                "export query A order by id to a.json".to_string(),
                "export query B order by id to b.json".to_string(),
                "export query C order by id to c.json".to_string(),
            ];
            let mut cmd = scratch.cmd();
            cmd.arg(scratch.url("rt.db"));
            for c in &commands {
                cmd.arg("-c").arg(c);
            }
            let out = cmd.output().unwrap();
            assert_success(&out, "the round trip");
            let read = |name: &str| std::fs::read_to_string(scratch.path(name)).unwrap();
            let a = read("a.json");
            let stored: Json = serde_json::from_str(&a).unwrap();
            prop_assert_eq!(stored.as_array().unwrap().len(), rows.len().max(1));
            prop_assert_eq!(&read("b.json"), &a, "through CSV");
            prop_assert_eq!(&read("c.json"), &a, "through JSON Lines");
        }
    }
}
