// A seed is a whole number.
use imagegen_vibedream::z_image_turbo;

fn main() {
    let _seed = z_image_turbo::seed!(1.5);
}
