//! The command line: arguments, choosing the input, and the exit status.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, ValueEnum};

use crate::ast::Format;
use crate::diagnostic;
use crate::editor::{Editor, history_path};
use crate::error::{Error, ErrorKind};
use crate::render::Printer;
use crate::runner::{Ended, NoConfirm, OnError, Runner};
use crate::session::Session;

/// The database used when neither a URL nor $DATABASE_URL is given.
pub const DEFAULT_URL: &str = "sqlite:ormsh.db";

#[derive(Debug, Parser)]
#[command(name = "ormsh", version, about = "An interactive ORM shell for SQLite, PostgreSQL and MySQL/MariaDB")]
#[command(
    after_help = "Examples:\n  ormsh                                   # the prompt, on sqlite:ormsh.db\n  ormsh app.db -c 'query User where name=John'\n  ormsh postgres://localhost/app -f seed.orm\n  cat script.orm | ormsh mysql://root@localhost/test"
)]
pub struct Args {
    /// Database URL: sqlite:FILE, postgres://…, mysql://… (default: $DATABASE_URL, then sqlite:ormsh.db)
    #[arg(env = "DATABASE_URL", hide_env_values = true)]
    pub url: Option<String>,

    /// Run the commands of FILE and exit
    #[arg(short = 'f', long = "file", value_name = "FILE", conflicts_with = "command")]
    pub file: Option<PathBuf>,

    /// Run CMD and exit (may be given several times)
    #[arg(short = 'c', long = "command", value_name = "CMD")]
    pub command: Vec<String>,

    /// How rows are printed
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,

    /// What a script does after a failed command
    #[arg(long = "on-error", value_enum, default_value_t = OnErrorArg::Stop)]
    pub on_error: OnErrorArg,

    /// Run everything in one transaction that is rolled back at exit
    #[arg(long)]
    pub sandbox: bool,

    /// In scripts, also print what writes did (added records, row counts, statuses)
    #[arg(short, long)]
    pub verbose: bool,

    /// Colour: auto (on a terminal without NO_COLOR), always, never
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Table,
    Vertical,
    Json,
    Csv,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Vertical => Format::Vertical,
            FormatArg::Json => Format::Json,
            FormatArg::Csv => Format::Csv,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OnErrorArg {
    Stop,
    Continue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

/// Where the commands come from.
enum Input {
    Commands(Vec<String>),
    File(PathBuf),
    Stdin,
    Prompt,
}

/// A URL as typed: a bare file name means an SQLite file.
pub fn normalize_url(url: &str) -> String {
    let has_scheme = url.contains("://") || url.starts_with("sqlite:");
    if has_scheme { url.to_string() } else { format!("sqlite:{url}") }
}

/// Runs ormsh with parsed arguments; the process's exit status.
pub async fn run(args: Args) -> i32 {
    let color_wanted = |stream_is_terminal: bool| match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let out_color = color_wanted(std::io::stdout().is_terminal());
    let err_color = color_wanted(std::io::stderr().is_terminal());
    let input = if !args.command.is_empty() {
        Input::Commands(args.command.clone())
    } else if let Some(file) = &args.file {
        Input::File(file.clone())
    } else if !std::io::stdin().is_terminal() {
        Input::Stdin
    } else {
        Input::Prompt
    };
    let interactive = matches!(input, Input::Prompt);
    // An empty URL (`DATABASE_URL=`) is no URL, not an in-memory database that loses everything.
    let url = normalize_url(args.url.as_deref().filter(|u| !u.trim().is_empty()).unwrap_or(DEFAULT_URL));
    let stdout: Box<dyn Write + Send> = Box::new(std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout()));
    let printer = Printer::new(stdout, args.format.into(), out_color, interactive, args.verbose);

    let mut session = match Session::open(&url, printer, args.sandbox).await {
        Ok(session) => session,
        Err(err) => {
            eprintln!("{}", diagnostic::render(&err, "", "", err_color).trim_end());
            return 2;
        }
    };
    let on_error = match args.on_error {
        OnErrorArg::Stop => OnError::Stop,
        OnErrorArg::Continue => OnError::Continue,
    };

    let failures = match input {
        Input::Prompt => {
            println!(
                "ormsh {} on {} — `help` for commands, `quit` or Ctrl-D to leave",
                env!("CARGO_PKG_VERSION"),
                session.location()
            );
            if let Some(note) = session.role_note() {
                println!("note: {note}");
            }
            match Editor::start(history_path(), out_color) {
                Ok(editor) => {
                    crate::repl::run(&mut session, &editor, out_color, err_color).await;
                    0
                }
                Err(e) => {
                    // The prompt was asked for and cannot be had: a usage error, not a session.
                    eprintln!("error: cannot start the line editor: {e}");
                    let _ = session.finish().await;
                    return 2;
                }
            }
        }
        script => {
            // Every non-interactive input is a list of (origin, text, base directory).
            let sources = match script {
                Input::Commands(commands) => {
                    commands.into_iter().map(|c| ("<command>".to_string(), c, PathBuf::from("."))).collect()
                }
                Input::File(path) => match std::fs::read_to_string(&path) {
                    Ok(text) => vec![(
                        path.display().to_string(),
                        text,
                        path.parent().map(Path::to_path_buf).unwrap_or_default(),
                    )],
                    Err(e) => {
                        let err = Error::new(
                            ErrorKind::Usage,
                            format!("cannot read {}: {}", path.display(), crate::runner::io_reason(&e)),
                        );
                        eprintln!("{}", diagnostic::render(&err, "", "", err_color).trim_end());
                        let _ = session.finish().await;
                        return 2;
                    }
                },
                _ => {
                    let mut text = String::new();
                    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
                        eprintln!("error: cannot read standard input: {e}");
                        let _ = session.finish().await;
                        return 2;
                    }
                    vec![("<stdin>".to_string(), text, PathBuf::from("."))]
                }
            };
            let mut stderr = std::io::stderr();
            let mut no_questions = NoConfirm;
            let mut runner = Runner::new(&mut session, &mut no_questions, &mut stderr, on_error, err_color);
            for (origin, text, base) in &sources {
                if runner.run(origin, text, base).await != Ended::Done {
                    break;
                }
            }
            runner.failures
        }
    };
    let rolled_back = session.finish().await;
    if let Some(note) = &rolled_back {
        eprintln!("{note}");
    }
    // A script that ends with its transaction open did not finish its work: that is a failure.
    let unfinished = rolled_back.is_some() && !interactive && !args.sandbox;
    // At the prompt every error was shown where it happened; like psql, leaving is a success.
    if !interactive && (failures > 0 || unfinished) { 1 } else { 0 }
}
