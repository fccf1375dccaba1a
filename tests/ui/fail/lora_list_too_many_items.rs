// Flux Dev LoRA takes at most 4 LoRAs: a fifth is a compile error.
use imagegen_wavespeed::wavespeed_ai_flux_dev_lora as flux_dev_lora;

fn main() {
    let lora = || flux_dev_lora::LorasItem::new("acme/style", flux_dev_lora::loras_scale!(1.0));
    let _loras = flux_dev_lora::loras![lora(), lora(), lora(), lora(), lora()];
}
