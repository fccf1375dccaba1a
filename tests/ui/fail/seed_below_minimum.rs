// z-image-turbo's seed is -1 (random) to 2147483647.
use imagegen_vibedream::z_image_turbo;

fn main() {
    let _seed = z_image_turbo::seed!(-2);
}
