//! [`Sim`]: a running emulator, its URLs, its faults and its log.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use imagegen_spec::ir::Provider;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::catalog::Catalog;
use crate::config::SimConfig;
use crate::error::SimError;
use crate::faults::FaultRule;
use crate::log::SimLog;
use crate::state::State;
use crate::{routes, server, specs};

/// A running emulator: an API listener serving every provider under its own
/// path prefix, and an assets listener (a second origin) serving outputs and
/// uploaded files.
/// Both are on 127.0.0.1 only.
///
/// It stops on [`Sim::shutdown`] or when dropped; either way no task is left
/// behind. Start it inside a tokio runtime.
pub struct Sim {
    state: Arc<State>,
    api_addr: SocketAddr,
    assets_addr: SocketAddr,
    stop: watch::Sender<bool>,
    listeners: Vec<JoinHandle<()>>,
}

impl fmt::Debug for Sim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sim")
            .field("api", &self.api_addr)
            .field("assets", &self.assets_addr)
            .finish_non_exhaustive()
    }
}

impl Sim {
    /// Loads the specs, binds both listeners on 127.0.0.1 and starts serving.
    pub async fn start(config: SimConfig) -> Result<Sim, SimError> {
        let specs = specs::load(config.specs_dir.as_deref(), &config.own_specs)?;
        let api = bind("API", config.api_port).await?;
        let assets = bind("assets", config.assets_port).await?;
        let api_addr = local_addr("API", &api, config.api_port)?;
        let assets_addr = local_addr("assets", &assets, config.assets_port)?;
        let state = Arc::new(State::new(
            config,
            Catalog::new(specs),
            format!("http://{api_addr}"),
            format!("http://{assets_addr}"),
        ));
        let (stop, stopped) = watch::channel(false);
        let api_state = state.clone();
        let assets_state = state.clone();
        let listeners = vec![
            tokio::spawn(server::serve(
                api,
                Arc::clone(&state.api_connections),
                stopped.clone(),
                move |request| routes::api(api_state.clone(), request),
            )),
            tokio::spawn(server::serve(
                assets,
                Arc::clone(&state.assets_connections),
                stopped,
                move |request| routes::assets(assets_state.clone(), request),
            )),
        ];
        Ok(Sim {
            state,
            api_addr,
            assets_addr,
            stop,
            listeners,
        })
    }

    /// `http://127.0.0.1:PORT/<provider>`: the base URL to give a client of
    /// `provider`; the provider's documented paths follow it.
    pub fn base_url(&self, provider: &str) -> String {
        format!("{}/{provider}", self.state.api_origin)
    }

    /// `http://127.0.0.1:PORT`: the API listener's origin (control endpoints
    /// live under `/__sim/`).
    pub fn api_url(&self) -> String {
        self.state.api_origin.clone()
    }

    /// `http://127.0.0.1:PORT2`: the assets listener, a different origin.
    pub fn assets_url(&self) -> String {
        self.state.assets_origin.clone()
    }

    /// The key every provider accepts.
    pub fn api_key(&self) -> &str {
        &self.state.config.api_key
    }

    /// The webhook signing secret the emulator signs deliveries with (and
    /// answers on the provider's documented secret endpoint).
    pub fn webhook_secret(&self) -> &str {
        &self.state.webhook_secret
    }

    /// The providers served, with their models.
    pub fn providers(&self) -> impl Iterator<Item = &Provider> {
        self.state.catalog.providers.iter().map(|p| &p.spec)
    }

    /// What a program running the emulator prints on start: the listeners,
    /// each provider's base URL, the [`env_lines`](Self::env_lines), then
    /// `example` (a command to try) if given, and the control endpoints.
    pub fn banner(&self, program: &str, example: Option<&str>) -> String {
        let mut text = format!(
            "{program}: API on {}, assets on {}\n",
            self.api_url(),
            self.assets_url()
        );
        for provider in self.providers() {
            text.push_str(&format!(
                "  {:<10} {}\n",
                provider.name,
                self.base_url(&provider.name)
            ));
        }
        text.push('\n');
        for line in self.env_lines() {
            text.push_str(&line);
            text.push('\n');
        }
        if let Some(example) = example {
            text.push_str(&format!("\n{example}\n"));
        }
        text.push_str(&format!(
            "\nControl: POST {0}/__sim/faults, GET {0}/__sim/log, POST {0}/__sim/reset. Ctrl-C stops.\n",
            self.api_url()
        ));
        text
    }

    /// Shell lines pointing each provider's client at the emulator:
    /// `export VIBEDREAM_BASE_URL=http://127.0.0.1:PORT/vibedream` and
    /// `export VIBEDREAM_API_KEY=sim-key`, per provider.
    pub fn env_lines(&self) -> Vec<String> {
        self.providers()
            .flat_map(|p| {
                [
                    format!("export {}={}", p.base_url_env_var, self.base_url(&p.name)),
                    format!("export {}={}", p.auth.env_var, shell_word(self.api_key())),
                ]
            })
            .collect()
    }

    /// Adds a fault rule.
    pub fn inject(&self, rule: FaultRule) {
        self.state.inject(rule);
    }

    /// The fault rules not yet spent.
    pub fn faults(&self) -> Vec<FaultRule> {
        self.state.fault_rules()
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.state.clear_faults();
    }

    /// A snapshot of what happened so far.
    pub fn log(&self) -> SimLog {
        self.state.log()
    }

    /// How many predictions the emulator holds.
    pub fn prediction_count(&self) -> usize {
        self.state.predictions.len()
    }

    /// Forgets every prediction, upload, fault rule and log entry, and
    /// deals run times (under [`Completion::Between`] or
    /// [`Completion::WithinEstimate`]) from the start of the same sequence
    /// again.
    pub fn reset(&self) {
        self.state.reset();
    }

    /// Stops both listeners and every connection, and waits until they have.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for listener in std::mem::take(&mut self.listeners) {
            let _ = listener.await;
        }
    }
}

impl Drop for Sim {
    /// Stops serving without waiting: aborting a listener's task drops its
    /// set of connection tasks, which aborts them.
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        for listener in &self.listeners {
            listener.abort();
        }
    }
}

async fn bind(listener: &'static str, port: u16) -> Result<TcpListener, SimError> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(|source| SimError::Bind {
            listener,
            port,
            source,
        })
}

fn local_addr(
    listener: &'static str,
    bound: &TcpListener,
    port: u16,
) -> Result<SocketAddr, SimError> {
    bound.local_addr().map_err(|source| SimError::Bind {
        listener,
        port,
        source,
    })
}

/// `word` quoted for a POSIX shell when it needs to be, so a printed
/// command or `export` line can be pasted as it is. Public for the
/// `imagegen` command line, which prints commands the same way.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}
