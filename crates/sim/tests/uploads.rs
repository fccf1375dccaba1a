//! Upload endpoints: files in as `multipart/form-data`, the documented
//! answer, the file served back from the assets origin, the limits and
//! faults, and outputs derived from an uploaded input image.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

use image::ImageFormat::{Jpeg, Png};
use image::{ImageEncoder, Rgb, RgbImage};
use imagegen_sim::{Fault, FaultRule, Sim, SubmitOutcome, Target};
use serde_json::{Value, json};

use common::{Answer, assert_image, get, get_authed, http, poll_until, post, read, start};

const UPLOAD: &str = "/api/v3/media/upload/binary";
const EDIT: &str = "/api/v3/openai/gpt-image-1";
const Z_IMAGE: &str = "/api/v1/models/z-image-turbo/generate";
/// WaveSpeed's documented limit (`upload.max_bytes`).
const MAX_BYTES: usize = 20_000_000;
const BOUNDARY: &str = "----sim-test-boundary-7MA4YWxkTrZu0gW";

/// A solid `colour` image of `width` x `height`, encoded as `format`.
fn picture(width: u32, height: u32, colour: [u8; 3], format: image::ImageFormat) -> Vec<u8> {
    let pixels = RgbImage::from_pixel(width, height, Rgb(colour));
    let mut out = Vec::new();
    let colour_type = image::ExtendedColorType::Rgb8;
    match format {
        Jpeg => image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95).write_image(
            pixels.as_raw(),
            width,
            height,
            colour_type,
        ),
        _ => image::codecs::png::PngEncoder::new(&mut out).write_image(
            pixels.as_raw(),
            width,
            height,
            colour_type,
        ),
    }
    .expect("the test image encodes");
    out
}

/// A `multipart/form-data` body with a text field and `file` as `field`,
/// written out by hand as a client would send it.
fn form(field: &str, filename: &str, file: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n\
             --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn form_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// `POST` of `body` to WaveSpeed's upload endpoint with the sim's key.
async fn upload_body(sim: &Sim, content_type: &str, body: Vec<u8>) -> Answer {
    let response = http()
        .post(format!("{}{UPLOAD}", sim.base_url("wavespeed")))
        .bearer_auth(sim.api_key())
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("the upload is answered");
    read(response).await
}

async fn upload(sim: &Sim, filename: &str, file: &[u8]) -> Answer {
    upload_body(sim, &form_type(), form("file", filename, file)).await
}

/// Uploads `file` and returns the URL the answer gives.
async fn uploaded_url(sim: &Sim, filename: &str, file: &[u8]) -> String {
    let answer = upload(sim, filename, file).await;
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    answer.json()["data"]["download_url"]
        .as_str()
        .expect("a download URL")
        .to_owned()
}

fn completed(body: &Value) -> bool {
    body["status"] == "completed" || body["data"]["status"] == "completed"
}

/// Submits a WaveSpeed gpt-image-1 edit and downloads its first output.
async fn edit_output(sim: &Sim, body: &Value) -> Vec<u8> {
    let answer = post(sim, "wavespeed", EDIT, body).await;
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let get_url = answer.json()["data"]["urls"]["get"]
        .as_str()
        .unwrap()
        .to_owned();
    let (result, _) = poll_until(sim, &get_url, completed).await;
    let url = result["data"]["outputs"][0].as_str().unwrap();
    get(url).await.body
}

fn assert_filled(bytes: &[u8], colour: [u8; 3]) {
    let decoded = image::load_from_memory(bytes)
        .expect("it decodes")
        .into_rgb8();
    assert!(
        decoded.pixels().all(|p| p.0 == colour),
        "every pixel is {colour:?}; the first is {:?}",
        decoded.get_pixel(0, 0).0
    );
}

#[tokio::test]
async fn an_upload_answers_the_documented_envelope_and_is_served_back() {
    let sim = start().await;
    let file = picture(300, 200, [200, 40, 90], Png);
    let answer = upload(&sim, "holiday/red cat.png", &file).await;
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let body = answer.json();
    assert_eq!(body["code"], 200);
    assert_eq!(body["message"], "success");
    let data = &body["data"];
    assert_eq!(data["type"], "image");
    assert_eq!(data["filename"], "red_cat.png");
    assert_eq!(data["size"], file.len());
    let url = data["download_url"].as_str().unwrap();
    let prefix = format!("{}/uploads/", sim.assets_url());
    let id = url
        .strip_prefix(&prefix)
        .and_then(|rest| rest.strip_suffix("/red_cat.png"))
        .unwrap_or_else(|| panic!("{url} is under {prefix}"));

    let served = get(url).await;
    assert_eq!(served.status, 200);
    assert_eq!(served.header("content-type"), Some("image/png"));
    assert_eq!(served.body, file);
    // The assets origin takes no credentials, for uploads as for outputs.
    let refused = get_authed(&sim, url).await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        get(&format!("{prefix}{id}/other.png")).await.status,
        404,
        "only under its own name"
    );
    assert_eq!(
        get(&format!("{prefix}unknown/red_cat.png")).await.status,
        404
    );

    let log = sim.log();
    assert_eq!(log.uploads().len(), 1);
    let entry = &log.uploads()[0];
    assert_eq!(entry.provider, "wavespeed");
    assert_eq!(entry.id.as_deref(), Some(id));
    assert_eq!(entry.filename.as_deref(), Some("red_cat.png"));
    assert_eq!(entry.bytes, file.len() as u64);
    assert_eq!(entry.status, Some(200));
    assert_eq!(log.credential_leaks().len(), 1);
    assert_eq!(
        log.credential_leaks()[0].path,
        format!("/uploads/{id}/red_cat.png")
    );
    assert_eq!(log.credential_leaks()[0].headers, ["authorization"]);
    assert!(log.downloads().is_empty(), "uploads are not outputs");
    // And the log over HTTP says the same.
    let remote = get(&format!("{}/__sim/log", sim.api_url())).await.json();
    assert_eq!(remote["uploads"][0]["id"], id);
    assert_eq!(remote["uploads"][0]["status"], 200);
}

#[tokio::test]
async fn files_with_no_usable_name_are_named_by_their_bytes() {
    let sim = start().await;
    let url = uploaded_url(&sim, "..", &picture(4, 4, [1, 2, 3], Jpeg)).await;
    assert!(url.ends_with("/upload.jpg"), "{url}");
    let url = uploaded_url(&sim, "", b"just some text").await;
    assert!(url.ends_with("/upload.bin"), "{url}");
    let served = get(&url).await;
    assert_eq!(
        served.header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(served.body, b"just some text");
}

#[tokio::test]
async fn a_file_over_the_limit_is_413_and_stored_nowhere() {
    let sim = start().await;
    // One byte over: the whole form is read, the file part is too big.
    let answer = upload(&sim, "big.bin", &vec![7u8; MAX_BYTES + 1]).await;
    assert_eq!(answer.status, 413);
    let body = answer.json();
    assert_eq!(body["code"], 413);
    let message = body["message"].as_str().unwrap();
    assert!(message.starts_with("File too large"), "{message}");
    assert!(message.contains("20000000"), "{message}");
    // A body far over the limit is refused by its Content-Length.
    let huge = upload(&sim, "huge.bin", &vec![7u8; MAX_BYTES + 200_000]).await;
    assert_eq!(huge.status, 413);
    assert_eq!(huge.json()["code"], 413);

    let log = sim.log();
    assert!(log.stored_uploads().is_empty());
    let statuses: Vec<Option<u16>> = log.uploads().iter().map(|u| u.status).collect();
    assert_eq!(statuses, [Some(413), Some(413)]);
    assert_eq!(log.uploads()[0].bytes, MAX_BYTES as u64 + 1);
    assert!(log.uploads()[1].bytes > MAX_BYTES as u64 + 200_000);
}

#[tokio::test]
async fn a_client_waiting_to_send_a_too_large_body_is_refused_at_once() {
    let sim = start().await;
    let address = sim.api_url().trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(address).expect("the API listens");
    let request = format!(
        "POST /wavespeed{UPLOAD} HTTP/1.1\r\nHost: sim\r\nAuthorization: Bearer {}\r\n\
         Content-Type: {}\r\nContent-Length: 30000000\r\nExpect: 100-continue\r\n\r\n",
        sim.api_key(),
        form_type()
    );
    // Blocking I/O off the runtime's threads, which serve the emulator.
    let head = tokio::task::spawn_blocking(move || {
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = vec![0u8; 4096];
        let read = stream.read(&mut answer).unwrap();
        String::from_utf8_lossy(&answer[..read]).into_owned()
    })
    .await
    .unwrap();
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert_eq!(sim.log().uploads()[0].bytes, 30_000_000);
}

#[tokio::test]
async fn bad_forms_are_400_naming_the_field() {
    let sim = start().await;
    let file = picture(2, 2, [0, 0, 0], Png);
    let missing = upload_body(&sim, &form_type(), form("image", "a.png", &file)).await;
    assert_eq!(missing.status, 400);
    let message = missing.json()["message"].as_str().unwrap().to_owned();
    assert!(message.contains("`file` is missing"), "{message}");
    assert!(message.contains("`note`, `image`"), "{message}");

    let not_a_form = upload_body(&sim, "application/json", b"{}".to_vec()).await;
    assert_eq!(not_a_form.status, 400);
    let message = not_a_form.json()["message"].as_str().unwrap().to_owned();
    assert!(message.contains("multipart/form-data"), "{message}");

    let mut cut = form("file", "a.png", &file);
    cut.truncate(cut.len() - 12);
    let garbled = upload_body(&sim, &form_type(), cut).await;
    assert_eq!(garbled.status, 400);
    assert!(
        garbled.json()["message"]
            .as_str()
            .unwrap()
            .contains("closing")
    );
    let empty = upload_body(&sim, &form_type(), Vec::new()).await;
    assert_eq!(empty.status, 400);

    let anonymous = http()
        .post(format!("{}{UPLOAD}", sim.base_url("wavespeed")))
        .header("content-type", form_type())
        .body(form("file", "a.png", &file))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);

    let wrong_method = get_authed(&sim, &format!("{}{UPLOAD}", sim.base_url("wavespeed"))).await;
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.header("allow"), Some("POST"));

    let log = sim.log();
    assert!(log.stored_uploads().is_empty());
    let statuses: Vec<Option<u16>> = log.uploads().iter().map(|u| u.status).collect();
    assert_eq!(
        statuses,
        [Some(400), Some(400), Some(400), Some(400), Some(401)]
    );
    assert!(
        log.uploads()[0]
            .message
            .as_deref()
            .unwrap()
            .contains("`file`")
    );
}

#[tokio::test]
async fn upload_faults_fire_on_uploads_and_are_logged() {
    let sim = start().await;
    let file = picture(2, 2, [9, 9, 9], Png);
    sim.inject(
        FaultRule::new(Fault::ServerError { status: 503 })
            .on(Target::Upload)
            .times(2),
    );
    // A submission is not an upload: the rule waits.
    let submitted = post(
        &sim,
        "wavespeed",
        EDIT,
        &json!({"prompt": "p", "image": "https://example.com/cat.png"}),
    )
    .await;
    assert_eq!(submitted.status, 200);
    for _ in 0..2 {
        let failed = upload(&sim, "a.png", &file).await;
        assert_eq!(failed.status, 503);
        assert_eq!(failed.json()["code"], 503);
    }
    assert_eq!(upload(&sim, "a.png", &file).await.status, 200);

    // Over the control endpoint too: the connection is dropped, the file
    // (as a dropped submission's prediction) was stored.
    let rule = json!({"fault": {"type": "drop_connection"}, "target": "upload"});
    let injected = http()
        .post(format!("{}/__sim/faults", sim.api_url()))
        .body(rule.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(injected.status(), 201);
    let dropped = http()
        .post(format!("{}{UPLOAD}", sim.base_url("wavespeed")))
        .bearer_auth(sim.api_key())
        .header("content-type", form_type())
        .body(form("file", "a.png", &file))
        .send()
        .await;
    assert!(dropped.is_err(), "no answer: {dropped:?}");

    let log = sim.log();
    let statuses: Vec<Option<u16>> = log.uploads().iter().map(|u| u.status).collect();
    assert_eq!(statuses, [Some(503), Some(503), Some(200), None]);
    assert_eq!(log.uploads()[0].id, None);
    assert!(log.uploads()[3].id.is_some());
    assert_eq!(log.stored_uploads().len(), 2);
    let targets: Vec<Target> = log.faults_fired().iter().map(|f| f.target).collect();
    assert_eq!(targets, [Target::Upload; 3]);
    // The failed uploads were followed by no submission.
    let last_failure = log.uploads()[1].at;
    assert!(log.submissions.iter().all(|s| s.at <= last_failure));
}

#[tokio::test]
async fn an_edit_of_an_upload_keeps_its_colour_and_size() {
    let sim = start().await;
    let colour = [200, 40, 90];
    let url = uploaded_url(&sim, "red.png", &picture(300, 200, colour, Png)).await;

    let auto = edit_output(
        &sim,
        &json!({"prompt": "a hat", "image": url, "size": "auto"}),
    )
    .await;
    assert_image(&auto, Png, 300, 200);
    assert_filled(&auto, colour);
    // `auto` is the documented default: the same when no size is sent.
    let default = edit_output(&sim, &json!({"prompt": "a hat", "image": url})).await;
    assert_image(&default, Png, 300, 200);
    // A size asked for is kept; the colour still comes from the upload.
    let sized = edit_output(
        &sim,
        &json!({"prompt": "a hat", "image": url, "size": "1024*1536"}),
    )
    .await;
    assert_image(&sized, Png, 1024, 1536);
    assert_filled(&sized, colour);
    // A URL elsewhere is drawn as before.
    let elsewhere = edit_output(
        &sim,
        &json!({"prompt": "a hat", "image": "https://example.com/cat.png"}),
    )
    .await;
    assert_image(&elsewhere, Png, 1024, 1024);
    let first = image::load_from_memory(&elsewhere).unwrap().into_rgb8();
    assert!(first.pixels().any(|p| p.0 != colour));
}

#[tokio::test]
async fn a_reference_image_derives_outputs_for_any_model_with_one() {
    let sim = start().await;
    let colour = [10, 120, 250];
    let url = uploaded_url(&sim, "blue.png", &picture(64, 48, colour, Png)).await;
    let submitted = post(
        &sim,
        "vibedream",
        Z_IMAGE,
        &json!({"prompt": "sea", "image": url, "output_format": "png"}),
    )
    .await;
    assert_eq!(
        submitted.status,
        200,
        "{}",
        String::from_utf8_lossy(&submitted.body)
    );
    let status_url = submitted.json()["statusUrl"].as_str().unwrap().to_owned();
    let (result, _) = poll_until(&sim, &status_url, completed).await;
    let output = get(result["outputs"][0].as_str().unwrap()).await.body;
    // z-image-turbo's size has no keyword: its default 1024*1024 stays.
    assert_image(&output, Png, 1024, 1024);
    assert_filled(&output, colour);
}

#[tokio::test]
async fn an_unknown_upload_url_is_refused_and_creates_nothing() {
    let sim = start().await;
    let url = uploaded_url(&sim, "a.png", &picture(8, 8, [1, 1, 1], Png)).await;
    let unknown = format!("{}/uploads/no-such-id/a.png", sim.assets_url());
    let renamed = url.replace("/a.png", "/b.png");
    for image in [unknown, renamed] {
        let answer = post(
            &sim,
            "wavespeed",
            EDIT,
            &json!({"prompt": "p", "image": image}),
        )
        .await;
        assert_eq!(answer.status, 400);
        let message = answer.json()["message"].as_str().unwrap().to_owned();
        assert!(
            message.contains("not an upload this server holds"),
            "{message}"
        );
    }
    // The mask documents PNG only; a JPEG upload is refused for it.
    let jpeg = uploaded_url(&sim, "m.jpg", &picture(8, 8, [1, 1, 1], Jpeg)).await;
    let answer = post(
        &sim,
        "wavespeed",
        EDIT,
        &json!({"prompt": "p", "image": url, "mask_image": jpeg}),
    )
    .await;
    assert_eq!(answer.status, 400);
    let message = answer.json()["message"].as_str().unwrap().to_owned();
    assert!(message.contains("`mask_image` takes png"), "{message}");
    // Nor is a file that is no image.
    let text = uploaded_url(&sim, "notes.txt", b"not an image").await;
    let answer = post(
        &sim,
        "wavespeed",
        EDIT,
        &json!({"prompt": "p", "image": text}),
    )
    .await;
    assert_eq!(answer.status, 400);

    assert_eq!(sim.prediction_count(), 0);
    let log = sim.log();
    assert!(
        log.submissions
            .iter()
            .all(|s| matches!(s.outcome, SubmitOutcome::Rejected { status: 400, .. }))
    );
    // With a PNG mask the edit goes through.
    let mask = uploaded_url(&sim, "m.png", &picture(8, 8, [0, 0, 0], Png)).await;
    let answer = post(
        &sim,
        "wavespeed",
        EDIT,
        &json!({"prompt": "p", "image": url, "mask_image": mask}),
    )
    .await;
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn reset_forgets_uploads() {
    let sim = start().await;
    let url = uploaded_url(&sim, "a.png", &picture(2, 2, [5, 5, 5], Png)).await;
    sim.reset();
    assert_eq!(get(&url).await.status, 404);
    assert!(sim.log().uploads().is_empty());
}
