//! Progress on stderr (being written).
