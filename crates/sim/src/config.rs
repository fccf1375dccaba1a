//! How an emulator is started: key, timing, ports, where the specs come from.

use std::path::PathBuf;
use std::time::Duration;

/// The key every provider accepts unless [`SimConfig::api_key`] says otherwise.
/// The seed of the sequence run times are drawn from
/// ([`Completion::Between`], [`Completion::WithinEstimate`]), restarted by
/// every reset: what `cargo xtask bench waits-sample` replays.
pub const RUN_TIME_SEED: u64 = 0x01a6_e6e4;

pub const DEFAULT_API_KEY: &str = "sim-key";

/// Settings for [`Sim::start`](crate::Sim::start).
///
/// `SimConfig::default()` is what tests usually want apart from timing:
/// key `sim-key`, predictions finishing within their model's documented
/// estimate, both listeners on ports the OS picks, the specs built into the
/// crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimConfig {
    /// The one key accepted for every provider, in the header and scheme each
    /// provider's spec documents.
    pub api_key: String,
    /// When predictions finish.
    pub completion: Completion,
    /// Port of the API listener on 127.0.0.1; 0 lets the OS pick one.
    pub api_port: u16,
    /// Port of the assets listener on 127.0.0.1 (a second origin, as the real
    /// asset hosts are); 0 lets the OS pick one.
    pub assets_port: u16,
    /// A `specs/` directory to load instead of the specs built into the crate.
    pub specs_dir: Option<PathBuf>,
    /// A user's own specs served beside those: directories laid out as for
    /// `imagegen codegen`, or model files naming their provider.
    pub own_specs: Vec<PathBuf>,
    /// Send base64 outputs as `data:image/...;base64,` URIs instead of raw
    /// base64. [`Fault::DataUriBase64`](crate::Fault::DataUriBase64) does the
    /// same for chosen requests.
    pub base64_data_uri: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            api_key: DEFAULT_API_KEY.to_owned(),
            completion: Completion::default(),
            api_port: 0,
            assets_port: 0,
            specs_dir: None,
            own_specs: Vec::new(),
            base64_data_uri: false,
        }
    }
}

impl SimConfig {
    /// The default configuration.
    pub fn new() -> Self {
        Self::default()
    }

    /// Accepts `key` instead of `sim-key`.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }

    /// Sets when predictions finish.
    pub fn completion(mut self, completion: Completion) -> Self {
        self.completion = completion;
        self
    }

    /// Every prediction finishes `after` its submission.
    pub fn complete_after(self, after: Duration) -> Self {
        self.completion(Completion::After(after))
    }

    /// Listens for API requests on this port (0: the OS picks).
    pub fn api_port(mut self, port: u16) -> Self {
        self.api_port = port;
        self
    }

    /// Serves outputs on this port (0: the OS picks).
    pub fn assets_port(mut self, port: u16) -> Self {
        self.assets_port = port;
        self
    }

    /// Loads the specs from this directory instead of the built-in ones.
    pub fn specs_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.specs_dir = Some(dir.into());
        self
    }

    /// Also serves the models of a user's own specs: a directory laid out
    /// as for `imagegen codegen` (`<provider>/<model id>.yaml`, a provider
    /// imagegen knows needing no `provider.yaml`), or one model file that
    /// names its provider (`provider: wavespeed`). A model with the id of a
    /// built-in one takes its place.
    pub fn own_specs(mut self, path: impl Into<PathBuf>) -> Self {
        self.own_specs.push(path.into());
        self
    }

    /// Sends base64 outputs as `data:` URIs.
    pub fn base64_data_uri(mut self, on: bool) -> Self {
        self.base64_data_uri = on;
        self
    }
}

/// When a prediction finishes, counted from its submission.
///
/// Nothing runs while a prediction is in flight: its finishing time is fixed
/// at submission and its status is derived from the clock whenever it is
/// asked for, so in-flight predictions cost only their records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Completion {
    /// A time drawn uniformly inside the model's documented `estimated_time`
    /// (`1-3s` for z-image-turbo, `26s` for aimlapi's gpt-image-1), or
    /// inside [`DEFAULT_ESTIMATE_MS`] where the spec gives none.
    #[default]
    WithinEstimate,
    /// Every prediction takes exactly this long.
    After(Duration),
    /// Each prediction takes a time drawn uniformly from this range, whatever
    /// its model documents: a service slower or faster than its estimate.
    Between(Duration, Duration),
}

/// The window used by [`Completion::WithinEstimate`] for models whose spec
/// documents no estimate: 1 to 3 seconds, in milliseconds.
pub const DEFAULT_ESTIMATE_MS: (u64, u64) = (1_000, 3_000);
