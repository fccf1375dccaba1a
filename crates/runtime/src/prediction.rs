//! What a submission returns and a wait ends with.

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::cost::Cost;
use crate::info::EstimatedTime;

/// A submitted prediction: enough to check on it or wait for it, now or from
/// another process later. Serialise it (it is plain data) to resume after a
/// restart; [`Client::prediction`](crate::Client::prediction) rebuilds one
/// from a bare id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    provider: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    local_id: Option<String>,
    status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    estimated_time: Option<EstimatedTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cost_cents: Option<i64>,
    #[serde(default, skip_serializing_if = "Cost::is_unknown")]
    cost: Cost,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    submitted_at: Option<SystemTime>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    outputs: Vec<Output>,
    #[serde(default)]
    done: bool,
    /// The token its webhook URL carried, when it was sent with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    webhook_token: Option<String>,
}

impl Prediction {
    pub(crate) fn new(provider: &str, model: Option<&str>, id: Option<String>) -> Self {
        Prediction {
            provider: provider.to_owned(),
            model: model.map(str::to_owned),
            id,
            local_id: None,
            status: String::new(),
            status_url: None,
            estimated_time: None,
            cost_cents: None,
            cost: Cost::Unknown,
            submitted_at: None,
            outputs: Vec::new(),
            done: false,
            webhook_token: None,
        }
    }

    /// The provider's name.
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// The model id, when known.
    pub fn model(&self) -> Option<&str> {
        self.model.as_deref()
    }

    /// The prediction id. `None` only for synchronous APIs that answer with
    /// the images and no id (aimlapi).
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The name this client made for a prediction the provider gave no id
    /// (a synchronous answer): unique to this answer across processes and
    /// runs, it names its output files. `None` when the provider named it.
    pub fn local_id(&self) -> Option<&str> {
        self.local_id.as_deref()
    }

    /// The provider's id, or else the client-made [`local_id`](Self::local_id):
    /// what tells this prediction's outputs from every other's.
    pub fn name(&self) -> Option<&str> {
        self.id.as_deref().or(self.local_id.as_deref())
    }

    /// The last status seen, as sent (empty before the first check of a
    /// resumed prediction).
    pub fn status(&self) -> &str {
        &self.status
    }

    /// The URL the server named for checking on it.
    pub fn status_url(&self) -> Option<&str> {
        self.status_url.as_deref()
    }

    /// How long it should take, by the server's estimate or else the docs'.
    pub fn estimated_time(&self) -> Option<EstimatedTime> {
        self.estimated_time
    }

    /// What the server's answer said it costs, in US cents (vibedream's
    /// `costCents`); `None` when it said nothing.
    pub fn cost_cents(&self) -> Option<i64> {
        self.cost_cents
    }

    /// What it costs: as the provider's answer reported it, else by the
    /// model's documented price for the request as sent, else unknown.
    /// Unknown for a handle rebuilt from a bare id, which has no request.
    pub fn cost(&self) -> Cost {
        self.cost
    }

    /// When the server answered its submission (so it existed by then), if
    /// this process (or the one that serialised it) submitted it.
    pub fn submitted_at(&self) -> Option<SystemTime> {
        self.submitted_at
    }

    /// Whether it finished successfully with the outputs already known
    /// (a sync-mode or synchronous answer, or a completed status check).
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The outputs, once done.
    pub fn outputs(&self) -> &[Output] {
        &self.outputs
    }

    /// The token this prediction's webhook URL carried
    /// (`imagegen_request=<token>`), when the client was built with a
    /// webhook: a delivery with it is this prediction's.
    pub fn webhook_token(&self) -> Option<&str> {
        self.webhook_token.as_deref()
    }

    pub(crate) fn set_webhook_token(&mut self, token: Option<String>) {
        self.webhook_token = token;
    }

    pub(crate) fn set_local_id(&mut self, local_id: String) {
        self.local_id = Some(local_id);
    }

    pub(crate) fn set_status(&mut self, status: &str) {
        status.clone_into(&mut self.status);
    }

    pub(crate) fn set_details(
        &mut self,
        status_url: Option<String>,
        estimated_time: Option<EstimatedTime>,
        cost_cents: Option<i64>,
        cost: Cost,
        submitted_at: SystemTime,
    ) {
        self.status_url = status_url;
        self.estimated_time = estimated_time;
        self.cost_cents = cost_cents;
        self.cost = cost;
        self.submitted_at = Some(submitted_at);
    }

    pub(crate) fn finish(&mut self, outputs: Vec<Output>) {
        self.outputs = outputs;
        self.done = true;
    }
}

/// One output image: a URL to fetch it from, or the image itself in base64
/// (raw, or as a `data:` URI). [`Generation::save_all`](crate::Generation::save_all)
/// handles both alike.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Download from here (without credentials).
    Url(String),
    /// The encoded image.
    Base64(String),
}

impl Output {
    pub(crate) fn from_ref(output: crate::OutputRef<'_>) -> Self {
        match output {
            // Credentials a server put in a URL are neither sent nor shown.
            crate::OutputRef::Url(url) => Output::Url(crate::origin::without_userinfo(url)),
            crate::OutputRef::Base64(data) => Output::Base64(data.to_owned()),
        }
    }

    /// The URL, for URL outputs.
    pub fn url(&self) -> Option<&str> {
        match self {
            Output::Url(url) => Some(url),
            Output::Base64(_) => None,
        }
    }

    /// Decodes a base64 output (raw or `data:` URI); `None` for URL outputs.
    pub fn decode_base64(&self) -> Option<Result<Vec<u8>, base64::DecodeError>> {
        let Output::Base64(data) = self else {
            return None;
        };
        let payload = match data.strip_prefix("data:") {
            Some(uri) => uri.split_once(',').map_or(uri, |(_, payload)| payload),
            None => data,
        };
        let payload: String = payload
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        let engine = if payload.ends_with('=') {
            &base64::engine::general_purpose::STANDARD
        } else {
            &base64::engine::general_purpose::STANDARD_NO_PAD
        };
        Some(engine.decode(payload.as_bytes()))
    }
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Output::Url(url) => f.debug_tuple("Url").field(url).finish(),
            // An image in base64 is megabytes; show its size, not its text.
            Output::Base64(data) => write!(f, "Base64(<{} chars>)", data.len()),
        }
    }
}

/// How a finished prediction went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timings {
    /// From submission (or resumption) to the outputs being known.
    pub elapsed: Duration,
    /// Status checks made.
    pub polls: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_raw_and_data_uri_base64() {
        let png = [0x89, b'P', b'N', b'G'];
        for text in [
            "iVBORw==",
            "iVBORw",
            "data:image/png;base64,iVBORw==",
            "iVBO\nRw==",
        ] {
            let output = Output::Base64(text.to_owned());
            assert_eq!(output.decode_base64().unwrap().unwrap(), png, "{text}");
        }
        assert!(
            Output::Url("https://x/y.png".into())
                .decode_base64()
                .is_none()
        );
        assert!(
            Output::Base64("not base64!".into())
                .decode_base64()
                .unwrap()
                .is_err()
        );
    }

    #[test]
    fn output_urls_lose_their_credentials() {
        let output = Output::from_ref(crate::OutputRef::Url("https://u:p@cdn.example.com/x.png"));
        assert_eq!(output.url(), Some("https://cdn.example.com/x.png"));
    }

    #[test]
    fn debug_does_not_dump_images() {
        let output = Output::Base64("A".repeat(1_000_000));
        assert_eq!(format!("{output:?}"), "Base64(<1000000 chars>)");
    }

    #[test]
    fn a_prediction_round_trips_through_json() {
        let mut prediction =
            Prediction::new("vibedream", Some("z-image-turbo"), Some("abc".into()));
        prediction.set_status("processing");
        prediction.set_details(
            Some("https://api.vibedream.ai/api/v1/predictions/abc".into()),
            Some(EstimatedTime {
                min_ms: 1000,
                max_ms: 3000,
            }),
            Some(1),
            Cost::reported_cents(1).unwrap(),
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        );
        let json = serde_json::to_string(&prediction).unwrap();
        let back: Prediction = serde_json::from_str(&json).unwrap();
        assert_eq!(back, prediction);
    }
}
