//! Placeholder: the provider-neutral example is being written.
fn main() {}
