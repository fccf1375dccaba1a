//! JSON Schemas of the spec files, derived from the same types serde reads, so
//! editors complete and check exactly what the loader accepts.

use schemars::schema_for;

use crate::file::model::ModelFile;
use crate::file::provider::ProviderFile;

/// File name of the provider-file schema, written beside the provider directories.
pub const PROVIDER_SCHEMA_FILE: &str = "provider.schema.json";
/// File name of the model-file schema.
pub const MODEL_SCHEMA_FILE: &str = "model.schema.json";

/// The JSON Schema of `provider.yaml`.
pub fn provider_schema() -> serde_json::Value {
    schema_for!(ProviderFile).to_value()
}

/// The JSON Schema of a model file.
pub fn model_schema() -> serde_json::Value {
    schema_for!(ModelFile).to_value()
}
