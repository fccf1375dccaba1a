//! Local images on the command line, for every image parameter of every
//! model in the catalog (so a new spec is covered with no test written):
//! uploaded then used where the provider has an upload endpoint, refused
//! with the documented reason where it takes only URLs, and every bad file
//! (not an image, too large, a mask that does not fit) refused with exit 2
//! before anything is uploaded or paid for; an upload that fails submits
//! nothing.

mod cli_support;

use std::path::{Path, PathBuf};

use heck::ToKebabCase;
use image::{Rgb, RgbImage, Rgba, RgbaImage};
use imagegen::info::{LocalImages, Meaning, ModelInfo, ParamInfo, ParamKind};
use imagegen_sim::{Fault, FaultRule, Target};

use cli_support::{Emulator, final_records, imagegen, text};

/// A URL for image parameters given as URLs: the emulator accepts any
/// https URL without fetching it.
const INPUT_IMAGE: &str = "https://example.com/in.png";
/// The colour of every test photo.
const COLOUR: [u8; 3] = [40, 90, 160];
/// The size of every test photo (and so of a mask that fits it).
const SIZE: (u32, u32) = (96, 64);

/// Every image parameter of every model, with its model.
fn image_parameters() -> Vec<(String, &'static ModelInfo, &'static ParamInfo)> {
    let found: Vec<_> = imagegen::models()
        .flat_map(|(_, model)| {
            model
                .info
                .parameters
                .iter()
                .filter(|param| param.kind == ParamKind::ImageUrl && param.fixed.is_none())
                .map(move |param| (model.qualified_id(), model.info, param))
        })
        .collect();
    assert!(!found.is_empty(), "no model has an image parameter");
    found
}

fn flag(param: &ParamInfo) -> String {
    format!("--{}", param.name.to_kebab_case())
}

/// A PNG photo (RGB) of [`SIZE`] in [`COLOUR`].
fn photo(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    RgbImage::from_pixel(SIZE.0, SIZE.1, Rgb(COLOUR))
        .save(&path)
        .unwrap();
    path
}

/// A PNG mask (RGBA, transparent where to edit) of `size`.
fn mask(dir: &Path, name: &str, size: (u32, u32)) -> PathBuf {
    let path = dir.join(name);
    RgbaImage::from_fn(size.0, size.1, |x, _| {
        Rgba([0, 0, 0, if x < size.0 / 2 { 0 } else { 255 }])
    })
    .save(&path)
    .unwrap();
    path
}

/// A file of the image format `param` takes (a photo, or a mask for a
/// mask), fitting the image it masks.
fn valid_file(dir: &Path, param: &ParamInfo) -> PathBuf {
    match param.image.and_then(|image| image.mask_for) {
        Some(_) => mask(dir, &format!("{}.png", param.name), SIZE),
        None => photo(dir, &format!("{}.png", param.name)),
    }
}

/// The flags for `model` with `param` set to `value`: the prompt, every
/// other required parameter (an image as a URL, except the one a mask
/// masks, which is a local photo so the mask can be checked against it).
fn flags(model: &ModelInfo, param: &ParamInfo, value: &Path, dir: &Path) -> Vec<String> {
    let mut flags = vec![flag(param), value.to_string_lossy().into_owned()];
    let masked = param.image.and_then(|image| image.mask_for);
    for other in model
        .parameters
        .iter()
        .filter(|p| p.fixed.is_none() && p.name != param.name)
    {
        let value = if other.meaning == Some(Meaning::Prompt) {
            "make it snow".to_owned()
        } else if Some(other.name) == masked {
            photo(dir, "masked.png").to_string_lossy().into_owned()
        } else if !other.required {
            continue;
        } else if matches!(other.kind, ParamKind::ImageUrl | ParamKind::ImageList) {
            INPUT_IMAGE.to_owned()
        } else {
            match (other.default, other.choices.first()) {
                (Some(default), _) => default.to_owned(),
                (None, Some(choice)) => (*choice).to_owned(),
                (None, None) if other.kind == ParamKind::Boolean => "false".to_owned(),
                (None, None) => "a value".to_owned(),
            }
        };
        flags.extend([flag(other), value]);
    }
    flags
}

/// Runs `imagegen generate` for `model` with `flags` into a fresh `--out`.
fn generate(
    emulator: &Emulator,
    model: &str,
    flags: &[String],
    out: &Path,
) -> std::process::Output {
    let out = out.to_string_lossy().into_owned();
    let mut args: Vec<&str> = flags.iter().map(String::as_str).collect();
    args.extend(["--out", &out, "--timeout", "20"]);
    emulator.generate(model, &args).output().expect("runs")
}

#[test]
fn every_image_parameter_takes_a_local_file_where_its_provider_can() {
    for (name, model, param) in image_parameters() {
        let emulator = Emulator::start();
        let dir = tempfile::tempdir().unwrap();
        let file = valid_file(dir.path(), param);
        let output = generate(
            &emulator,
            &name,
            &flags(model, param, &file, dir.path()),
            &dir.path().join("out"),
        );
        let log = emulator.sim.log();
        let stderr = text(&output.stderr);
        match model.local_images(param).unwrap() {
            LocalImages::Uploaded(_) => {
                assert_eq!(
                    output.status.code(),
                    Some(0),
                    "{name} {}: {stderr}",
                    param.name
                );
                let submissions = log.submissions_for(&name);
                assert_eq!(submissions.len(), 1, "{name}");
                let sent = submissions[0].body[param.name].as_str().unwrap_or_default();
                let stored = log.stored_uploads();
                assert!(!stored.is_empty(), "{name}: nothing was uploaded");
                // The URL the upload answered is what the request sent,
                // on the assets origin, not the path.
                assert!(
                    sent.starts_with(&emulator.sim.assets_url()),
                    "{name} {}: sent {sent:?}",
                    param.name
                );
                let uploaded = stored
                    .iter()
                    .filter_map(|upload| upload.id.as_deref())
                    .any(|id| sent.contains(id));
                assert!(uploaded, "{name}: {sent} is none of the uploads {stored:?}");
                assert!(
                    log.credential_leaks().is_empty(),
                    "{:?}",
                    log.credential_leaks()
                );
            }
            LocalImages::DataUri => {
                assert_eq!(output.status.code(), Some(0), "{name}: {stderr}");
                let sent = log.submissions_for(&name)[0].body[param.name].clone();
                assert!(
                    sent.as_str().unwrap().starts_with("data:image/png;base64,"),
                    "{sent}"
                );
            }
            LocalImages::Refused => {
                assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
                assert!(
                    stderr.contains(&format!("`{}` is a local image", param.name))
                        && stderr.contains(&format!(
                            "{} takes only public http(s) URLs for it",
                            model.provider.name
                        ))
                        && stderr.contains("nothing was sent"),
                    "{name}: {stderr}"
                );
                for alternative in param.local_alternatives {
                    assert!(stderr.contains(alternative), "{name}: {stderr}");
                }
                assert_eq!(log.submissions.len(), 0, "{name}: a submission was sent");
                assert!(log.uploads().is_empty(), "{name}: an upload was sent");
            }
        }
    }
}

/// The files that must be refused for `param`, each with a piece of the
/// message naming what is wrong.
fn bad_files(dir: &Path, param: &ParamInfo, max_bytes: u64) -> Vec<(PathBuf, &'static str)> {
    let text_file = dir.join("notes.png");
    std::fs::write(&text_file, "not an image at all").unwrap();
    let empty = dir.join("empty.png");
    std::fs::write(&empty, "").unwrap();
    // Sparse: over the limit on disk without writing megabytes.
    let huge = dir.join("huge.png");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(max_bytes + 1)
        .unwrap();
    let mut bad = vec![
        (text_file, "is not an image"),
        (empty, "is empty"),
        (huge, "over the provider's limit"),
        (dir.join("missing.png"), "cannot be read"),
    ];
    let image = param.image.unwrap();
    let accepted = image.accepted_formats();
    if !accepted.contains(&imagegen::runtime::ImageFormat::Gif) {
        // A 1x1 GIF, written out: the image crate here encodes no GIF.
        let gif = dir.join("photo.gif");
        std::fs::write(
            &gif,
            b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!\xf9\x04\x01\0\0\0\0,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;",
        )
        .unwrap();
        bad.push((gif, "is a GIF image, and this parameter takes"));
    }
    if image.mask_for.is_some() {
        bad.push((photo(dir, "opaque-mask.png"), "without an alpha channel"));
        bad.push((
            mask(dir, "small-mask.png", (SIZE.0 / 2, SIZE.1)),
            "must have the same width and height as the image it masks",
        ));
    }
    bad
}

#[test]
fn bad_local_files_are_refused_before_anything_is_uploaded_or_paid() {
    let emulator = Emulator::start();
    for (name, model, param) in image_parameters() {
        let Some(LocalImages::Uploaded(upload)) = model.local_images(param) else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        for (file, problem) in bad_files(dir.path(), param, upload.max_bytes) {
            let output = generate(
                &emulator,
                &name,
                &flags(model, param, &file, dir.path()),
                &dir.path().join("out"),
            );
            let stderr = text(&output.stderr);
            assert_eq!(
                output.status.code(),
                Some(2),
                "{name} {}: {stderr}",
                file.display()
            );
            assert!(
                stderr.contains(&format!("`{}`", param.name)) && stderr.contains(problem),
                "{name} {}: expected {problem:?} in {stderr}",
                file.display()
            );
            assert!(stderr.contains("nothing was sent"), "{stderr}");
        }
    }
    let log = emulator.sim.log();
    assert!(log.uploads().is_empty(), "uploaded: {:?}", log.uploads());
    assert!(
        log.submissions.is_empty(),
        "submitted: {:?}",
        log.submissions
    );
}

#[test]
fn an_upload_that_fails_submits_nothing() {
    for (name, model, param) in image_parameters() {
        let Some(LocalImages::Uploaded(_)) = model.local_images(param) else {
            continue;
        };
        let emulator = Emulator::start();
        // Every upload fails for as long as the run may take.
        emulator.sim.inject(
            FaultRule::new(Fault::ServerError { status: 503 })
                .on(Target::Upload)
                .times(1_000),
        );
        let dir = tempfile::tempdir().unwrap();
        let file = valid_file(dir.path(), param);
        let mut flags = flags(model, param, &file, dir.path());
        flags.extend(["--timeout".to_owned(), "3".to_owned()]);
        let out = dir.path().join("out").to_string_lossy().into_owned();
        let mut args: Vec<&str> = flags.iter().map(String::as_str).collect();
        args.extend(["--out", &out]);
        let output = emulator.generate(&name, &args).output().expect("runs");
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains("uploading `"), "{name}: {stderr}");
        assert!(stderr.contains("nothing was paid for"), "{name}: {stderr}");
        let log = emulator.sim.log();
        assert!(!log.uploads().is_empty(), "{name}: no upload was tried");
        assert!(
            log.submissions.is_empty(),
            "{name}: submitted after a failed upload"
        );
    }
}

/// The mean colour of a saved image.
fn mean_colour(path: &Path) -> [u8; 3] {
    let image = image::open(path).unwrap().to_rgb8();
    let mut sums = [0u64; 3];
    for pixel in image.pixels() {
        for (sum, value) in sums.iter_mut().zip(pixel.0) {
            *sum += u64::from(value);
        }
    }
    let count = u64::from(image.width()) * u64::from(image.height());
    sums.map(|sum| (sum / count) as u8)
}

#[test]
fn the_edit_is_made_from_the_uploaded_image() {
    let emulator = Emulator::start();
    let mut checked = 0;
    for (name, model, param) in image_parameters() {
        let uploaded = matches!(model.local_images(param), Some(LocalImages::Uploaded(_)));
        if !uploaded || param.meaning != Some(Meaning::ReferenceImage) {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let file = photo(dir.path(), "photo.png");
        let out = dir.path().join("out");
        let output = generate(
            &emulator,
            &name,
            &flags(model, param, &file, dir.path()),
            &out,
        );
        assert_eq!(
            output.status.code(),
            Some(0),
            "{name}: {}",
            text(&output.stderr)
        );
        let saved: Vec<PathBuf> = text(&output.stdout).lines().map(PathBuf::from).collect();
        assert!(!saved.is_empty(), "{name}: nothing saved");
        for path in saved {
            let colour = mean_colour(&path);
            let close = colour.iter().zip(COLOUR).all(|(a, b)| a.abs_diff(b) <= 8);
            assert!(
                close,
                "{name}: {} is {colour:?}, the photo {COLOUR:?}",
                path.display()
            );
            // A size left to the model (`auto`) is the photo's.
            let size = model.parameter_meaning(Meaning::Size);
            if size.is_some_and(|size| size.default == Some("auto")) {
                let decoded = image::open(&path).unwrap();
                assert_eq!((decoded.width(), decoded.height()), SIZE, "{name}");
            }
        }
        checked += 1;
    }
    assert!(checked > 0, "no model uploads a reference image");
}

/// Runs `imagegen batch` for `model` on JSONL `lines` (each with a prompt,
/// dropped for a model that has none, and `param`), the model's other
/// required parameters as flags.
fn batch(
    emulator: &Emulator,
    model: &ModelInfo,
    param: &ParamInfo,
    lines: &[serde_json::Value],
    dir: &Path,
) -> std::process::Output {
    let name = model.qualified_id();
    let mut flags = flags(model, param, &dir.join("unused.png"), dir);
    // The image and the prompt come from each line.
    flags.drain(..2);
    if let Some(at) = flags.iter().position(|flag| flag == "--prompt") {
        flags.drain(at..at + 2);
    }
    let prompts = dir.join("prompts.jsonl");
    let has_prompt = model.parameter_meaning(Meaning::Prompt).is_some();
    let text: Vec<String> = lines
        .iter()
        .map(|line| {
            // A model without a prompt takes its lines' other values alone.
            let mut line = line.clone();
            if !has_prompt && let Some(object) = line.as_object_mut() {
                object.remove("prompt");
            }
            line.to_string()
        })
        .collect();
    std::fs::write(&prompts, text.join("\n")).unwrap();
    let provider = model.provider.name;
    imagegen()
        .env(cli_support::env_var(provider), emulator.sim.api_key())
        .args([
            "batch",
            &name,
            "--base-url",
            &emulator.sim.base_url(provider),
        ])
        .arg("--prompts")
        .arg(&prompts)
        .arg("--out")
        .arg(dir.join("out"))
        .args(&flags)
        .output()
        .unwrap()
}

#[test]
fn a_batch_uploads_a_shared_photo_once_and_records_its_path() {
    for (name, model, param) in image_parameters() {
        let uploaded = matches!(model.local_images(param), Some(LocalImages::Uploaded(_)));
        if !uploaded || param.image.unwrap().mask_for.is_some() {
            continue;
        }
        let emulator = Emulator::start();
        let dir = tempfile::tempdir().unwrap();
        let file = photo(dir.path(), "photo.png");
        let path = file.to_string_lossy();
        let lines: Vec<serde_json::Value> = (0..5)
            .map(|n| serde_json::json!({"prompt": format!("snow {n}"), param.name: path}))
            .collect();
        let output = batch(&emulator, model, param, &lines, dir.path());
        assert_eq!(
            output.status.code(),
            Some(0),
            "{name}: {}",
            text(&output.stderr)
        );
        let log = emulator.sim.log();
        assert_eq!(log.stored_uploads().len(), 1, "{name}: {:?}", log.uploads());
        assert_eq!(log.submissions_for(&name).len(), 5, "{name}");
        let out = dir.path().join("out");
        for record in final_records(&out).values() {
            assert_eq!(record["status"], "done", "{record}");
        }
        // The manifest records the request as given: the path, not the
        // upload's URL, so a re-run of the same file matches it.
        let manifest = std::fs::read_to_string(out.join("manifest.jsonl")).unwrap();
        let submitting: Vec<serde_json::Value> = manifest
            .lines()
            .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
            .filter(|record| record["status"] == "submitting")
            .collect();
        assert_eq!(submitting.len(), 5, "{manifest}");
        for record in submitting {
            assert_eq!(record["request"][param.name], path.as_ref(), "{record}");
        }
    }
}

#[test]
fn a_batch_with_a_bad_local_file_sends_no_line() {
    for (name, model, param) in image_parameters() {
        if model.local_images(param) == Some(LocalImages::DataUri) {
            continue;
        }
        let emulator = Emulator::start();
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("notes.txt");
        std::fs::write(&bad, "not an image").unwrap();
        let lines = [
            serde_json::json!({"prompt": "fine", param.name: INPUT_IMAGE}),
            serde_json::json!({"prompt": "bad", param.name: bad.to_string_lossy()}),
        ];
        let output = batch(&emulator, model, param, &lines, dir.path());
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains("line 2"), "{name}: {stderr}");
        let log = emulator.sim.log();
        assert!(log.submissions.is_empty(), "{name}: {:?}", log.submissions);
        assert!(log.uploads().is_empty(), "{name}: {:?}", log.uploads());
    }
}

#[test]
fn describe_says_which_image_parameters_take_local_files() {
    for (name, model, param) in image_parameters() {
        let output = imagegen().args(["describe", &name]).output().unwrap();
        let stdout = text(&output.stdout);
        let expected = match model.local_images(param).unwrap() {
            LocalImages::Refused => "local files: no",
            _ => "local files: yes",
        };
        let row = stdout
            .split(&format!("\n  {} ", param.name))
            .nth(1)
            .unwrap_or_else(|| panic!("{name}: no row for {}", param.name));
        let details: String = row
            .lines()
            .skip(1)
            .take_while(|l| l.starts_with("    "))
            .collect();
        assert!(
            details.contains(expected),
            "{name} {}: {details}",
            param.name
        );
    }
}

#[test]
fn the_readme_edit_of_a_local_photo_works_offline() {
    // As README.md shows it: the committed photo copied to ./photo.png,
    // `--sim`, no key, no network.
    let dir = tempfile::tempdir().unwrap();
    let photo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/photo.png");
    std::fs::copy(&photo, dir.path().join("photo.png")).unwrap();
    let output = imagegen()
        .current_dir(dir.path())
        .args(["generate", "wavespeed/openai/gpt-image-1"])
        .args([
            "--prompt",
            "make it snow",
            "--image",
            "./photo.png",
            "--sim",
            "--out",
            "out",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let saved: Vec<PathBuf> = text(&output.stdout).lines().map(PathBuf::from).collect();
    assert_eq!(saved.len(), 1, "{saved:?}");
    let saved = dir.path().join(&saved[0]);
    let decoded = image::open(&saved).unwrap();
    // The edit is made from the photo: its size (the size is `auto`).
    let original = image::open(&photo).unwrap();
    assert_eq!(decoded.width(), original.width());
    assert_eq!(decoded.height(), original.height());
}
