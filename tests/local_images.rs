//! Local images through the Rust API, against the emulator: a file or bytes
//! in place of a URL, uploaded before the submission and used by it; one
//! upload per file for many requests at once; `upload_local_images` for
//! callers that record a submission before making it; the provider-neutral
//! request's reference image as a path; and a provider that takes only URLs
//! refusing before anything is sent.

mod emulated;

use std::io::Cursor;
use std::path::{Path, PathBuf};

use imagegen::neutral::{ClientFor, Generate, SendError};
use imagegen_runtime::Error;
use imagegen_runtime::image::ImageSource;
use imagegen_vibedream::z_image_turbo;
use imagegen_wavespeed::WaveSpeed;
use imagegen_wavespeed::openai_gpt_image_1::{self as edit, Image, MaskImage, Request};

use emulated::{client, start_sim};

const COLOUR: [u8; 3] = [200, 40, 90];

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::RgbImage::from_pixel(width, height, image::Rgb(COLOUR))
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    bytes
}

fn photo(dir: &Path) -> PathBuf {
    let path = dir.join("photo.png");
    std::fs::write(&path, png(120, 80)).unwrap();
    path
}

/// The colour at the centre, and the size, of a saved image.
fn colour_and_size(path: &Path) -> ([u8; 3], (u32, u32)) {
    let image = image::open(path).unwrap().to_rgb8();
    let pixel = image.get_pixel(image.width() / 2, image.height() / 2).0;
    (pixel, image.dimensions())
}

#[tokio::test]
async fn a_file_is_uploaded_and_the_edit_is_made_from_it() {
    let sim = start_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let client = client::<WaveSpeed>(&sim);
    let request = Request::new("make it snow", Image::path(photo(dir.path())));
    let generation = client.generate(&request).await.unwrap();
    let saved = generation.save_all(dir.path().join("out")).await.unwrap();
    let log = sim.log();
    assert_eq!(log.stored_uploads().len(), 1);
    let sent = log.submissions[0].body["image"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(sent.starts_with(&sim.assets_url()), "{sent}");
    // `size` left to the model (`auto`): the photo's size and colour.
    for path in saved {
        let (colour, size) = colour_and_size(&path);
        assert_eq!(size, (120, 80));
        assert!(
            colour.iter().zip(COLOUR).all(|(a, b)| a.abs_diff(b) <= 8),
            "{colour:?}"
        );
    }
    assert!(log.credential_leaks().is_empty());
}

#[tokio::test]
async fn bytes_in_memory_and_a_mask_are_uploaded_too() {
    let sim = start_sim().await;
    let client = client::<WaveSpeed>(&sim);
    let request = Request::new("make it snow", Image::bytes(png(120, 80)))
        .mask_image(MaskImage::bytes(transparent_png(120, 80)));
    client.generate(&request).await.unwrap();
    let log = sim.log();
    assert_eq!(log.stored_uploads().len(), 2);
    let body = &log.submissions[0].body;
    for name in ["image", "mask_image"] {
        assert!(
            body[name].as_str().unwrap().starts_with(&sim.assets_url()),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_mask_that_does_not_fit_its_image_is_refused_before_any_upload() {
    let sim = start_sim().await;
    let client = client::<WaveSpeed>(&sim);
    let mask = transparent_png(60, 80);
    let mask_len = mask.len();
    let request =
        Request::new("make it snow", Image::bytes(png(120, 80))).mask_image(MaskImage::bytes(mask));
    let error = client.generate(&request).await.unwrap_err();
    assert!(
        matches!(error, Error::InvalidImage { ref parameter, .. } if parameter == "mask_image"),
        "{error}"
    );
    assert!(error.was_not_sent());
    assert_eq!(
        error.to_string(),
        format!(
            "`mask_image` (<{mask_len} bytes in memory>) is 60x80 pixels and `image` is 120x80: \
             a mask must have the same width and height as the image it masks; nothing was sent"
        )
    );
    let log = sim.log();
    assert!(log.uploads().is_empty() && log.submissions.is_empty());
}

/// A fully transparent PNG mask.
fn transparent_png(width: u32, height: u32) -> Vec<u8> {
    let mut mask = Vec::new();
    image::RgbaImage::from_pixel(width, height, image::Rgba([0, 0, 0, 0]))
        .write_to(&mut Cursor::new(&mut mask), image::ImageFormat::Png)
        .unwrap();
    mask
}

#[tokio::test]
async fn many_requests_sharing_a_file_upload_it_once() {
    let sim = start_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let client = client::<WaveSpeed>(&sim);
    let path = photo(dir.path());
    let requests: Vec<Request> = (0..20)
        .map(|n| Request::new(format!("snow {n}"), Image::path(&path)))
        .collect();
    let mut events = client.subscribe();
    let submitted =
        futures_util::future::join_all(requests.iter().map(|request| client.submit(request))).await;
    assert!(submitted.iter().all(Result::is_ok), "{submitted:?}");
    let log = sim.log();
    assert_eq!(log.stored_uploads().len(), 1, "{:?}", log.uploads());
    assert_eq!(log.submissions.len(), 20);
    let urls: std::collections::BTreeSet<_> = log
        .submissions
        .iter()
        .map(|submission| submission.body["image"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(urls.len(), 1, "{urls:?}");
    // Each request says how its image went: one upload, 19 reuses of it.
    let mut reused = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let imagegen_runtime::EventKind::Uploaded {
            parameter,
            reused: was_reused,
            url,
        } = event.kind
        {
            assert_eq!(parameter, "image");
            assert!(urls.contains(&url), "{url}");
            reused.push(was_reused);
        }
    }
    assert_eq!(reused.len(), 20, "{reused:?}");
    assert_eq!(reused.iter().filter(|r| !**r).count(), 1, "{reused:?}");
    // A file rewritten (another size) is another file: uploaded again.
    std::fs::write(&path, png(60, 40)).unwrap();
    client.submit(&requests[0]).await.unwrap();
    assert_eq!(sim.log().stored_uploads().len(), 2);
}

#[tokio::test]
async fn upload_local_images_gives_a_request_that_sends_no_image_again() {
    let sim = start_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let client = client::<WaveSpeed>(&sim);
    let request = Request::new("make it snow", Image::path(photo(dir.path())));
    let uploaded = client
        .upload_local_images(&request, client.deadline())
        .await
        .unwrap();
    let url = uploaded.image.as_url().unwrap().to_owned();
    assert!(url.starts_with(&sim.assets_url()), "{url}");
    assert_eq!(sim.log().uploads().len(), 1);
    assert!(
        sim.log().submissions.is_empty(),
        "uploading submits nothing"
    );
    client.submit(&uploaded).await.unwrap();
    let log = sim.log();
    assert_eq!(log.uploads().len(), 1, "no second upload");
    assert_eq!(log.submissions[0].body["image"], url.as_str());
    // The request as given still says which file it was, for records.
    assert_eq!(
        serde_json::to_value(&request).unwrap()["image"],
        dir.path().join("photo.png").to_string_lossy().as_ref()
    );
}

#[tokio::test]
async fn the_neutral_reference_image_takes_a_path() {
    let sim = start_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let path = photo(dir.path());
    let request = Generate::new("make it snow").reference_image_path(&path);
    let wavespeed = ClientFor::<edit::Request>::builder()
        .api_key(sim.api_key())
        .base_url(sim.base_url("wavespeed"))
        .build()
        .unwrap();
    request.send::<edit::Request>(&wavespeed).await.unwrap();
    assert_eq!(sim.log().stored_uploads().len(), 1);
    // The same text through `reference_image`: a path, as it has no scheme.
    let typed: edit::Request = Generate::new("x")
        .reference_image(path.to_string_lossy())
        .to_request()
        .unwrap();
    assert_eq!(typed.image.source(), &ImageSource::Path(path.clone()));
    // vibedream documents no upload and no data: URIs: refused, naming a
    // model that can take the file, before anything is sent.
    let vibedream = ClientFor::<z_image_turbo::Request>::builder()
        .api_key(sim.api_key())
        .base_url(sim.base_url("vibedream"))
        .build()
        .unwrap();
    let error = request
        .send::<z_image_turbo::Request>(&vibedream)
        .await
        .unwrap_err();
    let SendError::Generation(error) = error else {
        panic!("{error}");
    };
    assert!(matches!(error, Error::LocalImageRefused { .. }), "{error}");
    let text = error.to_string();
    assert!(
        text.contains("vibedream takes only public http(s) URLs for it")
            && text.contains("wavespeed/openai/gpt-image-1"),
        "{text}"
    );
    assert!(
        sim.log()
            .submissions_for("vibedream/z-image-turbo")
            .is_empty()
    );
}

#[tokio::test]
async fn an_unbilled_upload_that_fails_is_retried_and_the_edit_goes_through() {
    // WaveSpeed's uploads are documented free of charge (`billed: false`):
    // a 503 is retried, and the edit goes through.
    let sim = start_sim().await;
    sim.inject(
        imagegen_sim::FaultRule::new(imagegen_sim::Fault::ServerError { status: 503 })
            .on(imagegen_sim::Target::Upload)
            .times(2),
    );
    let client = client::<WaveSpeed>(&sim);
    let request = Request::new("make it snow", Image::bytes(png(32, 32)));
    client.submit(&request).await.unwrap();
    let log = sim.log();
    assert_eq!(log.uploads().len(), 3, "{:?}", log.uploads());
    assert_eq!(log.stored_uploads().len(), 1);
    assert_eq!(
        imagegen_wavespeed::PROVIDER
            .upload
            .map(|upload| upload.billed),
        Some(false)
    );
}

/// WaveSpeed as it would be if its uploads were billed: the same endpoints
/// and answers, `billed: true`.
mod billed {
    use imagegen_runtime::info::{ModelInfo, ProviderInfo, UploadInfo};
    use imagegen_runtime::{ModelRequest, Provider};
    use imagegen_wavespeed::openai_gpt_image_1 as edit;

    pub static PROVIDER: ProviderInfo = ProviderInfo {
        upload: Some(UploadInfo {
            billed: true,
            ..imagegen_wavespeed::PROVIDER.upload.unwrap()
        }),
        ..imagegen_wavespeed::PROVIDER
    };
    static MODEL: ModelInfo = ModelInfo {
        provider: &PROVIDER,
        ..edit::MODEL
    };

    pub struct Billed;

    impl Provider for Billed {
        const INFO: &'static ProviderInfo = &PROVIDER;
        type SubmitResponse = imagegen_wavespeed::PredictionResponse;
        type ResultResponse = imagegen_wavespeed::PredictionResponse;
        type UploadResponse = imagegen_wavespeed::UploadResponse;
    }

    /// WaveSpeed's request, sent to [`Billed`].
    #[derive(Debug, Clone, serde::Serialize)]
    #[serde(transparent)]
    pub struct Request(pub edit::Request);

    impl ModelRequest for Request {
        type Provider = Billed;
        const MODEL: &'static ModelInfo = &MODEL;
        fn sync_mode_requested(&self) -> bool {
            self.0.sync_mode_requested()
        }
        fn base64_output_requested(&self) -> bool {
            self.0.base64_output_requested()
        }
        fn images(&self) -> Vec<(&'static str, &imagegen_runtime::image::ImageSource)> {
            self.0.images()
        }
        fn images_mut(&mut self) -> Vec<(&'static str, &mut imagegen_runtime::image::ImageSource)> {
            self.0.images_mut()
        }
    }
}

#[tokio::test]
async fn a_billed_upload_is_not_sent_again_once_it_may_have_arrived() {
    let sim = start_sim().await;
    sim.inject(
        imagegen_sim::FaultRule::new(imagegen_sim::Fault::ServerError { status: 503 })
            .on(imagegen_sim::Target::Upload)
            .times(5),
    );
    let client = emulated::builder::<billed::Billed>(&sim)
        .base_url(sim.base_url("wavespeed"))
        .build()
        .unwrap();
    let request = billed::Request(Request::new("make it snow", Image::bytes(png(32, 32))));
    let error = client.submit(&request).await.unwrap_err();
    assert!(matches!(error, Error::Upload { .. }), "{error}");
    assert!(error.was_not_sent(), "nothing was submitted");
    let log = sim.log();
    assert_eq!(
        log.uploads().len(),
        1,
        "a billed upload was resent: {:?}",
        log.uploads()
    );
    assert!(log.submissions.is_empty());
}

/// WaveSpeed's edit model as it would be on a provider with no upload
/// endpoint whose `image` parameter is documented to take `data:` URIs.
mod inline {
    use imagegen_runtime::info::{ImageParam, ModelInfo, ParamInfo, ProviderInfo};
    use imagegen_runtime::{ModelRequest, Provider};
    use imagegen_wavespeed::openai_gpt_image_1 as edit;

    pub static PROVIDER: ProviderInfo = ProviderInfo {
        upload: None,
        ..imagegen_wavespeed::PROVIDER
    };
    static PARAMETERS: [ParamInfo; 1] = [ParamInfo {
        image: Some(ImageParam {
            formats: &[],
            data_uri: true,
            mask_for: None,
        }),
        ..edit::MODEL.parameters[1]
    }];
    static MODEL: ModelInfo = ModelInfo {
        provider: &PROVIDER,
        parameters: &PARAMETERS,
        ..edit::MODEL
    };

    pub struct Inline;

    impl Provider for Inline {
        const INFO: &'static ProviderInfo = &PROVIDER;
        type SubmitResponse = imagegen_wavespeed::PredictionResponse;
        type ResultResponse = imagegen_wavespeed::PredictionResponse;
        type UploadResponse = imagegen_runtime::NoUpload;
    }

    /// WaveSpeed's request, sent to [`Inline`].
    #[derive(Debug, Clone, serde::Serialize)]
    #[serde(transparent)]
    pub struct Request(pub edit::Request);

    impl ModelRequest for Request {
        type Provider = Inline;
        const MODEL: &'static ModelInfo = &MODEL;
        fn sync_mode_requested(&self) -> bool {
            false
        }
        fn base64_output_requested(&self) -> bool {
            false
        }
        fn images(&self) -> Vec<(&'static str, &imagegen_runtime::image::ImageSource)> {
            self.0.images()
        }
        fn images_mut(&mut self) -> Vec<(&'static str, &mut imagegen_runtime::image::ImageSource)> {
            self.0.images_mut()
        }
    }
}

#[tokio::test]
async fn where_data_uris_are_documented_a_local_image_is_sent_inline() {
    use base64::Engine as _;

    let sim = start_sim().await;
    let client = emulated::builder::<inline::Inline>(&sim)
        .base_url(sim.base_url("wavespeed"))
        .build()
        .unwrap();
    let photo = png(16, 8);
    let request = inline::Request(Request::new("make it snow", Image::bytes(photo.clone())));
    let sent = client
        .upload_local_images(&request, client.deadline())
        .await
        .unwrap();
    let uri = sent.0.image.as_url().unwrap();
    let data = uri.strip_prefix("data:image/png;base64,").expect(uri);
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(data)
        .unwrap();
    assert_eq!(decoded, photo);
    assert!(sim.log().uploads().is_empty(), "nothing is uploaded");
    // Not an image: refused before anything is sent, as on every route.
    let request = inline::Request(Request::new("x", Image::bytes(b"hello".to_vec())));
    let error = client.submit(&request).await.unwrap_err();
    assert!(matches!(error, Error::InvalidImage { .. }), "{error}");
    assert!(sim.log().submissions.is_empty());
}

#[tokio::test]
async fn each_local_item_of_an_image_list_is_uploaded_and_sent_in_its_place() {
    use imagegen_wavespeed::bytedance_seedream_v4_edit::{Images, ImagesItem, Request};

    let sim = start_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let first = photo(dir.path());
    let second = dir.path().join("second.png");
    std::fs::write(&second, png(64, 48)).unwrap();
    let remote = "https://example.com/remote.png";
    let images = Images::try_new(vec![
        ImagesItem::path(&first),
        ImagesItem::try_new(remote).unwrap(),
        ImagesItem::path(&second),
    ])
    .unwrap();
    let client = client::<WaveSpeed>(&sim);
    client
        .submit(&Request::new("make it snow", images))
        .await
        .unwrap();
    let log = sim.log();
    assert_eq!(log.stored_uploads().len(), 2, "one upload per local file");
    let sent: Vec<&str> = log.submissions[0].body["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item.as_str().unwrap())
        .collect();
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(sent[0].starts_with(&sim.assets_url()), "{sent:?}");
    assert_eq!(sent[1], remote, "a URL item is sent as it was given");
    assert!(sent[2].starts_with(&sim.assets_url()), "{sent:?}");
    assert_ne!(sent[0], sent[2], "each file is sent as its own upload");
}
