//! A request for a model known only while the program runs (a spec read by
//! `imagegen generate --spec`): its JSON body, checked by whoever built it
//! against the model's spec, with its images held apart as
//! [`ImageSource`]s so local files are checked and uploaded exactly as a
//! typed request's are.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::image::ImageSource;
use crate::info::{ModelInfo, ParamKind};

/// A request for a model whose table was built at run time, as JSON.
///
/// Nothing here checks a value: the caller has checked the body against
/// the model's spec (the command line uses the spec's own checker, the one
/// the emulator answers with). Its local images are checked when it is
/// sent, against the table, as every request's are.
#[derive(Debug, Clone)]
pub struct JsonRequest {
    model: &'static ModelInfo,
    body: Map<String, Value>,
    images: Vec<(&'static str, ImageSource)>,
}

impl JsonRequest {
    /// A request for `model` sending `body` (every parameter but the
    /// images) and `images`: each image parameter's sources by wire name
    /// (a list's items in order, each under the list's name). A name in
    /// `images` that is not an image parameter of `model` is an error.
    pub fn new(
        model: &'static ModelInfo,
        body: Map<String, Value>,
        images: Vec<(String, ImageSource)>,
    ) -> Result<Self, String> {
        let images = images
            .into_iter()
            .map(|(name, source)| match model.parameter(&name) {
                Some(param) if matches!(param.kind, ParamKind::ImageUrl | ParamKind::ImageList) => {
                    Ok((param.name, source))
                }
                _ => Err(format!(
                    "`{name}` is not an image parameter of {}",
                    model.qualified_id()
                )),
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            model,
            body,
            images,
        })
    }

    /// The model it is for.
    pub fn model(&self) -> &'static ModelInfo {
        self.model
    }

    /// Its image parameters that are set, by wire name.
    pub(crate) fn images(&self) -> Vec<(&'static str, &ImageSource)> {
        self.images
            .iter()
            .map(|(name, source)| (*name, source))
            .collect()
    }

    pub(crate) fn images_mut(&mut self) -> Vec<(&'static str, &mut ImageSource)> {
        self.images
            .iter_mut()
            .map(|(name, source)| (*name, source))
            .collect()
    }

    /// Whether the body turns the model's sync-mode switch on.
    pub(crate) fn sync_mode_requested(&self) -> bool {
        self.model
            .sync_mode
            .is_some_and(|switch| self.body.get(switch) == Some(&Value::Bool(true)))
    }

    /// Whether the body asks for base64 outputs as the model documents it.
    pub(crate) fn base64_output_requested(&self) -> bool {
        self.model.base64_output.is_some_and(|switch| {
            self.body
                .get(switch.parameter)
                .is_some_and(|value| wire_text(value) == switch.value)
        })
    }
}

/// An image as its parameter writes it (`imagegen_core::image::serialize_source`).
struct Source<'a>(&'static str, &'a ImageSource);

impl Serialize for Source<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::image::serialize_source(self.0, self.1, serializer)
    }
}

/// A JSON value as the tables spell values: strings without quotes.
fn wire_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

impl Serialize for JsonRequest {
    /// The body's parameters in table order, each image as its source
    /// writes itself (a list as an array).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for param in self.model.parameters {
            if let Some(value) = self.body.get(param.name) {
                map.serialize_entry(param.name, value)?;
                continue;
            }
            let mut sources = self
                .images
                .iter()
                .filter(|(name, _)| *name == param.name)
                .map(|(_, source)| source)
                .peekable();
            if sources.peek().is_none() {
                continue;
            }
            let written: Vec<Source<'_>> =
                sources.map(|source| Source(param.name, source)).collect();
            if param.kind == ParamKind::ImageList {
                map.serialize_entry(param.name, &written)?;
            } else if let Some(source) = written.first() {
                map.serialize_entry(param.name, source)?;
            }
        }
        map.end()
    }
}
