//! Uploaded files, by id: their bytes (served back from the assets origin),
//! the name they are served under, and what the emulator read from them at
//! upload time (format, size, mean colour), so a submission naming one
//! costs a lookup and no decoding.

use std::collections::{HashMap, VecDeque};
use std::io::Cursor;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use image::{ImageFormat, ImageReader, Limits};

/// Bytes of uploads kept in all; past it the oldest are forgotten (their
/// URLs then answer 404, and submissions naming them 400). Predictions keep
/// only the numbers read from their input, so forgetting a file does not
/// change outputs already asked for.
const STORE_BYTES: usize = 512 * 1024 * 1024;

/// Most memory the decoder may take reading one upload (a 64-megapixel
/// RGBA image), so a small file announcing a huge image is refused, not
/// allocated.
const DECODE_ALLOC: u64 = 256 * 1024 * 1024;

/// One uploaded file.
#[derive(Debug)]
pub(crate) struct StoredFile {
    /// The safe basename it is served under.
    pub(crate) name: String,
    pub(crate) bytes: Bytes,
    /// The image format its first bytes announce, if any.
    pub(crate) format: Option<ImageFormat>,
    /// What decoding it gave.
    pub(crate) picture: Picture,
}

/// What decoding an upload gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Picture {
    Decoded(InputImage),
    /// An image format the emulator has no decoder for (GIF): used as an
    /// input, outputs are drawn as without one.
    NoDecoder,
    /// Not an image at all, or a broken one: why.
    Unusable(String),
}

/// The numbers an output derived from an input image is drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct InputImage {
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// Mean of each RGB channel over every pixel, alpha ignored, rounded.
    pub(crate) mean: [u8; 3],
}

impl StoredFile {
    /// `bytes` as uploaded under the client's `filename` (made safe);
    /// decodes it, so call it on the blocking pool.
    pub(crate) fn new(filename: Option<&str>, bytes: Bytes) -> Self {
        let format = image::guess_format(&bytes).ok();
        let picture = match format {
            None => Picture::Unusable(
                "its bytes are not an image (no PNG, JPEG, WebP, GIF or other signature)".into(),
            ),
            Some(format) if !format.reading_enabled() => Picture::NoDecoder,
            Some(format) => match decode(&bytes, format) {
                Ok(input) => Picture::Decoded(input),
                Err(error) => Picture::Unusable(format!(
                    "it does not decode as {}: {error}",
                    format.to_mime_type()
                )),
            },
        };
        Self {
            name: safe_name(filename, format),
            bytes,
            format,
            picture,
        }
    }

    /// `Content-Type` to serve it with.
    pub(crate) fn mime_type(&self) -> &'static str {
        self.format
            .map_or("application/octet-stream", |format| format.to_mime_type())
    }

    /// What kind of file it is, as upload answers word it (`image`).
    pub(crate) fn kind(&self) -> &'static str {
        if self.format.is_some() {
            "image"
        } else {
            "file"
        }
    }
}

fn decode(bytes: &[u8], format: ImageFormat) -> Result<InputImage, image::ImageError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_alloc = Some(DECODE_ALLOC);
    reader.limits(limits);
    let rgb = reader.decode()?.into_rgb8();
    let pixels = u64::from(rgb.width()) * u64::from(rgb.height());
    let mut sums = [0u64; 3];
    for pixel in rgb.pixels() {
        for (sum, value) in sums.iter_mut().zip(pixel.0) {
            *sum += u64::from(value);
        }
    }
    let mean = sums.map(|sum| {
        // Rounded to nearest; a mean of bytes is a byte.
        u8::try_from((sum + pixels / 2) / pixels.max(1)).unwrap_or(u8::MAX)
    });
    Ok(InputImage {
        width: rgb.width(),
        height: rgb.height(),
        mean,
    })
}

/// Longest name served.
const MAX_NAME: usize = 100;

/// The client's file name as a safe basename: the last path segment, only
/// ASCII letters, digits, `.`, `-` and `_` (others become `_`), no leading
/// dot, at most [`MAX_NAME`] characters; `upload.<ext>` (by the bytes'
/// format, else `bin`) when nothing usable is left.
pub(crate) fn safe_name(filename: Option<&str>, format: Option<ImageFormat>) -> String {
    let base = filename
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default();
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cleaned = cleaned.trim_start_matches('.');
    let cleaned: String = cleaned.chars().take(MAX_NAME).collect();
    if cleaned.chars().any(|c| c.is_ascii_alphanumeric()) {
        return cleaned;
    }
    let ext = format
        .and_then(|f| f.extensions_str().first().copied())
        .unwrap_or("bin");
    format!("upload.{ext}")
}

/// Every upload kept, by id, up to `cap` bytes in all.
#[derive(Debug)]
pub(crate) struct Uploads {
    inner: Mutex<Inner>,
    cap: usize,
}

impl Default for Uploads {
    fn default() -> Self {
        Self {
            inner: Mutex::default(),
            cap: STORE_BYTES,
        }
    }
}

#[derive(Debug, Default)]
struct Inner {
    files: HashMap<String, Arc<StoredFile>>,
    order: VecDeque<String>,
    bytes: usize,
}

impl Uploads {
    pub(crate) fn insert(&self, id: String, file: StoredFile) {
        let mut inner = self.lock();
        inner.bytes += file.bytes.len();
        inner.order.push_back(id.clone());
        inner.files.insert(id, Arc::new(file));
        while inner.bytes > self.cap && inner.order.len() > 1 {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some(gone) = inner.files.remove(&oldest) {
                inner.bytes -= gone.bytes.len();
            }
        }
    }

    pub(crate) fn get(&self, id: &str) -> Option<Arc<StoredFile>> {
        self.lock().files.get(id).cloned()
    }

    pub(crate) fn clear(&self) {
        *self.lock() = Inner::default();
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every update keeps the map, the order and the count in step before
        // anything can panic: a poisoned store is still consistent.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use image::{ImageEncoder, Rgba, RgbaImage};

    use super::*;

    fn png(width: u32, height: u32, colour: [u8; 4]) -> Bytes {
        let picture = RgbaImage::from_pixel(width, height, Rgba(colour));
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(
                picture.as_raw(),
                width,
                height,
                image::ExtendedColorType::Rgba8,
            )
            .unwrap();
        Bytes::from(out)
    }

    #[test]
    fn names_are_made_safe() {
        let png = Some(ImageFormat::Png);
        assert_eq!(safe_name(Some("cat.png"), png), "cat.png");
        assert_eq!(safe_name(Some("../../etc/passwd"), None), "passwd");
        assert_eq!(safe_name(Some("C:\\pics\\my cat?.png"), png), "my_cat_.png");
        assert_eq!(safe_name(Some(".hidden.png"), png), "hidden.png");
        assert_eq!(safe_name(Some(".."), png), "upload.png");
        assert_eq!(safe_name(Some("猫"), None), "upload.bin");
        assert_eq!(safe_name(None, Some(ImageFormat::Jpeg)), "upload.jpg");
        assert_eq!(safe_name(Some(&"a".repeat(300)), png).len(), MAX_NAME);
    }

    #[test]
    fn images_are_measured_and_other_files_are_not() {
        let file = StoredFile::new(Some("a.png"), png(30, 20, [10, 200, 31, 0]));
        assert_eq!(
            file.picture,
            Picture::Decoded(InputImage {
                width: 30,
                height: 20,
                mean: [10, 200, 31]
            })
        );
        assert_eq!(file.mime_type(), "image/png");
        let text = StoredFile::new(None, Bytes::from_static(b"hello"));
        assert!(matches!(text.picture, Picture::Unusable(_)));
        assert_eq!(
            (text.mime_type(), text.kind()),
            ("application/octet-stream", "file")
        );
        let gif = StoredFile::new(None, Bytes::from_static(b"GIF89a...."));
        // Another crate in the build may turn on the GIF decoder.
        if !ImageFormat::Gif.reading_enabled() {
            assert_eq!(gif.picture, Picture::NoDecoder);
        }
        assert_eq!(gif.name, "upload.gif");
        let broken = StoredFile::new(None, Bytes::from_static(b"\x89PNG\r\n\x1a\nbroken"));
        assert!(matches!(broken.picture, Picture::Unusable(_)));
    }

    #[test]
    fn the_oldest_uploads_go_first_past_the_cap() {
        let store = Uploads {
            inner: Mutex::default(),
            cap: 10,
        };
        let file = || StoredFile::new(None, Bytes::from_static(b"123456"));
        store.insert("a".into(), file());
        store.insert("b".into(), file());
        assert!(store.get("a").is_none());
        assert!(store.get("b").is_some());
        // The newest stays even alone over the cap.
        let big = StoredFile::new(None, Bytes::from_static(b"12345678901"));
        store.insert("c".into(), big);
        assert!(store.get("b").is_none());
        assert!(store.get("c").is_some());
    }
}
