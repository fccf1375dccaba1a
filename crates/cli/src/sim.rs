//! `imagegen sim` (being written).
use crate::failure::Failure;
pub async fn run(_: &clap::ArgMatches) -> Result<(), Failure> {
    Err(Failure::other("`sim` is not written yet"))
}
