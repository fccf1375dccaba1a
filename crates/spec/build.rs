//! Embeds the bundled specs (`bundled/`, the copy of the repository's
//! `specs/` that `cargo xtask codegen` keeps in this crate) in the library,
//! so the emulator and a user's own specs work from any directory, from an
//! installed binary and from the published crate.
//!
//! Writes `$OUT_DIR/bundled_specs.rs`: a table of every `.yaml` file below
//! `bundled/`, by its path relative to it, with its text pulled in by
//! `include_str!`. Every directory and file is a `rerun-if-changed` input, so
//! adding, editing or removing a spec rebuilds the table.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs, process};

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let specs = manifest_dir.join("bundled");
    let mut files = Vec::new();
    match specs.canonicalize() {
        Ok(specs) => collect(&specs, &specs, &mut files),
        // `cargo xtask codegen` writes `bundled/` and is built on this
        // crate: without the directory, build with no bundled specs (the
        // emulator then has none) rather than never being able to write it.
        Err(error) => {
            println!("cargo::rerun-if-changed={}", specs.display());
            println!(
                "cargo::warning=imagegen-spec has no bundled specs: {} cannot be read ({error}); run `cargo xtask codegen`",
                specs.display()
            );
        }
    }
    files.sort();

    let mut table = String::from(
        "/// Every bundled spec file: (path relative to `specs/`, text).\n\
         static BUNDLED_SPECS: &[(&str, &str)] = &[\n",
    );
    for (relative, absolute) in &files {
        let _ = writeln!(table, "    ({relative:?}, include_str!({absolute:?})),");
    }
    table.push_str("];\n");

    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default()).join("bundled_specs.rs");
    if let Err(error) = fs::write(&out, table) {
        fail(&format!("cannot write {}: {error}", out.display()));
    }
    println!("cargo::rerun-if-changed=build.rs");
}

/// `.yaml` files below `dir`, each as (path relative to `root` with `/`,
/// absolute path), marking every directory and file as a build input.
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    println!("cargo::rerun-if-changed={}", dir.display());
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => fail(&format!("cannot read {}: {error}", dir.display())),
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            println!("cargo::rerun-if-changed={}", path.display());
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            files.push((relative, path.display().to_string()));
        }
    }
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    process::exit(1);
}
