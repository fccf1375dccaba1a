//! `cargo xtask bench <what>`: measurements that print a table and never
//! assert, so a busy machine cannot fail them.
//!
//! - `codegen` (the default): codegen time by number of models.
//! - `scale [--quick]`: one `imagegen batch` process driving thousands of
//!   predictions against the emulator in a process of its own.

mod codegen;
mod emulator;
mod measure;
mod scale;

use std::path::Path;
use std::process::ExitCode;

pub(crate) use measure::measure_child;

pub(crate) fn bench(root: &Path, args: &[&str]) -> ExitCode {
    match args {
        [] | ["codegen"] => codegen::bench(root),
        ["scale"] => scale::bench(root, scale::Size::Full),
        ["scale", "--quick"] => scale::bench(root, scale::Size::Quick),
        _ => {
            eprintln!("usage: cargo xtask bench [codegen | scale [--quick]]");
            ExitCode::from(2)
        }
    }
}
