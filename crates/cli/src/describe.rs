//! `imagegen describe` (being written).
use crate::failure::Failure;
pub fn run(_: &clap::ArgMatches) -> Result<(), Failure> {
    Err(Failure::other("`describe` is not written yet"))
}
