// z-image-turbo's strength is 0 to 1.
use imagegen_vibedream::z_image_turbo;

fn main() {
    let _strength = z_image_turbo::strength!(1.5);
}
