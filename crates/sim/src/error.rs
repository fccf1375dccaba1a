//! Why an emulator could not start.

use std::io;

use imagegen_spec::Diagnostics;

/// Why [`Sim::start`](crate::Sim::start) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// A listener could not be bound (the port is taken, for instance).
    #[error("cannot listen for {listener} requests on 127.0.0.1:{port}: {source}")]
    Bind {
        /// `API` or `assets`.
        listener: &'static str,
        /// The port asked for (0: any).
        port: u16,
        /// What the OS said.
        #[source]
        source: io::Error,
    },
    /// The specs have problems, each at its `file:line:column`.
    #[error("the specs do not load:\n{0}")]
    Specs(Diagnostics),
    /// The specs loaded but describe no provider.
    #[error("the specs describe no provider; nothing to emulate")]
    NoProviders,
}
