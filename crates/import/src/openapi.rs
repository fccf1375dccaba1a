//! OpenAPI 3.0 documents of aimlapi's shape: each path's JSON request
//! schema, keyed by a `model` enum (one model per file, or several, or an
//! `anyOf` of per-model schemas), becomes one spec per model id.

use imagegen_spec::Scalar;
use imagegen_spec::file::model::{
    ImportFormatName, ImportedFile, ModelFile, ParamTypeName, ParameterFile, RequestExampleFile,
    TaskName,
};

use crate::json::{Json, Pointer};
use crate::report::Finding;
use crate::schema::{Mapper, deref, required_names};
use crate::{Import, ImportError, ImportedModel, States, display_name};

/// What an OpenAPI import needs besides the document.
#[derive(Debug, Clone)]
pub struct OpenApiSource<'a> {
    /// The document, parsed.
    pub document: &'a Json,
    /// What a reader can open for it (a URL, or a repository path at a
    /// commit): written in each spec's `imported.document`.
    pub cited_as: &'a str,
    /// The provider's submit path (`/v1/images/generations`): an operation
    /// at another path is reported, not imported.
    pub submit_path: &'a str,
}

/// The specs a document describes.
pub fn import(source: &OpenApiSource<'_>) -> Result<Import, ImportError> {
    let document = source.document;
    let version = document.get("openapi").and_then(Json::as_str);
    if !version.is_some_and(|v| v.starts_with("3.")) {
        return Err(ImportError::shape(
            source.cited_as,
            Pointer::root().child("openapi"),
            "not an OpenAPI 3 document (no `openapi: 3.x`)",
        ));
    }
    let Some(paths) = document.get("paths").and_then(Json::entries) else {
        return Err(ImportError::shape(
            source.cited_as,
            Pointer::root().child("paths"),
            "the document has no `paths`",
        ));
    };
    let mut import = Import::default();
    let mut request_schemas = 0;
    for (path, item) in paths {
        let path_pointer = Pointer::root().child("paths").child(path);
        for (method, operation) in item.entries().into_iter().flatten() {
            if method != "post" {
                continue;
            }
            let pointer = path_pointer.child(method);
            let Some(body) = operation.get("requestBody") else {
                continue;
            };
            // `requestBody: {$ref: '#/components/requestBodies/…'}`.
            let body = deref(
                document,
                body,
                None,
                &pointer.child("requestBody"),
                &mut import.findings,
            );
            let Some(content) = body.and_then(|b| b.get("content")).and_then(Json::entries) else {
                continue;
            };
            request_schemas += 1;
            for (media, body) in content {
                let here = pointer.child("requestBody").child("content").child(media);
                if media != "application/json" {
                    import.findings.push(Finding::left_out(
                        None,
                        &here,
                        format!("a `{media}` request body is not a JSON body; not imported"),
                    ));
                    continue;
                }
                let Some(schema) = body.get("schema") else {
                    import.findings.push(Finding::left_out(
                        None,
                        &here,
                        "a JSON request body without a `schema`; not imported",
                    ));
                    continue;
                };
                operation_models(
                    source,
                    path,
                    operation,
                    schema,
                    &here.child("schema"),
                    &mut import,
                );
            }
        }
    }
    if request_schemas == 0 {
        return Err(ImportError::shape(
            source.cited_as,
            Pointer::root().child("paths"),
            "no operation has a request body schema",
        ));
    }
    Ok(import)
}

/// The models of one operation's request schema: each branch of a root
/// `anyOf`, each value of its `model` enum.
fn operation_models(
    source: &OpenApiSource<'_>,
    path: &str,
    operation: &Json,
    schema: &Json,
    pointer: &Pointer,
    import: &mut Import,
) {
    let Some(schema) = deref(source.document, schema, None, pointer, &mut import.findings) else {
        return;
    };
    // A root `anyOf` without properties of its own is one schema per model
    // (or per group of models).
    let branches: Vec<(Pointer, &Json)> = match schema.get("anyOf").and_then(Json::items) {
        Some(branches) if schema.get("properties").is_none() => branches
            .iter()
            .enumerate()
            .map(|(index, branch)| (pointer.child("anyOf").child(index), branch))
            .collect(),
        _ => vec![(pointer.clone(), schema)],
    };
    for (pointer, schema) in branches {
        let Some(schema) = deref(
            source.document,
            schema,
            None,
            &pointer,
            &mut import.findings,
        ) else {
            continue;
        };
        let ids: Vec<&str> = schema
            .get("properties")
            .and_then(|p| p.get("model"))
            .and_then(|m| m.get("enum"))
            .and_then(Json::items)
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .collect();
        if ids.is_empty() {
            import.findings.push(Finding::left_out(
                None,
                pointer.child("properties").child("model"),
                "the request schema names no model (`model` with an `enum`); not imported",
            ));
            continue;
        }
        for id in ids {
            import.listed.push(id.to_owned());
            if path != source.submit_path {
                import.findings.push(Finding::left_out(
                    Some(id),
                    &pointer,
                    format!(
                        "an operation at `{path}`, not the provider's `{}`, is another endpoint and not imported{}",
                        source.submit_path,
                        if is_upload_object(schema) {
                            ": its request describes files as the server holds them once uploaded (`buffer`, `mimetype`, `originalname`), i.e. a multipart/form-data upload, not a JSON body"
                        } else {
                            ""
                        }
                    ),
                ));
                continue;
            }
            if import.models.iter().any(|m| m.id == id) {
                import.findings.push(Finding::left_out(
                    Some(id),
                    &pointer,
                    "an earlier operation of the document describes this model too; only the first is imported",
                ));
                continue;
            }
            if let Some(model) = model(source, id, operation, schema, &pointer, import) {
                import.models.push(model);
            }
        }
    }
}

/// Whether a schema describes an uploaded file as a server sees it.
fn is_upload_object(schema: &Json) -> bool {
    fn walk(schema: &Json) -> bool {
        match schema {
            Json::Object(entries) => entries
                .iter()
                .any(|(key, value)| (key == "originalname" || key == "mimetype") || walk(value)),
            Json::Array(items) => items.iter().any(walk),
            _ => false,
        }
    }
    walk(schema)
}

fn model(
    source: &OpenApiSource<'_>,
    id: &str,
    operation: &Json,
    schema: &Json,
    pointer: &Pointer,
    import: &mut Import,
) -> Option<ImportedModel> {
    let mut mapper = Mapper::new(id, source.document, &mut import.findings, None);
    mapper.report_request(schema, pointer);
    let required = required_names(schema);
    let properties = schema.get("properties").and_then(Json::entries)?;
    let mut parameters = Vec::new();
    let mut order = Vec::new();
    let mut unmapped = Vec::new();
    for (name, property) in properties {
        order.push(name.clone());
        let here = pointer.child("properties").child(name);
        if name == "model" {
            let mut fixed = ParameterFile::new("model", ParamTypeName::String);
            fixed.fixed = Some(Scalar(id.to_owned()));
            parameters.push(fixed);
            continue;
        }
        match mapper.property(name, property, required.contains(&name.as_str()), &here) {
            Some(param) => parameters.push(param),
            None => unmapped.push(name.clone()),
        }
    }
    let task = task_of(id, &parameters);
    let mut spec = ModelFile::new(id, source.cited_as, display_name(id), task);
    spec.parameters = parameters;
    spec.imported = Some(ImportedFile {
        format: ImportFormatName::Openapi,
        document: source.cited_as.to_owned(),
    });
    if let Some(param) = spec.parameters.iter().find(|p| p.name == "response_format")
        && param
            .values
            .iter()
            .flatten()
            .any(|v| v.as_str() == "b64_json")
    {
        spec.base64_output = Some(imagegen_spec::file::model::Base64OutputFile {
            parameter: "response_format".to_owned(),
            value: Scalar("b64_json".to_owned()),
        });
    }
    if let Some(body) = curl_example(operation, id) {
        let partial = spec
            .parameters
            .iter()
            .any(|p| p.required && !body.contains_key(&p.name));
        spec.examples.push(RequestExampleFile {
            description: "The cURL code sample of the OpenAPI document".to_owned(),
            partial,
            body,
        });
    }
    Some(ImportedModel {
        id: id.to_owned(),
        spec,
        states: States::default(),
        order,
        unmapped,
    })
}

/// The task a model id or its inputs say: `edit` in the id is an edit; a
/// required input image, `image-to-image` or `i2i` in the id, an
/// image-to-image model; otherwise text to image. (OpenAPI documents state
/// no task; a committed spec's task is kept over this.)
fn task_of(id: &str, parameters: &[ParameterFile]) -> TaskName {
    let needs_image = parameters.iter().any(|p| {
        p.required
            && (p.ty == ParamTypeName::ImageUrl
                || (p.ty == ParamTypeName::Array && p.items == Some(ParamTypeName::ImageUrl)))
    });
    if id.contains("edit") {
        TaskName::ImageEdit
    } else if needs_image || id.contains("image-to-image") || id.contains("i2i") {
        TaskName::ImageToImage
    } else {
        TaskName::TextToImage
    }
}

/// The JSON body of the operation's cURL code sample, if it has one that
/// parses and names this model.
fn curl_example(operation: &Json, id: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let sample = operation
        .get("x-codeSamples")?
        .items()?
        .iter()
        .find(|s| s.get("lang").and_then(Json::as_str) == Some("cURL"))?
        .get("source")?
        .as_str()?;
    let start = sample.find("--data '")? + "--data '".len();
    let end = sample[start..].find('\'')? + start;
    let body: serde_json::Value = serde_json::from_str(&sample[start..end]).ok()?;
    let body = body.as_object()?.clone();
    (body.get("model").and_then(serde_json::Value::as_str) == Some(id)).then_some(body)
}
