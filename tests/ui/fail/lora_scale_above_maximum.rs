// A LoRA's scale on Flux Dev LoRA is documented from 0.0 to 4.0: 5.0 is a compile error.
use imagegen_wavespeed::wavespeed_ai_flux_dev_lora as flux_dev_lora;

fn main() {
    let _lora = flux_dev_lora::LorasItem::new("acme/style", flux_dev_lora::loras_scale!(5.0));
}
