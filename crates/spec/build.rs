//! Embeds the repository's `specs/` in the emulator, so the library and the
//! `imagegen-sim` binary work from any directory (and from an installed
//! binary) without finding the specs on disk.
//!
//! Writes `$OUT_DIR/embedded_specs.rs`: a table of every `.yaml` file below
//! `specs/`, by its path relative to `specs/`, with its text pulled in by
//! `include_str!`. Every directory and file is a `rerun-if-changed` input, so
//! adding, editing or removing a spec rebuilds the table.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs, process};

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let specs = manifest_dir.join("../../specs");
    let specs = match specs.canonicalize() {
        Ok(path) => path,
        Err(error) => fail(&format!(
            "imagegen-sim embeds the repository's specs, but {} cannot be read: {error}",
            specs.display()
        )),
    };
    let mut files = Vec::new();
    collect(&specs, &specs, &mut files);
    files.sort();

    let mut table = String::from(
        "/// Every spec file below `specs/`: (path relative to `specs/`, text).\n\
         pub(crate) static EMBEDDED_SPECS: &[(&str, &str)] = &[\n",
    );
    for (relative, absolute) in &files {
        let _ = writeln!(table, "    ({relative:?}, include_str!({absolute:?})),");
    }
    table.push_str("];\n");

    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default()).join("embedded_specs.rs");
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
