#!/usr/bin/env python3
"""ormsh against the databases' own CLIs, side by side.

    python3 bench/run.py [--runs 5] [--rows 100000] [--export-rows 1000000] [--with-users 20000] [--quick]
    python3 bench/run.py --only big-schema [--tables 2000] [--ormsh-before PATH]

Builds ormsh in release mode, generates each workload once, then runs ormsh and the peers
(sqlite3, psql, SQLAlchemy where installed) alternately, several times, and prints the median
time, peak memory and ormsh's ratio to each peer. PostgreSQL is used when $ORMSH_TEST_PG (or
$ORMSH_BENCH_PG) points at a server and psql is installed; a peer that is missing is skipped
with the reason. Nothing here asserts a number: it measures.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORMSH = os.path.join(ROOT, "target", "release", "ormsh")


TIME = shutil.which("time") or "/usr/bin/time"


def run(argv, stdin_path=None, env=None):
    """Runs a command; returns (seconds, peak KiB). Output is discarded; failure is fatal.

    The peak comes from GNU time inside the child: the rusage of a child forked from this
    Python process would count Python's own memory too."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    with tempfile.NamedTemporaryFile(mode="r") as peak_file:
        wrapped = [TIME, "-f", "%M", "-o", peak_file.name, *argv] if os.path.exists(TIME) else argv
        start = time.perf_counter()
        proc = subprocess.run(wrapped, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        elapsed = time.perf_counter() - start
        peak = peak_file.read().strip().splitlines()
    if stdin_path:
        stdin.close()
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(argv)}\n{proc.stderr.decode(errors='replace')}")
    return elapsed, int(peak[-1]) if peak and peak[-1].isdigit() else 0


def measure(contenders, runs, prepare=None):
    """contenders: list of (name, argv, stdin_path). Runs them alternately; medians."""
    times = {name: [] for name, _, _ in contenders}
    peaks = {name: [] for name, _, _ in contenders}
    for _ in range(runs):
        for name, argv, stdin_path in contenders:
            if prepare:
                prepare(name)
            seconds, peak = run(argv, stdin_path)
            times[name].append(seconds)
            peaks[name].append(peak)
    return {name: (statistics.median(times[name]), max(peaks[name])) for name in times}


def report(title, results, subject="ormsh"):
    print(f"\n{title}")
    base, base_peak = results[subject]
    print(f"  {'':28} {'median':>9} {'peak':>9}  ratio")
    for name, (seconds, peak) in results.items():
        ratio = "" if name == subject else f"{base / seconds:5.2f}x"
        print(f"  {name:28} {seconds:8.3f}s {peak / 1024:7.1f}M  {ratio}")


def sqlite3_sql(path, statements):
    subprocess.run(["sqlite3", path], input=statements.encode(), check=True)


def psql(url, sql):
    subprocess.run(["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=100_000, help="rows added by the insert workloads")
    parser.add_argument("--export-rows", type=int, default=1_000_000, help="rows read by the export workloads")
    parser.add_argument("--with-users", type=int, default=20_000, help="users (of 5 orders each) read with their orders")
    parser.add_argument("--big-values", default="1,10,100", help="sizes in MB of the single values shown in every format")
    parser.add_argument("--quick", action="store_true", help="3 runs, 20k rows added, 200k exported, 5k users with orders")
    parser.add_argument("--only", choices=["big-schema"], help="run one workload alone")
    parser.add_argument("--tables", type=int, default=2000, help="tables of the big-schema workload")
    parser.add_argument("--ormsh-before", help="another ormsh binary (an older build) to time beside this one")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.rows, args.export_rows, args.with_users = 3, 20_000, 200_000, 5_000

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    have_sqlite3 = shutil.which("sqlite3") is not None
    pg_url = os.environ.get("ORMSH_BENCH_PG") or os.environ.get("ORMSH_TEST_PG")
    have_psql = bool(pg_url) and shutil.which("psql") is not None
    try:
        import sqlalchemy.ext.asyncio  # noqa: F401
        import aiosqlite  # noqa: F401
        have_sqlalchemy = True
    except ImportError:
        have_sqlalchemy = False
    print(f"machine: {os.uname().machine}, {os.cpu_count()} cores; runs: {args.runs}")
    if not have_sqlite3:
        print("skipping sqlite3: not installed")
    if not have_psql:
        print("skipping psql: set ORMSH_TEST_PG (or ORMSH_BENCH_PG) and install psql")
    if not have_sqlalchemy:
        print("skipping SQLAlchemy: `pip install 'sqlalchemy[asyncio]' aiosqlite` to include it")

    work = tempfile.mkdtemp(prefix="ormsh-bench-")
    if args.only == "big-schema":
        big_schema(args, work, have_sqlite3, pg_url if have_psql else None)
        return
    n = args.rows
    adds = os.path.join(work, "adds.orm")
    adds_autocommit = os.path.join(work, "adds_autocommit.orm")
    inserts = os.path.join(work, "inserts.sql")
    inserts_pg = os.path.join(work, "inserts_pg.sql")
    with open(adds, "w") as orm, open(inserts, "w") as sql, open(inserts_pg, "w") as pgsql:
        orm.write("begin\n")
        sql.write("BEGIN;\n")
        pgsql.write("BEGIN;\n")
        for i in range(n):
            orm.write(f"add User name=user{i} age={i % 90} email=user{i}@example.com\n")
            line = f"INSERT INTO users (name, age, email) VALUES ('user{i}', {i % 90}, 'user{i}@example.com');\n"
            sql.write(line)
            pgsql.write(line)
        orm.write("commit\n")
        sql.write("COMMIT;\n")
        pgsql.write("COMMIT;\n")
    autocommit_n = min(n, 5_000)
    with open(adds_autocommit, "w") as orm:
        for i in range(autocommit_n):
            orm.write(f"add User name=user{i} age={i % 90} email=user{i}@example.com\n")

    schema = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER NOT NULL, email TEXT NOT NULL);"
    ormsh_db = os.path.join(work, "ormsh.db")
    sqlite_db = os.path.join(work, "sqlite3.db")

    def fresh(name):
        for path in (ormsh_db, sqlite_db):
            if os.path.exists(path):
                os.remove(path)
        sqlite3_sql(ormsh_db, schema) if have_sqlite3 else run([ORMSH, f"sqlite:{ormsh_db}", "-c", "model User { name: text, age: int, email: text }"])
        if have_sqlite3:
            sqlite3_sql(sqlite_db, schema)
        if have_psql:
            psql(pg_url, "DROP TABLE IF EXISTS users CASCADE; CREATE TABLE users (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, age BIGINT NOT NULL, email TEXT NOT NULL)")

    contenders = [("ormsh (sqlite)", [ORMSH, f"sqlite:{ormsh_db}", "-f", adds], None)]
    if have_sqlite3:
        contenders.append(("sqlite3 < inserts.sql", ["sqlite3", sqlite_db], inserts))
    if have_psql:
        contenders.append(("ormsh (postgres)", [ORMSH, pg_url, "-f", adds], None))
        contenders.append(("psql -f inserts.sql", ["psql", pg_url, "-q", "-f", inserts_pg], None))
    if have_sqlalchemy:
        script = os.path.join(work, "sqlalchemy_adds.py")
        with open(script, "w") as f:
            f.write(SQLALCHEMY_ADDS.format(n=n, db=os.path.join(work, "sqlalchemy.db")))
        contenders.append(("SQLAlchemy async ORM", [sys.executable, script], None))
    results = measure(contenders, args.runs, prepare=fresh)
    print(f"\n{n} adds in one transaction")
    base = results["ormsh (sqlite)"][0]
    for name, (seconds, peak) in results.items():
        peer = results.get("ormsh (postgres)", (base,))[0] if "psql" in name else base
        ratio = "" if name.startswith("ormsh") else f"ormsh/peer {peer / seconds:5.2f}"
        print(f"  {name:28} {seconds:8.3f}s {peak / 1024:7.1f}M  {ratio}")

    results = measure([("ormsh (sqlite)", [ORMSH, f"sqlite:{ormsh_db}", "-f", adds_autocommit], None)], args.runs, prepare=fresh)
    seconds = results["ormsh (sqlite)"][0]
    print(f"\n{autocommit_n} adds in autocommit mode (each its own transaction)")
    print(f"  {'ormsh (sqlite)':28} {seconds:8.3f}s  ({autocommit_n / seconds:,.0f} rows/s)")

    # Export: a table of export_rows rows, read out whole.
    m = args.export_rows
    big = os.path.join(work, "big.db")
    fill = (
        f"{schema} WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {m}) "
        "INSERT INTO users (name, age, email) SELECT 'user' || x, x % 90, 'user' || x || '@example.com' FROM c;"
    )
    if have_sqlite3:
        sqlite3_sql(big, fill)
    else:
        run([ORMSH, f"sqlite:{big}", "-c", f"sql {fill.split(';')[0]}", "-c", f"sql {fill.split(';')[1]}"])
    contenders = [(f"ormsh --format {fmt}", [ORMSH, f"sqlite:{big}", "--format", fmt, "-c", "query User"], None) for fmt in ("csv", "json", "table")]
    if have_sqlite3:
        contenders.append(("sqlite3 -csv", ["sqlite3", "-csv", "-header", big, "select * from users"], None))
    results = measure(contenders, args.runs)
    print(f"\n{m} rows out (SQLite)")
    peer = results.get("sqlite3 -csv", (None,))[0]
    for name, (seconds, peak) in results.items():
        ratio = f"ormsh/sqlite3 {seconds / peer:5.2f}" if peer and name.startswith("ormsh") else ""
        print(f"  {name:28} {seconds:8.3f}s {peak / 1024:7.1f}M  {ratio}")
    if have_psql:
        psql(pg_url, f"DROP TABLE IF EXISTS users CASCADE; CREATE TABLE users (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, age BIGINT NOT NULL, email TEXT NOT NULL); "
             f"INSERT INTO users (name, age, email) SELECT 'user' || x, x % 90, 'user' || x || '@example.com' FROM generate_series(1, {m}) AS x")
        results = measure([
            ("ormsh --format csv", [ORMSH, pg_url, "--format", "csv", "-c", "query User"], None),
            ("psql -A -F,", ["psql", pg_url, "-A", "-F,", "-c", "select * from users"], None),
        ], args.runs)
        print(f"\n{m} rows out (PostgreSQL)")
        peer = results["psql -A -F,"][0]
        for name, (seconds, peak) in results.items():
            ratio = f"ormsh/psql {seconds / peer:5.2f}" if name.startswith("ormsh") else ""
            print(f"  {name:28} {seconds:8.3f}s {peak / 1024:7.1f}M  {ratio}")
        psql(pg_url, "DROP TABLE IF EXISTS users CASCADE")

    summaries(args, work, have_sqlite3, pg_url if have_psql else None)
    imports(args, work, have_sqlite3, pg_url if have_psql else None)
    bench_with(args, work, have_sqlite3, pg_url if have_psql else None)
    big_values(args, work)
    big_schema(args, work, have_sqlite3, pg_url if have_psql else None)

    # One-shot count on a database of 20 tables.
    small = os.path.join(work, "small.db")
    tables = "".join(f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY, a TEXT, b INTEGER, c REAL);" for i in range(19))
    if have_sqlite3:
        sqlite3_sql(small, schema + tables + "INSERT INTO users (name, age, email) VALUES ('a', 1, 'a@x');")
        results = measure([
            ("ormsh -c 'count User'", [ORMSH, f"sqlite:{small}", "-c", "count User"], None),
            ("sqlite3 'select count(*)'", ["sqlite3", small, "select count(*) from users"], None),
        ], max(args.runs, 10))
        print("\none-shot count, 20 tables")
        peer = results["sqlite3 'select count(*)'"][0]
        for name, (seconds, peak) in results.items():
            ratio = f"ormsh/sqlite3 {seconds / peer:5.2f}" if name.startswith("ormsh") else ""
            print(f"  {name:28} {seconds * 1000:7.1f}ms {peak / 1024:7.1f}M  {ratio}")
    shutil.rmtree(work, ignore_errors=True)


def summaries(args, work, have_sqlite3, pg_url):
    """`count Sale by region` over export_rows rows, against the database's own GROUP BY."""
    m = args.export_rows
    group_by = "SELECT region, COUNT(*) FROM sales GROUP BY region ORDER BY COUNT(*) DESC, region"
    create = "CREATE TABLE sales (id INTEGER PRIMARY KEY, region TEXT NOT NULL, amount REAL NOT NULL)"
    if have_sqlite3:
        db = os.path.join(work, "sales.db")
        sqlite3_sql(db, f"{create}; WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {m}) "
                        "INSERT INTO sales (region, amount) SELECT 'region' || (x % 50), x % 1000 FROM c;")
        results = measure([
            ("ormsh 'count Sale by region'", [ORMSH, f"sqlite:{db}", "-c", "count Sale by region"], None),
            ("sqlite3 GROUP BY", ["sqlite3", db, group_by], None),
        ], args.runs)
        report(f"count by region, {m} rows (SQLite); ratio: ormsh/peer", results, subject="ormsh 'count Sale by region'")
    if pg_url:
        psql(pg_url, f"DROP TABLE IF EXISTS sales CASCADE; {create.replace('INTEGER PRIMARY KEY', 'BIGSERIAL PRIMARY KEY')}; "
                     f"INSERT INTO sales (region, amount) SELECT 'region' || (x % 50), x % 1000 FROM generate_series(1, {m}) AS x")
        results = measure([
            ("ormsh 'count Sale by region'", [ORMSH, pg_url, "-c", "count Sale by region"], None),
            ("psql GROUP BY", ["psql", pg_url, "-A", "-c", group_by], None),
        ], args.runs)
        report(f"count by region, {m} rows (PostgreSQL); ratio: ormsh/peer", results, subject="ormsh 'count Sale by region'")
        psql(pg_url, "DROP TABLE IF EXISTS sales CASCADE")


IMPORT_CREATE = "CREATE TABLE rows (id BIGINT PRIMARY KEY, name TEXT NOT NULL, price NUMERIC(12, 2) NOT NULL, day DATE NOT NULL)"


def imports(args, work, have_sqlite3, pg_url):
    """`import Row from rows.csv` of export_rows rows (id, text, decimal, date) into an empty
    table, against sqlite3's `.import` and psql's `\\copy`."""
    m = args.export_rows
    csv_path = os.path.join(work, "rows.csv")
    with open(csv_path, "w") as out:
        out.write("id,name,price,day\n")
        for i in range(1, m + 1):
            out.write(f"{i},name {i},{i % 100000}.{i % 100:02d},20{i % 30:02d}-{i % 12 + 1:02d}-{i % 28 + 1:02d}\n")
    if have_sqlite3:
        dbs = {"ormsh import (sqlite)": os.path.join(work, "import_ormsh.db"), "sqlite3 .import": os.path.join(work, "import_sqlite3.db")}

        def empty(name):
            if os.path.exists(dbs[name]):
                os.remove(dbs[name])
            sqlite3_sql(dbs[name], IMPORT_CREATE + ";")

        results = measure([
            ("ormsh import (sqlite)", [ORMSH, f"sqlite:{dbs['ormsh import (sqlite)']}", "-c", f"import Row from {csv_path}"], None),
            ("sqlite3 .import", ["sqlite3", dbs["sqlite3 .import"], "-cmd", ".mode csv", f".import --skip 1 {csv_path} rows"], None),
        ], args.runs, prepare=empty)
        report(f"import of a {m}-row CSV (SQLite); ratio: ormsh/peer", results, subject="ormsh import (sqlite)")
    if pg_url:
        def empty_pg(_name):
            psql(pg_url, f"DROP TABLE IF EXISTS rows CASCADE; {IMPORT_CREATE}")

        copy = f"\\copy rows (id, name, price, day) from '{csv_path}' csv header"
        results = measure([
            ("ormsh import (postgres)", [ORMSH, pg_url, "-c", f"import Row from {csv_path}"], None),
            ("psql \\copy", ["psql", pg_url, "-q", "-c", copy], None),
        ], args.runs, prepare=empty_pg)
        report(f"import of a {m}-row CSV (PostgreSQL); ratio: ormsh/peer", results, subject="ormsh import (postgres)")
        psql(pg_url, "DROP TABLE IF EXISTS rows CASCADE")


# `query User with orders --format json`: every user with a list of their orders, against the
# same nested JSON built by the database's own CLI in one statement (json_group_array,
# json_agg), as ormsh builds it. The orders' user_id has an index, as Rails and Django make one.
WITH_SCHEMA = (
    "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL);"
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id), "
    "total NUMERIC NOT NULL, placed DATE NOT NULL);"
    "CREATE INDEX orders_user_id ON orders (user_id);"
)

# sqlite3 3.40 (Debian's) has no ORDER BY inside an aggregate: the orders come sorted from a
# subquery instead.
SQLITE3_WITH = (
    "SELECT json_object('id', u.id, 'name', u.name, 'country', u.country, 'orders', "
    "(SELECT json_group_array(json_object('id', o.id, 'user_id', o.user_id, 'total', o.total, 'placed', o.placed)) "
    "FROM (SELECT * FROM orders AS o WHERE o.user_id = u.id ORDER BY o.id) AS o)) FROM users AS u"
)

PSQL_WITH = (
    "SELECT json_build_object('id', u.id, 'name', u.name, 'country', u.country, 'orders', "
    "(SELECT COALESCE(json_agg(o ORDER BY o.id), '[]'::json) FROM orders AS o WHERE o.user_id = u.id)) FROM users AS u"
)


def bench_with(args, work, have_sqlite3, pg_url):
    users = args.with_users
    orders = users * 5
    db = os.path.join(work, "with.db")
    fill = (
        f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {users}) "
        "INSERT INTO users (id, name, country) SELECT x, 'user' || x, CASE x % 3 WHEN 0 THEN 'NO' ELSE 'SE' END FROM c; "
        f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {orders}) "
        "INSERT INTO orders (id, user_id, total, placed) SELECT x, (x - 1) / 5 + 1, (x % 1000) * 1.25, '2024-01-01' FROM c;"
    )
    if have_sqlite3:
        sqlite3_sql(db, WITH_SCHEMA + fill)
    else:
        for statement in (WITH_SCHEMA + fill).split(";"):
            if statement.strip():
                run([ORMSH, f"sqlite:{db}", "-c", f"sql {statement}"])
    command = ["--format", "json", "-c", "query User with orders"]
    contenders = [("ormsh (sqlite)", [ORMSH, f"sqlite:{db}", *command], None)]
    if have_sqlite3:
        contenders.append(("sqlite3 json_group_array", ["sqlite3", db, SQLITE3_WITH], None))
    results = measure(contenders, args.runs)
    print(f"\n`query User with orders --format json`, {users} users x 5 orders (SQLite)")
    peer = results.get("sqlite3 json_group_array", (None,))[0]
    for name, (seconds, peak) in results.items():
        ratio = f"ormsh/sqlite3 {seconds / peer:5.2f}" if peer and name.startswith("ormsh") else ""
        print(f"  {name:28} {seconds:8.3f}s {peak / 1024:7.1f}M  {ratio}")
    if pg_url:
        psql(pg_url, "SET client_min_messages = warning; DROP TABLE IF EXISTS orders, users CASCADE; "
             "CREATE TABLE users (id BIGINT PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL); "
             "CREATE TABLE orders (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users (id), "
             "total NUMERIC(10,2) NOT NULL, placed DATE NOT NULL); CREATE INDEX orders_user_id ON orders (user_id); "
             f"INSERT INTO users SELECT x, 'user' || x, CASE x % 3 WHEN 0 THEN 'NO' ELSE 'SE' END FROM generate_series(1, {users}) AS x; "
             f"INSERT INTO orders SELECT x, (x - 1) / 5 + 1, (x % 1000) * 1.25, '2024-01-01' FROM generate_series(1, {orders}) AS x; "
             "ANALYZE users; ANALYZE orders")
        results = measure([
            ("ormsh (postgres)", [ORMSH, pg_url, *command], None),
            ("psql json_agg", ["psql", pg_url, "-A", "-t", "-c", PSQL_WITH], None),
        ], args.runs)
        print(f"\n`query User with orders --format json`, {users} users x 5 orders (PostgreSQL)")
        peer = results["psql json_agg"][0]
        for name, (seconds, peak) in results.items():
            ratio = f"ormsh/psql {seconds / peer:5.2f}" if name.startswith("ormsh") else ""
            print(f"  {name:28} {seconds:8.3f}s {peak / 1024:7.1f}M  {ratio}")
        psql(pg_url, "DROP TABLE IF EXISTS orders, users CASCADE")


FORMATS = ["table", "vertical", "json", "csv"]


def big_values(args, work):
    """One value of 1, 10 and 100 MB (`get`), and many small rows (`query`), through every format:
    the time per MB of output should stay flat as the value grows (issue 17.2)."""
    import sqlite3
    db = os.path.join(work, "big.db")
    run([ORMSH, f"sqlite:{db}", "-c", "model Doc { body: text }", "-c", "model Row { name: text, n: int }"])
    sizes = [int(s) for s in args.big_values.split(",") if s.strip()]
    line = "0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\n"
    conn = sqlite3.connect(db)
    for mb in sizes:
        conn.execute("INSERT INTO docs (body) VALUES (?)", (line * (mb * 1024 * 1024 // len(line)),))
    small = args.export_rows
    conn.execute(
        f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {small}) "
        "INSERT INTO rows (name, n) SELECT 'row' || x, x FROM c"
    )
    conn.commit()
    conn.close()
    print("\nbig values: `get Doc N` of one text value (SQLite), seconds and seconds per MB")
    print(f"  {'':12}" + "".join(f"{f:>20}" for f in FORMATS))
    for id_, mb in enumerate(sizes, start=1):
        cells = []
        for fmt in FORMATS:
            seconds = statistics.median(
                run([ORMSH, f"sqlite:{db}", "--format", fmt, "-c", f"get Doc {id_}"])[0] for _ in range(max(1, args.runs // 2))
            )
            cells.append(f"{seconds:8.3f}s {seconds / mb:6.3f}s/MB")
        print(f"  {str(mb) + ' MB':12}" + "".join(f"{c:>20}" for c in cells))
    print(f"\nmany small rows: `query Row` of {small} rows (SQLite), every format")
    results = measure(
        [(fmt, [ORMSH, f"sqlite:{db}", "--format", fmt, "-c", "query Row"], None) for fmt in FORMATS], args.runs
    )
    report(f"`query Row`, {small} rows", results, subject="table")


def pty_first_prompt(argv, prompt_end, timeout=20.0):
    """Seconds from exec to the prompt on screen: `argv` runs in a pseudo-terminal, and the
    clock stops when its output (colours taken out) shows `prompt_end` (pgcli draws a toolbar
    under its prompt). A cursor-position
    question (ESC [6n, which line editors ask) is answered as a terminal would. The program is
    then sent Ctrl-D, and killed if it does not leave."""
    import pty
    import re
    import select
    import signal

    ansi = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]|\r")
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execvp(argv[0], argv)
    seen = b""
    elapsed = None
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            if b"\x1b[6n" in chunk:
                os.write(fd, b"\x1b[1;1R")
            seen += chunk
            if prompt_end.rstrip(" ").encode() in ansi.sub(b"", seen):
                elapsed = time.perf_counter() - start
                break
        os.write(fd, b"\x04")
        deadline = time.perf_counter() + 3
        while time.perf_counter() < deadline:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if select.select([fd], [], [], 0.05)[0]:
                try:
                    os.read(fd, 65536)
                except OSError:
                    pass
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    finally:
        os.close(fd)
    if elapsed is None:
        sys.exit(f"no prompt from {' '.join(argv)} within {timeout}s; it showed:\n{seen.decode(errors='replace')}")
    return elapsed


def big_schema(args, work, have_sqlite3, pg_url):
    """A database of --tables tables (each refers to one of the first tables, as a schema's
    tables refer to its few central ones): a one-shot `count` of one table against `sqlite3`
    and `psql -c`, and the first prompt (pty-timed, from exec to the prompt on screen) against
    pgcli's on the same database."""
    tables = args.tables
    name = lambda i: f"t{i:04d}"
    create = "".join(
        f"CREATE TABLE {name(i)} (id INTEGER PRIMARY KEY, label TEXT NOT NULL, amount INTEGER, day DATE"
        + (f", parent_id INTEGER REFERENCES {name(i % 10)} (id)" if i >= 10 else "")
        + ");\n"
        for i in range(tables)
    )
    target = name(tables // 2)
    fill = (f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) "
            f"INSERT INTO {target} (label, amount) SELECT 'row' || x, x FROM c;")
    model = target.upper()[0] + target[1:]
    ormshes = [("ormsh", ORMSH)] + ([("ormsh before", args.ormsh_before)] if args.ormsh_before else [])
    runs = max(args.runs, 5)
    print(f"\nbig schema: {tables} tables; `count {model}` one-shot, and the first prompt")

    def first_prompts(contenders):
        times = {label: [] for label, _, _ in contenders}
        for _ in range(runs):
            for label, argv, prompt_end in contenders:
                times[label].append(pty_first_prompt(argv, prompt_end))
        return {label: statistics.median(t) for label, t in times.items()}

    def show(title, results, peer):
        print(f"  {title}")
        for label, seconds in results.items():
            ratio = "" if label == peer else f"  {label}/{peer} {seconds / results[peer]:5.2f}x"
            print(f"    {label:24} {seconds * 1000:8.1f} ms{ratio}")

    if have_sqlite3:
        db = os.path.join(work, "big_schema.db")
        sqlite3_sql(db, "BEGIN;\n" + create + fill + "\nCOMMIT;")
        results = measure(
            [(label, [binary, f"sqlite:{db}", "-c", f"count {model}"], None) for label, binary in ormshes]
            + [("sqlite3", ["sqlite3", db, f"SELECT count(*) FROM {target}"], None)],
            runs,
        )
        show(f"one-shot count (SQLite); goal <= 1.5x", {k: v[0] for k, v in results.items()}, "sqlite3")
        prompts = first_prompts([(label, [binary, f"sqlite:{db}"], "big_schema.db> ") for label, binary in ormshes])
        show("first prompt (SQLite); goal < 150 ms", prompts, "ormsh")
    if pg_url:
        from urllib.parse import urlsplit, urlunsplit
        parts = urlsplit(pg_url)
        # A database of its own: thousands of tables in the shared test database would slow
        # every other test that reads its catalog.
        admin = urlunsplit(parts._replace(path="/postgres"))
        big = urlunsplit(parts._replace(path="/ormsh_bench_big_schema"))
        psql(admin, "DROP DATABASE IF EXISTS ormsh_bench_big_schema")
        psql(admin, "CREATE DATABASE ormsh_bench_big_schema")
        try:
            pg_create = create.replace("INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY").replace("parent_id INTEGER", "parent_id BIGINT")
            pg_fill = f"INSERT INTO {target} (label, amount) SELECT 'row' || x, x FROM generate_series(1, 1000) AS x;"
            subprocess.run(["psql", big, "-q", "-v", "ON_ERROR_STOP=1"], input=(pg_create + pg_fill).encode(),
                           check=True, stdout=subprocess.DEVNULL)
            results = measure(
                [(label, [binary, big, "-c", f"count {model}"], None) for label, binary in ormshes]
                + [("psql -c", ["psql", big, "-A", "-t", "-c", f"SELECT count(*) FROM {target}"], None)],
                runs,
            )
            show(f"one-shot count (PostgreSQL); goal <= 1.5x", {k: v[0] for k, v in results.items()}, "psql -c")
            host = parts.hostname or "localhost"
            contenders = [(label, [binary, big], "ormsh_bench_big_schema> ") for label, binary in ormshes]
            pgcli = shutil.which("pgcli")
            if pgcli:
                contenders.append(("pgcli", [pgcli, "--less-chatty", big], "ormsh_bench_big_schema> "))
            else:
                print("  skipping pgcli: not installed (`pip install pgcli`)")
            prompts = first_prompts(contenders)
            show(f"first prompt (PostgreSQL, {host}); goal < 150 ms", prompts, "ormsh")
        finally:
            psql(admin, "DROP DATABASE IF EXISTS ormsh_bench_big_schema")


SQLALCHEMY_ADDS = '''
import asyncio
from sqlalchemy import String, Integer
from sqlalchemy.ext.asyncio import create_async_engine, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String)
    age: Mapped[int] = mapped_column(Integer)
    email: Mapped[str] = mapped_column(String)

async def main():
    engine = create_async_engine("sqlite+aiosqlite:///{db}")
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)
    async with async_sessionmaker(engine)() as session:
        for i in range({n}):
            session.add(User(name=f"user{{i}}", age=i % 90, email=f"user{{i}}@example.com"))
        await session.commit()
    await engine.dispose()

asyncio.run(main())
'''

if __name__ == "__main__":
    main()
