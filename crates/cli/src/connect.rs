//! A client for the chosen provider, from the flags every model command has:
//! `--sim` (an in-process emulator), `--base-url`, `--timeout`,
//! `--connections`; the key from
//! the provider's documented environment variable.

use std::time::Duration;

use clap::ArgMatches;
use imagegen::runtime::{ClientBuilder, ConnectionLimits};
use imagegen::{AnyClient, AnyProvider, ProviderEntry};
use imagegen_runtime::Error;
use imagegen_sim::{Sim, SimConfig};

use crate::failure::Failure;

/// A client, and the emulator it talks to when `--sim` was given (kept alive
/// as long as the client is used).
#[derive(Debug)]
pub struct Connection {
    pub client: AnyClient,
    pub sim: Option<Sim>,
}

impl Connection {
    /// Stops the in-process emulator, if any.
    pub async fn close(self) {
        if let Some(sim) = self.sim {
            sim.shutdown().await;
        }
    }
}

/// Connects to `provider` as the flags say. Nothing is sent.
pub async fn connect(
    provider: &ProviderEntry,
    matches: &ArgMatches,
) -> Result<Connection, Failure> {
    connect_with(provider, matches, |builder| builder).await
}

/// [`connect`], with more settings from `configure` (a batch's budget).
pub async fn connect_with(
    provider: &ProviderEntry,
    matches: &ArgMatches,
    configure: impl FnOnce(ClientBuilder<AnyProvider>) -> ClientBuilder<AnyProvider>,
) -> Result<Connection, Failure> {
    let mut builder: ClientBuilder<AnyProvider> = configure(ClientBuilder::new());
    // Each command defines the flags it has; one without a flag has its default.
    if let Some(timeout) = matches.try_get_one::<Duration>("@timeout").ok().flatten() {
        builder = builder.overall_timeout(*timeout);
    }
    if let Some(url) = matches.try_get_one::<String>("@webhook").ok().flatten() {
        builder = builder.webhook(url.clone());
    }
    if let Some(&connections) = matches.try_get_one::<u32>("@connections").ok().flatten() {
        let per_origin = connections as usize;
        builder = builder.connection_limits(
            ConnectionLimits::default()
                .per_origin(per_origin)
                .total(per_origin.saturating_mul(2)),
        );
    }
    let mut sim = None;
    if matches.try_get_one::<bool>("@sim").ok().flatten() == Some(&true) {
        let config = crate::catalog::spec_files()
            .into_iter()
            .fold(SimConfig::new(), SimConfig::own_specs);
        let started = Sim::start(config)
            .await
            .map_err(|error| Failure::other(format!("cannot start the emulator: {error}")))?;
        builder = builder
            .base_url(started.base_url(provider.info.name))
            .api_key(started.api_key().to_owned());
        sim = Some(started);
    } else if let Some(url) = matches.try_get_one::<String>("@base-url").ok().flatten() {
        builder = builder.base_url(url.clone());
    }
    match provider.connect(builder) {
        Ok(client) => Ok(Connection { client, sim }),
        Err(Error::InvalidConfig { reason }) => {
            Err(Failure::usage(format!("{reason}; nothing was sent")))
        }
        Err(error) => Err(Failure::from_error(&error, |_| None)),
    }
}
