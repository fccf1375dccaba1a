//! Input images a submission names by URL. A URL on the emulator's own
//! assets origin under `/uploads/` must be an upload it holds (else the
//! submission is refused, as a service failing to fetch it would); the one
//! in the model's reference-image parameter (`means: reference_image`) is
//! what the outputs are derived from. Any other http(s) URL is taken on
//! trust, as before: the emulator fetches nothing.
//!
//! Which parameters are images, which is the reference and which formats
//! each takes all come from the model's spec.

use image::ImageFormat;
use imagegen_spec::ir::{ImageFormat as SpecFormat, Meaning, Model, Param, ParamKind};
use serde_json::{Map, Value};

use crate::respond::errors::ApiError;
use crate::state::State;
use crate::uploads::{InputImage, Picture, StoredFile};

/// Checks every image parameter of `body` that names an upload, and returns
/// the reference image's numbers when it is a decoded upload.
pub(crate) fn reference(
    state: &State,
    model: &Model,
    body: &Map<String, Value>,
) -> Result<Option<InputImage>, ApiError> {
    let prefix = format!("{}/uploads/", state.assets_origin);
    let mut derived = None;
    // Every URL of every image parameter: one for an image, each item of
    // a list of images (the first is the reference, where it is one).
    let urls = model.parameters.iter().flat_map(|param| {
        let (formats, urls): (&[SpecFormat], Vec<&str>) = match (&param.kind, body.get(&param.name))
        {
            (ParamKind::ImageUrl { formats, .. }, Some(Value::String(url))) => (formats, vec![url]),
            (ParamKind::ImageList { formats, .. }, Some(Value::Array(items))) => {
                (formats, items.iter().filter_map(Value::as_str).collect())
            }
            _ => (&[], Vec::new()),
        };
        urls.into_iter().map(move |url| (param, formats, url))
    });
    for (param, formats, url) in urls {
        let Some(rest) = url.strip_prefix(&prefix) else {
            continue;
        };
        let file = upload(state, param, url, rest)?;
        check_format(param, formats, &file)?;
        match &file.picture {
            Picture::Decoded(input) => {
                if param.meaning == Some(Meaning::ReferenceImage) && derived.is_none() {
                    derived = Some(*input);
                }
            }
            // Taken, as the service would; drawn as without an input.
            Picture::NoDecoder => {}
            Picture::Unusable(why) => {
                return Err(refused(
                    param,
                    format!(
                        "`{}` names an upload that is not a usable image: {why}",
                        param.name
                    ),
                ));
            }
        }
    }
    Ok(derived)
}

/// The upload `rest` (`<id>/<name>`, maybe with a query) names.
fn upload(
    state: &State,
    param: &Param,
    url: &str,
    rest: &str,
) -> Result<std::sync::Arc<StoredFile>, ApiError> {
    let path = rest.split(['?', '#']).next().unwrap_or_default();
    let (id, name) = path.split_once('/').unwrap_or((path, ""));
    match state.uploads.get(id) {
        Some(file) if file.name == name => Ok(file),
        _ => Err(refused(
            param,
            format!(
                "`{}` is `{url}`, which is not an upload this server holds; \
                 upload the file first and send the URL its answer gives",
                param.name
            ),
        )),
    }
}

/// The upload's format is among those the parameter documents, if any.
fn check_format(param: &Param, formats: &[SpecFormat], file: &StoredFile) -> Result<(), ApiError> {
    if formats.is_empty() {
        return Ok(());
    }
    let format = file.format.and_then(spec_format);
    if format.is_some_and(|f| formats.contains(&f)) {
        return Ok(());
    }
    let allowed: Vec<&str> = formats.iter().map(|f| format_name(*f)).collect();
    Err(refused(
        param,
        format!(
            "`{}` takes {} images; the upload named is {}",
            param.name,
            allowed.join(", "),
            file.mime_type()
        ),
    ))
}

fn refused(param: &Param, message: String) -> ApiError {
    ApiError::bad_request(message, Some(param.name.clone()))
}

fn spec_format(format: ImageFormat) -> Option<SpecFormat> {
    match format {
        ImageFormat::Png => Some(SpecFormat::Png),
        ImageFormat::Jpeg => Some(SpecFormat::Jpeg),
        ImageFormat::Gif => Some(SpecFormat::Gif),
        ImageFormat::WebP => Some(SpecFormat::Webp),
        _ => None,
    }
}

fn format_name(format: SpecFormat) -> &'static str {
    match format {
        SpecFormat::Png => "png",
        SpecFormat::Jpeg => "jpeg",
        SpecFormat::Gif => "gif",
        SpecFormat::Webp => "webp",
    }
}
