// z-image-turbo's strength moves in steps of 0.1.
use imagegen_vibedream::z_image_turbo;

fn main() {
    let _strength = z_image_turbo::strength!(0.65);
}
