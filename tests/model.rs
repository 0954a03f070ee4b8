//! ormsh against a plain model of two tables, a few schema objects and the transaction state,
//! on SQLite, PostgreSQL and MariaDB.
//!
//! proptest generates sequences of `add`, `update`, `delete`, transaction control (`begin`,
//! `commit`, `rollback`, `savepoint`, `rollback to`, `release`), transaction control written as
//! raw SQL (`sql commit`, `sql set autocommit=0`, …), schema changes through `sql` (an index on
//! `rows`, a scratch table) and child rows in `kids`, whose foreign key to `rows.k` is deferred to
//! the commit on SQLite and PostgreSQL and checked at once on MariaDB; some commands are invalid
//! on purpose (a duplicate key, a `commit` with nothing open, an unknown savepoint, a child of a
//! missing row). A model in Rust says what each should do:
//!
//! - autocommit outside `begin`; inside, a failed command is undone alone and the transaction
//!   goes on; `rollback to` keeps its savepoint, `release` removes it and every later one; a
//!   script that ends inside a transaction is rolled back;
//! - raw transaction control is refused everywhere and changes nothing;
//! - a schema change is transactional on SQLite and PostgreSQL (a rollback undoes it); MariaDB
//!   would commit the open transaction for it, so ormsh refuses it inside one (and always in a
//!   sandbox), and outside one it runs;
//! - a foreign key violated outside a transaction fails its command (whose own commit checks it);
//!   inside one, MariaDB fails the command at once, while SQLite and PostgreSQL let it be and the
//!   `commit` fails: the database rolls the whole transaction back and none is open after it;
//! - a quarter of the cases run with `--sandbox`: everything said above holds within the run
//!   (the same counts and the same errors, a deferred violation included), and nothing persists.
//!
//! Each sequence runs as one script through the binary with `--on-error continue`, and then
//! both tables, the schema objects, the lines the errors point at, the counts printed on the way,
//! the note on an open transaction at the end and the exit status are compared with the model.
//!
//! Some scripts put a `count` after every `add`, so nothing is batched; some let consecutive
//! `add`s inside a transaction be written as multi-row inserts; and some put after every command
//! a `count Row` and a `release` of a savepoint that never exists, whose error says whether
//! ormsh holds a transaction open: so the state it keeps is compared with the model's (and so the
//! server's) after every step.
//!
//! 40 sequences per backend unless `PROPTEST_CASES` says otherwise. The servers come from
//! `ORMSH_TEST_PG` and `ORMSH_TEST_MYSQL`; without them those runs are skipped with a printed
//! reason, except under `CI=true`, where that is a failure. Failing cases are not saved to a
//! regressions file (the failure message prints the whole script instead).

mod common;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Scratch, ServerDb, ServerKind, ormsh, ormsh_command};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};

const MODEL: &str = "model Row { k: int unique, v: int }";
/// Savepoint names are drawn from a few, so that they are reused.
const SAVEPOINT_NAMES: usize = 4;
/// Indexes `ix0` … on `rows`, made and dropped through `sql`.
const INDEXES: usize = 3;
const MAX_OPS: usize = 40;
/// A savepoint no case ever sets: `release` of it says whether ormsh holds a transaction open.
const PROBE_SAVEPOINT: &str = "nosuch";

/// Transaction control written as SQL, in several spellings and dialects; ormsh refuses every
/// one of them on every backend (even where the database would not understand it).
const RAW_CONTROL: &[&str] = &[
    "begin",
    "BEGIN TRANSACTION",
    "begin immediate",
    "start transaction",
    "START TRANSACTION READ WRITE",
    "commit",
    "COMMIT WORK",
    "end",
    "end transaction",
    "rollback",
    "ROLLBACK WORK",
    "abort",
    "savepoint s0",
    "SAVEPOINT s9",
    "release s0",
    "RELEASE SAVEPOINT s1",
    "rollback to s0",
    "ROLLBACK TRANSACTION TO SAVEPOINT s1",
    "rollback work to savepoint s2",
    "/* ormsh */ commit",
    "  rollback",
    "set autocommit=0",
    "SET autocommit = 1",
    "set @@autocommit=0",
    "SET SESSION autocommit = OFF",
    "set @ormsh = 1, autocommit = 0",
];

// ---------------------------------------------------------------------------------------------
// Backends

/// What the model must know of each database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Sqlite,
    Postgres,
    Mariadb,
}

impl Kind {
    /// The foreign key of `kids` is checked at commit (SQLite, PostgreSQL: `DEFERRABLE
    /// INITIALLY DEFERRED`), not at each statement (MariaDB has no deferred constraints).
    fn defers(self) -> bool {
        self != Kind::Mariadb
    }

    /// A schema change commits the open transaction (MariaDB), so ormsh refuses it in one.
    fn ddl_commits(self) -> bool {
        self == Kind::Mariadb
    }

    /// `rows` is a reserved word on MariaDB: quoted the server's way.
    fn rows(self) -> &'static str {
        if self == Kind::Mariadb { "`rows`" } else { "\"rows\"" }
    }

    fn create_kids(self) -> String {
        match self {
            Kind::Sqlite => format!(
                "sql CREATE TABLE kids (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES {} (k) DEFERRABLE INITIALLY DEFERRED)",
                self.rows()
            ),
            Kind::Postgres => format!(
                "sql CREATE TABLE kids (id int8 PRIMARY KEY, parent_id int8 REFERENCES {} (k) DEFERRABLE INITIALLY DEFERRED)",
                self.rows()
            ),
            Kind::Mariadb => format!(
                "sql CREATE TABLE kids (id bigint PRIMARY KEY, parent_id bigint, FOREIGN KEY (parent_id) REFERENCES {} (k))",
                self.rows()
            ),
        }
    }

    fn create_index(self, slot: usize) -> String {
        format!("create index ix{slot} on {} (v)", self.rows())
    }

    fn drop_index(self, slot: usize) -> String {
        match self {
            Kind::Mariadb => format!("drop index ix{slot} on {}", self.rows()),
            _ => format!("drop index ix{slot}"),
        }
    }

    /// The names of the indexes `ix…` and of the table `scratch` that exist, as one column `name`.
    fn schema_query(self) -> &'static str {
        match self {
            Kind::Sqlite => {
                "sql SELECT name FROM sqlite_master WHERE name LIKE 'ix%' OR name = 'scratch' ORDER BY name"
            }
            Kind::Postgres => {
                "sql SELECT c.relname::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = current_schema() AND (c.relname LIKE 'ix%' OR c.relname = 'scratch') ORDER BY 1"
            }
            Kind::Mariadb => {
                "sql SELECT table_name AS name FROM information_schema.tables \
                 WHERE table_schema = database() AND table_name = 'scratch' \
                 UNION SELECT DISTINCT index_name FROM information_schema.statistics \
                 WHERE table_schema = database() AND index_name LIKE 'ix%' ORDER BY 1"
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Databases

/// One database, made for one test and dropped after it: a fresh SQLite file per case lives in
/// the directory; on a server, the tables are emptied instead.
enum Database {
    Sqlite(Scratch),
    /// With the schema objects the last case left, when they are known (a schema change costs a
    /// MariaDB server a good part of a second, so only those are dropped).
    Server(ServerDb, RefCell<Option<Vec<String>>>),
}

static CASE_NUMBER: AtomicUsize = AtomicUsize::new(0);

impl Database {
    fn kind(&self) -> Kind {
        match self {
            Database::Sqlite(_) => Kind::Sqlite,
            Database::Server(db, _) if db.kind == ServerKind::Mysql => Kind::Mariadb,
            Database::Server(..) => Kind::Postgres,
        }
    }

    /// A URL with an empty table `rows` (model `Row`) and an empty `kids` (model `Kid`) for one
    /// case, and nothing else: a new SQLite file; on a server, the tables emptied and what the
    /// last case made dropped, or (not known) everything dropped and made again.
    fn fresh_tables(&self) -> Result<String, String> {
        let kind = self.kind();
        let mut reset: Vec<String> = Vec::new();
        let url = match self {
            Database::Sqlite(scratch) => {
                let n = CASE_NUMBER.fetch_add(1, Ordering::Relaxed);
                reset.push(MODEL.into());
                reset.push(kind.create_kids());
                scratch.url(&format!("case{n}.db"))
            }
            Database::Server(db, left) => {
                match left.borrow_mut().take() {
                    Some(names) => {
                        reset.push("sql DELETE FROM kids".into());
                        reset.push(format!("sql DELETE FROM {}", kind.rows()));
                        for name in names {
                            reset.push(match name.strip_prefix("ix") {
                                Some(slot) => format!("sql {}", kind.drop_index(slot.parse().expect("ixN"))),
                                None => format!("sql DROP TABLE {name}"),
                            });
                        }
                    }
                    None => {
                        for table in ["kids", "scratch", kind.rows()] {
                            reset.push(format!("sql DROP TABLE IF EXISTS {table}"));
                        }
                        reset.push(MODEL.into());
                        reset.push(kind.create_kids());
                    }
                }
                db.url.clone()
            }
        };
        let args: Vec<&str> = reset.iter().flat_map(|c| ["-c", c.as_str()]).collect();
        let out = ormsh(&url, &args);
        if !out.status.success() {
            return Err(format!("cannot make the tables: {}", String::from_utf8_lossy(&out.stderr)));
        }
        Ok(url)
    }

    /// Where scripts are written.
    fn dir(&self) -> (Option<Scratch>, std::path::PathBuf) {
        match self {
            Database::Sqlite(s) => (None, s.root().to_path_buf()),
            Database::Server(..) => {
                let s = Scratch::new();
                let dir = s.root().to_path_buf();
                (Some(s), dir)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Operations, as generated. Each is turned into a command by looking at the model, so a shrunk
// sequence still makes sense: `pick` chooses among the keys, children or savepoints that exist
// then, and `invalid` asks for the failing form of a command (ignored in clean sequences).

#[derive(Debug, Clone)]
enum Op {
    /// `add Row k=… v=…`: a new key, or (`dup`) one that exists (a unique violation).
    Add {
        dup: bool,
        pick: usize,
        v: i64,
    },
    /// `update Row where k=… set v=…` on an existing key, or (`miss`) on none.
    Update {
        miss: bool,
        pick: usize,
        v: i64,
    },
    /// `update Row where v > … set v=…`.
    UpdateAbove {
        above: i64,
        v: i64,
    },
    /// `update Row where k=… set k=…`: to a new key, or (`clash`) to another existing one. A key
    /// that children refer to leaves them without a parent (in clean sequences such a key is not
    /// chosen).
    Rekey {
        clash: bool,
        pick: usize,
        to: usize,
    },
    /// `delete Row where k=…` on an existing key, or (`miss`) on none; as with `Rekey`, the
    /// children of a deleted row are left without a parent.
    Delete {
        miss: bool,
        pick: usize,
    },
    Begin {
        invalid: bool,
    },
    Commit {
        invalid: bool,
    },
    Rollback {
        invalid: bool,
    },
    Savepoint {
        name: usize,
        invalid: bool,
    },
    RollbackTo {
        pick: usize,
        invalid: bool,
    },
    Release {
        pick: usize,
        invalid: bool,
    },
    /// `sql <transaction control>` (one of [`RAW_CONTROL`]): always invalid.
    RawControl {
        spelling: usize,
    },
    /// `sql create index ixN …` when it does not exist, `sql drop index ixN` when it does; or
    /// (`wrong`) the other one, which fails. `comment` puts a comment before the SQL.
    Index {
        slot: usize,
        wrong: bool,
        comment: bool,
    },
    /// `sql create table if not exists scratch …` or `sql drop table if exists scratch`, which
    /// succeed whether or not it exists (where the schema may change).
    ScratchTable {
        create: bool,
    },
    /// A child: `add Kid …` or (`via_sql`) `sql insert into kids …`, of an existing row or
    /// (`dangling`) of a key no row has.
    AddKid {
        dangling: bool,
        pick: usize,
        via_sql: bool,
    },
    /// `delete Kid where id=…` or (`via_sql`) `sql delete from kids …`, of an existing child.
    DeleteKid {
        pick: usize,
        via_sql: bool,
    },
}

#[derive(Debug, Clone)]
struct Case {
    ops: Vec<Op>,
    /// No command is invalid on purpose.
    clean: bool,
    /// A `count` after every `add`: nothing is batched.
    separate_adds: bool,
    /// After every command, a `count Row` and a `release` of a savepoint that never exists,
    /// whose error tells whether ormsh holds a transaction open.
    probe: bool,
    /// Run with `--sandbox`.
    sandbox: bool,
    /// How an open transaction is closed at the end: commit, rollback, or left open.
    close: Option<bool>,
}

fn value() -> impl Strategy<Value = i64> {
    0i64..100
}

/// Chooses among the keys or savepoints there are (modulo their number); small, so that it
/// shrinks fast.
fn pick() -> impl Strategy<Value = usize> {
    0usize..16
}

fn op() -> impl Strategy<Value = Op> {
    let invalid = || prop::bool::weighted(0.15);
    prop_oneof![
        10 => (prop::bool::weighted(0.12), pick(), value()).prop_map(|(dup, pick, v)| Op::Add { dup, pick, v }),
        2 => (prop::bool::weighted(0.2), pick(), value()).prop_map(|(miss, pick, v)| Op::Update { miss, pick, v }),
        1 => (value(), value()).prop_map(|(above, v)| Op::UpdateAbove { above, v }),
        1 => (prop::bool::weighted(0.3), pick(), pick())
            .prop_map(|(clash, pick, to)| Op::Rekey { clash, pick, to }),
        2 => (prop::bool::weighted(0.2), pick()).prop_map(|(miss, pick)| Op::Delete { miss, pick }),
        3 => invalid().prop_map(|invalid| Op::Begin { invalid }),
        2 => invalid().prop_map(|invalid| Op::Commit { invalid }),
        1 => invalid().prop_map(|invalid| Op::Rollback { invalid }),
        2 => (0..SAVEPOINT_NAMES, invalid()).prop_map(|(name, invalid)| Op::Savepoint { name, invalid }),
        1 => (pick(), invalid()).prop_map(|(pick, invalid)| Op::RollbackTo { pick, invalid }),
        1 => (pick(), invalid()).prop_map(|(pick, invalid)| Op::Release { pick, invalid }),
        1 => (0..RAW_CONTROL.len()).prop_map(|spelling| Op::RawControl { spelling }),
        1 => (0..INDEXES, prop::bool::weighted(0.2), any::<bool>())
            .prop_map(|(slot, wrong, comment)| Op::Index { slot, wrong, comment }),
        1 => any::<bool>().prop_map(|create| Op::ScratchTable { create }),
        3 => (prop::bool::weighted(0.3), pick(), any::<bool>())
            .prop_map(|(dangling, pick, via_sql)| Op::AddKid { dangling, pick, via_sql }),
        1 => (pick(), any::<bool>()).prop_map(|(pick, via_sql)| Op::DeleteKid { pick, via_sql }),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(op(), 0..=MAX_OPS),
        prop::bool::weighted(0.3),
        0..3u8,
        prop::bool::weighted(0.25),
        prop_oneof![Just(None), Just(Some(true)), Just(Some(false))],
    )
        .prop_map(|(ops, clean, checks, sandbox, close)| Case {
            ops,
            clean,
            separate_adds: checks == 1,
            probe: checks == 2,
            sandbox,
            close,
        })
}

// ---------------------------------------------------------------------------------------------
// The model

type Rows = BTreeMap<i64, i64>;

/// What a transaction can change: the rows of both tables and the schema objects.
#[derive(Debug, Default, Clone, PartialEq)]
struct State {
    rows: Rows,
    /// The children: id → the `k` of their parent.
    kids: BTreeMap<i64, i64>,
    /// The indexes `ix…` on `rows` that exist.
    indexes: BTreeSet<usize>,
    /// Whether the table `scratch` exists.
    scratch: bool,
    /// PostgreSQL: a row of `rows` was deleted or given a new key in the open transaction, which
    /// queued a check of the (deferred) foreign key on `rows` until the commit; while it waits,
    /// PostgreSQL refuses to make an index on the table ("pending trigger events").
    checks_pending: bool,
}

impl State {
    /// Whether every child has its parent: the foreign key holds.
    fn consistent(&self) -> bool {
        self.kids.values().all(|parent| self.rows.contains_key(parent))
    }

    /// The keys no child refers to.
    fn free_keys(&self) -> Vec<i64> {
        let referred: BTreeSet<i64> = self.kids.values().copied().collect();
        self.rows.keys().copied().filter(|k| !referred.contains(k)).collect()
    }

    /// The schema objects, by name.
    fn schema(&self) -> Vec<String> {
        let mut names: Vec<String> = self.indexes.iter().map(|i| format!("ix{i}")).collect();
        if self.scratch {
            names.push("scratch".into());
        }
        names.sort();
        names
    }
}

#[derive(Debug)]
struct Tx {
    state: State,
    /// The user's savepoints, oldest first, each with the state as it was when it was set.
    savepoints: Vec<(String, State)>,
}

#[derive(Debug)]
struct Model {
    kind: Kind,
    sandbox: bool,
    committed: State,
    tx: Option<Tx>,
    /// Keys handed out so far; a new key is never one used before.
    next_key: i64,
    /// Likewise for children's ids.
    next_kid: i64,
}

impl Model {
    fn new(kind: Kind, sandbox: bool) -> Model {
        Model { kind, sandbox, committed: State::default(), tx: None, next_key: 0, next_kid: 0 }
    }

    fn state(&self) -> &State {
        self.tx.as_ref().map_or(&self.committed, |tx| &tx.state)
    }

    fn rows(&self) -> &Rows {
        &self.state().rows
    }

    /// A command that deletes a row or changes its key: in a transaction on PostgreSQL, the check
    /// of the foreign key waits for the commit.
    fn queue_check(&self, next: &mut State) {
        if self.tx.is_some() && self.kind == Kind::Postgres {
            next.checks_pending = true;
        }
    }

    fn new_key(&mut self) -> i64 {
        self.next_key += 1;
        self.next_key
    }

    fn new_kid(&mut self) -> i64 {
        self.next_kid += 1;
        self.next_kid
    }

    fn existing_key(&self, pick: usize) -> Option<i64> {
        let rows = self.rows();
        (!rows.is_empty()).then(|| *rows.keys().nth(pick % rows.len()).unwrap())
    }

    /// A key to delete or change: any (`any`), or only one that no child refers to.
    fn key_to_change(&self, pick: usize, any: bool) -> Option<i64> {
        if any {
            return self.existing_key(pick);
        }
        let free = self.state().free_keys();
        (!free.is_empty()).then(|| free[pick % free.len()])
    }

    /// A key that no row has and none will have.
    fn missing_key(&self, pick: usize) -> i64 {
        1_000_000 + (pick % 1000) as i64
    }

    fn savepoint_names(&self) -> Vec<String> {
        self.tx.as_ref().map(|tx| tx.savepoints.iter().map(|(n, _)| n.clone()).collect()).unwrap_or_default()
    }

    /// Whether a schema change through `sql` is refused: MariaDB would commit the open
    /// transaction (the sandbox's included) for it.
    fn schema_change_refused(&self) -> bool {
        self.kind.ddl_commits() && (self.tx.is_some() || self.sandbox)
    }

    /// A command that leaves the data as `next`: whether it succeeds, and if so `next` is the
    /// state. A broken foreign key fails the command at once on MariaDB, and at the command's
    /// own commit outside a transaction; inside one on SQLite and PostgreSQL it waits for the
    /// `commit`.
    fn change(&mut self, next: State) -> bool {
        let checked_now = !self.kind.defers() || self.tx.is_none();
        if checked_now && !next.consistent() {
            return false;
        }
        match &mut self.tx {
            Some(tx) => tx.state = next,
            None => self.committed = next,
        }
        true
    }

    /// The command for `op`, and whether it succeeds; its effect is applied to the model.
    /// `None` when the op makes no sense here (and is not asked to fail).
    fn step(&mut self, op: &Op, clean: bool) -> Option<(String, bool)> {
        let invalid_ok = |flag: bool| flag && !clean;
        let mut next = self.state().clone();
        match *op {
            Op::Add { dup, pick, v } => {
                if invalid_ok(dup)
                    && let Some(k) = self.existing_key(pick)
                {
                    return Some((format!("add Row k={k} v={v}"), false));
                }
                let k = self.new_key();
                next.rows.insert(k, v);
                Some((format!("add Row k={k} v={v}"), self.change(next)))
            }
            Op::Update { miss, pick, v } => {
                let k = match self.existing_key(pick) {
                    Some(k) if !miss => {
                        next.rows.insert(k, v);
                        k
                    }
                    _ => self.missing_key(pick),
                };
                Some((format!("update Row where k={k} set v={v}"), self.change(next)))
            }
            Op::UpdateAbove { above, v } => {
                for value in next.rows.values_mut() {
                    if *value > above {
                        *value = v;
                    }
                }
                Some((format!("update Row where v > {above} set v={v}"), self.change(next)))
            }
            Op::Rekey { clash, pick, to } => {
                let k = self.key_to_change(pick, !clean)?;
                if invalid_ok(clash) {
                    let other = self.existing_key(to).unwrap();
                    return Some((format!("update Row where k={k} set k={other}"), other == k));
                }
                let other = self.new_key();
                let v = next.rows.remove(&k).unwrap();
                next.rows.insert(other, v);
                self.queue_check(&mut next);
                Some((format!("update Row where k={k} set k={other}"), self.change(next)))
            }
            Op::Delete { miss, pick } => {
                let k = match self.key_to_change(pick, !clean) {
                    Some(k) if !miss => {
                        next.rows.remove(&k);
                        self.queue_check(&mut next);
                        k
                    }
                    _ => self.missing_key(pick),
                };
                Some((format!("delete Row where k={k}"), self.change(next)))
            }
            Op::Begin { invalid } => match self.tx {
                None => {
                    self.tx = Some(Tx { state: next, savepoints: Vec::new() });
                    Some(("begin".into(), true))
                }
                Some(_) if invalid_ok(invalid) => Some(("begin".into(), false)),
                Some(_) => None,
            },
            Op::Commit { invalid } => match self.tx.take() {
                // A deferred foreign key broken: the commit fails, and the database rolls the
                // whole transaction back.
                Some(tx) if !tx.state.consistent() => Some(("commit".into(), false)),
                Some(tx) => {
                    self.committed = State { checks_pending: false, ..tx.state };
                    Some(("commit".into(), true))
                }
                None if invalid_ok(invalid) => Some(("commit".into(), false)),
                None => None,
            },
            Op::Rollback { invalid } => match self.tx.take() {
                Some(_) => Some(("rollback".into(), true)),
                None if invalid_ok(invalid) => Some(("rollback".into(), false)),
                None => None,
            },
            Op::Savepoint { name, invalid } => {
                let name = format!("s{name}");
                match &mut self.tx {
                    Some(tx) => {
                        // A name set again moves to the top (MySQL's rule, which ormsh keeps on
                        // every backend).
                        tx.savepoints.retain(|(n, _)| *n != name);
                        tx.savepoints.push((name.clone(), tx.state.clone()));
                        Some((format!("savepoint {name}"), true))
                    }
                    None if invalid_ok(invalid) => Some((format!("savepoint {name}"), false)),
                    None => None,
                }
            }
            Op::RollbackTo { pick, invalid } => {
                if invalid_ok(invalid) {
                    return Some((format!("rollback to {}", self.unknown_savepoint(pick)), false));
                }
                let tx = self.tx.as_mut()?;
                if tx.savepoints.is_empty() {
                    return None;
                }
                let at = pick % tx.savepoints.len();
                tx.savepoints.truncate(at + 1);
                tx.state = tx.savepoints[at].1.clone();
                Some((format!("rollback to {}", tx.savepoints[at].0), true))
            }
            Op::Release { pick, invalid } => {
                if invalid_ok(invalid) {
                    return Some((format!("release {}", self.unknown_savepoint(pick)), false));
                }
                let tx = self.tx.as_mut()?;
                if tx.savepoints.is_empty() {
                    return None;
                }
                let at = pick % tx.savepoints.len();
                let name = tx.savepoints[at].0.clone();
                tx.savepoints.truncate(at);
                Some((format!("release {name}"), true))
            }
            Op::RawControl { spelling } => {
                if clean {
                    return None;
                }
                Some((format!("sql {}", RAW_CONTROL[spelling % RAW_CONTROL.len()]), false))
            }
            Op::Index { slot, wrong, comment } => {
                let refused = self.schema_change_refused();
                if clean && refused {
                    return None;
                }
                let slot = slot % INDEXES;
                let exists = next.indexes.contains(&slot);
                let wrong = invalid_ok(wrong);
                let create = exists == wrong;
                // Dropping an index is not refused for the checks waiting on the table.
                let pending = create && next.checks_pending;
                if clean && pending {
                    return None;
                }
                let sql = if create { self.kind.create_index(slot) } else { self.kind.drop_index(slot) };
                let command = if comment { format!("sql /* ddl */ {sql}") } else { format!("sql {sql}") };
                if refused || wrong || pending {
                    return Some((command, false));
                }
                if create {
                    next.indexes.insert(slot);
                } else {
                    next.indexes.remove(&slot);
                }
                Some((command, self.change(next)))
            }
            Op::ScratchTable { create } => {
                let refused = self.schema_change_refused();
                if clean && refused {
                    return None;
                }
                let command = if create {
                    "sql create table if not exists scratch (a int)"
                } else {
                    "sql drop table if exists scratch"
                };
                if refused {
                    return Some((command.into(), false));
                }
                next.scratch = create;
                Some((command.into(), self.change(next)))
            }
            Op::AddKid { dangling, pick, via_sql } => {
                let parent = match self.existing_key(pick) {
                    Some(k) if !invalid_ok(dangling) => k,
                    None if clean => return None,
                    _ => self.missing_key(pick),
                };
                let id = self.new_kid();
                next.kids.insert(id, parent);
                let command = if via_sql {
                    format!("sql insert into kids (id, parent_id) values ({id}, {parent})")
                } else {
                    format!("add Kid id={id} parent={parent}")
                };
                Some((command, self.change(next)))
            }
            Op::DeleteKid { pick, via_sql } => {
                if next.kids.is_empty() {
                    return None;
                }
                let id = *next.kids.keys().nth(pick % next.kids.len()).unwrap();
                next.kids.remove(&id);
                let command = if via_sql {
                    format!("sql delete from kids where id = {id}")
                } else {
                    format!("delete Kid where id={id}")
                };
                Some((command, self.change(next)))
            }
        }
    }

    /// A savepoint name that is not set now (one that was, if possible).
    fn unknown_savepoint(&self, pick: usize) -> String {
        let set = self.savepoint_names();
        (0..SAVEPOINT_NAMES)
            .map(|i| format!("s{}", (pick + i) % SAVEPOINT_NAMES))
            .find(|n| !set.contains(n))
            .unwrap_or_else(|| "nosuch".into())
    }
}

/// A case turned into a script, with what the model says it does.
#[derive(Debug)]
struct Expected {
    script: String,
    /// The script's lines (1-based) whose command fails.
    failing_lines: Vec<usize>,
    /// What each `count` prints.
    counts: Vec<usize>,
    /// The lines of the probes (a `release` of a savepoint never set) and whether a transaction
    /// is open there.
    probes: Vec<(usize, bool)>,
    /// The tables and the schema objects at the end.
    rows: Vec<(i64, i64)>,
    kids: Vec<(i64, i64)>,
    schema: Vec<String>,
    ended_in_transaction: bool,
    exit_code: i32,
}

fn expect(case: &Case, kind: Kind) -> Expected {
    let mut model = Model::new(kind, case.sandbox);
    let mut lines: Vec<String> = Vec::new();
    let mut failing_lines = Vec::new();
    let mut counts = Vec::new();
    let mut probes = Vec::new();
    let mut push = |lines: &mut Vec<String>, model: &Model, (command, ok): (String, bool), count: Option<&str>| {
        lines.push(command);
        if !ok {
            failing_lines.push(lines.len());
        }
        if case.probe {
            lines.push("count Row".into());
            counts.push(model.rows().len());
            lines.push(format!("release {PROBE_SAVEPOINT}"));
            failing_lines.push(lines.len());
            probes.push((lines.len(), model.tx.is_some()));
        } else if case.separate_adds
            && let Some(model_name) = count
        {
            lines.push(format!("count {model_name}"));
            counts.push(if model_name == "Row" { model.rows().len() } else { model.state().kids.len() });
        }
    };
    for op in &case.ops {
        let Some(step) = model.step(op, case.clean) else { continue };
        let count = match op {
            Op::Add { .. } => Some("Row"),
            Op::AddKid { .. } => Some("Kid"),
            _ => None,
        };
        push(&mut lines, &model, step, count);
    }
    if let Some(commit) = case.close
        && model.tx.is_some()
    {
        let op = if commit { Op::Commit { invalid: false } } else { Op::Rollback { invalid: false } };
        let step = model.step(&op, true).unwrap();
        push(&mut lines, &model, step, None);
    }
    let ended_in_transaction = model.tx.take().is_some();
    // A sandbox keeps nothing; a script it ends inside a transaction is not a failure there.
    let end = if case.sandbox { State::default() } else { model.committed };
    let unfinished = ended_in_transaction && !case.sandbox;
    let exit_code = if failing_lines.is_empty() && !unfinished { 0 } else { 1 };
    let mut script = lines.join("\n");
    script.push('\n');
    Expected {
        script,
        failing_lines,
        counts,
        probes,
        schema: end.schema(),
        rows: end.rows.into_iter().collect(),
        kids: end.kids.into_iter().collect(),
        ended_in_transaction,
        exit_code,
    }
}

// ---------------------------------------------------------------------------------------------
// Running a case

fn numbered(script: &str) -> String {
    script.lines().enumerate().map(|(i, l)| format!("{:>3} | {l}\n", i + 1)).collect()
}

/// The errors ormsh reported on the script: the line each points at, with its message.
fn reported_errors(stderr: &str) -> Vec<(usize, String)> {
    let mut message = String::new();
    let mut errors = Vec::new();
    for line in stderr.lines() {
        if let Some(m) = line.strip_prefix("error: ") {
            message = m.to_string();
        } else if let Some(place) = line.trim().strip_prefix("--> script.orm:") {
            let at = place.split(':').next().unwrap().parse().expect("a line number");
            errors.push((at, std::mem::take(&mut message)));
        }
    }
    errors
}

/// The two tables and the schema objects, read by a new session.
type Contents = (Vec<(i64, i64)>, Vec<(i64, i64)>, Vec<String>);

fn read_contents(url: &str, kind: Kind) -> Result<Contents, String> {
    let read = ormsh(
        url,
        &["--format", "json", "-c", "query Row order by k", "-c", "query Kid order by id", "-c", kind.schema_query()],
    );
    let stdout = String::from_utf8_lossy(&read.stdout);
    let failed = || {
        format!(
            "reading the tables failed ({:?}):\n{stdout}\n{}",
            read.status.code(),
            String::from_utf8_lossy(&read.stderr)
        )
    };
    let values: Vec<serde_json::Value> =
        serde_json::Deserializer::from_str(&stdout).into_iter().collect::<Result<_, _>>().map_err(|_| failed())?;
    let [rows, kids, schema] = values.as_slice() else { return Err(failed()) };
    let pairs = |records: &serde_json::Value, a: &str, b: &str| -> Option<Vec<(i64, i64)>> {
        let records = records.as_array()?;
        Some(records.iter().map(|r| (r[a].as_i64().unwrap_or(i64::MIN), r[b].as_i64().unwrap_or(i64::MIN))).collect())
    };
    let names = schema
        .as_array()
        .map(|records| records.iter().map(|r| r["name"].as_str().unwrap_or("?").to_string()).collect::<Vec<_>>());
    match (pairs(rows, "k", "v"), pairs(kids, "id", "parent_id"), names) {
        (Some(rows), Some(kids), Some(names)) => Ok((rows, kids, names)),
        _ => Err(failed()),
    }
}

/// Runs one case; a description of every difference from the model, with the script.
fn run_case(db: &Database, case: &Case) -> Result<(), String> {
    let kind = db.kind();
    let expected = expect(case, kind);
    let url = db.fresh_tables()?;
    let (_keep, dir) = db.dir();
    std::fs::write(dir.join("script.orm"), &expected.script).expect("write the script");
    let mut args = vec!["--on-error", "continue", "--format", "json", "-f", "script.orm"];
    if case.sandbox {
        args.push("--sandbox");
    }
    let out = ormsh_command(&url, &args).current_dir(&dir).env("HOME", &dir).output().expect("run ormsh");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();

    let mut problems = Vec::new();
    if out.status.code() != Some(expected.exit_code) {
        problems.push(format!("exit status {:?}, the model says {}", out.status.code(), expected.exit_code));
    }
    if stderr.contains("panicked") {
        problems.push("ormsh panicked".into());
    }
    let errors = reported_errors(&stderr);
    let failing_lines: Vec<usize> = errors.iter().map(|(line, _)| *line).collect();
    if failing_lines != expected.failing_lines {
        problems
            .push(format!("errors at lines {failing_lines:?}, the model says at lines {:?}", expected.failing_lines));
    }
    for &(line, open) in &expected.probes {
        let Some((_, message)) = errors.iter().find(|(at, _)| *at == line) else { continue };
        let says_open = message.starts_with(&format!("no savepoint `{PROBE_SAVEPOINT}`"));
        let says_idle = message.starts_with("no transaction is open");
        if (open && !says_open) || (!open && !says_idle) {
            problems.push(format!(
                "at line {line} ormsh says \"{message}\", but the model says a transaction is {}",
                if open { "open" } else { "not open" }
            ));
        }
    }
    let counts: Vec<usize> = stdout.lines().filter_map(|l| l.trim().parse().ok()).collect();
    if counts != expected.counts {
        problems.push(format!("`count` printed {counts:?}, the model says {:?}", expected.counts));
    }
    let rolled_back_note = stderr.contains("the open transaction was rolled back");
    let expect_note = expected.ended_in_transaction && !case.sandbox;
    if rolled_back_note != expect_note {
        problems.push(format!(
            "the note that the open transaction was rolled back is {}, but the script ends {} a transaction{}",
            if rolled_back_note { "there" } else { "missing" },
            if expected.ended_in_transaction { "inside" } else { "outside" },
            if case.sandbox { " (in a sandbox, which has a note of its own)" } else { "" },
        ));
    }
    if case.sandbox && !stderr.contains("sandbox: every change of this session was rolled back") {
        problems.push("the sandbox's note that every change was rolled back is missing".into());
    }

    let contents = read_contents(&url, kind);
    if let (Database::Server(_, left), Ok((_, _, schema))) = (db, &contents) {
        *left.borrow_mut() = Some(schema.clone());
    }
    match contents {
        Ok((rows, kids, schema)) => {
            if rows != expected.rows {
                problems.push(format!("`rows` holds (k, v) {rows:?}\n  the model says {:?}", expected.rows));
            }
            if kids != expected.kids {
                problems.push(format!("`kids` holds (id, parent) {kids:?}\n  the model says {:?}", expected.kids));
            }
            if schema != expected.schema {
                problems.push(format!("the schema has {schema:?}, the model says {:?}", expected.schema));
            }
        }
        Err(err) => problems.push(err),
    }

    if problems.is_empty() {
        return Ok(());
    }
    let checks = if case.probe {
        "the state probed after every command"
    } else if case.separate_adds {
        "a count after every add"
    } else {
        "adds may be batched"
    };
    Err(format!(
        "{}\n\nscript ({checks}, run with --on-error continue{}):\n{}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        problems.join("\n"),
        if case.sandbox { " --sandbox" } else { "" },
        numbered(&expected.script),
    ))
}

fn check(label: &str, db: Database) {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(40);
    let config = Config {
        cases,
        // Every step of shrinking runs the binary a few times.
        max_shrink_iters: 1000,
        max_shrink_time: 300_000,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    match runner.run(&case(), |case| run_case(&db, &case).map_err(TestCaseError::fail)) {
        Ok(()) => {}
        Err(TestError::Fail(reason, case)) => {
            panic!("{label}: ormsh differs from the model on this (shrunk) case:\n{reason}\n{case:?}")
        }
        Err(TestError::Abort(reason)) => panic!("{label}: {reason}"),
    }
}

#[test]
fn sqlite_behaves_like_the_model() {
    check("SQLite", Database::Sqlite(Scratch::new()));
}

#[test]
fn postgres_behaves_like_the_model() {
    if let Some(db) = ServerKind::Postgres.fresh_db("model", "pg") {
        check("PostgreSQL", Database::Server(db, RefCell::new(None)));
    }
}

#[test]
fn mariadb_behaves_like_the_model() {
    if let Some(db) = ServerKind::Mysql.fresh_db("model", "my") {
        check("MariaDB", Database::Server(db, RefCell::new(None)));
    }
}

// ---------------------------------------------------------------------------------------------
// The model itself, on hand-written cases: so that a wrong model does not pass for a bug.

fn plain(ops: Vec<Op>) -> Case {
    Case { ops, clean: false, separate_adds: true, probe: false, sandbox: false, close: None }
}

#[test]
fn the_model_follows_the_rules() {
    let case = plain(vec![
        Op::Add { dup: false, pick: 0, v: 10 },     // k=1, autocommit
        Op::Begin { invalid: false },               //
        Op::Add { dup: false, pick: 0, v: 20 },     // k=2
        Op::Add { dup: true, pick: 0, v: 30 },      // k=1 again: fails alone
        Op::Savepoint { name: 0, invalid: false },  // s0
        Op::Delete { miss: false, pick: 0 },        // k=1 goes
        Op::Savepoint { name: 1, invalid: false },  // s1
        Op::Add { dup: false, pick: 0, v: 40 },     // k=3
        Op::RollbackTo { pick: 0, invalid: false }, // back to s0: k=1 and k=2; s1 gone
        Op::Release { pick: 1, invalid: true },     // s1 is gone: fails
        Op::UpdateAbove { above: 15, v: 5 },        // k=2 → 5
        Op::Commit { invalid: false },              //
        Op::Commit { invalid: true },               // nothing open: fails
        Op::Begin { invalid: false },               //
        Op::Add { dup: false, pick: 0, v: 50 },     // k=4, rolled back at the end
    ]);
    for kind in [Kind::Sqlite, Kind::Postgres, Kind::Mariadb] {
        let expected = expect(&case, kind);
        assert_eq!(
            expected.script,
            "add Row k=1 v=10\ncount Row\nbegin\nadd Row k=2 v=20\ncount Row\nadd Row k=1 v=30\ncount Row\n\
             savepoint s0\ndelete Row where k=1\nsavepoint s1\nadd Row k=3 v=40\ncount Row\nrollback to s0\n\
             release s1\nupdate Row where v > 15 set v=5\ncommit\ncommit\nbegin\nadd Row k=4 v=50\ncount Row\n"
        );
        assert_eq!(expected.failing_lines, vec![6, 14, 17]);
        assert_eq!(expected.counts, vec![1, 2, 2, 2, 3]);
        assert_eq!(expected.rows, vec![(1, 10), (2, 5)]);
        assert!(expected.ended_in_transaction);
        assert_eq!(expected.exit_code, 1);
    }
}

/// Raw transaction control, schema changes per backend, deferred and immediate foreign keys.
#[test]
fn the_model_knows_each_backend() {
    let case = plain(vec![
        Op::Add { dup: false, pick: 0, v: 1 },                   // k=1
        Op::RawControl { spelling: 0 },                          // sql begin: refused
        Op::Index { slot: 0, wrong: false, comment: false },     // ix0 made, autocommit
        Op::Begin { invalid: false },                            //
        Op::RawControl { spelling: 5 },                          // sql commit: refused
        Op::ScratchTable { create: true },                       // refused on MariaDB
        Op::AddKid { dangling: false, pick: 0, via_sql: false }, // kid 1 → k=1
        Op::AddKid { dangling: true, pick: 3, via_sql: true },   // kid 2 → a missing key
        Op::Commit { invalid: false },                           // fails where deferred
        Op::Delete { miss: false, pick: 0 },                     // fails where kid 1 stayed
        Op::Index { slot: 0, wrong: true, comment: false },      // ix0 exists: fails
    ]);
    let script = |kind: Kind| {
        format!(
            "add Row k=1 v=1\ncount Row\nsql begin\nsql {}\nbegin\nsql commit\n\
             sql create table if not exists scratch (a int)\nadd Kid id=1 parent=1\ncount Kid\n\
             sql insert into kids (id, parent_id) values (2, 1000003)\ncount Kid\ncommit\n\
             delete Row where k=1\nsql {}\n",
            kind.create_index(0),
            kind.create_index(0),
        )
    };

    let pg = expect(&case, Kind::Postgres);
    assert_eq!(pg.script, script(Kind::Postgres));
    // The commit fails on the missing parent, and takes kid 1 and the scratch table with it.
    assert_eq!(pg.failing_lines, vec![3, 6, 12, 14]);
    assert_eq!(pg.counts, vec![1, 1, 2]);
    assert_eq!((pg.rows, pg.kids, pg.schema), (vec![], vec![], vec!["ix0".to_string()]));
    assert!(!pg.ended_in_transaction);
    assert_eq!(expect(&case, Kind::Sqlite).failing_lines, vec![3, 6, 12, 14]);

    let my = expect(&case, Kind::Mariadb);
    assert_eq!(my.script, script(Kind::Mariadb));
    // No scratch table in a transaction; the missing parent fails at once, alone, and the
    // commit keeps kid 1, which then keeps k=1 from being deleted.
    assert_eq!(my.failing_lines, vec![3, 6, 7, 10, 13, 14]);
    assert_eq!(my.counts, vec![1, 1, 1]);
    assert_eq!((my.rows, my.kids, my.schema), (vec![(1, 1)], vec![(1, 1)], vec!["ix0".to_string()]));

    // PostgreSQL makes no index on `rows` while the check of a deleted row waits for the commit
    // (dropping one it does); SQLite does, MariaDB refuses any schema change in the transaction.
    let pending = plain(vec![
        Op::Add { dup: false, pick: 0, v: 1 },               // k=1
        Op::Index { slot: 1, wrong: false, comment: false }, // ix1 made, autocommit
        Op::Begin { invalid: false },                        //
        Op::Delete { miss: false, pick: 0 },                 // k=1: a check waits
        Op::Index { slot: 0, wrong: false, comment: true },  // fails on PostgreSQL
        Op::Index { slot: 1, wrong: false, comment: false }, // drops ix1, but on MariaDB
        Op::Commit { invalid: false },                       //
        Op::Index { slot: 2, wrong: false, comment: false }, // autocommit: made everywhere
    ]);
    let failing = |kind| expect(&pending, kind).failing_lines;
    assert_eq!((failing(Kind::Postgres), failing(Kind::Sqlite), failing(Kind::Mariadb)), (vec![6], vec![], vec![6, 7]));
    let schema = |kind| expect(&pending, kind).schema;
    assert_eq!(schema(Kind::Postgres), ["ix2"]);
    assert_eq!(schema(Kind::Sqlite), ["ix0", "ix2"]);
    assert_eq!(schema(Kind::Mariadb), ["ix1", "ix2"]);

    // Outside a transaction a dangling child fails everywhere.
    let alone = plain(vec![Op::AddKid { dangling: true, pick: 0, via_sql: false }]);
    for kind in [Kind::Sqlite, Kind::Postgres, Kind::Mariadb] {
        assert_eq!(expect(&alone, kind).failing_lines, vec![1]);
    }
}

/// A sandbox says what a real run would, keeps nothing, and on MariaDB refuses every schema
/// change.
#[test]
fn the_model_knows_the_sandbox() {
    let ops = vec![
        Op::Add { dup: false, pick: 0, v: 1 },                  // k=1
        Op::ScratchTable { create: true },                      // refused on MariaDB
        Op::AddKid { dangling: true, pick: 0, via_sql: false }, // fails: its commit would
        Op::Begin { invalid: false },                           //
        Op::AddKid { dangling: true, pick: 0, via_sql: false }, // deferred: fine for now
        Op::Commit { invalid: false },                          // fails where deferred
        Op::Begin { invalid: false },                           // left open
    ];
    let case = Case { ops, clean: false, separate_adds: false, probe: true, sandbox: true, close: None };
    let pg = expect(&case, Kind::Postgres);
    // Each command is followed by `count Row` and the probe.
    assert_eq!(pg.failing_lines, vec![3, 6, 7, 9, 12, 15, 16, 18, 21]);
    assert_eq!(pg.probes, vec![(3, false), (6, false), (9, false), (12, true), (15, true), (18, false), (21, true)]);
    assert_eq!(pg.counts, vec![1, 1, 1, 1, 1, 1, 1]);
    assert_eq!((pg.rows, pg.kids, pg.schema), (vec![], vec![], vec![]));
    assert!(pg.ended_in_transaction);
    assert_eq!(pg.exit_code, 1);
    let my = expect(&case, Kind::Mariadb);
    assert_eq!(my.failing_lines, vec![3, 4, 6, 7, 9, 12, 13, 15, 18, 21]);
    assert!(my.ended_in_transaction);
}
