//! `imagegen batch` (being written).
use clap::{ArgMatches, Command};
use imagegen::{ModelEntry, ProviderEntry};

use crate::failure::Failure;

pub fn model_command(_: &'static ProviderEntry, model: &'static ModelEntry) -> Command {
    crate::cli::model_base(model, false)
}

pub async fn run(_: &ArgMatches) -> Result<(), Failure> {
    Err(Failure::other("`batch` is not written yet"))
}
