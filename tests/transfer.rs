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
