// GPTProto's prompt is 1 to 32000 characters.
use imagegen_gptproto::openai_gpt_image_1_text_to_image as gpt_image_1;

fn main() {
    let _prompt = gpt_image_1::prompt!("");
}
