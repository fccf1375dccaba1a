//! Local images given for image parameters: checked before anything is
//! sent, then uploaded through the provider's upload endpoint (or inlined
//! as `data:` URIs where the parameter takes them), so the request carries
//! URLs only.
//!
//! Order matters for what a failure costs: every local image of a request
//! is checked first (a bad mask fails before any upload), then each is
//! uploaded, and only then is the paid submission sent. An upload that
//! fails ends the operation with [`Error::Upload`]; nothing was submitted.
//!
//! Memory matters too, as thousands of requests may share one photo: a
//! check reads only a file's first bytes (its header), and the whole file
//! is read only by the one request that uploads it, for as long as the
//! upload takes.

mod cache;
mod multipart;
mod read;

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use bytes::Bytes;

pub(crate) use cache::{UploadCache, Uploaded};
pub(crate) use multipart::form;

use crate::error::Error;
use crate::image::{ImageHeader, ImageProblem, ImageSource, check_image, check_mask_fits};
use crate::info::{ImageParam, LocalImages, ModelInfo, UploadInfo};
use crate::limits::Gates;
use cache::FileKey;

/// The most a local image sent inline may be, where the provider documents
/// no limit: it is held in memory and then in the JSON body.
const INLINE_LIMIT: u64 = 64 * 1024 * 1024;

/// One local image, checked, ready to send.
#[derive(Debug)]
pub(crate) struct Checked {
    /// The parameter's wire name.
    pub(crate) name: &'static str,
    /// How the user gave it, for messages.
    pub(crate) shown: String,
    /// A name for the uploaded file.
    pub(crate) file_name: String,
    /// Where its bytes are (a file, or bytes in memory).
    source: ImageSource,
    /// What its parameter takes.
    param: ImageParam,
    /// The most it may be, and whose limit that is (from `route`).
    limit: Limit,
    pub(crate) header: ImageHeader,
    pub(crate) route: LocalImages,
    /// For a file: what identifies this version of it, to reuse an upload.
    pub(crate) key: Option<FileKey>,
}

/// A size limit on a local image.
#[derive(Debug, Clone, Copy)]
struct Limit {
    bytes: u64,
    /// The provider's (documented), not the client's own.
    documented: bool,
}

impl Limit {
    /// The limit on images sent this way; `None` for a refused one.
    fn of(route: LocalImages) -> Option<Self> {
        match route {
            LocalImages::Uploaded(upload) => Some(Limit {
                bytes: upload.max_bytes,
                documented: true,
            }),
            LocalImages::DataUri => Some(Limit {
                bytes: INLINE_LIMIT,
                documented: false,
            }),
            LocalImages::Refused => None,
        }
    }

    /// `problem`, saying whose limit a file over it broke.
    fn refine(self, problem: ImageProblem) -> ImageProblem {
        match problem {
            ImageProblem::TooLarge { bytes, .. } if !self.documented => {
                ImageProblem::TooLargeInline {
                    bytes,
                    limit: self.bytes,
                }
            }
            other => other,
        }
    }
}

impl Checked {
    /// The error for a problem with this image.
    fn invalid(&self, problem: ImageProblem) -> Error {
        invalid(self.name, &self.shown, problem)
    }

    /// The whole image, read now (a file may have changed since its check,
    /// so it is checked again).
    pub(crate) async fn bytes(&self, gates: &Gates) -> Result<Bytes, Error> {
        let bytes = read::whole(&self.source, self.limit.bytes, gates)
            .await
            .map_err(|problem| self.invalid(self.limit.refine(problem)))?;
        let header = check_image(&self.param, &bytes).map_err(|problem| self.invalid(problem))?;
        if header != self.header {
            return Err(self.invalid(ImageProblem::Changed));
        }
        Ok(bytes)
    }
}

fn invalid(name: &'static str, shown: &str, problem: ImageProblem) -> Error {
    Error::InvalidImage {
        parameter: name.to_owned(),
        image: shown.to_owned(),
        problem,
    }
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

/// Checks every local image (`sources` holds only local ones) against
/// `model`'s parameter table and its provider's limits, and the masks
/// against the images they mask when those are local too (a mask over a
/// URL image can only be checked for its own format and alpha: the image
/// is the provider's to fetch). A file whose upload `cache` still holds is
/// not read again. Nothing is sent.
pub(crate) async fn check(
    model: &'static ModelInfo,
    sources: Vec<(&'static str, ImageSource)>,
    cache: &UploadCache,
    gates: &Gates,
) -> Result<Vec<Checked>, Error> {
    let mut checked = Vec::with_capacity(sources.len());
    for (name, source) in sources {
        let shown = source.to_string();
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
        let Some(limit) = Limit::of(route) else {
            return Err(Error::LocalImageRefused {
                parameter: name.to_owned(),
                image: shown,
                provider: model.provider.name,
                alternatives: param.local_alternatives,
            });
        };
        let image = param.image.ok_or_else(|| Error::InvalidConfig {
            reason: format!("`{name}` has no image rules"),
        })?;
        let start = read::start(&source, limit.bytes, gates)
            .await
            .map_err(|problem| invalid(name, &shown, limit.refine(problem)))?;
        let known = match (&start.key, route) {
            (Some(key), LocalImages::Uploaded(upload)) => cache.fresh(key, upload),
            _ => None,
        };
        let header = match known {
            Some(uploaded) => uploaded.header,
            None => header_of(&image, &source, &start, limit, gates)
                .await
                .map_err(|problem| invalid(name, &shown, limit.refine(problem)))?,
        };
        checked.push(Checked {
            name,
            file_name: start.file_name(header.format),
            shown,
            source,
            param: image,
            limit,
            header,
            route,
            key: start.key,
        });
    }
    for mask in &checked {
        let Some(target) = mask.param.mask_for else {
            continue;
        };
        // The image it masks is a URL (the provider's to fetch) or absent:
        // there is nothing here to compare with.
        if let Some(image) = checked.iter().find(|image| image.name == target) {
            check_mask_fits(&mask.header, &image.header, target)
                .map_err(|problem| mask.invalid(problem))?;
        }
    }
    Ok(checked)
}

/// The checked header of an image from its first bytes; from the whole
/// file only when a JPEG's frame header lies beyond them (large metadata).
async fn header_of(
    param: &ImageParam,
    source: &ImageSource,
    start: &read::Start,
    limit: Limit,
    gates: &Gates,
) -> Result<ImageHeader, ImageProblem> {
    match check_image(param, &start.bytes) {
        Err(ImageProblem::BadHeader { .. }) if !start.complete => {
            let bytes = read::whole(source, limit.bytes, gates).await?;
            check_image(param, &bytes)
        }
        checked => checked,
    }
}

/// The `data:` URI of an image's bytes.
pub(crate) fn data_uri(header: &ImageHeader, bytes: &[u8]) -> String {
    format!(
        "data:image/{};base64,{}",
        header.format.name(),
        base64::engine::general_purpose::STANDARD.encode(bytes)
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

/// Whether uploads through `upload` are reused at all.
pub(crate) fn reusable(upload: &UploadInfo) -> bool {
    reuse_window(upload).is_some()
}

/// Whether an upload made at `at` may still be handed out.
pub(crate) fn still_fresh(upload: &UploadInfo, at: SystemTime) -> bool {
    reuse_window(upload).is_some_and(|window| {
        SystemTime::now()
            .duration_since(at)
            .is_ok_and(|age| age < window)
    })
}
