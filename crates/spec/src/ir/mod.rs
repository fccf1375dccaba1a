//! Validated specs: what the checker produces and codegen consumes.
//!
//! Everything here has passed every check: ranges are ordered, steps divide
//! them, defaults are allowed values, Rust names are valid and unique, roles
//! are where the protocol needs them. Codegen can rely on that and never fail.

mod body;
mod describe;
mod model;
mod provider;
mod rules;

pub use body::{BodyError, BodyProblem};
pub use describe::describe_custom;
pub use model::{
    Amount, Choice, ChoiceWire, CustomSize, EstimatedTime, Imported, Model, Param, ParamKind,
    Price, PricePer, PriceTable, RequestExample, Sentinel, SizePreset, Value,
};
pub use provider::{
    Auth, Catalog, Endpoint, ErrorCode, Field, FieldType, History, ObjectType, Provider,
    ResponseExample, Status, SyncTimeoutAnswer, Upload,
};
pub use rules::decimal_to_f64;

/// What a parameter stands for (`means:` in a spec).
pub use imagegen_core::info::Meaning;

pub use crate::file::model::{
    ImageFormatName as ImageFormat, ImportFormatName as ImportFormat, TaskName as Task,
};
pub use crate::file::provider::{
    BalanceFile as Balance, ErrorKindName as ErrorKind, HistoryRequestFile as HistoryRequest,
    HistoryResponseFile as HistoryResponse, MethodName as Method, OutcomeName as Outcome,
    PricingFile as Pricing, ProtocolName as Protocol, ResponseName, RoleName as Role,
    WebhookFile as Webhook,
};

/// Every provider, sorted by name, each with its models sorted by id.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecSet {
    /// The providers.
    pub providers: Vec<Provider>,
}

impl SpecSet {
    /// How many models in all.
    pub fn model_count(&self) -> usize {
        self.providers.iter().map(|p| p.models.len()).sum()
    }
}
