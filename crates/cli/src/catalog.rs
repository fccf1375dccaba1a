//! The models the command line knows: every model it was compiled with, and
//! a model spec read at run time (`imagegen generate --spec my-model.yaml`,
//! also `batch` and `describe`), which is checked, sent and emulated as a
//! compiled-in model is. A spec with the id of a compiled-in model takes
//! its place.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use imagegen::{ModelEntry, ProviderEntry};

use crate::failure::Failure;

/// A model read from its spec at run time.
#[derive(Debug)]
struct SpecModel {
    /// The file, for the emulator to serve it too.
    path: PathBuf,
    provider: &'static ProviderEntry,
    entry: &'static ModelEntry,
}

static SPEC_MODEL: OnceLock<SpecModel> = OnceLock::new();

/// Every model, as `(provider, model)`: the one read from a spec first.
pub fn models() -> impl Iterator<Item = (&'static ProviderEntry, &'static ModelEntry)> {
    let spec = SPEC_MODEL.get();
    let replaced = spec.map(|spec| spec.entry.qualified_id());
    spec.map(|spec| (spec.provider, spec.entry))
        .into_iter()
        .chain(
            imagegen::models().filter(move |(_, model)| {
                replaced.as_deref() != Some(model.qualified_id().as_str())
            }),
        )
}

/// The model named `provider/model`.
pub fn find(name: &str) -> Option<(&'static ProviderEntry, &'static ModelEntry)> {
    if let Some(spec) = SPEC_MODEL.get()
        && spec.entry.qualified_id() == name
    {
        return Some((spec.provider, spec.entry));
    }
    imagegen::find_model(name)
}

/// The spec files read at run time, which `--sim` serves too.
pub fn spec_files() -> Vec<PathBuf> {
    SPEC_MODEL
        .get()
        .map(|spec| spec.path.clone())
        .into_iter()
        .collect()
}

/// The subcommands that take `--spec FILE` in place of a model's name.
const TAKES_SPEC: [&str; 3] = ["generate", "batch", "describe"];

/// The command line with `--spec FILE` (or `--spec=FILE`) after `generate`,
/// `batch` or `describe` read, registered, and replaced by the model's name,
/// so the rest of the command line is parsed exactly as for a compiled-in
/// model. A spec that does not load is a usage error naming its
/// `file:line:column`.
pub fn read_spec_argument(mut args: Vec<OsString>) -> Result<Vec<OsString>, Failure> {
    let Some(subcommand) = args.get(1).and_then(|a| a.to_str()) else {
        return Ok(args);
    };
    if !TAKES_SPEC.contains(&subcommand) {
        return Ok(args);
    }
    let mut found = None;
    let mut index = 2;
    while index < args.len() {
        let Some(arg) = args[index].to_str() else {
            index += 1;
            continue;
        };
        if arg == "--" {
            break;
        }
        if arg == "--spec" {
            let path = args
                .get(index + 1)
                .cloned()
                .ok_or_else(|| Failure::usage("--spec needs a file: --spec my-model.yaml"))?;
            found = Some((index, 2, PathBuf::from(path)));
            break;
        }
        if let Some(path) = arg.strip_prefix("--spec=") {
            found = Some((index, 1, PathBuf::from(path)));
            break;
        }
        index += 1;
    }
    let Some((at, width, path)) = found else {
        return Ok(args);
    };
    if let Some(name) = args
        .get(2)
        .and_then(|a| a.to_str())
        .filter(|a| !a.starts_with('-'))
    {
        return Err(Failure::usage(format!(
            "give a model's name ({name}) or --spec {}, not both",
            path.display()
        )));
    }
    let spec = load(&path)?;
    let name = spec.entry.qualified_id();
    args.drain(at..at + width);
    args.insert(2, OsString::from(name));
    // Set once: one command line reads one spec.
    let _ = SPEC_MODEL.set(spec);
    Ok(args)
}

fn load(path: &Path) -> Result<SpecModel, Failure> {
    let (provider, entry) = imagegen::spec::load_model(path).map_err(|error| {
        Failure::usage(format!(
            "{error}\nerror: the spec {} does not load; nothing was sent",
            path.display()
        ))
    })?;
    Ok(SpecModel {
        path: path.to_path_buf(),
        provider,
        entry,
    })
}

/// The provider named `name` (`wavespeed`), or a usage error listing them.
pub fn provider(name: &str) -> Result<&'static imagegen::ProviderEntry, crate::failure::Failure> {
    imagegen::PROVIDERS
        .iter()
        .copied()
        .find(|entry| entry.info.name == name)
        .ok_or_else(|| {
            let known: Vec<&str> = imagegen::PROVIDERS.iter().map(|p| p.info.name).collect();
            crate::failure::Failure::usage(format!(
                "no provider `{name}`; the providers are {}",
                known.join(", ")
            ))
        })
}

/// The `PROVIDER` argument of a command about one provider's account.
pub fn provider_arg(help: &'static str) -> clap::Arg {
    clap::Arg::new("provider")
        .value_name("PROVIDER")
        .required(true)
        .help(help)
}

/// The provider `provider_arg` named.
pub fn chosen_provider(
    matches: &clap::ArgMatches,
) -> Result<&'static imagegen::ProviderEntry, crate::failure::Failure> {
    let name = matches
        .get_one::<String>("provider")
        .map(String::as_str)
        .unwrap_or_default();
    provider(name)
}

/// `--base-url` and `--sim` for a command that asks a provider one thing.
pub fn reach_flags() -> [clap::Arg; 2] {
    [
        clap::Arg::new("@base-url")
            .long("base-url")
            .value_name("URL")
            .help("Ask this base URL instead of the provider's"),
        clap::Arg::new("@sim")
            .long("sim")
            .action(clap::ArgAction::SetTrue)
            .conflicts_with("@base-url")
            .help("Ask an emulator started in-process"),
    ]
}
