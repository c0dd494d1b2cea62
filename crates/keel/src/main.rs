//! The `keel` binary: command-line parsing and wiring of store, core and web.
#![forbid(unsafe_code)]

mod cli;
mod config;
mod output;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: the server allocates and frees many small
/// buffers per request, which glibc's allocator took 15% of the CPU for under load
/// (docs/benchmarks.md, 2026-12-04).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("keel: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(cli::run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("keel: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
