//! JSON Schemas of the spec files, derived from the same types serde reads, so
//! editors complete and check exactly what the loader accepts.

use schemars::schema_for;

use crate::file::model::ModelFile;
use crate::file::provider::ProviderFile;

/// File name of the provider-file schema, written beside the provider directories.
pub const PROVIDER_SCHEMA_FILE: &str = "provider.schema.json";
/// File name of the model-file schema.
pub const MODEL_SCHEMA_FILE: &str = "model.schema.json";

/// The JSON Schema of `provider.yaml`, pretty-printed with a final newline.
pub fn provider_schema() -> String {
    pretty(schema_for!(ProviderFile).as_value())
}

/// The JSON Schema of a model file, pretty-printed with a final newline.
pub fn model_schema() -> String {
    pretty(schema_for!(ModelFile).as_value())
}

fn pretty(value: &serde_json::Value) -> String {
    // A `Value` has only string keys, so serialising it cannot fail.
    let mut text = serde_json::to_string_pretty(value).expect("a JSON value serialises");
    text.push('\n');
    text
}
