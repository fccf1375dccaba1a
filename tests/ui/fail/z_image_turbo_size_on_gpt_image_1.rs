// Each model has its own size type: z-image-turbo's 512*512 is not a gpt-image-1 size.
use imagegen_vibedream::{gpt_image_1, z_image_turbo};

fn main() {
    let _request = gpt_image_1::Request::new("a lighthouse").size(z_image_turbo::Size::S512x512);
}
