// gpt-image-2's custom sizes need both sides multiples of 16.
use imagegen_gptproto::openai_gpt_image_2_text_to_image as gpt_image_2;

fn main() {
    let _size = gpt_image_2::size!("1000x1000");
}
