//! Fuzzing on stable, with proptest: the spec loader on mutated and arbitrary
//! YAML, every response decoder on arbitrary answers from a hostile loopback
//! server, and the text parsers behind every CLI value. None may panic;
//! what the loader accepts must generate; what a parser accepts must
//! round-trip; no answer may get the key into an error.
//!
//! `cargo test` runs [`cases`] cases per target (64 unless
//! `IMAGEGEN_FUZZ_CASES` says otherwise); the figures in RELIABILITY.md come
//! from `IMAGEGEN_FUZZ_CASES=10000 cargo test --release -p imagegen-tests
//! --test fuzz -- --nocapture`, which prints the executions per target.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use imagegen::args::Args;
use imagegen::runtime::{ClientBuilder, RetryPolicy};
use imagegen_spec::ir::{ParamKind, Provider};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Cases per target.
fn cases() -> u32 {
    std::env::var("IMAGEGEN_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

fn specs_dir() -> PathBuf {
    imagegen_tests::workspace_root().join("specs")
}

/// A change to a spec's text.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    /// The value after the line's first `: ` becomes this.
    ReplaceValue(usize, String),
    Truncate(usize),
    Insert(usize, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let scalar = prop_oneof![
        Just("".to_owned()),
        Just("~".to_owned()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        Just("-1".to_owned()),
        Just("1e400".to_owned()),
        Just("0.1".to_owned()),
        Just("\"*\"".to_owned()),
        Just("true".to_owned()),
        Just("9223372036854775808".to_owned()),
        "[a-z_]{1,12}",
        "[0-9]{1,6}x[0-9]{1,6}",
        ".{0,24}",
    ];
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<usize>(), scalar).prop_map(|(line, value)| Mutation::ReplaceValue(line, value)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), ".{0,40}").prop_map(|(at, text)| Mutation::Insert(at, text)),
    ]
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for mutation in mutations {
        if lines.is_empty() {
            break;
        }
        let n = lines.len();
        match mutation {
            Mutation::DeleteLine(i) => {
                lines.remove(i % n);
            }
            Mutation::DuplicateLine(i) => {
                let line = lines[i % n].clone();
                lines.insert(i % n, line);
            }
            Mutation::SwapLines(a, b) => lines.swap(a % n, b % n),
            Mutation::ReplaceValue(i, value) => {
                let line = &mut lines[i % n];
                if let Some(at) = line.find(": ") {
                    line.replace_range(at + 2.., value);
                }
            }
            Mutation::Truncate(i) => {
                let line = &mut lines[i % n];
                let cut = line
                    .char_indices()
                    .map(|(at, _)| at)
                    .nth(i % (line.chars().count() + 1))
                    .unwrap_or(line.len());
                line.truncate(cut);
            }
            Mutation::Insert(i, text) => lines.insert(i % (n + 1), text.clone()),
        }
    }
    lines.join("\n")
}

/// A spec file's path and text.
type SpecFile = (PathBuf, String);

/// Every spec file: each provider's file with its models' files.
fn spec_files() -> Vec<(PathBuf, String, Vec<SpecFile>)> {
    let mut providers = Vec::new();
    for entry in std::fs::read_dir(specs_dir()).unwrap() {
        let dir = entry.unwrap().path();
        let provider_file = dir.join(imagegen_spec::PROVIDER_FILE);
        if !provider_file.is_file() {
            continue;
        }
        let mut models = Vec::new();
        collect_models(&dir, &mut models);
        let text = std::fs::read_to_string(&provider_file).unwrap();
        providers.push((provider_file, text, models));
    }
    providers.sort_by(|a, b| a.0.cmp(&b.0));
    providers
}

fn collect_models(dir: &Path, out: &mut Vec<SpecFile>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_models(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml")
            && path
                .file_name()
                .is_some_and(|n| n != imagegen_spec::PROVIDER_FILE)
        {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((path, text));
        }
    }
}

#[test]
fn the_spec_loader_survives_mutated_specs_and_what_it_accepts_generates() {
    let files = spec_files();
    let providers: Vec<Provider> = files
        .iter()
        .map(|(path, text, _)| imagegen_spec::parse_provider(path, text).unwrap())
        .collect();
    let accepted = std::cell::Cell::new(0_u32);
    let executions = std::cell::Cell::new(0_u32);
    let strategy = (
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        prop::collection::vec(mutation(), 1..4),
    );
    runner()
        .run(&strategy, |(provider_at, model_at, mutations)| {
            executions.set(executions.get() + 1);
            let at = provider_at.index(files.len());
            let (provider_path, provider_text, models) = &files[at];
            // Half the cases mutate the provider file, half one of its models.
            if models.is_empty() || mutations.len() % 2 == 0 {
                let text = mutate(provider_text, &mutations);
                if imagegen_spec::parse_provider(provider_path, &text).is_ok() {
                    accepted.set(accepted.get() + 1);
                }
                return Ok(());
            }
            let (model_path, model_text) = &models[model_at.index(models.len())];
            let text = mutate(model_text, &mutations);
            if let Ok(model) = imagegen_spec::parse_model(model_path, &text, &providers[at]) {
                accepted.set(accepted.get() + 1);
                let mut provider = providers[at].clone();
                provider.models = vec![model];
                let specs = imagegen_spec::ir::SpecSet {
                    providers: vec![provider],
                };
                let generated =
                    imagegen_codegen::generate(&specs, &imagegen_tests::workspace_root());
                prop_assert!(generated.is_ok(), "{text}\n{:?}", generated.err());
            }
            Ok(())
        })
        .unwrap();
    // Arbitrary text, not only near misses of real specs.
    runner()
        .run(&".{0,400}", |text| {
            executions.set(executions.get() + 1);
            let _ = imagegen_spec::parse_provider(Path::new("fuzz/provider.yaml"), &text);
            let _ = imagegen_spec::parse_model(Path::new("fuzz/model.yaml"), &text, &providers[0]);
            Ok(())
        })
        .unwrap();
    println!(
        "spec loader: {} executions, {} mutated specs accepted (and generated), 0 crashes",
        executions.get(),
        accepted.get()
    );
}

/// A loopback server answering every request with the current answer.
struct Hostile {
    port: u16,
    answer: Arc<Mutex<(u16, Vec<u8>)>>,
}

impl Hostile {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let answer = Arc::new(Mutex::new((200, Vec::new())));
        let shared = Arc::clone(&answer);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                // Read the head and the announced body, then answer and close.
                let mut request = Vec::new();
                let mut buffer = [0_u8; 4096];
                while let Ok(read @ 1..) = stream.read(&mut buffer) {
                    request.extend_from_slice(&buffer[..read]);
                    if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
                        let length = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if request.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                let (status, body) = shared.lock().unwrap().clone();
                let head = format!(
                    "HTTP/1.1 {status} Fuzz\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        Self { port, answer }
    }
}

/// The key the hostile server tries to get printed.
const KEY: &str = "sk-fuzz-7f3a9c2e5b1d4f6a8c0e";

/// JSON of the shapes the providers answer with, and worse.
fn answer_json() -> impl Strategy<Value = serde_json::Value> {
    let key = prop_oneof![
        Just("id"),
        Just("status"),
        Just("data"),
        Just("code"),
        Just("message"),
        Just("outputs"),
        Just("urls"),
        Just("get"),
        Just("error"),
        Just("created"),
        Just("b64_json"),
        Just("url"),
        Just("statusUrl"),
        Just("output"),
        Just("images"),
        Just("estimated_time"),
        Just("has_nsfw_contents"),
        Just("usage"),
    ]
    .prop_map(str::to_owned);
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        prop_oneof![
            Just("completed".to_owned()),
            Just("succeeded".to_owned()),
            Just("failed".to_owned()),
            Just("processing".to_owned()),
            Just(format!("Incorrect API key provided: {KEY}")),
            Just(format!("Bearer {KEY}")),
            Just("https://user:pass@127.0.0.1:1/x.png".to_owned()),
            Just("data:image/png;base64,iVBORw0KGgo=".to_owned()),
            Just("\u{1b}]0;pwned\u{7}".to_owned()),
            ".{0,30}",
        ]
        .prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
        ]
    })
}

fn answer() -> impl Strategy<Value = (u16, Vec<u8>)> {
    let status = prop_oneof![
        Just(200_u16),
        Just(201),
        Just(400),
        Just(401),
        Just(429),
        Just(500),
        Just(503)
    ];
    let body = prop_oneof![
        answer_json().prop_map(|json| json.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..200),
    ];
    (status, body)
}

#[test]
fn every_response_decoder_survives_arbitrary_answers_and_never_prints_the_key() {
    let server = Hostile::start();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let specs = imagegen_spec::load(&specs_dir()).unwrap();
    let executions = std::cell::Cell::new(0_u32);
    for provider in imagegen::PROVIDERS {
        let spec = specs
            .providers
            .iter()
            .find(|p| p.name == provider.info.name)
            .unwrap();
        let client = provider
            .connect(
                ClientBuilder::new()
                    .api_key(KEY)
                    .base_url(format!("http://127.0.0.1:{}", server.port))
                    .retry_policy(RetryPolicy::default().max_attempts(1))
                    .overall_timeout(Duration::from_secs(5)),
            )
            .unwrap();
        let model = provider.models[0];
        let mut args = Args::new();
        for (key, value) in imagegen_chaos::spec_values::request_values(&spec.models[0]) {
            args = args.with(key, value);
        }
        let request = Some(model.parse(args).unwrap());
        runner()
            .run(&answer(), |(status, body)| {
                executions.set(executions.get() + 1);
                *server.answer.lock().unwrap() = (status, body.clone());
                let outcomes = runtime.block_on(async {
                    let mut outcomes = Vec::new();
                    if let Some(request) = &request {
                        outcomes.push(client.submit(request).await.err());
                    }
                    let prediction = client.prediction("fuzz-id");
                    outcomes.push(client.status(&prediction).await.err());
                    outcomes
                });
                for error in outcomes.into_iter().flatten() {
                    let shown = format!("{error} {error:?}");
                    prop_assert!(
                        !shown.contains(KEY),
                        "{} {:?}: {shown}",
                        provider.info.name,
                        String::from_utf8_lossy(&body)
                    );
                }
                Ok(())
            })
            .unwrap();
    }
    println!(
        "response decoders: {} answers over {} providers (submit and status), 0 crashes, 0 keys printed",
        executions.get(),
        imagegen::PROVIDERS.len()
    );
}

/// Text for a value of `param`: values near what it allows (its choices,
/// sizes, list shapes, numbers at the edges) and arbitrary text.
fn value_text(param: &imagegen_spec::ir::Param) -> impl Strategy<Value = String> + use<> {
    let near = match &param.kind {
        ParamKind::Choice { values, .. } => values
            .iter()
            .map(|c| c.wire.clone())
            .chain(["1.0".to_owned(), "\"1\"".to_owned()])
            .collect(),
        ParamKind::ImageSize {
            presets,
            separator,
            custom,
            ..
        } => presets
            .iter()
            .map(|p| p.wire.clone())
            .chain(
                custom
                    .as_ref()
                    .and_then(|c| c.example())
                    .into_iter()
                    .flat_map(|(w, h)| {
                        [
                            format!("{w}{separator}{h}"),
                            format!(r#"{{"width": {w}, "height": {h}}}"#),
                            format!(r#"{{"width": {w}}}"#),
                        ]
                    }),
            )
            .collect(),
        ParamKind::ObjectList { fields, .. } => {
            let item = imagegen_chaos::spec_values::request_values_of_list(fields);
            vec![
                item.clone(),
                format!("[{item}, {item}]"),
                format!("[{item}, {item}, {item}, {item}, {item}]"),
                "[]".to_owned(),
                r#"[{"unknown": 1}]"#.to_owned(),
                "[1]".to_owned(),
                "{".to_owned(),
            ]
        }
        ParamKind::ImageList { .. } => vec![
            "https://example.com/a.png".to_owned(),
            r#"["https://example.com/a.png", "https://example.com/b.png"]"#.to_owned(),
            "[]".to_owned(),
            r#"["https://example.com/a.png", 1]"#.to_owned(),
            r#"["not a url"]"#.to_owned(),
            "[".to_owned(),
        ],
        _ => vec![
            "0".to_owned(),
            "-1".to_owned(),
            "1.5".to_owned(),
            "https://example.com/a.png".to_owned(),
        ],
    };
    prop_oneof![
        prop::sample::select(near),
        ".{0,20}",
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| n.to_string()),
        "[0-9]{1,5}[x*][0-9]{1,5}",
    ]
}

#[test]
fn every_cli_value_parser_accepts_only_what_round_trips() {
    let specs = imagegen_spec::load(&specs_dir()).unwrap();
    let executions = std::cell::Cell::new(0_u32);
    let accepted = std::cell::Cell::new(0_u32);
    for provider in &specs.providers {
        for model in &provider.models {
            let name = format!("{}/{}", provider.name, model.id);
            let (_, entry) = imagegen::find_model(&name).unwrap();
            let base = imagegen_chaos::spec_values::request_values(model);
            for param in model.parameters.iter().filter(|p| p.fixed.is_none()) {
                let text = value_text(param);
                runner()
                    .run(&text, |value| {
                        executions.set(executions.get() + 1);
                        let mut args = Args::new();
                        for (key, known) in &base {
                            if *key != param.name {
                                args = args.with(key, known);
                            }
                        }
                        let Ok(request) = entry.parse(args.clone().with(&param.name, &value))
                        else {
                            return Ok(());
                        };
                        accepted.set(accepted.get() + 1);
                        let json = request.to_json().unwrap();
                        let sent = &json[&param.name];
                        let again = match sent {
                            serde_json::Value::String(text) => text.clone(),
                            other => other.to_string(),
                        };
                        let reparsed = entry.parse(args.with(&param.name, &again));
                        prop_assert!(
                            reparsed.is_ok(),
                            "{name} {}: {value:?} sent as {again}",
                            param.name
                        );
                        let reparsed = reparsed.unwrap().to_json().unwrap();
                        prop_assert_eq!(&reparsed[&param.name], sent, "{} {}", name, param.name);
                        Ok(())
                    })
                    .unwrap();
            }
        }
    }
    println!(
        "CLI value parsers: {} values, {} accepted and round-tripped, 0 crashes",
        executions.get(),
        accepted.get()
    );
}

/// A model read from its spec at run time (`--spec`) takes exactly the
/// values its compiled-in request type takes, and sends the same JSON: its
/// checks are the spec's (the emulator's) rather than the generated
/// types', so this holds them to each other, for every parameter of every
/// model.
#[test]
fn a_model_read_at_run_time_accepts_and_sends_what_the_compiled_model_does() {
    let specs = imagegen_spec::load(&specs_dir()).unwrap();
    let executions = std::cell::Cell::new(0_u32);
    let accepted = std::cell::Cell::new(0_u32);
    for provider in &specs.providers {
        for model in &provider.models {
            let name = format!("{}/{}", provider.name, model.id);
            let (catalog, compiled) = imagegen::find_model(&name).unwrap();
            let read = imagegen::spec::model_entry(catalog, provider, model.clone());
            let base = imagegen_chaos::spec_values::request_values(model);
            let mut args = Args::new();
            for (key, known) in &base {
                args = args.with(key, known);
            }
            let same = |args: Args| -> Result<bool, TestCaseError> {
                let (compiled, read) = (compiled.parse(args.clone()), read.parse(args.clone()));
                prop_assert_eq!(
                    compiled.is_ok(),
                    read.is_ok(),
                    "{} {:?}: compiled {:?}, read at run time {:?}",
                    name,
                    args,
                    compiled.as_ref().err().map(ToString::to_string),
                    read.as_ref().err().map(ToString::to_string)
                );
                if let (Ok(compiled), Ok(read)) = (compiled, read) {
                    prop_assert_eq!(
                        compiled.to_json().unwrap(),
                        read.to_json().unwrap(),
                        "{}",
                        name
                    );
                    prop_assert_eq!(compiled.sync_mode_requested(), read.sync_mode_requested());
                    prop_assert_eq!(
                        compiled.base64_output_requested(),
                        read.base64_output_requested()
                    );
                    return Ok(true);
                }
                Ok(false)
            };
            runner()
                .run(&Just(()), |()| same(args.clone()).map(|_| ()))
                .unwrap();
            for param in model.parameters.iter().filter(|p| p.fixed.is_none()) {
                runner()
                    .run(&value_text(param), |value| {
                        executions.set(executions.get() + 1);
                        if same(args.clone().with(&param.name, &value))? {
                            accepted.set(accepted.get() + 1);
                        }
                        Ok(())
                    })
                    .unwrap();
            }
        }
    }
    println!(
        "models read at run time: {} values, {} accepted by both, 0 disagreements",
        executions.get(),
        accepted.get()
    );
}

#[test]
fn every_step_of_every_stepped_number_is_sent_without_float_noise() {
    let specs = imagegen_spec::load(&specs_dir()).unwrap();
    let mut checked = 0;
    for provider in &specs.providers {
        for model in &provider.models {
            let name = format!("{}/{}", provider.name, model.id);
            let (_, entry) = imagegen::find_model(&name).unwrap();
            let base = imagegen_chaos::spec_values::request_values(model);
            for param in &model.parameters {
                let ParamKind::Number {
                    minimum: Some(min),
                    maximum: Some(max),
                    step: Some(step),
                } = &param.kind
                else {
                    continue;
                };
                let scale = min.scale().max(step.scale()).max(max.scale());
                let (low, high, unit) = (
                    min.units_at(scale).unwrap(),
                    max.units_at(scale).unwrap(),
                    step.units_at(scale).unwrap(),
                );
                let mut units = low;
                while units <= high {
                    let value =
                        imagegen_spec::decimal::Decimal::from_units(units, scale).to_string();
                    let mut args = Args::new();
                    for (key, known) in &base {
                        if *key != param.name {
                            args = args.with(key, known);
                        }
                    }
                    let request = entry.parse(args.with(&param.name, &value)).unwrap();
                    let json = request.to_json().unwrap();
                    let sent = json[&param.name].to_string();
                    let expected: f64 = value.parse().unwrap();
                    assert_eq!(
                        sent.parse::<f64>().unwrap(),
                        expected,
                        "{name} {}",
                        param.name
                    );
                    assert!(
                        sent.len() <= value.len() + 2,
                        "{name} {}: {value} sent as {sent}",
                        param.name
                    );
                    checked += 1;
                    units += unit;
                }
            }
        }
    }
    assert!(checked > 0, "the specs have no stepped number");
}

/// The literal macros' check (`__literal_check`, evaluated in a constant)
/// and the run-time constructors accept exactly the same values: a sample
/// of each kind of type (stepped decimal, integer with a sentinel, bounded
/// text, URL, size with custom rules).
#[test]
fn compile_time_and_run_time_checks_accept_the_same_values() {
    use imagegen_gptproto::openai_gpt_image_2_text_to_image as gpt_image_2;
    use imagegen_vibedream::z_image_turbo;

    let mut runner = runner();
    runner
        .run(&(any::<f64>(), -3.0..3.0_f64), |(wild, near)| {
            for value in [wild, near, (near * 10.0).round() / 10.0] {
                prop_assert_eq!(
                    z_image_turbo::Strength::__literal_check(value).is_ok(),
                    z_image_turbo::Strength::try_new(value).is_ok()
                );
            }
            Ok(())
        })
        .unwrap();
    runner
        .run(&prop_oneof![any::<i64>(), -3..3_i64], |value| {
            prop_assert_eq!(
                z_image_turbo::Seed::__literal_check(value).is_ok(),
                z_image_turbo::Seed::try_new(value).is_ok()
            );
            Ok(())
        })
        .unwrap();
    runner
        .run(&".{0,40}", |text| {
            prop_assert_eq!(
                z_image_turbo::Image::__literal_check(&text).is_ok(),
                z_image_turbo::Image::try_new(text.as_str()).is_ok()
            );
            prop_assert_eq!(
                gpt_image_2::Prompt::__literal_check(&text).is_ok(),
                gpt_image_2::Prompt::try_new(text.as_str()).is_ok()
            );
            Ok(())
        })
        .unwrap();
    runner
        .run(&(0..5000_u32, 0..5000_u32), |(width, height)| {
            let text = format!("{width}x{height}");
            prop_assert_eq!(
                gpt_image_2::Size::__literal_check(&text).is_ok(),
                text.parse::<gpt_image_2::Size>().is_ok()
            );
            Ok(())
        })
        .unwrap();
}

/// Local images: a header reader fed any bytes after any image signature
/// (and any bytes at all) never panics, and what it reads agrees with the
/// checks: a mask is accepted only as a PNG with alpha, any image only in
/// a format its parameter takes.
#[test]
fn image_headers_and_checks_survive_arbitrary_bytes() {
    use imagegen_runtime::ImageFormat;
    use imagegen_runtime::image::{Colour, ImageHeader, check_image};
    use imagegen_runtime::info::ImageParam;

    const SIGNATURES: &[&[u8]] = &[
        b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR",
        b"\xff\xd8\xff",
        b"GIF89a",
        b"RIFF\0\0\0\0WEBPVP8 ",
        b"RIFF\0\0\0\0WEBPVP8L",
        b"RIFF\0\0\0\0WEBPVP8X",
        b"",
    ];
    let mask = ImageParam {
        formats: &[ImageFormat::Png],
        data_uri: false,
        mask_for: Some("image"),
    };
    let image = ImageParam {
        formats: &[],
        data_uri: false,
        mask_for: None,
    };
    let mut runner = runner();
    runner
        .run(
            &(
                0..SIGNATURES.len(),
                prop::collection::vec(any::<u8>(), 0..600),
            ),
            |(signature, tail)| {
                let bytes: Vec<u8> = [SIGNATURES[signature], tail.as_slice()].concat();
                let header = ImageHeader::read(&bytes);
                if let Some(header) = header {
                    prop_assert!(header.width > 0 && header.height > 0);
                }
                prop_assert_eq!(check_image(&image, &bytes).ok(), header);
                if let Ok(checked) = check_image(&mask, &bytes) {
                    prop_assert_eq!(checked.format, ImageFormat::Png);
                    prop_assert_eq!(checked.colour, Colour::WithAlpha);
                }
                Ok(())
            },
        )
        .unwrap();
}
