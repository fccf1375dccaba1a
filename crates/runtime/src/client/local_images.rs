//! A request's local images on their way out: checked, uploaded (each file
//! once per client while its upload is fresh), then swapped for their URLs
//! in a copy of the request, just before the submission is written.

use std::time::{Duration, SystemTime};

use reqwest::Method;

use super::{Body, Client};
use crate::deadline::Deadline;
use crate::error::{Error, Phase};
use crate::events::EventKind;
use crate::image::ImageSource;
use crate::info::{LocalImages, ModelInfo, UploadInfo};
use crate::limits::Gates;
use crate::local_images::{
    self, Checked, UploadCache, Uploaded, any_local, data_uri, form, local_sources,
};
use crate::reading::envelope_error;
use crate::rules::check_http_url;
use crate::traits::{ModelRequest, Provider, ResponseFields};
use crate::transport::{Call, Failure, decode};

/// The slowest upload rate an attempt is given time for, on top of the
/// request timeout: 20 MB then has 76 s more than a status check.
const SLOWEST_UPLOAD_BYTES_PER_SECOND: u64 = 256 * 1024;

/// The URL to send for each local image parameter, by wire name.
pub(crate) type Replacements = Vec<(&'static str, String)>;

/// `request` with each replaced image set to its URL.
pub(crate) fn with_urls<R: ModelRequest>(request: &R, urls: &Replacements) -> R {
    let mut resolved = request.clone();
    replace_local(resolved.images_mut(), urls);
    resolved
}

/// Sets each local image of `images` (a request's, in table order) to its
/// URL. `urls` holds one URL per local image, in the same order (as
/// [`Client::send_checked`] returns them): a list's local items each take
/// their own, in turn, and its URL items are left as they are.
pub(crate) fn replace_local<'a>(
    images: impl IntoIterator<Item = (&'static str, &'a mut ImageSource)>,
    urls: &Replacements,
) {
    let mut used = vec![false; urls.len()];
    for (name, source) in images {
        if !source.is_local() {
            continue;
        }
        let next = urls
            .iter()
            .enumerate()
            .position(|(index, (replaced, _))| !used[index] && *replaced == name);
        if let Some(index) = next {
            used[index] = true;
            *source = ImageSource::Url(urls[index].1.clone().into());
        }
    }
}

/// `request`'s body with each replaced image set to its URL (a copy is made
/// only when there are replacements). A local image left unreplaced is an
/// error, never its path on the wire.
pub(crate) fn body_with<R: ModelRequest>(request: &R, urls: &Replacements) -> Result<Body, Error> {
    if urls.is_empty() {
        return Body::of(request);
    }
    Body::of(&with_urls(request, urls))
}

/// Checks `request`'s local images; nothing is sent. `Ok(None)` when it
/// has none.
pub(crate) async fn check_request<R: ModelRequest>(
    request: &R,
    cache: &UploadCache,
    gates: &Gates,
) -> Result<Option<Vec<Checked>>, Error> {
    let images = request.images();
    if !any_local(&images) {
        return Ok(None);
    }
    local_images::check(R::MODEL, local_sources(images), cache, gates)
        .await
        .map(Some)
}

impl<P: Provider> Client<P> {
    /// Checks and sends `request`'s local images (files, bytes) as
    /// [`submit`](Self::submit) would, and returns a copy of it with their
    /// URLs in their place: submitting that sends no image again. For
    /// callers that record a submission before making it, so a slow upload
    /// is not mistaken for a submission that may have been taken.
    ///
    /// Every local image is checked before the first upload; an upload
    /// that fails is [`Error::Upload`], and nothing was submitted.
    pub async fn upload_local_images<R>(&self, request: &R, deadline: Deadline) -> Result<R, Error>
    where
        R: ModelRequest<Provider = P>,
    {
        let urls = self.send_local_images(request, deadline).await?;
        Ok(with_urls(request, &urls))
    }

    /// Checks and sends `request`'s local images; the URLs to put in their
    /// place (empty when it has none).
    pub(crate) async fn send_local_images<R: ModelRequest>(
        &self,
        request: &R,
        deadline: Deadline,
    ) -> Result<Replacements, Error> {
        let transport = &*self.transport;
        let Some(checked) = check_request(request, &transport.uploads, &transport.gates).await?
        else {
            return Ok(Vec::new());
        };
        self.send_checked(R::MODEL, &checked, deadline).await
    }

    /// Sends images already checked, in order, stopping at the first
    /// failure. One [`Call`] (phase `Upload`) covers them all, as one
    /// deadline does.
    pub(crate) async fn send_checked(
        &self,
        model: &'static ModelInfo,
        checked: &[Checked],
        deadline: Deadline,
    ) -> Result<Replacements, Error> {
        let mut urls = Vec::with_capacity(checked.len());
        let call = Call {
            phase: Phase::Upload,
            model: Some(model.id),
            prediction_id: None,
            started: deadline.started(),
            deadline: deadline.at(),
        };
        for image in checked {
            let (url, reused) = match image.route {
                LocalImages::DataUri => (
                    data_uri(&image.header, &image.bytes(&self.transport.gates).await?),
                    false,
                ),
                LocalImages::Uploaded(upload) => self
                    .upload_once(&call, upload, image, deadline)
                    .await
                    .map_err(|error| match error {
                        // The file itself, found wanting when read to send.
                        Error::InvalidImage { .. } => error,
                        error => Error::Upload {
                            parameter: image.name.to_owned(),
                            image: image.shown.clone(),
                            source: Box::new(error.redacted(&self.transport.redactor)),
                        },
                    })?,
                LocalImages::Refused => {
                    return Err(Error::InvalidConfig {
                        reason: format!("`{}` cannot be sent as a local image", image.name),
                    });
                }
            };
            if image.route != LocalImages::DataUri {
                self.transport.emit(&call, || EventKind::Uploaded {
                    parameter: image.name,
                    url: url.clone(),
                    reused,
                });
            }
            urls.push((image.name, url));
        }
        Ok(urls)
    }

    /// Uploads `image`, or hands out the URL of this file's upload if one
    /// is in progress (waiting for it, under this request's deadline) or was
    /// made while it is fresh; the URL, and whether it was another's upload.
    async fn upload_once(
        &self,
        call: &Call<'_>,
        upload: &'static UploadInfo,
        image: &Checked,
        deadline: Deadline,
    ) -> Result<(String, bool), Error> {
        let Some(key) = image
            .key
            .as_ref()
            .filter(|_| local_images::reusable(upload))
        else {
            return Ok((self.upload(call, upload, image, deadline).await?.url, false));
        };
        let cache = &self.transport.uploads;
        // Twice at most: a stale upload is forgotten and made again.
        for _ in 0..2 {
            let slot = cache.slot(key, upload);
            let mut made_here = false;
            let shared = slot.get_or_try_init(|| {
                made_here = true;
                self.upload(call, upload, image, deadline)
            });
            let uploaded = match tokio::time::timeout_at(deadline.at().into(), shared).await {
                Ok(Ok(uploaded)) => uploaded.clone(),
                Ok(Err(error)) => {
                    // The next request for this file tries afresh.
                    cache.forget(key, &slot);
                    return Err(error);
                }
                Err(_) => {
                    return Err(Error::Timeout {
                        phase: Phase::Upload,
                        prediction_id: None,
                        elapsed: deadline.started().elapsed(),
                    });
                }
            };
            if local_images::still_fresh(upload, uploaded.at) {
                return Ok((uploaded.url, !made_here));
            }
            cache.forget(key, &slot);
        }
        Ok((self.upload(call, upload, image, deadline).await?.url, false))
    }

    /// One upload: the file read now (and only now: concurrent requests
    /// for it wait rather than each holding a copy), retried as the
    /// provider's billing allows (an unbilled upload like a status check, a
    /// billed one only when it provably never arrived), answered with the
    /// URL of the file.
    async fn upload(
        &self,
        call: &Call<'_>,
        upload: &'static UploadInfo,
        image: &Checked,
        deadline: Deadline,
    ) -> Result<Uploaded, Error> {
        let transport = &*self.transport;
        let call = *call;
        let url = transport.api_url(upload.endpoint.path)?;
        // Waits its turn before reading the file: the memory held by uploads
        // is bounded by the turns, not by the requests in flight.
        let turn = tokio::time::timeout_at(deadline.at().into(), transport.uploads.turn())
            .await
            .map_err(|_| call.timeout())?;
        let bytes = image.bytes(&transport.gates).await?;
        let (body, content_type) =
            form(upload.field, &image.file_name, image.header.format, &bytes);
        drop(bytes);
        // A large file on a slow uplink takes longer than a status check.
        let timeout = transport.timeouts.request
            + Duration::from_secs(body.len() as u64 / SLOWEST_UPLOAD_BYTES_PER_SECOND);
        let link = transport
            .with_retries(&call, &url, !upload.billed, |_| {
                let sent = transport.attempt_as(
                    Method::POST,
                    &url,
                    Some((body.clone(), content_type.clone())),
                    timeout,
                );
                let provider = transport.provider;
                async move {
                    let answer = sent.await?;
                    let response: P::UploadResponse =
                        decode(&call, &answer).map_err(Failure::Fatal)?;
                    if let Some(code) = response.envelope_code()
                        && !(200..300).contains(&code)
                    {
                        let error = envelope_error(provider, code, response.envelope_message());
                        return Err(if code >= 500 {
                            Failure::Transient(error)
                        } else {
                            Failure::Fatal(error)
                        });
                    }
                    let Some(link) = response.upload_url() else {
                        return Err(Failure::Fatal(call.undecodable(
                            answer.status,
                            "the answer names no URL for the uploaded file",
                            &answer.body,
                        )));
                    };
                    if check_http_url(link).is_err() {
                        return Err(Failure::Fatal(call.undecodable(
                            answer.status,
                            format!("the uploaded file's URL `{link}` is not an http(s) URL"),
                            &answer.body,
                        )));
                    }
                    Ok(link.to_owned())
                }
            })
            .await?;
        drop(turn);
        Ok(Uploaded {
            url: link,
            at: SystemTime::now(),
            header: image.header,
        })
    }
}
