//! The `gameday` binary: parses arguments, runs one subcommand, prints an error once, and exits
//! with 0 (ok), 1 (failed) or 2 (usage).

mod assess;
mod bench;
#[cfg(test)]
mod bench_tests;
mod cli;
mod commands;
mod countdown;
mod design;
mod explain;
mod help;
mod interrupt;
mod journal;
mod library;
mod render;
mod repl;
mod repl_alert;
mod report;
mod runner;
mod session_log;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Cmd, Color};
use crate::library::Library;
use crate::render::Style;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            // Scenario diagnostics arrive already rendered with their own `error:` lines.
            if message.starts_with("error:") {
                eprintln!("{message}");
            } else {
                eprintln!("error: {message}");
            }
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    let library = match &cli.content {
        Some(dir) if !dir.is_dir() => {
            return Err(format!("--content {}: not a folder", dir.display()));
        }
        Some(dir) => Library::Dir(dir.clone()),
        None => Library::Builtin,
    };
    let style = Style {
        color: use_color(cli.color),
    };
    match cli.command {
        Cmd::Play(args) => commands::play(&library, args, style),
        Cmd::List { json } => commands::list(&library, json),
        Cmd::Grade {
            journal,
            json,
            rubric,
        } => commands::grade(&library, &journal, json, rubric.as_deref(), style),
        Cmd::Check { files } => commands::check(&files),
        Cmd::Schema { which } => commands::schema(which),
        Cmd::New { kind, name, out } => commands::new(&kind, &name, out),
        Cmd::Explain { scenario, seed } => commands::explain(&library, &scenario, seed),
        Cmd::Assess(args) => assess::assess(&library, args, style),
        Cmd::Report(args) => commands::report(&library, args, style),
        Cmd::Bench(args) => bench_command(&library, &args),
    }
}

fn bench_command(library: &Library, args: &cli::BenchArgs) -> Result<ExitCode, String> {
    if let Some(hosts) = args.memory {
        let span = scenarios::Dur::parse(&args.span).map_err(|e| format!("--span: {e}"))?;
        let bytes = bench::memory(hosts, span)
            .ok_or("this system does not report peak resident memory (/proc/self/status)")?;
        println!("{bytes}");
        return Ok(ExitCode::SUCCESS);
    }
    let shipped: Vec<bench::Shipped> = library
        .load_all_or_report()?
        .into_iter()
        .map(|e| bench::Shipped {
            name: e.source,
            text: e.text,
        })
        .collect();
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    bench::run(&shipped, &exe, args.full)?;
    Ok(ExitCode::SUCCESS)
}

fn use_color(choice: Color) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}
