// aimlapi's gpt-image-1 takes `n` = 1 only (an enumerated number): there is no variant for 2.
use imagegen_aimlapi::openai_gpt_image_1::N;

fn main() {
    let _n = N::V2;
}
