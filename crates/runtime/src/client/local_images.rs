//! A request's local images on their way out: checked, uploaded (each file
//! once per client while its upload is fresh), then swapped for their URLs
//! in a copy of the request, just before the submission is written.

use std::time::SystemTime;

use reqwest::Method;

use super::{Body, Client};
use crate::deadline::Deadline;
use crate::error::{Error, Phase};
use crate::image::ImageSource;
use crate::info::{LocalImages, ModelInfo, UploadInfo};
use crate::local_images::{self, Checked, any_local, data_uri, form, local_sources};
use crate::reading::envelope_error;
use crate::rules::check_http_url;
use crate::traits::{ModelRequest, Provider, ResponseFields};
use crate::transport::{Call, Failure, decode};

/// The URL to send for each local image parameter, by wire name.
pub(crate) type Replacements = Vec<(&'static str, String)>;

/// `request`'s body with each replaced image set to its URL (a copy is made
/// only when there are replacements). A local image left unreplaced is an
/// error, never its path on the wire.
pub(crate) fn body_with<R: ModelRequest>(request: &R, urls: &Replacements) -> Result<Body, Error> {
    if urls.is_empty() {
        return Body::of(request);
    }
    let mut resolved = request.clone();
    for (name, source) in resolved.images_mut() {
        if let Some((_, url)) = urls.iter().find(|(replaced, _)| *replaced == name) {
            *source = ImageSource::Url(url.clone().into());
        }
    }
    Body::of(&resolved)
}

/// Reads and checks `request`'s local images; nothing is sent. `Ok(None)`
/// when it has none.
pub(crate) async fn check_request<R: ModelRequest>(
    request: &R,
) -> Result<Option<Vec<Checked>>, Error> {
    let images = request.images();
    if !any_local(&images) {
        return Ok(None);
    }
    local_images::check(R::MODEL, local_sources(images))
        .await
        .map(Some)
}

impl<P: Provider> Client<P> {
    /// Checks and sends `request`'s local images; the URLs to put in their
    /// place (empty when it has none).
    pub(crate) async fn send_local_images<R: ModelRequest>(
        &self,
        request: &R,
        deadline: Deadline,
    ) -> Result<Replacements, Error> {
        let Some(checked) = check_request(request).await? else {
            return Ok(Vec::new());
        };
        self.send_checked(R::MODEL, &checked, deadline).await
    }

    /// Sends images already checked, in order, stopping at the first failure.
    pub(crate) async fn send_checked(
        &self,
        model: &'static ModelInfo,
        checked: &[Checked],
        deadline: Deadline,
    ) -> Result<Replacements, Error> {
        let mut urls = Vec::with_capacity(checked.len());
        for image in checked {
            let url = match image.route {
                LocalImages::DataUri => data_uri(image),
                LocalImages::Uploaded(upload) => self
                    .upload_once(model, upload, image, deadline)
                    .await
                    .map_err(|error| Error::Upload {
                        parameter: image.name.to_owned(),
                        image: image.shown.clone(),
                        source: Box::new(error.redacted(&self.transport.redactor)),
                    })?,
                LocalImages::Refused => {
                    return Err(Error::InvalidConfig {
                        reason: format!("`{}` cannot be sent as a local image", image.name),
                    });
                }
            };
            urls.push((image.name, url));
        }
        Ok(urls)
    }

    /// Uploads `image`, or hands out the URL of this file's upload if one
    /// is in progress or was made while it is fresh.
    async fn upload_once(
        &self,
        model: &'static ModelInfo,
        upload: &'static UploadInfo,
        image: &Checked,
        deadline: Deadline,
    ) -> Result<String, Error> {
        let Some(key) = image
            .key
            .as_ref()
            .filter(|_| local_images::reusable(upload))
        else {
            return self.upload(model, upload, image, deadline).await;
        };
        let cache = &self.transport.uploads;
        // Twice at most: a stale upload is forgotten and made again.
        for _ in 0..2 {
            let slot = cache.slot(key);
            let (url, at) = slot
                .get_or_try_init(|| async {
                    let url = self.upload(model, upload, image, deadline).await?;
                    Ok::<_, Error>((url, SystemTime::now()))
                })
                .await?
                .clone();
            if local_images::still_fresh(upload, at) {
                return Ok(url);
            }
            cache.forget(key, &slot);
        }
        self.upload(model, upload, image, deadline).await
    }

    /// One upload: retried as the provider's billing allows (an unbilled
    /// upload like a status check, a billed one only when it provably never
    /// arrived), answered with the URL of the file.
    async fn upload(
        &self,
        model: &'static ModelInfo,
        upload: &'static UploadInfo,
        image: &Checked,
        deadline: Deadline,
    ) -> Result<String, Error> {
        let transport = &*self.transport;
        let call = Call {
            phase: Phase::Upload,
            model: Some(model.id),
            prediction_id: None,
            started: deadline.started(),
            deadline: deadline.at(),
        };
        let url = transport.api_url(upload.endpoint.path)?;
        let (body, content_type) = form(
            upload.field,
            &image.file_name,
            image.header.format,
            &image.bytes,
        );
        transport
            .with_retries(&call, &url, !upload.billed, |_| {
                let sent = transport.attempt_as(
                    Method::POST,
                    &url,
                    Some((body.clone(), content_type.clone())),
                    transport.timeouts.request,
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
            .await
    }
}
