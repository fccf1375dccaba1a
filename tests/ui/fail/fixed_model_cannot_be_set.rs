// aimlapi's `model` is fixed by the request type: there is nothing to set.
use imagegen_aimlapi::openai_gpt_image_1 as gpt_image_1;

fn main() {
    let _request = gpt_image_1::Request::new(gpt_image_1::prompt!("a lighthouse")).model("dall-e-3");
}
