//! `imagegen list` (being written).
use crate::failure::Failure;
pub fn run() -> Result<(), Failure> {
    Err(Failure::other("`list` is not written yet"))
}
