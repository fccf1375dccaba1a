//! The contract between generated code and the runtime.
//!
//! Generated crates implement these traits; the runtime's transport is written
//! once against them. Everything provider-specific reaches the runtime through
//! [`ProviderInfo`] / [`ModelInfo`] tables and the role accessors of
//! [`ResponseFields`], never through a `match` on the provider.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::image::ImageSource;
use crate::info::{ModelInfo, ParamKind, ProviderInfo};

/// A provider, as a zero-sized marker type in its generated crate.
pub trait Provider: Send + Sync + 'static {
    /// Where and how to call it.
    const INFO: &'static ProviderInfo;
    /// The body answering a submission.
    type SubmitResponse: DeserializeOwned + ResponseFields + Send + 'static;
    /// The body answering a status check (the submit body for synchronous
    /// providers, which have no status checks).
    type ResultResponse: DeserializeOwned + ResponseFields + Send + 'static;
    /// The body answering an upload ([`NoUpload`] for a provider without
    /// an upload endpoint).
    type UploadResponse: DeserializeOwned + ResponseFields + Send + 'static;
    /// Where recent predictions are listed, if the provider documents it:
    /// a submission whose answer was lost is looked for there.
    const HISTORY: Option<&'static crate::info::HistoryInfo> = None;
    /// How finished predictions are sent to a URL, signed, if documented.
    const WEBHOOK: Option<&'static crate::info::WebhookInfo> = None;
    /// Where one request is priced before it is sent, if documented.
    const PRICING: Option<&'static crate::info::PricingInfo> = None;
    /// Where the account's balance is read, if documented.
    const BALANCE: Option<&'static crate::info::BalanceInfo> = None;
}

/// A validated request for one model: the JSON body and where it goes.
pub trait ModelRequest: Serialize + Clone + Send + Sync {
    /// The provider serving the model.
    type Provider: Provider;
    /// The model, its endpoint and its parameter table.
    const MODEL: &'static ModelInfo;

    /// Whether this request asks the server to answer only once it is done.
    fn sync_mode_requested(&self) -> bool;

    /// Whether this request asks for base64 outputs instead of URLs.
    fn base64_output_requested(&self) -> bool;

    /// The image parameters that are set, by wire name, in table order.
    fn images(&self) -> Vec<(&'static str, &ImageSource)> {
        Vec::new()
    }

    /// The same, to replace local images by the URLs they were uploaded to
    /// (the client does this on a copy, just before sending).
    fn images_mut(&mut self) -> Vec<(&'static str, &mut ImageSource)> {
        Vec::new()
    }
}

/// What a generated parameter type says about itself: the facts its
/// compile-time literal messages and its row of the parameter table
/// ([`ParamInfo::of`](crate::info::ParamInfo::of)) are made of, written once
/// on the type by its `imagegen_core` macro.
pub trait ParamType {
    /// What its literal macro takes (`i64`, `f64`, `&'static str`).
    type Literal;
    /// The parameter's wire name (`seed`).
    const NAME: &'static str;
    /// What is allowed, in words.
    const ALLOWED: &'static str;
    /// Its kind, for tables and command lines.
    const KIND: ParamKind;
    /// The allowed values in wire spelling, for enumerated values and size
    /// presets; empty otherwise.
    const CHOICES: &'static [&'static str] = &[];
    /// For sizes: the character between width and height.
    const SIZE_SEPARATOR: Option<char> = None;
    /// For images: what the parameter takes.
    const IMAGE: Option<crate::info::ImageParam> = None;
}

/// One output of a prediction as the server sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputRef<'a> {
    /// A URL to download the image from.
    Url(&'a str),
    /// The image itself, base64-encoded, raw or as a `data:` URI.
    Base64(&'a str),
}

impl<'a> OutputRef<'a> {
    /// Classifies an entry of an `outputs` array, which holds URLs or, when
    /// base64 output was requested, encoded images.
    pub fn classify(entry: &'a str) -> Self {
        // `scheme://`: a URL, whatever its scheme (`ftp://`, `file://` are
        // refused as URLs later, not misread as base64, whose alphabet has
        // no `:`). A `data:` URI is inline base64.
        let scheme = entry.find("://").map(|end| &entry[..end]);
        let is_scheme = |s: &str| {
            s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        };
        match scheme {
            Some(scheme) if is_scheme(scheme) => OutputRef::Url(entry),
            _ => OutputRef::Base64(entry),
        }
    }
}

/// Uniform access to the fields of a provider's response that the runtime
/// needs, wherever the provider puts them (top level, inside `data`, inside
/// `data[]`). Generated from the `role`s in the provider's spec; fields a
/// provider does not document answer `None`.
pub trait ResponseFields {
    /// The prediction id.
    fn prediction_id(&self) -> Option<&str> {
        None
    }
    /// The status as sent on the wire.
    fn status(&self) -> Option<&str> {
        None
    }
    /// The outputs, in order.
    fn outputs(&self) -> Vec<OutputRef<'_>> {
        Vec::new()
    }
    /// The error message of a failed prediction.
    fn error_message(&self) -> Option<&str> {
        None
    }
    /// The URL to poll for this prediction.
    fn status_url(&self) -> Option<&str> {
        None
    }
    /// The server's estimate of the run time (`5-15s`).
    fn estimated_time(&self) -> Option<&str> {
        None
    }
    /// The cost of the request in US cents.
    fn cost_cents(&self) -> Option<i64> {
        None
    }
    /// The envelope's status code (`code` in `{code, message, data}`).
    fn envelope_code(&self) -> Option<i64> {
        None
    }
    /// The envelope's message.
    fn envelope_message(&self) -> Option<&str> {
        None
    }
    /// In an upload's answer: the uploaded file's URL.
    fn upload_url(&self) -> Option<&str> {
        None
    }
}

/// The upload answer of a provider without an upload endpoint: it has no
/// values, so it is never read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub enum NoUpload {}

impl ResponseFields for NoUpload {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_urls_and_base64() {
        assert_eq!(
            OutputRef::classify("https://assets.vibedream.ai/outputs/x/0.png"),
            OutputRef::Url("https://assets.vibedream.ai/outputs/x/0.png")
        );
        assert_eq!(
            OutputRef::classify("HTTP://127.0.0.1/a.png"),
            OutputRef::Url("HTTP://127.0.0.1/a.png")
        );
        assert_eq!(
            OutputRef::classify("data:image/png;base64,iVBORw0KGgo="),
            OutputRef::Base64("data:image/png;base64,iVBORw0KGgo=")
        );
        assert_eq!(
            OutputRef::classify("iVBORw0KGgo="),
            OutputRef::Base64("iVBORw0KGgo=")
        );
        // Other schemes are URLs (to be refused as such), not bad base64.
        for url in ["ftp://example.com/a.png", "file:///etc/passwd"] {
            assert_eq!(OutputRef::classify(url), OutputRef::Url(url));
        }
    }
}
