// Each item of a list of images is checked as an image URL.
use imagegen_wavespeed::google_gemini_2_5_flash_image_edit as nano_banana_edit;

fn main() {
    let _images = nano_banana_edit::images!["https://example.com/1.png", "ftp://example.com/2.png"];
}
