//! What the emulator-backed suites share: an emulator per test, clients
//! pointed at it, and checks on saved images.

#![allow(dead_code)] // Each suite uses its own part of this.

use std::path::Path;
use std::time::Duration;

use imagegen_runtime::{Client, ClientBuilder, PollPolicy, Provider, RetryPolicy};
use imagegen_sim::{Sim, SimConfig};

/// How long emulated predictions take: long enough to be polled at least
/// once, short enough to keep the suite quick.
pub const COMPLETION: Duration = Duration::from_millis(300);

/// An emulator whose predictions finish after [`COMPLETION`].
pub async fn start_sim() -> Sim {
    Sim::start(SimConfig::new().complete_after(COMPLETION))
        .await
        .expect("the emulator starts on loopback")
}

/// Polls quickly, so models documented as taking seconds do not slow the
/// suite: the schedule still follows each model's estimate, scaled down by
/// the tighter bounds.
pub fn fast_polls() -> PollPolicy {
    PollPolicy::default()
        .first_poll(Duration::from_millis(100))
        .min_interval(Duration::from_millis(50))
        .max_interval(Duration::from_millis(500))
}

/// Retries with short pauses, so fault tests run in well under a second.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(20))
        .max_backoff(Duration::from_millis(100))
        .max_retry_after(Duration::from_secs(2))
}

/// A client of provider `P` talking to the emulator.
pub fn client<P: Provider>(sim: &Sim) -> Client<P> {
    builder(sim).build().expect("a client for the emulator")
}

/// The settings of [`client`], to change some before building.
pub fn builder<P: Provider>(sim: &Sim) -> ClientBuilder<P> {
    Client::<P>::builder()
        .api_key(sim.api_key())
        .base_url(sim.base_url(P::INFO.name))
        .poll_policy(fast_polls())
        .retry_policy(fast_retries())
        .overall_timeout(Duration::from_secs(60))
}

/// What a saved image must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected {
    pub width: u32,
    pub height: u32,
    pub format: image::ImageFormat,
}

impl Expected {
    pub const fn new(width: u32, height: u32, format: image::ImageFormat) -> Self {
        Expected {
            width,
            height,
            format,
        }
    }
}

/// Decodes a saved file fully and checks it is the expected image, with the
/// extension of its real format.
pub fn assert_image(path: &Path, expected: Expected) {
    let (format, decoded) = decode(path);
    assert_eq!(format, expected.format, "{}", path.display());
    assert_eq!(
        (decoded.width(), decoded.height()),
        (expected.width, expected.height),
        "{}",
        path.display()
    );
}

/// Decodes a saved file fully, checking its extension names its real
/// format; returns the format and the image.
pub fn decode(path: &Path) -> (image::ImageFormat, image::DynamicImage) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let format = image::guess_format(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    assert!(
        format.extensions_str().contains(&extension),
        "{} has extension `{extension}` for a {format:?} image",
        path.display()
    );
    let decoded = image::load_from_memory_with_format(&bytes, format)
        .unwrap_or_else(|e| panic!("{} does not decode: {e}", path.display()));
    (format, decoded)
}

/// A port nothing listens on: connections are refused, so nothing sent
/// there can have been taken.
pub fn refusing_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
