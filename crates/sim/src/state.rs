//! What both listeners share: configuration, the specs, the predictions, the
//! uploaded files, the fault rules, the log and the image cache.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use imagegen_spec::ir::Model;

use crate::catalog::Catalog;
use crate::config::{Completion, DEFAULT_ESTIMATE_MS, RUN_TIME_SEED, SimConfig};
use crate::faults::{Fault, FaultBook, FaultRule, Site};
use crate::images::ImageCache;
use crate::log::{FiredFault, SimLog};
use crate::predictions::Predictions;
use crate::server::Gauge;
use crate::uploads::Uploads;

#[derive(Debug)]
pub(crate) struct State {
    pub(crate) config: SimConfig,
    pub(crate) catalog: Catalog,
    pub(crate) started: Instant,
    /// `http://127.0.0.1:PORT` of the API listener.
    pub(crate) api_origin: String,
    /// `http://127.0.0.1:PORT` of the assets listener.
    pub(crate) assets_origin: String,
    pub(crate) predictions: Predictions,
    pub(crate) uploads: Uploads,
    pub(crate) images: ImageCache,
    /// Connections of the API and assets listeners.
    pub(crate) api_connections: Arc<Gauge>,
    pub(crate) assets_connections: Arc<Gauge>,
    faults: Mutex<FaultBook>,
    log: Mutex<SimLog>,
    /// Where run times are drawn from: the same sequence after every reset,
    /// so clients measured one after another on a reset emulator get the
    /// same run times (their figures differ by what they do, not by what
    /// they were dealt).
    run_times: Mutex<fastrand::Rng>,
    /// The account's webhook signing secret, `whsec_` and 32 random
    /// characters, new each start.
    pub(crate) webhook_secret: String,
    /// What accepted predictions cost by their documented price, by provider.
    spent: Mutex<std::collections::HashMap<String, f64>>,
}

impl State {
    pub(crate) fn new(
        config: SimConfig,
        catalog: Catalog,
        api_origin: String,
        assets_origin: String,
    ) -> Self {
        Self {
            config,
            catalog,
            started: Instant::now(),
            api_origin,
            assets_origin,
            predictions: Predictions::default(),
            uploads: Uploads::default(),
            images: ImageCache::default(),
            api_connections: Arc::default(),
            assets_connections: Arc::default(),
            faults: Mutex::default(),
            log: Mutex::default(),
            run_times: Mutex::new(fastrand::Rng::with_seed(RUN_TIME_SEED)),
            webhook_secret: format!(
                "whsec_{}",
                (0..32)
                    .map(|_| fastrand::alphanumeric())
                    .collect::<String>()
            ),
            spent: Mutex::default(),
        }
    }

    /// Time since start, for the log.
    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// How long a new prediction of `model` runs.
    pub(crate) fn run_time(&self, model: &Model) -> Duration {
        match self.config.completion {
            Completion::After(duration) => duration,
            Completion::Between(low, high) => {
                let (low, high) = (low.as_millis() as u64, high.as_millis() as u64);
                Duration::from_millis(lock(&self.run_times).u64(low..=high.max(low)))
            }
            Completion::WithinEstimate => {
                let (min, max) = model
                    .estimated_time
                    .as_ref()
                    .map_or(DEFAULT_ESTIMATE_MS, |t| (t.min_ms, t.max_ms));
                Duration::from_millis(lock(&self.run_times).u64(min..=max.max(min)))
            }
        }
    }

    pub(crate) fn record(&self, write: impl FnOnce(&mut SimLog)) {
        write(&mut lock(&self.log));
    }

    /// Counts an accepted prediction's documented price against `provider`'s balance.
    pub(crate) fn charge(&self, provider: &str, amount: f64) {
        *lock(&self.spent).entry(provider.to_owned()).or_default() += amount;
    }

    /// What `provider`'s accepted predictions cost so far.
    pub(crate) fn spent(&self, provider: &str) -> f64 {
        lock(&self.spent).get(provider).copied().unwrap_or(0.0)
    }

    /// Records a webhook delivery attempt.
    pub(crate) fn log_delivery(&self, delivery: crate::log::WebhookDelivery) {
        self.record(|log| log.webhooks.push(delivery));
    }

    pub(crate) fn log(&self) -> SimLog {
        let mut log = lock(&self.log).clone();
        log.api_connections = self.api_connections.counts();
        log.assets_connections = self.assets_connections.counts();
        log
    }

    pub(crate) fn inject(&self, rule: FaultRule) {
        lock(&self.faults).add(rule);
    }

    pub(crate) fn fault_rules(&self) -> Vec<FaultRule> {
        lock(&self.faults).rules().to_vec()
    }

    pub(crate) fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    /// Everything back to a fresh start: no predictions, uploads, faults or log.
    pub(crate) fn reset(&self) {
        self.clear_faults();
        self.predictions.clear();
        lock(&self.spent).clear();
        self.uploads.clear();
        self.images.clear();
        *lock(&self.log) = SimLog::default();
        self.api_connections.reset();
        self.assets_connections.reset();
        lock(&self.run_times).seed(RUN_TIME_SEED);
    }

    /// Fires the first rule answering this request alone, logging it.
    pub(crate) fn take_answer(&self, site: &Site<'_>) -> Option<Fault> {
        let fault = lock(&self.faults).take_answer(site)?;
        self.log_fired(site, std::slice::from_ref(&fault));
        Some(fault)
    }

    /// Fires the rules that change this request's answer, logging them.
    pub(crate) fn take_modifiers(
        &self,
        site: &Site<'_>,
        can_act: impl Fn(&Fault) -> bool,
    ) -> Vec<Fault> {
        let faults = lock(&self.faults).take_modifiers(site, can_act);
        self.log_fired(site, &faults);
        faults
    }

    fn log_fired(&self, site: &Site<'_>, faults: &[Fault]) {
        if faults.is_empty() {
            return;
        }
        let at = self.elapsed();
        self.record(|log| {
            log.faults.extend(faults.iter().map(|fault| FiredFault {
                fault: fault.clone(),
                target: site.target,
                prediction_id: site.prediction.map(str::to_owned),
                at,
            }));
        });
    }
}

/// Locks a mutex whose data stays consistent even if a holder panicked
/// (every update is a single push, insert or replacement).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
