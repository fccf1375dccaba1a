// 0.6000000000001 is a different number from 0.6, and off the 0.1 step: it is not rounded.
use imagegen_vibedream::z_image_turbo;

fn main() {
    let _strength = z_image_turbo::strength!(0.6000000000001);
}
