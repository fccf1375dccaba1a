// Ideogram v3 Turbo takes at most 3 reference images: a fourth is a compile error.
use imagegen_wavespeed::ideogram_ai_ideogram_v3_turbo as ideogram;

fn main() {
    let _images = ideogram::reference_images![
        "https://example.com/1.png",
        "https://example.com/2.png",
        "https://example.com/3.png",
        "https://example.com/4.png"
    ];
}
