//! What the CLI suites share: an emulator running in the test process, the
//! `imagegen` binary with a clean environment pointed at it, and checks on
//! what the binary saved.

#![allow(dead_code)] // Each suite uses its own part of this.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use imagegen_sim::{Sim, SimConfig};

/// How long emulated predictions take unless a test says otherwise: short,
/// and long enough that a prediction is polled rather than done at once.
pub const COMPLETION: Duration = Duration::from_millis(200);

/// An emulator on loopback, served by its own runtime's threads while the
/// test thread waits for the binary.
pub struct Emulator {
    // Declared first: dropped (stopped) before the runtime serving it.
    pub sim: Sim,
    runtime: tokio::runtime::Runtime,
}

impl Emulator {
    /// An emulator whose predictions finish after [`COMPLETION`].
    pub fn start() -> Self {
        Self::with(SimConfig::new().complete_after(COMPLETION))
    }

    /// An emulator with this configuration.
    pub fn with(config: SimConfig) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime for the emulator");
        let sim = runtime
            .block_on(Sim::start(config))
            .expect("the emulator starts on loopback");
        Emulator { sim, runtime }
    }

    /// `imagegen` with `provider`'s key in its documented variable.
    pub fn imagegen(&self, provider: &str) -> Command {
        Command::from(self.imagegen_std(provider))
    }

    /// `imagegen generate <model> --base-url <emulator> <args>` with the key set.
    pub fn generate(&self, model: &str, args: &[&str]) -> Command {
        Command::from(self.generate_std(model, args))
    }

    /// [`Emulator::imagegen`], as a process to spawn and signal.
    pub fn imagegen_std(&self, provider: &str) -> std::process::Command {
        let mut command = imagegen_std();
        command.env(env_var(provider), self.sim.api_key());
        command
    }

    /// [`Emulator::generate`], as a process to spawn and signal.
    pub fn generate_std(&self, model: &str, args: &[&str]) -> std::process::Command {
        let provider = model.split('/').next().unwrap_or_default();
        let mut command = self.imagegen_std(provider);
        command
            .args([
                "generate",
                model,
                "--base-url",
                &self.sim.base_url(provider),
            ])
            .args(args);
        command
    }

    /// The id of the first prediction the emulator created, if any.
    pub fn first_prediction_id(&self) -> Option<String> {
        self.sim
            .log()
            .accepted()
            .first()
            .and_then(|submission| submission.prediction_id.clone())
    }

    /// How many submissions reached the emulator, accepted or not.
    pub fn submissions(&self) -> usize {
        self.sim.log().submissions.len()
    }
}

/// The binary, with no provider's key or base URL inherited from the
/// environment running the tests, and a time limit.
pub fn imagegen() -> Command {
    let mut command = Command::from(imagegen_std());
    command.timeout(Duration::from_secs(60));
    command
}

/// [`imagegen`], as a process to spawn and signal.
pub fn imagegen_std() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_imagegen"));
    for (provider, _) in imagegen::models() {
        command
            .env_remove(provider.info.auth.env_var)
            .env_remove(provider.info.base_url_env_var);
    }
    command
}

/// The variable holding `provider`'s key (`VIBEDREAM_API_KEY`).
pub fn env_var(provider: &str) -> &'static str {
    imagegen::models()
        .find(|(p, _)| p.info.name == provider)
        .map(|(p, _)| p.info.auth.env_var)
        .unwrap_or_else(|| panic!("no provider {provider}"))
}

/// Sends `signal` (`-INT`, `-TERM`, `-KILL`) to a running child.
#[cfg(unix)]
pub fn signal(child: &std::process::Child, signal: &str) {
    let status = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill {signal} failed");
}

/// Each line's last record in `<out>/manifest.jsonl`, by line number.
pub fn final_records(out: &Path) -> std::collections::BTreeMap<u64, serde_json::Value> {
    let text = std::fs::read_to_string(out.join("manifest.jsonl")).unwrap();
    let mut records = std::collections::BTreeMap::new();
    for row in text.lines().filter(|row| !row.trim().is_empty()) {
        let record: serde_json::Value = serde_json::from_str(row).unwrap();
        records.insert(record["line"].as_u64().unwrap(), record);
    }
    records
}

/// Text of a command's output stream.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Decodes a saved file fully; checks its extension names its real format
/// and, when given, its size. Returns the size.
pub fn assert_image(path: &Path, size: Option<(u32, u32)>) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let format = image::guess_format(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    assert!(
        format.extensions_str().contains(&extension),
        "{} has extension `{extension}` for a {format:?} image",
        path.display()
    );
    let decoded = image::load_from_memory_with_format(&bytes, format)
        .unwrap_or_else(|e| panic!("{} does not decode: {e}", path.display()));
    let found = (decoded.width(), decoded.height());
    if let Some(size) = size {
        assert_eq!(found, size, "{}", path.display());
    }
    found
}

/// The first ```sh block after `heading` in the repository's README.md.
pub fn readme_block(heading: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let section = &readme[readme
        .find(heading)
        .unwrap_or_else(|| panic!("README has {heading}"))..];
    let start = section.find("```sh\n").expect("a sh block") + "```sh\n".len();
    let end = start + section[start..].find("```").expect("the block ends");
    section[start..end].to_owned()
}
