// gpt-image-2's custom sizes have an aspect ratio of at most 3:1; 3840x1024 is 3.75:1.
use imagegen_gptproto::openai_gpt_image_2_text_to_image as gpt_image_2;

fn main() {
    let _size = gpt_image_2::size!("3840x1024");
}
