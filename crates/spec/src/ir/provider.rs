//! A validated provider.

use std::path::PathBuf;

use super::{ErrorKind, Method, Model, Outcome, Protocol, ResponseName, Role};

/// A provider and its models.
#[derive(Debug, Clone, PartialEq)]
pub struct Provider {
    /// `specs/<name>/provider.yaml`, as the loader was given it.
    pub file: PathBuf,
    /// Short lowercase name (`vibedream`).
    pub name: String,
    /// The generated crate's package name: `imagegen-<name>` for the crates
    /// imagegen ships; a user's own specs name theirs (`imagegen codegen
    /// --package`).
    pub package: String,
    /// Name for people.
    pub display_name: String,
    /// Rust name of the marker type (`VibeDream`).
    pub rust_name: String,
    /// A paragraph about the provider.
    pub summary: String,
    /// Documents the spec is written from.
    pub sources: Vec<String>,
    /// Public API documentation.
    pub docs_url: Option<String>,
    /// Origin before the documented paths.
    pub base_url: String,
    /// Environment variable overriding the base URL.
    pub base_url_env_var: String,
    /// How the key is sent.
    pub auth: Auth,
    /// API shape.
    pub protocol: Protocol,
    /// Submit endpoint; its path may hold `{model}`.
    pub submit: Endpoint,
    /// Result endpoint (queue protocols); its path holds `{id}`.
    pub result: Option<Endpoint>,
    /// Documented statuses, in documented order.
    pub statuses: Vec<Status>,
    /// Type name of the submit response.
    pub submit_response: String,
    /// Type name of the result response (queue protocols).
    pub result_response: Option<String>,
    /// Every response object type, each once, parents before their fields' types.
    pub types: Vec<ObjectType>,
    /// Documented error codes.
    pub errors: Vec<ErrorCode>,
    /// Phrases of a failed prediction's error that mean moderation blocked it.
    pub content_policy_messages: Vec<String>,
    /// Documented example responses.
    pub examples: Vec<ResponseExample>,
    /// Whether sync mode answers with the outputs, or they must still be queried.
    pub sync_mode_returns_outputs: bool,
    /// How a sync-mode request the service stopped waiting for is answered.
    pub sync_timeout_answer: Option<SyncTimeoutAnswer>,
    /// Where local files are uploaded, if documented.
    pub upload: Option<Upload>,
    /// Where the provider lists its models and their request schemas, if
    /// documented.
    pub catalog: Option<Catalog>,
    /// Where the provider lists recent predictions, if documented.
    pub history: Option<History>,
    /// How finished predictions are sent to a URL, signed, if documented.
    pub webhook: Option<crate::file::provider::WebhookFile>,
    /// Where one request is priced before it is sent, if documented.
    pub pricing: Option<crate::file::provider::PricingFile>,
    /// Where the account's balance is read, if documented.
    pub balance: Option<crate::file::provider::BalanceFile>,
    /// Other documented facts.
    pub notes: Vec<String>,
    /// Models, sorted by id.
    pub models: Vec<Model>,
}

impl Provider {
    /// The generated crate's package name (`imagegen-vibedream`).
    pub fn crate_name(&self) -> String {
        self.package.clone()
    }

    /// The generated crate's library name (`imagegen_vibedream`).
    pub fn lib_name(&self) -> String {
        self.crate_name().replace('-', "_")
    }

    /// The directory holding the spec files.
    pub fn spec_dir(&self) -> PathBuf {
        self.file.parent().map(PathBuf::from).unwrap_or_default()
    }

    /// The response type with this name.
    pub fn object_type(&self, type_name: &str) -> Option<&ObjectType> {
        self.types.iter().find(|t| t.type_name == type_name)
    }

    /// The type name of a documented response.
    pub fn response_type(&self, response: ResponseName) -> Option<&str> {
        match response {
            ResponseName::Submit => Some(&self.submit_response),
            ResponseName::Result => self.result_response.as_deref(),
        }
    }
}

/// How the key is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth {
    /// Header (`Authorization`).
    pub header: String,
    /// Scheme before the key (`Bearer`).
    pub scheme: Option<String>,
    /// Environment variable holding the key.
    pub env_var: String,
    /// Where to get a key.
    pub key_url: Option<String>,
}

/// An endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Method.
    pub method: Method,
    /// Path below the base URL.
    pub path: String,
    /// Documented success status.
    pub success_status: Option<u16>,
}

/// A documented status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// Wire value.
    pub value: String,
    /// Rust variant (`Processing`).
    pub variant: String,
    /// `Some` for terminal statuses.
    pub outcome: Option<Outcome>,
    /// Documented meaning.
    pub description: Option<String>,
    /// Where it is documented, if not in the provider's sources.
    pub source: Option<String>,
}

/// A response object type.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectType {
    /// Rust name.
    pub type_name: String,
    /// What it is.
    pub description: Option<String>,
    /// Where it is documented.
    pub source: Option<String>,
    /// Fields in documented order.
    pub fields: Vec<Field>,
}

/// A response field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Wire name.
    pub name: String,
    /// Rust field name (may be a keyword, written raw).
    pub rust_name: String,
    /// Type.
    pub ty: FieldType,
    /// Always present and non-null.
    pub required: bool,
    /// Documented as possibly null.
    pub nullable: bool,
    /// What the runtime reads it as.
    pub role: Option<Role>,
    /// Documented description.
    pub description: Option<String>,
    /// Present only in an answer that waited for the prediction to end.
    pub sync_mode_only: bool,
}

/// The documented upload endpoint: a file in as `multipart/form-data`, a
/// URL out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The endpoint below the base URL.
    pub endpoint: Endpoint,
    /// The multipart field carrying the file.
    pub field: String,
    /// The largest file taken, in bytes.
    pub max_bytes: u64,
    /// Days an upload stays available, where documented.
    pub retention_days: Option<u32>,
    /// Whether an upload is billed (then it is never sent twice).
    pub billed: bool,
    /// Type name of the answer.
    pub response: String,
    /// Where it is documented.
    pub source: String,
    /// Other documented facts.
    pub notes: Vec<String>,
}

/// The answer to a sync-mode request the service stopped waiting for: the
/// prediction still running, with this code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncTimeoutAnswer {
    /// The envelope's `code`, if the answer has one.
    pub envelope_code: Option<u16>,
    /// The envelope's message and the prediction's error.
    pub message: String,
}

/// The type of a response field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    /// A string.
    String,
    /// A whole number.
    Integer,
    /// A number.
    Number,
    /// A boolean.
    Boolean,
    /// Any JSON.
    Json,
    /// The provider's status enum.
    Status,
    /// A named object type.
    Object(String),
    /// An array.
    Array(Box<FieldType>),
}

/// A documented error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCode {
    /// Code as listed.
    pub code: u16,
    /// HTTP status actually sent.
    pub http_status: u16,
    /// Documented name.
    pub name: String,
    /// Meaning to a caller.
    pub kind: ErrorKind,
    /// Documented description.
    pub description: String,
}

/// A documented example response.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseExample {
    /// What it shows.
    pub description: String,
    /// Which response.
    pub response: ResponseName,
    /// The body.
    pub body: serde_json::Value,
}

/// The documented list of an account's recent predictions (WaveSpeed's
/// `POST /api/v3/predictions`), paged, newest first, filtered by model and
/// creation time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    /// Where it is, below the base URL.
    pub endpoint: Endpoint,
    /// The request body's field names.
    pub request: crate::file::provider::HistoryRequestFile,
    /// The first page's number.
    pub first_page: u32,
    /// The most items a page holds.
    pub max_page_size: u32,
    /// How many days back it reaches, where documented.
    pub retention_days: Option<u32>,
    /// Where the answer keeps its parts.
    pub response: crate::file::provider::HistoryResponseFile,
    /// The page documenting it.
    pub source: String,
    /// Other documented facts about it.
    pub notes: Vec<String>,
}

/// The documented endpoint listing a provider's models with their request
/// schemas (WaveSpeed's `GET /api/v3/models`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalog {
    /// Where it is, below the base URL.
    pub endpoint: Endpoint,
    /// The answer's format.
    pub format: crate::file::model::ImportFormatName,
    /// The page documenting it.
    pub source: String,
}
