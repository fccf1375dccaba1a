// vibedream documents three sizes for gpt-image-1; 2048*2048 is not one of them.
use imagegen_vibedream::gpt_image_1::Size;

fn main() {
    let _size = Size::S2048x2048;
}
