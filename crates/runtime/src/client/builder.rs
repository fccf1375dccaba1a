//! Building a client: key, base URL, limits and policies, from code or from
//! the environment variables the provider's docs name.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderName;
use tokio::sync::broadcast;

use super::Client;
use crate::budget::{Budget, Spending};
use crate::cost::Money;
use crate::error::Error;
use crate::limits::{ConnectionLimits, Gates};
use crate::origin::{fetchable_url, same_origin};
use crate::redact::Redactor;
use crate::retry::RetryPolicy;
use crate::schedule::PollPolicy;
use crate::secret::ApiKey;
use crate::traits::Provider;
use crate::transport::{Timeouts, Transport};

/// The largest output saved by default.
const DEFAULT_MAX_OUTPUT_BYTES: u64 = 100 * 1024 * 1024;

/// How far the provider's clock may be from this one, by default, when an
/// unanswered submission is looked for in its history.
const DEFAULT_CLOCK_MARGIN: Duration = Duration::from_secs(5);

/// Events buffered for a subscriber that falls behind.
const EVENT_BUFFER: usize = 1024;

/// Configures a [`Client`]. Anything not set falls back to the provider's
/// documented environment variables (`<PROVIDER>_API_KEY`,
/// `<PROVIDER>_BASE_URL`) and then to the documented base URL.
#[must_use]
pub struct ClientBuilder<P> {
    api_key: Option<ApiKey>,
    base_url: Option<String>,
    http: Option<reqwest::Client>,
    timeouts: Timeouts,
    retry: RetryPolicy,
    poll: PollPolicy,
    max_output_bytes: u64,
    limits: ConnectionLimits,
    spending: Option<Spending>,
    unknown_cost_as: Option<Money>,
    clock_margin: Duration,
    webhook: Option<String>,
    quote_costs: bool,
    provider: PhantomData<fn() -> P>,
}

impl<P> std::fmt::Debug for ClientBuilder<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("base_url", &self.base_url)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .field("poll", &self.poll)
            .field("max_output_bytes", &self.max_output_bytes)
            .field("limits", &self.limits)
            .field("spending", &self.spending)
            .field("unknown_cost_as", &self.unknown_cost_as)
            .field("clock_margin", &self.clock_margin)
            .field("webhook", &self.webhook)
            .field("quote_costs", &self.quote_costs)
            .finish_non_exhaustive()
    }
}

impl<P> Default for ClientBuilder<P> {
    fn default() -> Self {
        ClientBuilder {
            api_key: None,
            base_url: None,
            http: None,
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            poll: PollPolicy::default(),
            max_output_bytes: DEFAULT_MAX_OUTPUT_BYTES,
            limits: ConnectionLimits::default(),
            spending: None,
            unknown_cost_as: None,
            clock_margin: DEFAULT_CLOCK_MARGIN,
            webhook: None,
            quote_costs: false,
            provider: PhantomData,
        }
    }
}

impl<P> ClientBuilder<P> {
    /// The same settings for another provider type (the dynamic catalog
    /// builds with the provider it looks up).
    pub(crate) fn retype<Q>(self) -> ClientBuilder<Q> {
        ClientBuilder {
            api_key: self.api_key,
            base_url: self.base_url,
            http: self.http,
            timeouts: self.timeouts,
            retry: self.retry,
            poll: self.poll,
            max_output_bytes: self.max_output_bytes,
            limits: self.limits,
            spending: self.spending,
            unknown_cost_as: self.unknown_cost_as,
            clock_margin: self.clock_margin,
            webhook: self.webhook,
            quote_costs: self.quote_costs,
            provider: PhantomData,
        }
    }

    /// How far the provider's clock may be from this machine's (5 s by
    /// default): [`Client::reconcile`] searches the provider's history this
    /// much before an unanswered submission was sent and after it was given
    /// up on. Wider finds a prediction stamped by a clock further off, and
    /// makes overlapping submissions (which cannot be told apart) likelier.
    pub fn clock_margin(mut self, margin: Duration) -> Self {
        self.clock_margin = margin;
        self
    }

    /// Asks the provider to POST each finished prediction to this URL (an
    /// absolute `https` URL; plain `http` only to loopback, for tests), for
    /// providers that document webhooks. Each submission's copy of the URL
    /// carries a query parameter of its own, `imagegen_request=<random>`,
    /// so a delivery names its request even when the submission's answer
    /// was lost ([`Prediction::webhook_token`](crate::Prediction::webhook_token),
    /// [`Uncertain::webhook_token`](crate::Uncertain::webhook_token)).
    pub fn webhook(mut self, url: impl Into<String>) -> Self {
        self.webhook = Some(url.into());
        self
    }

    /// Prices each request with the provider's pricing endpoint (WaveSpeed's
    /// Pricing API) before it is sent, once per distinct body, and counts
    /// that quote ([`Cost::Quoted`](crate::cost::Cost::Quoted)) against the
    /// budget instead of the documented price, so a budget works on models
    /// whose page states none. A request that cannot be priced is not sent.
    /// For providers that document such an endpoint; `build` refuses it
    /// otherwise.
    pub fn quote_costs(mut self, quote: bool) -> Self {
        self.quote_costs = quote;
        self
    }

    /// The API key (instead of the provider's env var).
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The origin before the documented paths (instead of `<PROVIDER>_BASE_URL`
    /// or the documented one): `https://…`, or `http://` to a loopback host
    /// such as the local emulator.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sends through this `reqwest::Client` (its proxy, TLS and pool
    /// settings). The request and overall timeouts set here still apply; its
    /// own connect timeout, redirect policy and default headers are its own,
    /// so give it no default credentials and no redirects off the API origin.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// All time limits at once.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The limit on one whole operation: submit, polls and retries of a
    /// `generate` (or a `wait`), and the downloads of its `save_all`.
    pub fn overall_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.overall = timeout;
        self
    }

    /// The limit on one HTTP request.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.request = timeout;
        self
    }

    /// The limit on establishing a connection (for the built-in HTTP client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.connect = timeout;
        self
    }

    /// How failed requests are retried.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How polls are spaced.
    pub fn poll_policy(mut self, policy: PollPolicy) -> Self {
        self.poll = policy;
        self
    }

    /// How many HTTP requests may be in flight at once, per origin and in
    /// all, and how many output files open ([`ConnectionLimits`]; by default
    /// 64, 128 and 32). Any number of predictions can be in flight either
    /// way: requests beyond the caps wait for a slot, under their operation's
    /// deadline, and never fail for lack of one.
    pub fn connection_limits(mut self, limits: ConnectionLimits) -> Self {
        self.limits = limits;
        self
    }

    /// A spending limit: every submission reserves its cost (the model's
    /// documented price for the request) before it is sent and is refused,
    /// unsent, with [`Error::OverBudget`] if that would pass the limit; a
    /// cost the answer reports replaces the reservation. Share one
    /// [`Budget`] between clients to hold them all to it.
    ///
    /// A request whose price the docs do not state is refused with
    /// [`Error::UnknownCost`] unless [`unknown_cost_as`](Self::unknown_cost_as)
    /// says what to count for it.
    pub fn budget(mut self, budget: Budget) -> Self {
        self.spending = Some(Spending {
            budget,
            unknown_cost_as: None,
        });
        self
    }

    /// What a [`budget`](Self::budget) counts for a request whose cost the
    /// docs do not state (until the answer reports one).
    pub fn unknown_cost_as(mut self, cost: Money) -> Self {
        self.unknown_cost_as = Some(cost);
        self
    }

    /// The largest output `save_all` writes (100 MiB by default).
    pub fn max_output_bytes(mut self, bytes: u64) -> Self {
        self.max_output_bytes = bytes;
        self
    }
}

impl<P: Provider> ClientBuilder<P> {
    /// Checks the configuration and builds the client. Nothing is sent.
    pub fn build(self) -> Result<Client<P>, Error> {
        let info = P::INFO;
        let api_key = match self.api_key {
            Some(key) => key,
            None => std::env::var(info.auth.env_var)
                .map(ApiKey::new)
                .map_err(|_| Error::MissingApiKey {
                    env_var: info.auth.env_var,
                })?,
        };
        if api_key.is_empty() {
            return Err(Error::MissingApiKey {
                env_var: info.auth.env_var,
            });
        }
        let base_url = self
            .base_url
            .or_else(|| {
                std::env::var(info.base_url_env_var)
                    .ok()
                    .filter(|url| !url.trim().is_empty())
            })
            .unwrap_or_else(|| info.base_url.to_owned());
        let api_base = fetchable_url(base_url.trim()).map_err(|reason| Error::InvalidConfig {
            reason: format!("base URL: {reason}"),
        })?;
        if api_base.query().is_some()
            || api_base.fragment().is_some()
            || !api_base.username().is_empty()
        {
            return Err(Error::InvalidConfig {
                reason: "base URL: give the origin and path prefix only, without credentials, query or fragment".to_owned(),
            });
        }
        let header = HeaderName::from_bytes(info.auth.header.as_bytes()).map_err(|_| {
            Error::InvalidConfig {
                reason: format!("`{}` is not an HTTP header name", info.auth.header),
            }
        })?;
        let value = api_key
            .header_value(info.auth.scheme)
            .map_err(|reason| Error::InvalidConfig { reason })?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .redirect(redirect_policy(api_base.clone()))
                .connect_timeout(self.timeouts.connect)
                // Idle connections kept for reuse, per origin: no more than
                // the requests that may be in flight there at once.
                .pool_max_idle_per_host(self.limits.sane().per_origin)
                .user_agent(concat!("imagegen/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|error| Error::InvalidConfig {
                    reason: format!("the HTTP client cannot be built: {error}"),
                })?,
        };
        let webhook = match (self.webhook, P::WEBHOOK) {
            (None, _) => None,
            (Some(_), None) => {
                return Err(Error::InvalidConfig {
                    reason: format!(
                        "{} documents no webhooks: leave the webhook out",
                        info.display_name
                    ),
                });
            }
            (Some(url), Some(info)) => Some((crate::webhook::callback_base(&url)?, info)),
        };
        if self.quote_costs && P::PRICING.is_none() {
            return Err(Error::InvalidConfig {
                reason: format!(
                    "{} documents no pricing endpoint, so requests cannot be quoted",
                    info.display_name
                ),
            });
        }
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        Ok(Client {
            transport: Arc::new(Transport {
                provider: info,
                http,
                api_base,
                auth: (header, value),
                retry: self.retry,
                timeouts: self.timeouts,
                poll: self.poll,
                max_output_bytes: self.max_output_bytes,
                events,
                gates: Gates::new(self.limits),
                redactor: Redactor::new(api_key),
                learned: Default::default(),
                uploads: Default::default(),
                spending: self.spending.map(|spending| Spending {
                    unknown_cost_as: self.unknown_cost_as,
                    ..spending
                }),
                history: P::HISTORY,
                webhook_info: P::WEBHOOK,
                pricing: P::PRICING,
                quotes: self.quote_costs.then(Default::default),
                balance: P::BALANCE,
                webhook,
                ledger: Arc::new(crate::ledger::Ledger::new(self.clock_margin)),
            }),
            provider: PhantomData,
        })
    }
}

/// Redirects are followed only while they stay where the key may go: a chain
/// that starts on the API origin stops if it would leave it (reqwest strips
/// `Authorization` on a host change, but not a custom key header, nor on a
/// downgrade to plain http on the same host), and nothing is followed to
/// plain http off loopback.
fn redirect_policy(api_base: url::Url) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        let started_on_api = attempt
            .previous()
            .first()
            .is_some_and(|first| same_origin(first, &api_base));
        if attempt.previous().len() >= 5 {
            attempt.error("more than 5 redirects")
        } else if (started_on_api && !same_origin(attempt.url(), &api_base))
            || fetchable_url(attempt.url().as_str()).is_err()
        {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}
