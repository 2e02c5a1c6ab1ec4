//! `plimsoll`: parse arguments, build the linter, read the sources, render, pick the exit code.
//! Exit codes: 0 no finding at or above `--fail-on`, 1 such findings, 2 usage or tool error.

mod args;
mod commands;
mod config_file;
mod gatekeeper_cmd;
mod policies;
mod progress;
mod render;
mod schemas;
mod walk;

use clap::Parser;
use std::process::ExitCode;

/// Loading allocates many small values; mimalloc serves them markedly faster than the system
/// allocator (measured with scripts/bench.sh).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    quiet_engine_backtraces();
    let cli = args::Cli::parse();
    let code = match cli.command {
        args::Command::Lint(args) => commands::lint(&args),
        args::Command::Rules(args) => commands::rules(&args),
        args::Command::Explain(args) => commands::explain(&args),
        args::Command::Test(args) => commands::test(&args),
    };
    ExitCode::from(code)
}

/// The policy engine creates errors during ordinary evaluation; with RUST_BACKTRACE set each one
/// would capture a backtrace, costing about a tenth of the run. Users who ask explicitly for
/// library backtraces still get them.
fn quiet_engine_backtraces() {
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        // Safe: no other thread exists yet.
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
    }
}
