//! Faults on demand: what can go wrong, on which requests, how many times.
//!
//! A [`FaultRule`] is injected with [`Sim::inject`](crate::Sim::inject) or
//! `POST /__sim/faults`. Each request the emulator handles is a [`Target`]
//! (a submission, a poll, a download, an upload); the first `times` requests that the
//! rule's target and scope match, and on which its fault can act, fire it.
//! Then the rule is spent.
//!
//! Rules are checked in the order they were injected. Faults that answer the
//! request themselves (`RateLimit`, `ServerError`) are checked first, before
//! the request is validated, and the first one matching fires alone. The
//! others change how an accepted request is answered and combine: the first
//! matching rule of each kind fires.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

/// A fault, the requests it applies to, and how many times it fires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    /// What goes wrong.
    pub fault: Fault,
    /// Which requests: submissions, polls, downloads, uploads, or any.
    #[serde(default)]
    pub target: Target,
    /// Which predictions: all, one by id, or those whose prompt contains a text.
    #[serde(default)]
    pub scope: Scope,
    /// How many matching requests it fires on before it is spent.
    #[serde(default = "once")]
    pub times: u32,
}

fn once() -> u32 {
    1
}

impl FaultRule {
    /// `fault` on the next request it can act on, of any kind, for any prediction.
    pub fn new(fault: Fault) -> Self {
        Self {
            fault,
            target: Target::Any,
            scope: Scope::Global,
            times: 1,
        }
    }

    /// Only on requests of this kind.
    pub fn on(mut self, target: Target) -> Self {
        self.target = target;
        self
    }

    /// Only for these predictions.
    pub fn scope(mut self, scope: Scope) -> Self {
        self.scope = scope;
        self
    }

    /// Only for prediction `id`.
    pub fn for_prediction(self, id: impl Into<String>) -> Self {
        self.scope(Scope::Prediction(id.into()))
    }

    /// Only for predictions whose prompt contains `text` (for a model with
    /// no prompt parameter, whose request body as JSON text contains it).
    pub fn for_prompt(self, text: impl Into<String>) -> Self {
        self.scope(Scope::Prompt(text.into()))
    }

    /// Fires on this many matching requests (default 1).
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    /// Why the rule cannot be used, if it cannot.
    pub fn problem(&self) -> Option<String> {
        if let Fault::ServerError { status } | Fault::EnvelopeError { code: status } = self.fault
            && !(400..=599).contains(&status)
        {
            return Some(format!(
                "`{}` needs an error code from 400 to 599, not {status}",
                self.fault.name()
            ));
        }
        None
    }
}

/// What goes wrong. Serialised as JSON tagged by `type`:
/// `{"type": "server_error", "status": 503}`,
/// `{"type": "rate_limit", "retry_after": {"seconds": 2}}`,
/// `{"type": "unknown_status", "status": "queued"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "wire::Fault", into = "wire::Fault")]
pub enum Fault {
    /// `429 Too Many Requests` with a retry hint, in the provider's error body.
    /// A rate-limited submission creates nothing.
    RateLimit {
        /// The hint sent.
        retry_after: RetryAfter,
    },
    /// This HTTP error status, in the provider's error body. A submission
    /// answered so creates nothing.
    ServerError {
        /// The status, 400 to 599 (named for the usual 5xx). Another value
        /// is sent as 500; `POST /__sim/faults` refuses it.
        status: u16,
    },
    /// An envelope provider answers `200 OK` with this error code in its
    /// envelope (`{"code": 500, "message": ...}`), as WaveSpeed does for some
    /// server failures; providers without an envelope answer the code as the
    /// HTTP status instead, like [`Fault::ServerError`]. A submission
    /// answered so creates nothing.
    EnvelopeError {
        /// The code, 400 to 599; another value is sent as 500.
        code: u16,
    },
    /// The whole request is read (a submission creates and records its
    /// prediction), then the connection is closed with no response.
    DropConnection,
    /// The response body arrives in [`SLOW_BODY_CHUNKS`] chunks, each after
    /// `chunk_delay`.
    SlowBody {
        /// Wait before each chunk.
        chunk_delay: Duration,
    },
    /// `Content-Length` announces the whole body, half of it is sent, then
    /// the connection is closed.
    TruncatedBody,
    /// The prediction ends failed by content moderation, with the message the
    /// provider's spec documents (its `content_policy_messages`, or its
    /// content-policy error code). It still ends when it would have.
    /// Synchronous APIs answer the submission with a 400 error instead.
    Moderation,
    /// Responses report this status value, one the spec does not list.
    UnknownStatus(String),
    /// A sync-mode submission is answered, after [`SYNC_TIMEOUT_WAIT`], with
    /// the prediction still running, as WaveSpeed does when generation
    /// outlives its wait: the client must poll.
    SyncTimeout,
    /// The status URL in the response points at the assets origin, which
    /// refuses (403) and records requests carrying credentials.
    ForeignStatusUrl,
    /// Base64 outputs are sent as `data:image/...;base64,` URIs.
    DataUriBase64,
    /// The answer to a submission or status check is `200 OK` with an HTML
    /// page instead of JSON, as from a proxy or captive portal in the way. A
    /// submission answered so has still created its prediction.
    InvalidJson,
    /// An output download is answered `302 Found`, pointing at the same
    /// output on the assets origin (as a CDN hands off to a mirror).
    Redirect,
    /// A webhook delivery is sent twice (the same `webhook-id`), as the
    /// provider's retries make happen.
    DuplicateDelivery,
    /// A webhook delivery is sent this long after the prediction ended
    /// (so deliveries of several predictions arrive out of order).
    DelayedDelivery {
        /// The wait before it is sent.
        delay: Duration,
    },
    /// Before the real delivery, one signed with the wrong secret is sent
    /// to the same URL (a forgery the receiver must refuse).
    ForgedDelivery,
    /// Before the real delivery, a replay of it stamped 10 minutes earlier
    /// (correctly signed for that time) is sent (the receiver must refuse
    /// it as too old).
    StaleDelivery,
}

/// Chunks a [`Fault::SlowBody`] body is cut into.
pub const SLOW_BODY_CHUNKS: usize = 8;

/// How long a [`Fault::SyncTimeout`] submission is held before it is answered.
pub const SYNC_TIMEOUT_WAIT: Duration = Duration::from_millis(100);

impl Fault {
    /// The fault's `type` in JSON (`rate_limit`).
    pub fn name(&self) -> &'static str {
        match self {
            Fault::RateLimit { .. } => "rate_limit",
            Fault::ServerError { .. } => "server_error",
            Fault::EnvelopeError { .. } => "envelope_error",
            Fault::DropConnection => "drop_connection",
            Fault::SlowBody { .. } => "slow_body",
            Fault::TruncatedBody => "truncated_body",
            Fault::Moderation => "moderation",
            Fault::UnknownStatus(_) => "unknown_status",
            Fault::SyncTimeout => "sync_timeout",
            Fault::ForeignStatusUrl => "foreign_status_url",
            Fault::DataUriBase64 => "data_uri_base64",
            Fault::InvalidJson => "invalid_json",
            Fault::Redirect => "redirect",
            Fault::DuplicateDelivery => "duplicate_delivery",
            Fault::DelayedDelivery { .. } => "delayed_delivery",
            Fault::ForgedDelivery => "forged_delivery",
            Fault::StaleDelivery => "stale_delivery",
        }
    }

    /// Whether the fault answers the request itself, before validation.
    pub(crate) fn answers_alone(&self) -> bool {
        matches!(
            self,
            Fault::RateLimit { .. } | Fault::ServerError { .. } | Fault::EnvelopeError { .. }
        )
    }
}

/// The retry hint of a [`Fault::RateLimit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryAfter {
    /// `Retry-After: <seconds>`.
    Seconds(u64),
    /// `retry-after-ms: <milliseconds>` (OpenAI's header), alone.
    Millis(u64),
    /// `Retry-After: <HTTP-date>`; JSON as the date text
    /// (`"Sun, 06 Nov 1994 08:49:37 GMT"`).
    HttpDate(#[serde(with = "http_date")] SystemTime),
}

impl RetryAfter {
    /// The header name and value sent.
    pub(crate) fn header(&self) -> (&'static str, String) {
        match self {
            RetryAfter::Seconds(seconds) => ("retry-after", seconds.to_string()),
            RetryAfter::Millis(millis) => ("retry-after-ms", millis.to_string()),
            RetryAfter::HttpDate(at) => ("retry-after", httpdate::fmt_http_date(*at)),
        }
    }
}

/// Which requests a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Submissions (`POST` of a request).
    Submit,
    /// Status checks of a prediction.
    Poll,
    /// Output downloads from the assets origin.
    Download,
    /// File uploads to a provider's upload endpoint (scopes other than
    /// `global` never match one: an upload has no prediction or prompt).
    Upload,
    /// Webhook deliveries of a finished prediction (`drop_connection`
    /// loses one: it is never sent).
    Webhook,
    /// All of them.
    #[default]
    Any,
}

impl Target {
    fn covers(self, request: Target) -> bool {
        self == Target::Any || self == request
    }
}

/// Which predictions a rule applies to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every request.
    #[default]
    Global,
    /// Requests about this prediction id (polls and downloads; a submission's
    /// id is not known before it is created, and an upload has none).
    Prediction(String),
    /// Requests about a prediction whose `prompt` contains this text (not
    /// uploads, which have no prompt).
    Prompt(String),
}

/// What a request is about, for matching rules.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Site<'a> {
    pub(crate) target: Target,
    pub(crate) prediction: Option<&'a str>,
    pub(crate) prompt: Option<&'a str>,
}

impl Scope {
    fn covers(&self, site: &Site<'_>) -> bool {
        match self {
            Scope::Global => true,
            Scope::Prediction(id) => site.prediction == Some(id.as_str()),
            Scope::Prompt(text) => site.prompt.is_some_and(|prompt| prompt.contains(text)),
        }
    }
}

/// The live rules.
#[derive(Debug, Default)]
pub(crate) struct FaultBook {
    rules: Vec<FaultRule>,
}

impl FaultBook {
    pub(crate) fn add(&mut self, rule: FaultRule) {
        if rule.times > 0 {
            self.rules.push(rule);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    /// The rules not yet spent, in injection order.
    pub(crate) fn rules(&self) -> &[FaultRule] {
        &self.rules
    }

    /// Fires the first matching rule whose fault answers the request alone.
    pub(crate) fn take_answer(&mut self, site: &Site<'_>) -> Option<Fault> {
        let index = self
            .rules
            .iter()
            .position(|rule| rule.fault.answers_alone() && matches(rule, site))?;
        Some(self.fire(index))
    }

    /// Fires the first matching rule of each other kind on which `can_act`
    /// holds (a fault that could not change this response is not spent).
    /// With a `DropConnection`, only `Moderation` fires alongside.
    pub(crate) fn take_modifiers(
        &mut self,
        site: &Site<'_>,
        can_act: impl Fn(&Fault) -> bool,
    ) -> Vec<Fault> {
        let eligible = |rule: &FaultRule| {
            !rule.fault.answers_alone() && matches(rule, site) && can_act(&rule.fault)
        };
        // A dropped connection answers nothing: faults shaping the answer
        // would be spent for nothing, so only those acting on the prediction
        // itself fire with it.
        let dropping = self
            .rules
            .iter()
            .any(|rule| rule.fault == Fault::DropConnection && eligible(rule));
        let mut fired: Vec<Fault> = Vec::new();
        let mut index = 0;
        while index < self.rules.len() {
            let rule = &self.rules[index];
            let eligible = eligible(rule)
                && (!dropping || matches!(rule.fault, Fault::DropConnection | Fault::Moderation))
                && !fired.iter().any(|f| f.name() == rule.fault.name());
            if eligible {
                let before = self.rules.len();
                fired.push(self.fire(index));
                if self.rules.len() < before {
                    continue; // the rule was spent and removed; `index` is the next one
                }
            }
            index += 1;
        }
        fired
    }

    /// Counts one firing of rule `index`, removing it when spent.
    fn fire(&mut self, index: usize) -> Fault {
        let rule = &mut self.rules[index];
        rule.times = rule.times.saturating_sub(1);
        if rule.times == 0 {
            self.rules.remove(index).fault
        } else {
            rule.fault.clone()
        }
    }
}

fn matches(rule: &FaultRule, site: &Site<'_>) -> bool {
    rule.times > 0 && rule.target.covers(site.target) && rule.scope.covers(site)
}

/// `SystemTime` as an HTTP date in JSON.
mod http_date {
    use std::time::SystemTime;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(at: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&httpdate::fmt_http_date(*at))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SystemTime, D::Error> {
        let text = String::deserialize(d)?;
        httpdate::parse_http_date(&text).map_err(|_| {
            serde::de::Error::custom(format!(
                "`{text}` is not an HTTP date such as `Sun, 06 Nov 1994 08:49:37 GMT`"
            ))
        })
    }
}

/// The JSON form of [`Fault`]: internally tagged by `type`, durations in
/// milliseconds, so that control requests are easy to write by hand.
mod wire {
    use std::time::Duration;

    use serde::{Deserialize, Serialize};

    use super::RetryAfter;

    #[derive(Serialize, Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
    pub(super) enum Fault {
        RateLimit { retry_after: RetryAfter },
        ServerError { status: u16 },
        EnvelopeError { code: u16 },
        DropConnection,
        SlowBody { chunk_delay_ms: u64 },
        TruncatedBody,
        Moderation,
        UnknownStatus { status: String },
        SyncTimeout,
        ForeignStatusUrl,
        DataUriBase64,
        InvalidJson,
        Redirect,
        DuplicateDelivery,
        DelayedDelivery { delay_ms: u64 },
        ForgedDelivery,
        StaleDelivery,
    }

    impl From<Fault> for super::Fault {
        fn from(fault: Fault) -> Self {
            match fault {
                Fault::RateLimit { retry_after } => Self::RateLimit { retry_after },
                Fault::ServerError { status } => Self::ServerError { status },
                Fault::EnvelopeError { code } => Self::EnvelopeError { code },
                Fault::DropConnection => Self::DropConnection,
                Fault::SlowBody { chunk_delay_ms } => Self::SlowBody {
                    chunk_delay: Duration::from_millis(chunk_delay_ms),
                },
                Fault::TruncatedBody => Self::TruncatedBody,
                Fault::Moderation => Self::Moderation,
                Fault::UnknownStatus { status } => Self::UnknownStatus(status),
                Fault::SyncTimeout => Self::SyncTimeout,
                Fault::ForeignStatusUrl => Self::ForeignStatusUrl,
                Fault::DataUriBase64 => Self::DataUriBase64,
                Fault::InvalidJson => Self::InvalidJson,
                Fault::Redirect => Self::Redirect,
                Fault::DuplicateDelivery => Self::DuplicateDelivery,
                Fault::DelayedDelivery { delay_ms } => Self::DelayedDelivery {
                    delay: Duration::from_millis(delay_ms),
                },
                Fault::ForgedDelivery => Self::ForgedDelivery,
                Fault::StaleDelivery => Self::StaleDelivery,
            }
        }
    }

    impl From<super::Fault> for Fault {
        fn from(fault: super::Fault) -> Self {
            match fault {
                super::Fault::RateLimit { retry_after } => Self::RateLimit { retry_after },
                super::Fault::ServerError { status } => Self::ServerError { status },
                super::Fault::EnvelopeError { code } => Self::EnvelopeError { code },
                super::Fault::DropConnection => Self::DropConnection,
                super::Fault::SlowBody { chunk_delay } => Self::SlowBody {
                    chunk_delay_ms: u64::try_from(chunk_delay.as_millis()).unwrap_or(u64::MAX),
                },
                super::Fault::TruncatedBody => Self::TruncatedBody,
                super::Fault::Moderation => Self::Moderation,
                super::Fault::UnknownStatus(status) => Self::UnknownStatus { status },
                super::Fault::SyncTimeout => Self::SyncTimeout,
                super::Fault::ForeignStatusUrl => Self::ForeignStatusUrl,
                super::Fault::DataUriBase64 => Self::DataUriBase64,
                super::Fault::InvalidJson => Self::InvalidJson,
                super::Fault::Redirect => Self::Redirect,
                super::Fault::DuplicateDelivery => Self::DuplicateDelivery,
                super::Fault::DelayedDelivery { delay } => Self::DelayedDelivery {
                    delay_ms: u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                },
                super::Fault::ForgedDelivery => Self::ForgedDelivery,
                super::Fault::StaleDelivery => Self::StaleDelivery,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn site<'a>(target: Target, prediction: Option<&'a str>, prompt: Option<&'a str>) -> Site<'a> {
        Site {
            target,
            prediction,
            prompt,
        }
    }

    #[test]
    fn json_forms() {
        let rule: FaultRule = serde_json::from_value(json!({
            "fault": {"type": "rate_limit", "retry_after": {"seconds": 2}},
            "target": "submit"
        }))
        .unwrap();
        assert_eq!(
            rule,
            FaultRule::new(Fault::RateLimit {
                retry_after: RetryAfter::Seconds(2)
            })
            .on(Target::Submit)
        );
        let rule = FaultRule::new(Fault::UnknownStatus("queued".into()))
            .for_prediction("abc")
            .times(3);
        let value = serde_json::to_value(&rule).unwrap();
        assert_eq!(
            value,
            json!({
                "fault": {"type": "unknown_status", "status": "queued"},
                "target": "any",
                "scope": {"prediction": "abc"},
                "times": 3
            })
        );
        assert_eq!(serde_json::from_value::<FaultRule>(value).unwrap(), rule);
        let slow = serde_json::to_value(Fault::SlowBody {
            chunk_delay: Duration::from_millis(250),
        })
        .unwrap();
        assert_eq!(slow, json!({"type": "slow_body", "chunk_delay_ms": 250}));
        let date = RetryAfter::HttpDate(SystemTime::UNIX_EPOCH + Duration::from_secs(784111777));
        let value = serde_json::to_value(date).unwrap();
        assert_eq!(value, json!({"http_date": "Sun, 06 Nov 1994 08:49:37 GMT"}));
        assert_eq!(serde_json::from_value::<RetryAfter>(value).unwrap(), date);
        assert!(serde_json::from_value::<Fault>(json!({"type": "meteor"})).is_err());
    }

    #[test]
    fn rules_fire_their_times_then_are_spent() {
        let mut book = FaultBook::default();
        book.add(
            FaultRule::new(Fault::ServerError { status: 503 })
                .on(Target::Poll)
                .times(2),
        );
        let poll = site(Target::Poll, Some("p1"), None);
        let submit = site(Target::Submit, None, Some("a cat"));
        assert_eq!(book.take_answer(&submit), None);
        assert!(book.take_answer(&poll).is_some());
        assert!(book.take_answer(&poll).is_some());
        assert_eq!(book.take_answer(&poll), None);
        assert!(book.rules().is_empty());
    }

    #[test]
    fn scopes_and_applicability() {
        let mut book = FaultBook::default();
        book.add(FaultRule::new(Fault::Moderation).for_prompt("forbidden"));
        book.add(FaultRule::new(Fault::DataUriBase64).for_prediction("p2"));
        book.add(FaultRule::new(Fault::TruncatedBody));
        let cat = site(Target::Submit, None, Some("a cat"));
        let forbidden = site(Target::Submit, None, Some("a forbidden cat"));
        // Not applicable: not spent.
        assert!(book.take_modifiers(&cat, |_| false).is_empty());
        assert_eq!(book.take_modifiers(&cat, |_| true), [Fault::TruncatedBody]);
        assert_eq!(
            book.take_modifiers(&forbidden, |_| true),
            [Fault::Moderation]
        );
        let p2 = site(Target::Poll, Some("p2"), None);
        assert_eq!(book.take_modifiers(&p2, |_| true), [Fault::DataUriBase64]);
        assert!(book.rules().is_empty());
    }

    #[test]
    fn a_drop_leaves_answer_shaping_faults_for_later() {
        let mut book = FaultBook::default();
        book.add(FaultRule::new(Fault::DropConnection).on(Target::Poll));
        book.add(FaultRule::new(Fault::TruncatedBody).on(Target::Poll));
        let poll = site(Target::Poll, Some("p"), None);
        assert_eq!(
            book.take_modifiers(&poll, |_| true),
            [Fault::DropConnection]
        );
        assert_eq!(book.take_modifiers(&poll, |_| true), [Fault::TruncatedBody]);
    }

    #[test]
    fn upload_rules_fire_on_uploads_only() {
        let rule: FaultRule = serde_json::from_value(json!({
            "fault": {"type": "server_error", "status": 502},
            "target": "upload",
            "times": 2
        }))
        .unwrap();
        assert_eq!(
            rule,
            FaultRule::new(Fault::ServerError { status: 502 })
                .on(Target::Upload)
                .times(2)
        );
        let mut book = FaultBook::default();
        book.add(rule);
        book.add(
            FaultRule::new(Fault::DropConnection)
                .on(Target::Upload)
                .for_prompt("x"),
        );
        let upload = site(Target::Upload, None, None);
        assert_eq!(
            book.take_answer(&site(Target::Submit, None, Some("x"))),
            None
        );
        assert!(book.take_answer(&upload).is_some());
        assert!(book.take_answer(&upload).is_some());
        assert_eq!(book.take_answer(&upload), None);
        // A prompt scope never matches an upload.
        assert!(book.take_modifiers(&upload, |_| true).is_empty());
    }

    #[test]
    fn server_error_status_is_checked() {
        assert!(
            FaultRule::new(Fault::ServerError { status: 200 })
                .problem()
                .is_some()
        );
        assert!(
            FaultRule::new(Fault::ServerError { status: 503 })
                .problem()
                .is_none()
        );
    }
}
