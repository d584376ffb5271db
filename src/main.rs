//! The `postscrub` binary: parse the command line, run, map the outcome to an exit code.

use clap::Parser;
use postscrub::cli::Cli;
use postscrub::config::{ConfigError, Environment};
use std::io::{self, Write};
use std::process::ExitCode;

/// mimalloc instead of the system allocator: a post's conversion makes many small, short-lived
/// allocations (tokens, attribute strings, output pieces), and glibc's malloc and free were
/// about 15 % of all instructions with the default presets.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let cwd = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => return fatal(&format!("cannot read the current folder: {e}")),
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut err = io::stderr();
    let result = postscrub::run::run(
        &cli,
        &cwd,
        Environment::detect(),
        &mut io::stdin(),
        &mut out,
        &mut err,
    );
    let flushed = out.flush();
    match result {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(e)
            if is_broken_pipe(&e)
                || flushed
                    .as_ref()
                    .is_err_and(|f| f.kind() == io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            let message = match e.downcast_ref::<ConfigError>() {
                Some(c) => c.to_string(),
                None => format!("{e:#}"),
            };
            fatal(&message)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

#[allow(clippy::print_stderr)]
fn fatal(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
