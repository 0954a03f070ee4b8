use rexpect::session::{Options, spawn_with_options};
use std::process::Command;

#[test]
fn explore() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ormsh"));
    cmd.arg(format!("sqlite:{}/p.db", dir.path().display()))
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("DATABASE_URL");
    let mut p =
        spawn_with_options(cmd, Options::new().timeout_ms(Some(10_000)).strip_ansi_escape_codes(false)).unwrap();
    let s = p.exp_string("ormsh> ").unwrap();
    eprintln!("BANNER {s:?}");
    p.send_line("model User { name: text }").unwrap();
    let s = p.exp_string("created").unwrap();
    eprintln!("A {s:?}");
    let s = p.exp_string("ormsh> ").unwrap();
    eprintln!("B {s:?}");
    p.send_line("add User name=John").unwrap();
    let s = p.exp_string("ormsh> ").unwrap();
    eprintln!("C {s:?}");
    p.send_line("add User nme=John").unwrap();
    let s = p.exp_string("ormsh> ").unwrap();
    eprintln!("D {s:?}");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let mut rest = String::new();
    while let Some(c) = p.try_read() {
        rest.push(c);
    }
    eprintln!("E {rest:?}");
    p.send_control('c').unwrap();
    let s = p.exp_string("ormsh> ").unwrap();
    eprintln!("F {s:?}");
    p.send("mod").unwrap();
    p.flush().unwrap();
    p.send_control('c').unwrap();
    let s = p.exp_string("ormsh> ").unwrap();
    eprintln!("G {s:?}");
    p.send_line("begin").unwrap();
    let s = p.exp_string("ormsh [tx]> ").unwrap();
    eprintln!("H {s:?}");
    p.send_line("model Post {").unwrap();
    p.send_line("title: text").unwrap();
    p.send_line("}").unwrap();
    let s = p.exp_string("ormsh [tx]> ").unwrap();
    eprintln!("I {s:?}");
    p.send_line("drop User").unwrap();
    let s = p.exp_string("[y/N] ").unwrap();
    eprintln!("J {s:?}");
    p.send_line("n").unwrap();
    let s = p.exp_string("ormsh [tx]> ").unwrap();
    eprintln!("K {s:?}");
    p.send_control('d').unwrap();
    let s = p.exp_eof().unwrap();
    eprintln!("L {s:?}");
    let st = p.process().wait().unwrap();
    eprintln!("M {st:?}");
}
