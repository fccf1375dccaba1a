//! `specs/<provider>/provider.yaml`.

use schemars::JsonSchema;
use serde::Deserialize;

/// Where and how to call a provider, and how to read its answers.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderFile {
    /// Short lowercase name (`vibedream`): the directory name, the crate suffix
    /// (`imagegen-vibedream`) and the prefix of model names on the command line.
    pub name: String,
    /// Name for people (`VibeDream`).
    pub display_name: String,
    /// Rust name of the provider's marker type. Default: `name` in UpperCamelCase.
    #[serde(default)]
    pub rust_name: Option<String>,
    /// A paragraph about the provider, for the generated crate's documentation.
    pub summary: String,
    /// The documents this spec is written from: seed files in `../shared/seeds/`
    /// or public documentation URLs.
    pub sources: Vec<String>,
    /// The provider's public API documentation.
    #[serde(default)]
    pub docs_url: Option<String>,
    /// Origin before the documented paths (`https://api.vibedream.ai`).
    pub base_url: String,
    /// Environment variable that overrides `base_url` (`VIBEDREAM_BASE_URL`).
    pub base_url_env_var: String,
    /// How the API key is sent.
    pub auth: AuthFile,
    /// Which of the three API shapes the provider speaks.
    pub protocol: ProtocolName,
    /// Where requests go.
    pub endpoints: EndpointsFile,
    /// Documented status values of a prediction (queue protocols only).
    #[serde(default)]
    pub statuses: Vec<StatusFile>,
    /// Documented response bodies.
    pub responses: ResponsesFile,
    /// Documented error codes.
    #[serde(default)]
    pub errors: Vec<ErrorFile>,
    /// Phrases in a failed prediction's error message that mean the content was
    /// blocked by moderation.
    #[serde(default)]
    pub content_policy_messages: Vec<String>,
    /// Example responses from the documentation, checked against `responses`.
    #[serde(default)]
    pub examples: Vec<ResponseExampleFile>,
    /// Whether a model's sync mode answers with the outputs. `false` where the
    /// documentation says the result must still be queried by id (GPTProto).
    #[serde(default = "answers_with_outputs")]
    pub sync_mode_returns_outputs: bool,
    /// How the service answers a sync-mode request it stopped waiting for
    /// (the prediction still running), where documented.
    #[serde(default)]
    pub sync_timeout_answer: Option<SyncTimeoutAnswerFile>,
    /// Where a local file is uploaded to get a URL the models accept, where
    /// the provider documents such an endpoint.
    #[serde(default)]
    pub upload: Option<UploadFile>,
    /// Where the provider lists its models with their request schemas,
    /// where it documents such an endpoint (`imagegen import` reads it; the
    /// emulator serves it from the specs).
    #[serde(default)]
    pub catalog: Option<CatalogFile>,
    /// Where the provider lists recent predictions, where it documents such
    /// an endpoint: a submission whose answer was lost is looked for there
    /// instead of being sent (and paid for) again.
    #[serde(default)]
    pub history: Option<HistoryFile>,
    /// How the provider reports a finished prediction to a URL of the
    /// caller's, and signs what it sends, where documented.
    #[serde(default)]
    pub webhook: Option<WebhookFile>,
    /// Where the provider prices one request before it is sent, where it
    /// documents such an endpoint.
    #[serde(default)]
    pub pricing: Option<PricingFile>,
    /// Where the account's balance is read, where documented.
    #[serde(default)]
    pub balance: Option<BalanceFile>,
    /// Anything else the documentation says that a user should know.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// A paged list of the account's recent predictions, newest first,
/// filtered by model and creation time (WaveSpeed's `POST /api/v3/predictions`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryFile {
    /// HTTP method (`POST`: the filters go in a JSON body).
    pub method: MethodName,
    /// Path below the base URL, starting with `/`.
    pub path: String,
    /// The request body's field names.
    pub request: HistoryRequestFile,
    /// The number of the first page (`1`).
    #[serde(default = "first_page")]
    pub first_page: u32,
    /// The most items a page may hold (`100`).
    pub max_page_size: u32,
    /// How many days back the list reaches, where documented.
    #[serde(default)]
    pub retention_days: Option<u32>,
    /// Where the answer keeps what is read, as dotted paths into its JSON.
    pub response: HistoryResponseFile,
    /// The page documenting it.
    pub source: String,
    /// Anything else documented about it.
    #[serde(default)]
    pub notes: Vec<String>,
}

fn first_page() -> u32 {
    1
}

/// Webhooks: a URL given with a submission receives the finished
/// prediction as a signed POST.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookFile {
    /// The submit URL's query parameter naming the webhook URL (`webhook`).
    pub query_param: String,
    /// Where the signing secret is read (`GET /api/v3/webhook/secret`).
    pub secret_method: MethodName,
    /// See `secret_method`.
    pub secret_path: String,
    /// The prefix the secret is given with and signed without (`whsec_`).
    #[serde(default)]
    pub secret_prefix: Option<String>,
    /// The header naming the delivery (`webhook-id`).
    pub id_header: String,
    /// The header with the delivery's Unix time in seconds
    /// (`webhook-timestamp`).
    pub timestamp_header: String,
    /// The header with the signature, `<version>,<hex HMAC-SHA256>`
    /// (`webhook-signature`), of `{id}.{timestamp}.{raw body}` keyed with
    /// the secret less its prefix.
    pub signature_header: String,
    /// The signature's version (`v3`).
    pub signature_version: String,
    /// Deliveries older (or newer) than this many seconds are refused (300).
    pub max_age_seconds: u32,
    /// How many times a failed delivery is retried, where documented.
    #[serde(default)]
    pub retries: Option<u32>,
    /// The pages documenting it.
    pub source: String,
    /// Anything else documented about it.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// An endpoint pricing one request with exactly these inputs
/// (WaveSpeed's `POST /api/v3/model/pricing`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PricingFile {
    /// HTTP method (`POST`).
    pub method: MethodName,
    /// Path below the base URL.
    pub path: String,
    /// The request's field naming the model (`model_id`).
    pub model_field: String,
    /// The request's field holding the request body (`inputs`).
    pub inputs_field: String,
    /// Where the answer's envelope code is (`code`), if it has one.
    #[serde(default)]
    pub envelope_code: Option<String>,
    /// Where the price of one request is (`data.unit_price`).
    pub price: String,
    /// Where its currency is (`data.currency`).
    pub currency: String,
    /// The page documenting it.
    pub source: String,
    /// Anything else documented about it.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// An endpoint answering the account's balance.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BalanceFile {
    /// HTTP method (`GET`).
    pub method: MethodName,
    /// Path below the base URL.
    pub path: String,
    /// Where the answer's envelope code is (`code`), if it has one.
    #[serde(default)]
    pub envelope_code: Option<String>,
    /// Where the balance is (`data.balance`).
    pub balance: String,
    /// Its currency, as the page states it (`USD`).
    pub currency: String,
    /// The page documenting it.
    pub source: String,
    /// Anything else documented about it.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// Three ASCII capital letters (`USD`).
pub(crate) fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// The request fields of a prediction history query.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryRequestFile {
    /// The page number (`page`).
    pub page: String,
    /// The page size (`page_size`).
    pub page_size: String,
    /// The model filter (`model`), taking the model id as submitted.
    pub model: String,
    /// Predictions created at or after this ISO 8601 time (`created_after`).
    pub created_after: String,
    /// Predictions created before this ISO 8601 time (`created_before`).
    pub created_before: String,
}

/// Where a prediction history answer keeps its items and their fields:
/// dotted paths (`data.items`), the item fields relative to an item.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryResponseFile {
    /// The envelope's code, where the answer has one (`code`): anything
    /// but 200 there is an error.
    #[serde(default)]
    pub envelope_code: Option<String>,
    /// The list of predictions on this page (`data.items`).
    pub items: String,
    /// How many predictions match in all (`data.total`), where given.
    #[serde(default)]
    pub total: Option<String>,
    /// The page number answered (`data.page`), where given.
    #[serde(default)]
    pub page: Option<String>,
    /// An item's prediction id (`id`).
    pub id: String,
    /// An item's model (`model`).
    pub model: String,
    /// An item's status (`status`).
    pub status: String,
    /// An item's creation time, ISO 8601 (`created_at`).
    pub created_at: String,
    /// An item's status URL (`urls.get`), where given.
    #[serde(default)]
    pub status_url: Option<String>,
}

/// An endpoint taking a file as `multipart/form-data` and answering with a
/// URL that image parameters accept.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadFile {
    /// HTTP method (`POST`).
    pub method: MethodName,
    /// Path below the base URL (the API origin: the key is sent).
    pub path: String,
    /// The multipart field carrying the file (`file`).
    pub field: String,
    /// The largest image the endpoint takes, in bytes (20 MB: `20000000`).
    pub max_bytes: u64,
    /// How many days an upload stays available, where documented.
    #[serde(default)]
    pub retention_days: Option<u32>,
    /// Whether an upload is billed. A billed upload is sent again only when
    /// the failure proves it never arrived, as a submission is; an unbilled
    /// one is retried like a status check (a repeat at worst stores a
    /// second copy). Default `true`: free only where documented.
    #[serde(default = "billed")]
    pub billed: bool,
    /// The answer; one field has `role: upload_url`.
    pub response: ObjectFile,
    /// Where this is documented.
    pub source: String,
    /// Anything else documented about uploads.
    #[serde(default)]
    pub notes: Vec<String>,
}

fn billed() -> bool {
    true
}

fn answers_with_outputs() -> bool {
    true
}

/// The answer to a sync-mode request the service stopped waiting for:
/// still running, with this code and message, to be polled.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncTimeoutAnswerFile {
    /// The envelope's `code` (WaveSpeed: 5004), if the answer has one.
    #[serde(default)]
    pub envelope_code: Option<u16>,
    /// The message, in the envelope's message and the prediction's error.
    pub message: String,
    /// Where this is documented.
    pub source: String,
}

/// How the API key is sent.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthFile {
    /// Header carrying the key (`Authorization`).
    pub header: String,
    /// Scheme written before the key (`Bearer`), if any.
    #[serde(default)]
    pub scheme: Option<String>,
    /// Environment variable the documentation tells users to set.
    pub env_var: String,
    /// Where users get a key.
    #[serde(default)]
    pub key_url: Option<String>,
}

/// The three API shapes the runtime speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProtocolName {
    /// Submit answers `{id, status, statusUrl, …}`; poll a flat prediction object.
    FlatPredictionQueue,
    /// Submit and poll answer `{code, message, data: {id, status, outputs, urls, …}}`.
    EnvelopePredictionQueue,
    /// One synchronous OpenAI-style call answering `{created, data: [{url | b64_json}]}`.
    OpenaiSync,
}

/// The provider's endpoints.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointsFile {
    /// Where requests are submitted. `{model}` in the path stands for the model id.
    pub submit: EndpointFile,
    /// Where a prediction is polled (queue protocols). `{id}` stands for its id.
    #[serde(default)]
    pub result: Option<EndpointFile>,
}

/// One endpoint below the base URL.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointFile {
    /// HTTP method.
    pub method: MethodName,
    /// Path below the base URL, starting with `/`.
    pub path: String,
    /// The documented success status, if the provider documents one (`201`).
    #[serde(default)]
    pub success_status: Option<u16>,
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum MethodName {
    /// `GET`
    #[serde(rename = "GET")]
    Get,
    /// `POST`
    #[serde(rename = "POST")]
    Post,
}

/// One documented status value.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusFile {
    /// The value on the wire.
    pub value: String,
    /// How the prediction ends when it reaches this status; absent while it runs.
    #[serde(default)]
    pub terminal: Option<OutcomeName>,
    /// What the documentation says about it.
    #[serde(default)]
    pub description: Option<String>,
    /// Where this status is documented, if not in the provider's `sources`.
    #[serde(default)]
    pub source: Option<String>,
}

/// How a terminal status ends a prediction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeName {
    /// Outputs are ready.
    Success,
    /// The prediction ended without outputs.
    Failure,
}

/// The documented response bodies.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponsesFile {
    /// The body answering a submission.
    pub submit: ObjectFile,
    /// The body answering a status check (queue protocols). A YAML alias
    /// (`result: *prediction`) states that it is the same type as `submit`.
    #[serde(default)]
    pub result: Option<ObjectFile>,
}

/// A JSON object type.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectFile {
    /// Rust name of the type (`Prediction`).
    pub type_name: String,
    /// What the object is.
    #[serde(default)]
    pub description: Option<String>,
    /// Where it is documented (a field table, or only an example).
    #[serde(default)]
    pub source: Option<String>,
    /// Its documented fields, in documented order.
    pub fields: Vec<FieldFile>,
}

/// One documented field of a response object.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldFile {
    /// The field's name on the wire.
    pub name: String,
    /// Its JSON type.
    #[serde(rename = "type")]
    pub ty: FieldTypeName,
    /// Always present and never null. Missing required fields make the
    /// response undecodable, so only mark what a response cannot do without.
    #[serde(default)]
    pub required: bool,
    /// Documented as possibly `null`.
    #[serde(default)]
    pub nullable: bool,
    /// What the runtime reads this field as, if anything.
    #[serde(default)]
    pub role: Option<RoleName>,
    /// The documented description.
    #[serde(default)]
    pub description: Option<String>,
    /// For `object` and `object[]`: the Rust name of the nested type.
    #[serde(default)]
    pub type_name: Option<String>,
    /// For `object` and `object[]`: the nested fields.
    #[serde(default)]
    pub fields: Option<Vec<FieldFile>>,
    /// Present only in an answer that waited for the prediction to end
    /// (sync mode), absent from one returned at once.
    #[serde(default)]
    pub sync_mode_only: bool,
}

/// The JSON type of a response field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum FieldTypeName {
    /// A string.
    #[serde(rename = "string")]
    String,
    /// A whole number.
    #[serde(rename = "integer")]
    Integer,
    /// A number.
    #[serde(rename = "number")]
    Number,
    /// `true` or `false`.
    #[serde(rename = "boolean")]
    Boolean,
    /// Any JSON, for documented fields whose shape is not documented.
    #[serde(rename = "json")]
    Json,
    /// An object with `fields`.
    #[serde(rename = "object")]
    Object,
    /// An array of strings.
    #[serde(rename = "string[]")]
    StringArray,
    /// An array of whole numbers.
    #[serde(rename = "integer[]")]
    IntegerArray,
    /// An array of numbers.
    #[serde(rename = "number[]")]
    NumberArray,
    /// An array of booleans.
    #[serde(rename = "boolean[]")]
    BooleanArray,
    /// An array of objects with `fields`.
    #[serde(rename = "object[]")]
    ObjectArray,
}

/// What the runtime reads a response field as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleName {
    /// The prediction id (a string).
    PredictionId,
    /// The status (a string, one of `statuses`).
    Status,
    /// The outputs: a `string[]` of URLs or base64, or an `object[]` whose items
    /// hold `output_url` / `output_base64` fields.
    Outputs,
    /// Inside an `outputs` object: the output's URL.
    OutputUrl,
    /// Inside an `outputs` object: the output, base64-encoded.
    OutputBase64,
    /// The error message of a failed prediction (a string).
    Error,
    /// The URL to poll (a string).
    StatusUrl,
    /// The estimated run time (a string such as `5-15s`).
    EstimatedTime,
    /// The cost in US cents (an integer).
    CostCents,
    /// The envelope's status code (an integer).
    EnvelopeCode,
    /// The envelope's message (a string).
    EnvelopeMessage,
    /// In an upload's answer: the URL of the uploaded file (a string).
    UploadUrl,
}

/// One documented error code.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorFile {
    /// The code as the documentation lists it.
    pub code: u16,
    /// The HTTP status actually sent, when the documentation says it differs.
    #[serde(default)]
    pub http_status: Option<u16>,
    /// The documented name.
    pub name: String,
    /// What the error means to a caller.
    pub kind: ErrorKindName,
    /// The documented description.
    pub description: String,
}

/// What an error code means to a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKindName {
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
    /// The content was blocked by safety checks.
    ContentPolicy,
}

/// An example response from the documentation.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseExampleFile {
    /// What it shows (`Completed response`).
    pub description: String,
    /// Which response it is an example of.
    pub response: ResponseName,
    /// The body, as documented.
    pub body: serde_json::Value,
}

/// Which documented response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResponseName {
    /// The body answering a submission.
    Submit,
    /// The body answering a status check.
    Result,
}

/// The endpoint listing the provider's models and their request schemas.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    /// HTTP method (`GET`).
    pub method: MethodName,
    /// Path below the base URL, starting with `/`.
    pub path: String,
    /// The answer's format.
    pub format: crate::file::model::ImportFormatName,
    /// The page documenting it.
    pub source: String,
}
