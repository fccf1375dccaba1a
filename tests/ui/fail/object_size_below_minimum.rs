// aimlapi's flux/dev takes custom sizes from 512 to 1536 a side (sent as
// {"width", "height"}): 256x256 is a compile error.
use imagegen_aimlapi::flux_dev;

fn main() {
    let _size = flux_dev::image_size!("256x256");
}
