//! The JSON Schemas of the spec format, written beside the specs so editors
//! (via the `yaml-language-server` comment at the top of each spec) can
//! complete and check them.

use imagegen_spec::schema::{
    MODEL_SCHEMA_FILE, PROVIDER_SCHEMA_FILE, model_schema, provider_schema,
};

use crate::GeneratedFile;
use crate::render::GENERATED_BY;

pub(crate) fn schema_files() -> Vec<GeneratedFile> {
    [
        (PROVIDER_SCHEMA_FILE, provider_schema()),
        (MODEL_SCHEMA_FILE, model_schema()),
    ]
    .into_iter()
    .map(|(name, schema)| GeneratedFile {
        path: format!("specs/{name}"),
        contents: with_comment(schema),
    })
    .collect()
}

/// JSON has no comments; JSON Schema's `$comment` carries the generated marker.
fn with_comment(mut schema: serde_json::Value) -> String {
    if let Some(object) = schema.as_object_mut() {
        let comment = format!("{GENERATED_BY} from the spec types in crates/spec. Do not edit.");
        object.insert("$comment".to_owned(), comment.into());
    }
    let mut text = crate::json::canonical(&schema);
    text.push('\n');
    text
}
