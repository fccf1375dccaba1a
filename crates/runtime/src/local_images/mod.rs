//! Local images given for image parameters: read and checked before
//! anything is sent, then uploaded through the provider's upload endpoint
//! (or inlined as `data:` URIs where the parameter takes them), so the
//! request carries URLs only.
//!
//! Order matters for what a failure costs: every local image of a request
//! is read and checked first (a bad mask fails before any upload), then each
//! is uploaded, and only then is the paid submission sent. An upload that
//! fails ends the operation with [`Error::Upload`]; nothing was submitted.

mod cache;
mod multipart;
mod read;

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use bytes::Bytes;

use cache::FileKey;
pub(crate) use cache::UploadCache;
pub(crate) use multipart::form;

use crate::error::Error;
use crate::image::{ImageHeader, ImageProblem, ImageSource, check_image, check_mask_fits};
use crate::info::{LocalImages, ModelInfo, UploadInfo};

/// Whether uploads through `upload` are reused at all.
pub(crate) fn reusable(upload: &UploadInfo) -> bool {
    reuse_window(upload).is_some()
}

/// The most a local image sent inline may be, where the provider documents
/// no limit: it is held in memory and then in the JSON body.
const INLINE_LIMIT: u64 = 64 * 1024 * 1024;

/// One local image, read and checked, ready to send.
#[derive(Debug)]
pub(crate) struct Checked {
    /// The parameter's wire name.
    pub(crate) name: &'static str,
    /// How the user gave it, for messages.
    pub(crate) shown: String,
    /// A name for the uploaded file.
    pub(crate) file_name: String,
    pub(crate) bytes: Bytes,
    pub(crate) header: ImageHeader,
    pub(crate) route: LocalImages,
    /// For a file: what identifies this version of it, to reuse an upload.
    pub(crate) key: Option<FileKey>,
}

/// Whether any of a request's images is local (the common case, none, costs
/// no allocation).
pub(crate) fn any_local(images: &[(&'static str, &ImageSource)]) -> bool {
    images.iter().any(|(_, source)| source.is_local())
}

/// The local images of a request, owned, for [`check`] (a `Bytes` source
/// is shared, not copied).
pub(crate) fn local_sources(
    images: Vec<(&'static str, &ImageSource)>,
) -> Vec<(&'static str, ImageSource)> {
    images
        .into_iter()
        .filter(|(_, source)| source.is_local())
        .map(|(name, source)| (name, source.clone()))
        .collect()
}

/// Reads and checks every local image (`sources` holds only local ones)
/// against `model`'s parameter table and its provider's limits; the masks
/// against the images they mask when those are local too (a mask over a
/// URL image can only be checked for its own format and alpha: the image
/// is the provider's to fetch). Nothing is sent.
pub(crate) async fn check(
    model: &'static ModelInfo,
    sources: Vec<(&'static str, ImageSource)>,
) -> Result<Vec<Checked>, Error> {
    let mut checked = Vec::with_capacity(sources.len());
    for (name, source) in sources {
        let shown = source.to_string();
        let invalid = |problem: ImageProblem| Error::InvalidImage {
            parameter: name.to_owned(),
            image: shown.clone(),
            problem,
        };
        let Some((param, route)) = model
            .parameter(name)
            .and_then(|param| Some((param, model.local_images(param)?)))
        else {
            return Err(Error::InvalidConfig {
                reason: format!(
                    "`{name}` is not an image parameter of {}",
                    model.qualified_id()
                ),
            });
        };
        let limit = match route {
            LocalImages::Refused => {
                return Err(Error::LocalImageRefused {
                    parameter: name.to_owned(),
                    image: shown,
                    provider: model.provider.name,
                    alternatives: param.local_alternatives,
                });
            }
            LocalImages::Uploaded(upload) => upload.max_bytes,
            LocalImages::DataUri => INLINE_LIMIT,
        };
        let loaded = read::load(&source, limit).await.map_err(invalid)?;
        let image = param.image.expect("an image parameter has its image facts");
        let header = check_image(&image, &loaded.bytes).map_err(invalid)?;
        checked.push(Checked {
            name,
            file_name: loaded.file_name(header.format),
            shown,
            bytes: loaded.bytes,
            header,
            route,
            key: loaded.key,
        });
    }
    for mask in &checked {
        let Some(target) = model
            .parameter(mask.name)
            .and_then(|param| param.image?.mask_for)
        else {
            continue;
        };
        // The image it masks is a URL (the provider's to fetch) or absent:
        // there is nothing here to compare with.
        if let Some(image) = checked.iter().find(|image| image.name == target) {
            check_mask_fits(&mask.header, &image.header, target).map_err(|problem| {
                Error::InvalidImage {
                    parameter: mask.name.to_owned(),
                    image: mask.shown.clone(),
                    problem,
                }
            })?;
        }
    }
    Ok(checked)
}

/// The `data:` URI of a checked image.
pub(crate) fn data_uri(image: &Checked) -> String {
    format!(
        "data:image/{};base64,{}",
        image.header.format.name(),
        base64::engine::general_purpose::STANDARD.encode(&image.bytes)
    )
}

/// How long an upload is reused: half its documented retention, so a URL
/// handed to a prediction still has days to live; not at all where the
/// retention is not documented.
fn reuse_window(upload: &UploadInfo) -> Option<Duration> {
    upload
        .retention_days
        .map(|days| Duration::from_secs(u64::from(days) * 86_400 / 2))
}

/// Whether an upload made at `at` may still be handed out.
pub(crate) fn still_fresh(upload: &UploadInfo, at: SystemTime) -> bool {
    reuse_window(upload).is_some_and(|window| {
        SystemTime::now()
            .duration_since(at)
            .is_ok_and(|age| age < window)
    })
}
