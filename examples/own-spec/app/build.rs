//! Generates the model of ../specs into OUT_DIR/wavespeed.rs, which
//! src/main.rs includes: no generated file in the repository.

fn main() {
    if let Err(error) = imagegen_codegen::build::generate("../specs") {
        eprintln!("{error}");
        std::process::exit(1);
    }
}
