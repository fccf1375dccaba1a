//! Real images of the requested size and format, so clients can decode what
//! they download and check its dimensions.
//!
//! An image is a diagonal two-colour gradient with stripes, its colours and
//! stripe width drawn from a hash of the prompt, the seed and the output
//! index: the same request gives the same bytes, different outputs differ,
//! and gradients compress well, so encoding a megapixel stays cheap. An
//! output derived from an uploaded input image is instead filled with the
//! input's mean colour, so a test can tell the upload was used. Encoded
//! images are cached (bounded by size), and encoding runs on tokio's blocking
//! pool so it never stalls request handling.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use bytes::Bytes;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::codecs::webp::WebPEncoder;
use image::{ExtendedColorType, ImageEncoder, ImageFormat};

use crate::plan::OutputPlan;

/// Encoded bytes kept for repeated downloads, in all.
const CACHE_BYTES: usize = 128 * 1024 * 1024;

/// What an image is made from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ImageKey {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) format: ImageFormat,
    /// Hash of prompt, seed and index.
    pub(crate) pattern: u64,
    /// A solid colour instead of the pattern (an edit of an uploaded image).
    pub(crate) fill: Option<[u8; 3]>,
}

impl ImageKey {
    pub(crate) fn new(plan: &OutputPlan, prompt: &str, index: u32) -> Self {
        let mut hash = Fnv::new();
        hash.write(prompt.as_bytes());
        hash.write(&[0]);
        hash.write(plan.seed.as_bytes());
        hash.write(&[0]);
        hash.write(&index.to_le_bytes());
        Self {
            width: plan.width,
            height: plan.height,
            format: plan.format,
            // A filled image is the same whatever the prompt: one cache entry.
            pattern: if plan.fill.is_some() {
                0
            } else {
                hash.finish()
            },
            fill: plan.fill,
        }
    }
}

/// The file extension of a format (`png`, `jpg`, `webp`).
pub(crate) fn extension(format: ImageFormat) -> &'static str {
    format.extensions_str().first().copied().unwrap_or("bin")
}

/// Encoded images, most recent kept up to [`CACHE_BYTES`].
#[derive(Debug, Default)]
pub(crate) struct ImageCache {
    inner: Mutex<CacheInner>,
}

#[derive(Debug, Default)]
struct CacheInner {
    images: HashMap<ImageKey, Bytes>,
    order: VecDeque<ImageKey>,
    bytes: usize,
}

impl ImageCache {
    /// The encoded image for `key`, made on the blocking pool if not cached.
    pub(crate) async fn get(&self, key: &ImageKey) -> Result<Bytes, String> {
        if let Some(bytes) = self.lock().images.get(key) {
            return Ok(bytes.clone());
        }
        let owned = key.clone();
        let bytes = tokio::task::spawn_blocking(move || encode(&owned))
            .await
            .map_err(|error| format!("the image encoder stopped: {error}"))??;
        let mut inner = self.lock();
        if !inner.images.contains_key(key) && bytes.len() <= CACHE_BYTES {
            inner.bytes += bytes.len();
            inner.images.insert(key.clone(), bytes.clone());
            inner.order.push_back(key.clone());
            while inner.bytes > CACHE_BYTES {
                let Some(oldest) = inner.order.pop_front() else {
                    break;
                };
                if let Some(evicted) = inner.images.remove(&oldest) {
                    inner.bytes -= evicted.len();
                }
            }
        }
        Ok(bytes)
    }

    pub(crate) fn clear(&self) {
        *self.lock() = CacheInner::default();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheInner> {
        // A panic elsewhere cannot leave the cache inconsistent in a way that
        // matters: at worst an entry is missing and is encoded again.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The largest image drawn: well above every documented size (gpt-image-2's
/// 8,294,400 pixels), low enough that a spec allowing anything cannot make
/// the emulator allocate gigabytes.
const MAX_PIXELS: u64 = 64 * 1024 * 1024;

/// Draws and encodes one image.
pub(crate) fn encode(key: &ImageKey) -> Result<Bytes, String> {
    let (w, h) = (key.width, key.height);
    let pixels = u64::from(w) * u64::from(h);
    if pixels == 0 || pixels > MAX_PIXELS {
        return Err(format!(
            "cannot draw a {w}x{h} image: the emulator draws 1 to {MAX_PIXELS} pixels"
        ));
    }
    let pixels = draw(key);
    let mut out = Vec::new();
    let result = match key.format {
        ImageFormat::Jpeg => JpegEncoder::new_with_quality(&mut out, 85).write_image(
            &pixels,
            w,
            h,
            ExtendedColorType::Rgb8,
        ),
        ImageFormat::WebP => {
            WebPEncoder::new_lossless(&mut out).write_image(&pixels, w, h, ExtendedColorType::Rgb8)
        }
        _ => PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Sub)
            .write_image(&pixels, w, h, ExtendedColorType::Rgb8),
    };
    result.map_err(|error| format!("cannot encode a {w}x{h} {:?} image: {error}", key.format))?;
    Ok(Bytes::from(out))
}

/// RGB pixels: a diagonal gradient between two colours, with stripes; or
/// the key's fill colour everywhere.
fn draw(key: &ImageKey) -> Vec<u8> {
    let (w, h) = (key.width as usize, key.height as usize);
    if let Some(fill) = key.fill {
        return fill.repeat(w * h);
    }
    let p = key.pattern;
    let from = [
        (p & 0xff) as u32,
        (p >> 8 & 0xff) as u32,
        (p >> 16 & 0xff) as u32,
    ];
    let to = [
        (p >> 24 & 0xff) as u32,
        (p >> 32 & 0xff) as u32,
        (p >> 40 & 0xff) as u32,
    ];
    let stripe = 16 + (p >> 48 & 0x3f) as usize;
    let span = (w + h).max(1) as u32;
    // A pixel's colour depends only on its diagonal `x + y`: colour each
    // diagonal once, then every row is a slice of that line, copied. Cheap
    // even unoptimised, which is how tests build the emulator.
    let diagonal: Vec<u8> = (0..w + h)
        .flat_map(|t| {
            let lift = if (t / stripe).is_multiple_of(2) {
                0
            } else {
                24
            };
            let t = t as u32;
            (0..3).map(move |channel| {
                let mixed = (from[channel] * (span - t) + to[channel] * t) / span;
                (mixed + lift).min(255) as u8
            })
        })
        .collect();
    let mut pixels = vec![0u8; w * h * 3];
    for (y, row) in pixels.chunks_exact_mut(w * 3).enumerate() {
        row.copy_from_slice(&diagonal[y * 3..(y + w) * 3]);
    }
    pixels
}

/// FNV-1a, 64-bit: stable across Rust versions and platforms, unlike
/// `DefaultHasher`, so the same request draws the same image everywhere.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(width: u32, height: u32, format: ImageFormat, pattern: u64) -> ImageKey {
        ImageKey {
            width,
            height,
            format,
            pattern,
            fill: None,
        }
    }

    #[test]
    fn filled_images_are_one_colour() {
        let filled = ImageKey {
            fill: Some([12, 34, 56]),
            ..key(8, 4, ImageFormat::Png, 0)
        };
        let decoded = image::load_from_memory(&encode(&filled).unwrap())
            .unwrap()
            .into_rgb8();
        assert_eq!((decoded.width(), decoded.height()), (8, 4));
        assert!(decoded.pixels().all(|p| p.0 == [12, 34, 56]));
    }

    #[test]
    fn images_decode_at_their_size_and_format() {
        for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::WebP] {
            let bytes = encode(&key(96, 64, format, 42)).unwrap();
            assert_eq!(image::guess_format(&bytes).unwrap(), format);
            let decoded = image::load_from_memory(&bytes).unwrap();
            assert_eq!((decoded.width(), decoded.height()), (96, 64));
        }
    }

    #[test]
    fn impossible_sizes_are_errors_not_panics() {
        assert!(encode(&key(0, 64, ImageFormat::Png, 1)).is_err());
        assert!(encode(&key(100_000, 100_000, ImageFormat::Png, 1)).is_err());
    }

    #[test]
    fn same_input_same_bytes_different_input_different_bytes() {
        let a = encode(&key(64, 64, ImageFormat::Png, 1)).unwrap();
        let b = encode(&key(64, 64, ImageFormat::Png, 1)).unwrap();
        let c = encode(&key(64, 64, ImageFormat::Png, 2)).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
