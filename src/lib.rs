//! ormsh: an interactive, async ORM shell. The binary is a thin wrapper; everything lives here so
//! that tests can drive it.

pub mod assist;
pub mod ast;
pub mod backend;
pub mod catalog;
pub mod cli;
pub mod coerce;
pub mod commands;
pub mod config;
pub mod datetime;
pub mod diagnostic;
pub mod dialect;
pub mod editor;
pub mod error;
pub mod history;
pub mod import;
pub mod naming;
pub mod new_database;
pub mod parser;
pub mod plan;
pub mod progress;
pub mod raw_sql;
pub mod redact;
pub mod related;
pub mod render;
pub mod repl;
pub mod runner;
pub mod server_error;
pub mod session;
pub mod settings;
pub mod suggest;
pub mod value;
