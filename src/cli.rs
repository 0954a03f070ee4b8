//! The command line: arguments, choosing the input, and the exit status.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, ValueEnum};

use crate::ast::Format;
use crate::config::{ColorChoice, Config, RC_FILE, config_dir};
use crate::diagnostic;
use crate::editor::{Editor, EditorOptions};
use crate::error::{Error, ErrorKind};
use crate::new_database::NewDatabase;
use crate::render::{Printer, Screen, pager_from_env};
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

    /// How rows are printed [default: auto at the prompt (table, or vertical when rows are too
    /// wide for the terminal), table otherwise]
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,

    /// What a script does after a failed command
    #[arg(long = "on-error", value_enum, default_value_t = OnErrorArg::Stop)]
    pub on_error: OnErrorArg,

    /// Run everything in one transaction that is rolled back at exit
    #[arg(long)]
    pub sandbox: bool,

    /// In scripts, also print what writes did (added records, row counts, statuses)
    #[arg(short, long)]
    pub verbose: bool,

    /// Ask for the password, without echo, instead of writing it in the URL (where other users
    /// can read it in the process list). $PGPASSWORD, ~/.pgpass, $MYSQL_PWD and ~/.my.cnf are
    /// read too, when the URL has no password
    #[arg(short = 'W', long = "password")]
    pub password: bool,

    /// Colour: auto (on a terminal without NO_COLOR), always, never [default: auto, or the
    /// config file's `color`]
    #[arg(long, value_enum)]
    pub color: Option<ColorArg>,

    /// At the prompt, skip the config file (config.toml) and the startup script (rc.orm)
    #[arg(long = "no-rc")]
    pub no_rc: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Table,
    Vertical,
    Json,
    Csv,
    Auto,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Vertical => Format::Vertical,
            FormatArg::Json => Format::Json,
            FormatArg::Csv => Format::Csv,
            FormatArg::Auto => Format::Auto,
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

/// The first line at the prompt: the version, the database (and which kind, when its URL does
/// not say), and the sandbox.
fn banner(session: &Session) -> String {
    let database = match session.dialect() {
        crate::dialect::Dialect::Sqlite => "SQLite",
        crate::dialect::Dialect::Postgres => "PostgreSQL",
        crate::dialect::Dialect::Mysql => "MySQL/MariaDB",
    };
    let sandbox = if session.sandbox() { " [sandbox: everything is rolled back at exit]" } else { "" };
    format!(
        "ormsh {} on {} ({database}){sandbox} — `help` for commands, `quit` or Ctrl-D to leave",
        env!("CARGO_PKG_VERSION"),
        session.location()
    )
}

/// The config file's settings, as `set` commands; one that fails is a warning at its line.
async fn apply_settings(session: &mut Session, config: &Config) {
    let Some(path) = &config.path else { return };
    for (command, line) in &config.settings {
        let applied = match crate::parser::parse_statement(command) {
            Ok(statement) => session.execute(&statement, &mut NoConfirm).await.map(drop),
            Err(err) => Err(err),
        };
        if let Err(err) = applied {
            let key = command.split_whitespace().nth(1).unwrap_or_default();
            let help = err.help.map(|h| format!(" ({h})")).unwrap_or_default();
            eprintln!("warning: {}:{line}: `{key}`: {}{help}", path.display(), err.message);
        }
    }
}

/// The startup script, when there is one: its commands run as if typed, an error reported at
/// its line and the next command run, and the prompt starts whatever happened.
async fn run_rc(session: &mut Session, path: &Path, err_color: bool) {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Err(e) => {
            eprintln!("warning: {}: cannot read it: {}", path.display(), crate::runner::io_reason(&e));
            return;
        }
    };
    let mut stderr = std::io::stderr();
    let mut no_questions = NoConfirm;
    let mut runner = Runner::new(session, &mut no_questions, &mut stderr, OnError::Continue, err_color);
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    runner.run(&path.display().to_string(), &text, &base).await;
}

/// A URL as typed: a bare file name means an SQLite file.
pub fn normalize_url(url: &str) -> String {
    let has_scheme = url.contains("://") || url.starts_with("sqlite:");
    if has_scheme { url.to_string() } else { format!("sqlite:{url}") }
}

/// `--password`: the URL with the password typed at the terminal, unseen (as psql's `-W`).
fn ask_password(url: &str) -> Result<String, Error> {
    let mut parsed = url::Url::parse(url)
        .ok()
        .filter(|u| u.has_host())
        .ok_or_else(|| Error::new(ErrorKind::Usage, "--password needs a server URL (postgres://… or mysql://…)"))?;
    let password = rpassword::prompt_password(format!("Password for {}: ", crate::redact::redact_url(url)))
        .map_err(|e| Error::new(ErrorKind::Usage, format!("cannot read the password: {e}")))?;
    parsed
        .set_password(Some(&password))
        .map_err(|()| Error::new(ErrorKind::Usage, "this URL cannot carry a password"))?;
    Ok(parsed.to_string())
}

/// Runs ormsh with parsed arguments; the process's exit status.
pub async fn run(args: Args) -> i32 {
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
    // The person's defaults are for the prompt only: a script's output must not depend on who
    // runs it.
    let config_dir = if interactive && !args.no_rc { config_dir() } else { None };
    let config = config_dir.as_deref().map(Config::load).unwrap_or_default();
    let color = args.color.unwrap_or(match config.color {
        Some(ColorChoice::Always) => ColorArg::Always,
        Some(ColorChoice::Never) => ColorArg::Never,
        Some(ColorChoice::Auto) | None => ColorArg::Auto,
    });
    let color_wanted = |stream_is_terminal: bool| match color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let out_color = color_wanted(std::io::stdout().is_terminal());
    let err_color = color_wanted(std::io::stderr().is_terminal());
    // An empty URL (`DATABASE_URL=`) is no URL, not an in-memory database that loses everything.
    let given = args.url.as_deref().filter(|u| !u.trim().is_empty());
    let mut url = normalize_url(given.unwrap_or(DEFAULT_URL));
    if args.password {
        match ask_password(&url) {
            Ok(with_password) => url = with_password,
            Err(err) => {
                eprintln!("{}", diagnostic::render(&err, "", "", err_color).trim_end());
                return 2;
            }
        }
    }
    let format = args.format.map_or(if interactive { Format::Auto } else { Format::Table }, Format::from);
    // At the prompt, on a terminal, results taller or wider than it go through the pager.
    let screen = (interactive && std::io::stdout().is_terminal()).then(|| Screen::new(pager_from_env()));
    let stdout: Box<dyn Write + Send> = match &screen {
        Some(screen) => Box::new(std::io::BufWriter::with_capacity(64 * 1024, screen.clone())),
        None => Box::new(std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout())),
    };
    let mut printer = Printer::new(stdout, format, out_color, interactive, args.verbose);
    if let Some(screen) = screen {
        printer = printer.with_screen(screen);
    }

    let new_database = NewDatabase::before_open(&url, given.is_none());
    let mut session = match Session::open(&url, printer, args.sandbox).await {
        Ok(session) => session,
        Err(err) => {
            new_database.and_then(NewDatabase::settle);
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
            for warning in &config.warnings {
                eprintln!("warning: {warning}");
            }
            apply_settings(&mut session, &config).await;
            println!("{}", banner(&session));
            if let Some(note) = session.role_note() {
                println!("note: {note}");
            }
            let history = crate::history::default_path().filter(|path| match crate::history::prepare(path) {
                Ok(()) => true,
                Err(why) => {
                    eprintln!("warning: {why}");
                    false
                }
            });
            let options =
                EditorOptions { edit_mode: config.edit_mode.unwrap_or_default(), history_size: config.history_size };
            match Editor::start(history, out_color, options) {
                Ok(editor) => {
                    if let Some(dir) = &config_dir {
                        run_rc(&mut session, &dir.join(RC_FILE), err_color).await;
                    }
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
    drop(session);
    if let Some(note) = new_database.and_then(NewDatabase::settle) {
        eprintln!("{note}");
    }
    // A script that ends with its transaction open did not finish its work: that is a failure.
    let unfinished = rolled_back.is_some() && !interactive && !args.sandbox;
    // At the prompt every error was shown where it happened; like psql, leaving is a success.
    if !interactive && (failures > 0 || unfinished) { 1 } else { 0 }
}
