// An image parameter takes an http(s) URL.
use imagegen_vibedream::z_image_turbo;

fn main() {
    let _image = z_image_turbo::image!("example.com/photo.jpg");
}
