//! `plimsoll`: parse arguments, build the linter, read the sources, render, pick the exit code.
//! Exit codes: 0 no finding at or above `--fail-on`, 1 such findings, 2 usage or tool error (a
//! command's [`error::CliError`], rendered here).

mod args;
mod commands;
mod config_file;
mod error;
mod gatekeeper_cmd;
mod lsp;
mod policies;
mod progress;
mod render;
mod renderers;
mod rule_docs;
mod schemas;
mod stream;
mod supply_chain;
mod walk;

use clap::Parser;
use std::process::ExitCode;

/// Loading allocates many small values; mimalloc serves them markedly faster than the system
/// allocator (measured with scripts/bench.sh).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    keep_freed_memory();
    use_small_pages();
    quiet_engine_backtraces();
    let cli = args::Cli::parse();
    let result = match cli.command {
        args::Command::Lint(args) => commands::lint(&args),
        args::Command::Rules(args) => commands::rules(&args),
        args::Command::Explain(args) => commands::explain(&args),
        args::Command::Test(args) => commands::test(&args),
        args::Command::Docs(args) => commands::docs(&args),
        args::Command::Lsp => lsp::run(),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            // Nothing more can be done when standard error itself cannot be written.
            let _ = error.render(&mut std::io::stderr().lock());
            ExitCode::from(commands::EXIT_ERROR)
        }
    }
}

/// `mi_option_purge_delay` in mimalloc.h (the crate's bindings do not name it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc hands freed memory back to the OS after 10 ms by default; a lint run frees and
/// allocates document trees continuously, so the same pages were returned and faulted in (and
/// zeroed) again and again: a fifth of the CPU time on the 10,000-document benchmark. A run is
/// short, and its peak memory is what it holds anyway.
fn keep_freed_memory() {
    // Safe: sets a global option before any other thread exists; -1 means "never purge".
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

/// Transparent huge pages made every fresh page of the heap a 2 MiB page to zero: with them the
/// 10,000-document benchmark faulted in about 900 MiB for a peak of 110 MiB, and spent 10-15% of
/// its CPU time in the kernel zeroing pages. mimalloc is built not to ask for them (its `no_thp`
/// feature); on systems whose kernel gives them to every large mapping unasked (`always`), the
/// process opts out.
fn use_small_pages() {
    #[cfg(target_os = "linux")]
    // Safe: prctl with PR_SET_THP_DISABLE takes integer arguments only and changes nothing but
    // the process' own page policy; failure leaves the default, which is only slower.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
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
