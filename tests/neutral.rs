//! Placeholder: the provider-neutral tests are being written.
