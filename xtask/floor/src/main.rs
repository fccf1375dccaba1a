//! The floor of `cargo xtask bench peers`: the least a correct client can
//! do for the same generations, written as plainly as possible, so that
//! imagegen's client cost can be put against what the work itself costs.
//!
//! Per generation it makes the same submission, checks the prediction at
//! the same instants after its submission that imagegen chose (read from
//! the emulator's log of imagegen's run and given as a schedule file),
//! downloads the same image, and writes its bytes to a file of their own
//! with one write (and, with `--fsync`, one `fsync`). It checks what a
//! correct client must: the HTTP status, the envelope's code, the
//! prediction's id and status, that there is an output. No retries, no
//! manifest, no events, no budget: a failure ends the run with exit 1.
//!
//! One thread: a current-thread tokio runtime, the file written on it
//! (a write blocks the loop; it never hands the bytes to another thread).
//!
//! usage: imagegen-floor MODE BASE_URL KEY MODEL INPUT_JSON COUNT CONCURRENCY OUT_DIR PROMPT_PREFIX [--schedule FILE] [--fsync]
//!
//! MODE: `queue` (WaveSpeed's envelope API, submitted then checked at the
//! schedule's instants), `sync` (the same with `enable_sync_mode`), or
//! `openai` (an OpenAI-compatible images endpoint). INPUT_JSON: the body's
//! fields besides the prompt (and, for `openai`, the model), as `bench
//! peers` gives every client.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Queue,
    Sync,
    OpenAi,
}

#[derive(Debug)]
struct Args {
    mode: Mode,
    base: String,
    key: String,
    model: String,
    /// The body's fields besides the prompt.
    input: serde_json::Map<String, serde_json::Value>,
    count: usize,
    concurrency: usize,
    out: PathBuf,
    prefix: String,
    /// Per generation, the instants (ms after its submission was answered)
    /// to check it at; after the last, it is checked at the last spacing.
    schedule: Vec<Vec<u64>>,
    fsync: bool,
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1).collect()) {
        Ok(args) => args,
        Err(error) => {
            eprintln!("imagegen-floor: {error}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("imagegen-floor: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(Arc::new(args))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("imagegen-floor: {error}");
            ExitCode::FAILURE
        }
    }
}

fn parse(argv: Vec<String>) -> Result<Args, String> {
    let mut fsync = false;
    let mut schedule_file = None;
    let mut positional = Vec::new();
    let mut rest = argv.into_iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--fsync" => fsync = true,
            "--schedule" => schedule_file = Some(rest.next().ok_or("--schedule needs a file")?),
            _ => positional.push(arg),
        }
    }
    let [
        mode,
        base,
        key,
        model,
        input,
        count,
        concurrency,
        out,
        prefix,
    ] = <[String; 9]>::try_from(positional).map_err(|_| {
        "usage: imagegen-floor queue|sync|openai BASE_URL KEY MODEL INPUT_JSON COUNT \
             CONCURRENCY OUT_DIR PROMPT_PREFIX [--schedule FILE] [--fsync]"
            .to_owned()
    })?;
    let input = serde_json::from_str(&input)
        .map_err(|error| format!("INPUT_JSON {input:?}: expected a JSON object: {error}"))?;
    let mode = match mode.as_str() {
        "queue" => Mode::Queue,
        "sync" => Mode::Sync,
        "openai" => Mode::OpenAi,
        other => return Err(format!("mode {other:?}: expected queue, sync or openai")),
    };
    let number = |name: &str, text: &str| {
        text.parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("{name} {text:?}: expected a positive integer"))
    };
    let schedule = match &schedule_file {
        Some(file) => {
            let text = std::fs::read_to_string(file).map_err(|error| format!("{file}: {error}"))?;
            serde_json::from_str(&text).map_err(|error| format!("{file}: {error}"))?
        }
        None => Vec::new(),
    };
    if mode == Mode::Queue && schedule.is_empty() {
        return Err("queue mode needs --schedule FILE (the instants to check at)".to_owned());
    }
    Ok(Args {
        mode,
        base,
        key,
        model,
        input,
        count: number("COUNT", &count)?,
        concurrency: number("CONCURRENCY", &concurrency)?,
        out: PathBuf::from(out),
        prefix,
        schedule,
        fsync,
    })
}

async fn run(args: Arc<Args>) -> Result<(), String> {
    std::fs::create_dir_all(&args.out)
        .map_err(|error| format!("{}: {error}", args.out.display()))?;
    let client = reqwest::Client::new();
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers: tokio::task::JoinSet<Result<(), String>> = tokio::task::JoinSet::new();
    for _ in 0..args.concurrency.min(args.count) {
        let (args, client, next) = (args.clone(), client.clone(), next.clone());
        workers.spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= args.count {
                    return Ok(());
                }
                generate(&args, &client, n)
                    .await
                    .map_err(|error| format!("generation {n}: {error}"))?;
            }
        });
    }
    while let Some(joined) = workers.join_next().await {
        joined.map_err(|error| format!("a worker panicked: {error}"))??;
    }
    Ok(())
}

/// WaveSpeed's `{code, message, data}` envelope around a prediction.
#[derive(Deserialize)]
struct Envelope {
    code: u16,
    #[serde(default)]
    message: String,
    data: Option<Prediction>,
}

#[derive(Deserialize)]
struct Prediction {
    id: String,
    status: String,
    #[serde(default)]
    outputs: Vec<String>,
    #[serde(default)]
    error: Option<String>,
}

/// The OpenAI images answer: `data[].url`.
#[derive(Deserialize)]
struct Images {
    data: Vec<ImageUrl>,
}

#[derive(Deserialize)]
struct ImageUrl {
    url: String,
}

async fn generate(args: &Args, client: &reqwest::Client, n: usize) -> Result<(), String> {
    let mut body = args.input.clone();
    body.insert("prompt".into(), format!("{} {}", args.prefix, n + 1).into());
    let url = match args.mode {
        Mode::OpenAi => {
            body.insert("model".into(), args.model.clone().into());
            let answer: Images = post(client, args, "/v1/images/generations", &body).await?;
            answer
                .data
                .into_iter()
                .next()
                .map(|image| image.url)
                .ok_or("the answer has no image")?
        }
        Mode::Queue | Mode::Sync => {
            if args.mode == Mode::Sync {
                body.insert("enable_sync_mode".into(), true.into());
            }
            let path = format!("/api/v3/{}", args.model);
            let submitted = post::<Envelope>(client, args, &path, &body).await?;
            let answered = Instant::now();
            let mut prediction = envelope(submitted)?;
            // Sync mode has no schedule: its answer is already terminal.
            let checks = args
                .schedule
                .get(n % args.schedule.len().max(1))
                .map_or(&[][..], Vec::as_slice);
            let mut check = 0;
            while prediction.status != "completed" {
                match prediction.status.as_str() {
                    "created" | "processing" if args.mode == Mode::Queue => {}
                    _ => {
                        return Err(format!(
                            "prediction {} {}: {}",
                            prediction.id,
                            prediction.status,
                            prediction.error.unwrap_or_default()
                        ));
                    }
                }
                tokio::time::sleep_until((answered + at(checks, check)).into()).await;
                check += 1;
                let path = format!("/api/v3/predictions/{}/result", prediction.id);
                let answer = client
                    .get(format!("{}{path}", args.base))
                    .bearer_auth(&args.key)
                    .send()
                    .await
                    .map_err(|error| error.to_string())?;
                prediction = envelope(read(answer).await?)?;
            }
            prediction
                .outputs
                .into_iter()
                .next()
                .ok_or("the prediction completed with no output")?
        }
    };
    let image = client
        .get(&url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|error| error.to_string())?
        .bytes()
        .await
        .map_err(|error| error.to_string())?;
    write(&args.out.join(format!("{n}.png")), &image, args.fsync)
}

/// The instant of the `check`th check: the schedule's, then every last
/// spacing after its end (one second when it has a single instant).
fn at(checks: &[u64], check: usize) -> Duration {
    let last = checks.last().copied().unwrap_or(1000);
    let spacing = match checks {
        [.., before, last] => last.saturating_sub(*before).max(1),
        _ => 1000,
    };
    Duration::from_millis(match checks.get(check) {
        Some(instant) => *instant,
        None => last + spacing * (check + 1 - checks.len()) as u64,
    })
}

async fn post<T: serde::de::DeserializeOwned>(
    client: &reqwest::Client,
    args: &Args,
    path: &str,
    body: &serde_json::Map<String, serde_json::Value>,
) -> Result<T, String> {
    let answer = client
        .post(format!("{}{path}", args.base))
        .bearer_auth(&args.key)
        .json(body)
        .send()
        .await
        .map_err(|error| error.to_string())?;
    read(answer).await
}

async fn read<T: serde::de::DeserializeOwned>(answer: reqwest::Response) -> Result<T, String> {
    let status = answer.status();
    let bytes = answer.bytes().await.map_err(|error| error.to_string())?;
    if !status.is_success() {
        return Err(format!(
            "HTTP {status}: {}",
            String::from_utf8_lossy(&bytes)
        ));
    }
    serde_json::from_slice(&bytes).map_err(|error| format!("undecodable answer: {error}"))
}

fn envelope(answer: Envelope) -> Result<Prediction, String> {
    match answer.data {
        Some(prediction) if answer.code == 200 && !prediction.id.is_empty() => Ok(prediction),
        _ => Err(format!("code {}: {}", answer.code, answer.message)),
    }
}

fn write(path: &Path, bytes: &[u8], fsync: bool) -> Result<(), String> {
    let mut file =
        std::fs::File::create(path).map_err(|error| format!("{}: {error}", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| if fsync { file.sync_all() } else { Ok(()) })
        .map_err(|error| format!("{}: {error}", path.display()))
}
