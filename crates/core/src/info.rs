//! Static descriptions of providers and models, emitted by codegen from the specs.
//!
//! These are the data the runtime is parameterised by: it never matches on a
//! provider's name, it reads these tables. Everything is `&'static` so a
//! provider crate's descriptions cost nothing at start-up.

/// The three API shapes the runtime speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Protocol {
    /// Submit returns `{id, status, statusUrl, …}`; poll a flat prediction
    /// object until its status is terminal (vibedream).
    FlatPredictionQueue,
    /// Submit and poll both answer `{code, message, data: {id, status, outputs,
    /// urls: {get}, …}}` (WaveSpeed, GPTProto).
    EnvelopePredictionQueue,
    /// One synchronous OpenAI-style call answering `{created, data: [{url |
    /// b64_json}], usage}` (aimlapi).
    OpenAiSync,
}

/// An HTTP method used by a provider endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
}

impl HttpMethod {
    /// The method's name on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        }
    }
}

/// One endpoint, relative to the provider's base URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// HTTP method.
    pub method: HttpMethod,
    /// Path below the base URL. Result paths keep an `{id}` placeholder.
    pub path: &'static str,
    /// The documented success status, when the provider documents one
    /// (aimlapi answers `201`); otherwise any 2xx.
    pub success_status: Option<u16>,
}

impl Endpoint {
    /// `GET path`, answered by any 2xx.
    pub const fn get(path: &'static str) -> Self {
        Self {
            method: HttpMethod::Get,
            path,
            success_status: None,
        }
    }

    /// `POST path`, answered by any 2xx.
    pub const fn post(path: &'static str) -> Self {
        Self {
            method: HttpMethod::Post,
            path,
            success_status: None,
        }
    }

    /// The same endpoint, documented to answer `status` on success.
    pub const fn answering(mut self, status: u16) -> Self {
        self.success_status = Some(status);
        self
    }
}

/// How the API key is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AuthInfo {
    /// Header carrying the key (`Authorization`).
    pub header: &'static str,
    /// Scheme written before the key (`Bearer`), if any.
    pub scheme: Option<&'static str>,
    /// Environment variable the provider's docs tell users to set.
    pub env_var: &'static str,
    /// Where users get a key, when documented.
    pub key_url: Option<&'static str>,
}

/// How a terminal status ends a prediction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Outputs are ready.
    Succeeded,
    /// The prediction ended without outputs.
    Failed,
}

/// One documented status value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatusInfo {
    /// The value on the wire (`processing`).
    pub value: &'static str,
    /// `Some` for terminal statuses.
    pub outcome: Option<Outcome>,
}

/// What a documented error code means to a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request was rejected as invalid.
    BadRequest,
    /// The API key is missing or invalid.
    Unauthorized,
    /// The key may not use this resource, or the balance is insufficient.
    Forbidden,
    /// Too many requests.
    RateLimited,
    /// The provider failed.
    ServerError,
    /// The content was blocked by the provider's safety checks.
    ContentPolicy,
}

/// One documented error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorInfo {
    /// The code as the provider's table lists it.
    pub code: u16,
    /// The HTTP status actually sent, when the docs say it differs from `code`
    /// (GPTProto lists content policy as 503 but sends 400).
    pub http_status: u16,
    /// The documented name (`Too Many Requests`).
    pub name: &'static str,
    /// What it means to a caller.
    pub kind: ErrorKind,
    /// The documented description.
    pub description: &'static str,
}

/// A provider: where and how to call it, and how to read its answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProviderInfo {
    /// Short lowercase name (`vibedream`), also the crate suffix.
    pub name: &'static str,
    /// Name for people (`VibeDream`).
    pub display_name: &'static str,
    /// Origin before the documented paths (`https://api.vibedream.ai`).
    pub base_url: &'static str,
    /// Environment variable overriding the base URL (`VIBEDREAM_BASE_URL`).
    pub base_url_env_var: &'static str,
    /// How the key is sent.
    pub auth: AuthInfo,
    /// Which of the three API shapes it speaks.
    pub protocol: Protocol,
    /// Where a prediction's state is read, for queue protocols.
    pub result: Option<Endpoint>,
    /// Documented status values.
    pub statuses: &'static [StatusInfo],
    /// Documented error codes.
    pub errors: &'static [ErrorInfo],
    /// Phrases in a failed prediction's error message that mean its content was
    /// blocked (vibedream: "flagged by content moderation").
    pub content_policy_messages: &'static [&'static str],
    /// Whether a request in sync mode is answered with its outputs; where not
    /// (GPTProto), the result must still be fetched from the result endpoint.
    pub sync_mode_returns_outputs: bool,
    /// Where local images are uploaded to get a URL, if the provider
    /// documents an upload endpoint.
    pub upload: Option<UploadInfo>,
}

/// A provider's list of recent predictions (WaveSpeed's
/// `POST /api/v3/predictions`): paged, newest first, filtered by model and
/// creation time. A submission whose answer was lost is looked for there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HistoryInfo {
    /// Where it is, below the base URL.
    pub endpoint: Endpoint,
    /// The request body's field for the page number.
    pub page_field: &'static str,
    /// The request body's field for the page size.
    pub page_size_field: &'static str,
    /// The request body's field for the model filter.
    pub model_field: &'static str,
    /// The request body's field for "created at or after" (ISO 8601).
    pub created_after_field: &'static str,
    /// The request body's field for "created before" (ISO 8601).
    pub created_before_field: &'static str,
    /// The first page's number.
    pub first_page: u32,
    /// The most items a page holds.
    pub max_page_size: u32,
    /// How many days back the list reaches, where documented.
    pub retention_days: Option<u32>,
    /// Where the answer's envelope code is (`code`), if it has one.
    pub envelope_code: Option<&'static str>,
    /// Where the page's items are (`data.items`).
    pub items: &'static str,
    /// Where the count of all matching items is (`data.total`), if given.
    pub total: Option<&'static str>,
    /// An item's id, model, status and creation time, relative to the item.
    pub item_id: &'static str,
    /// See [`item_id`](Self::item_id).
    pub item_model: &'static str,
    /// See [`item_id`](Self::item_id).
    pub item_status: &'static str,
    /// See [`item_id`](Self::item_id).
    pub item_created_at: &'static str,
    /// An item's status URL, if given.
    pub item_status_url: Option<&'static str>,
}

/// How a provider sends a finished prediction to a URL given with its
/// submission, and signs it: HMAC-SHA256 of `{id}.{timestamp}.{raw body}`,
/// keyed with the secret less its prefix, sent as `<version>,<hex>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WebhookInfo {
    /// The submit URL's query parameter naming the webhook URL.
    pub query_param: &'static str,
    /// Where the signing secret is read, below the base URL.
    pub secret: Endpoint,
    /// The prefix the secret is given with and signed without.
    pub secret_prefix: Option<&'static str>,
    /// The header naming the delivery.
    pub id_header: &'static str,
    /// The header with the delivery's Unix time in seconds.
    pub timestamp_header: &'static str,
    /// The header with `<version>,<hex signature>`.
    pub signature_header: &'static str,
    /// The signature's version.
    pub signature_version: &'static str,
    /// Deliveries further than this from now are refused.
    pub max_age_seconds: u32,
}

/// Where a provider prices one request with exactly its inputs before it is
/// sent (WaveSpeed's `POST /api/v3/model/pricing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PricingInfo {
    /// Where it is, below the base URL.
    pub endpoint: Endpoint,
    /// The request's field naming the model.
    pub model_field: &'static str,
    /// The request's field holding the request body.
    pub inputs_field: &'static str,
    /// Where the answer's envelope code is, if it has one.
    pub envelope_code: Option<&'static str>,
    /// Where the price of one request is (a dotted path).
    pub price: &'static str,
    /// Where its currency is.
    pub currency: &'static str,
}

/// Where a provider answers the account's balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BalanceInfo {
    /// Where it is, below the base URL.
    pub endpoint: Endpoint,
    /// Where the answer's envelope code is, if it has one.
    pub envelope_code: Option<&'static str>,
    /// Where the balance is (a dotted path).
    pub balance: &'static str,
    /// Its currency, as the page states it.
    pub currency: &'static str,
}

/// A provider's upload endpoint: a file in as `multipart/form-data`, a URL
/// to pass to image parameters out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UploadInfo {
    /// Where files are sent, below the base URL (the API origin, so the key
    /// goes with them).
    pub endpoint: Endpoint,
    /// The multipart field carrying the file (`file`).
    pub field: &'static str,
    /// The largest image taken, in bytes.
    pub max_bytes: u64,
    /// Days an upload stays available, where documented.
    pub retention_days: Option<u32>,
    /// Whether an upload is billed: then it is sent again only when the
    /// failure proves it never arrived. An unbilled upload is retried like
    /// a status check (a repeat at worst stores a second copy).
    pub billed: bool,
}

/// How a local image reaches a provider for one parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LocalImages {
    /// Uploaded through the provider's upload endpoint; its URL is sent.
    Uploaded(&'static UploadInfo),
    /// Sent inline in the request as a `data:` URI.
    DataUri,
    /// Not at all: the provider takes only public URLs for it.
    Refused,
}

/// What an image parameter takes, from its spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ImageParam {
    /// The documented formats; empty where none are documented (then any
    /// of JPEG, PNG, GIF and WebP).
    pub formats: &'static [crate::ImageFormat],
    /// Whether the provider takes the image inline, as a `data:` URI.
    pub data_uri: bool,
    /// For a mask: the image parameter it masks.
    pub mask_for: Option<&'static str>,
}

impl ImageParam {
    /// The formats a local image may be in: those documented; PNG for a
    /// mask (the format a mask's alpha channel is read from); any of the
    /// four otherwise.
    pub const fn accepted_formats(&self) -> &'static [crate::ImageFormat] {
        if self.formats.is_empty() && self.mask_for.is_some() {
            &[crate::ImageFormat::Png]
        } else if self.formats.is_empty() {
            &[
                crate::ImageFormat::Jpeg,
                crate::ImageFormat::Png,
                crate::ImageFormat::Gif,
                crate::ImageFormat::WebP,
            ]
        } else {
            self.formats
        }
    }
}

impl ProviderInfo {
    /// The documented status with this wire value.
    pub fn status(&self, value: &str) -> Option<&'static StatusInfo> {
        self.statuses.iter().find(|status| status.value == value)
    }

    /// The documented error with this code (an envelope's `code`).
    pub fn error_for_code(&self, code: u16) -> Option<&'static ErrorInfo> {
        self.errors.iter().find(|error| error.code == code)
    }

    /// The documented error sent with this HTTP status.
    pub fn error_for_http_status(&self, http_status: u16) -> Option<&'static ErrorInfo> {
        self.errors
            .iter()
            .find(|error| error.http_status == http_status)
    }
}

/// A documented estimate of how long a prediction takes (`5-15s`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct EstimatedTime {
    /// Lower bound in milliseconds.
    pub min_ms: u64,
    /// Upper bound in milliseconds.
    pub max_ms: u64,
}

impl EstimatedTime {
    /// From `min_ms` to `max_ms` milliseconds.
    pub const fn millis(min_ms: u64, max_ms: u64) -> Self {
        Self { min_ms, max_ms }
    }
}

/// The parameter that turns on base64 outputs, and the value that does it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Base64Switch {
    /// Wire name (`enable_base64_output`, `response_format`).
    pub parameter: &'static str,
    /// Wire value that selects base64 (`true`, `b64_json`).
    pub value: &'static str,
}

/// What type a parameter is, for tables and command lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParamKind {
    /// `true` or `false`.
    Boolean,
    /// Free text, possibly length-bounded.
    Text,
    /// One of an enumerated set of strings.
    Choice,
    /// One of an enumerated set of numbers, sent as JSON numbers (aimlapi's
    /// `n: [1]`, Beeble's `max_resolution: [720, 1080]`); written on the
    /// command line and in `Args` as the number's text.
    NumberChoice,
    /// A whole number.
    Integer,
    /// A number, possibly stepped.
    Number,
    /// An image: an http(s) URL, or where the provider can take one, a
    /// local file.
    ImageUrl,
    /// An image size: presets, and custom `WxH` where allowed.
    ImageSize,
    /// Several images: a JSON array, each item as an
    /// [`ImageUrl`](ParamKind::ImageUrl) (a URL, or a local file where the
    /// provider can take one). On the command line and in `Args`, its text is
    /// the JSON array, or one item alone.
    ImageList,
    /// Several objects with documented fields (LoRAs: `{path, scale}`): a
    /// JSON array of objects. On the command line and in `Args`, its text
    /// is the JSON array, or one object alone.
    ObjectList,
}

/// One row of a model's parameter table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParamInfo {
    /// Wire name.
    pub name: &'static str,
    /// Type.
    pub kind: ParamKind,
    /// Whether the request cannot be built without it.
    pub required: bool,
    /// Sent with this value on every request; not settable.
    pub fixed: Option<&'static str>,
    /// The provider's documented default, as documented; `None` where the docs
    /// give none.
    pub default: Option<&'static str>,
    /// What is allowed, in words.
    pub allowed: &'static str,
    /// The documented description.
    pub description: &'static str,
    /// What it stands for in the provider-neutral request, if anything.
    pub meaning: Option<Meaning>,
    /// The allowed values in wire spelling, for enumerated parameters and
    /// size presets (keywords such as `auto` included); empty otherwise.
    pub choices: &'static [&'static str],
    /// For sizes: the character between width and height (`*` or `x`).
    pub size_separator: Option<char>,
    /// For images: the formats, whether a `data:` URI is taken, the image
    /// a mask masks.
    pub image: Option<ImageParam>,
    /// For an image parameter that cannot take a local file: models of
    /// other providers (`provider/model`) whose same parameter can.
    pub local_alternatives: &'static [&'static str],
}

impl ParamInfo {
    /// A row for a parameter without a type of its own (a `bool`, an
    /// unbounded `String` or `i64`): optional, with no description, default,
    /// fixed value, meaning or choices until the builder methods below say
    /// otherwise.
    pub const fn new(name: &'static str, kind: ParamKind, allowed: &'static str) -> Self {
        Self {
            name,
            kind,
            required: false,
            fixed: None,
            default: None,
            allowed,
            description: "",
            meaning: None,
            choices: &[],
            size_separator: None,
            image: None,
            local_alternatives: &[],
        }
    }

    /// The row for a parameter typed by `T`: name, kind, allowed values,
    /// choices and size separator come from the type, so they are written
    /// once; the description follows with [`described`](Self::described).
    pub const fn of<T: crate::ParamType>() -> Self {
        Self {
            choices: T::CHOICES,
            size_separator: T::SIZE_SEPARATOR,
            image: T::IMAGE,
            ..Self::new(T::NAME, T::KIND, T::ALLOWED)
        }
    }

    /// Records the documented description.
    pub const fn described(mut self, description: &'static str) -> Self {
        self.description = description;
        self
    }

    /// Marks the parameter required.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Records the documented default.
    pub const fn with_default(mut self, default: &'static str) -> Self {
        self.default = Some(default);
        self
    }

    /// Records the value every request sends.
    pub const fn with_fixed(mut self, fixed: &'static str) -> Self {
        self.fixed = Some(fixed);
        self
    }

    /// Records the enumerated values of a parameter without a type of its
    /// own (a fixed one).
    pub const fn with_choices(mut self, choices: &'static [&'static str]) -> Self {
        self.choices = choices;
        self
    }

    /// Records the models of other providers that take a local file for
    /// this image parameter.
    pub const fn with_local_alternatives(mut self, models: &'static [&'static str]) -> Self {
        self.local_alternatives = models;
        self
    }

    /// Records what the parameter stands for in the neutral request.
    pub const fn with_meaning(mut self, meaning: Meaning) -> Self {
        self.meaning = Some(meaning);
        self
    }
}

/// What a parameter stands for in plain terms: the link between a model's own
/// parameter table and the provider-neutral
/// `Generate` request (`imagegen_runtime::neutral`). Written in the spec
/// (`means:`), so no code guesses it from names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Meaning {
    /// The text prompt.
    Prompt,
    /// The output size, width by height.
    Size,
    /// How many images one request makes.
    Count,
    /// The random seed.
    Seed,
    /// The output's file format.
    OutputFormat,
    /// An input image the output is based on.
    ReferenceImage,
    /// The quality level.
    Quality,
    /// The output width in pixels, where the model takes width and height
    /// as separate integers.
    Width,
    /// The output height in pixels, with [`Width`](Meaning::Width).
    Height,
    /// The output's aspect ratio (`16:9`), one of an enumerated set.
    AspectRatio,
}

impl Meaning {
    /// The name used in specs and messages (`reference_image`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Meaning::Prompt => "prompt",
            Meaning::Size => "size",
            Meaning::Count => "count",
            Meaning::Seed => "seed",
            Meaning::OutputFormat => "output_format",
            Meaning::ReferenceImage => "reference_image",
            Meaning::Quality => "quality",
            Meaning::Width => "width",
            Meaning::Height => "height",
            Meaning::AspectRatio => "aspect_ratio",
        }
    }
}

impl std::fmt::Display for Meaning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A model: its identity, endpoint, estimates and parameter table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModelInfo {
    /// The provider serving it.
    pub provider: &'static ProviderInfo,
    /// The provider's model id (`z-image-turbo`, `openai/gpt-image-1`).
    pub id: &'static str,
    /// Name for people.
    pub display_name: &'static str,
    /// One-line summary.
    pub summary: &'static str,
    /// Task (`text-to-image`).
    pub task: &'static str,
    /// Documented time estimate, if any.
    pub estimated_time: Option<EstimatedTime>,
    /// Cost of one request in US cents as the documentation's example
    /// answer reports it (vibedream's `costCents`), if any.
    pub cost_cents: Option<u32>,
    /// The documented price, if the provider's page states one; `None`
    /// means the price is unknown, never that it is free.
    pub price: Option<crate::price::Price>,
    /// The page (or document) the spec was written from.
    pub source: &'static str,
    /// Where requests are submitted.
    pub submit: Endpoint,
    /// The boolean parameter asking the server to answer only when done.
    pub sync_mode: Option<&'static str>,
    /// How to ask for base64 outputs instead of URLs, if the model can.
    pub base64_output: Option<Base64Switch>,
    /// The parameter table, in documented order.
    pub parameters: &'static [ParamInfo],
}

impl ModelInfo {
    /// The parameter that stands for `meaning` in the provider-neutral
    /// request (the spec's `means:`), if the model has one.
    pub fn parameter_meaning(&self, meaning: Meaning) -> Option<&'static ParamInfo> {
        self.parameters
            .iter()
            .find(|param| param.meaning == Some(meaning))
    }

    /// `provider/model`, as the command line and messages spell it
    /// (`vibedream/z-image-turbo`).
    pub fn qualified_id(&self) -> String {
        format!("{}/{}", self.provider.name, self.id)
    }

    /// The parameter with this wire name.
    pub fn parameter(&self, name: &str) -> Option<&'static ParamInfo> {
        self.parameters.iter().find(|param| param.name == name)
    }

    /// How a local image given for `param` reaches the provider: uploaded
    /// where the provider has an upload endpoint, else inline where the
    /// parameter takes `data:` URIs, else not at all. `None` for a
    /// parameter that is not an image.
    pub fn local_images(&self, param: &ParamInfo) -> Option<LocalImages> {
        let image = param.image?;
        Some(match &self.provider.upload {
            Some(upload) => LocalImages::Uploaded(upload),
            None if image.data_uri => LocalImages::DataUri,
            None => LocalImages::Refused,
        })
    }
}
