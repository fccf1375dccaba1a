//! A loopback emulator of every provider's API (work in progress).
