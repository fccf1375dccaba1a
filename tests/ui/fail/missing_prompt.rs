// The prompt is required: a request cannot be built without one.
use imagegen_vibedream::z_image_turbo::Request;

fn main() {
    let _request = Request::new();
}
