//! Serde glue for the generated parameter types: deserialising validates.

use serde::{Deserialize, Deserializer, de::Error as _};

use crate::ParamError;

/// Deserialises the raw representation `Raw` and validates it with `make`, so
/// a request read from JSON obeys the same rules as one built in code.
pub fn deserialize_with<'de, D, Raw, T>(
    deserializer: D,
    make: impl FnOnce(Raw) -> Result<T, ParamError>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    Raw: Deserialize<'de>,
{
    let raw = Raw::deserialize(deserializer)?;
    make(raw).map_err(D::Error::custom)
}

/// Accepts only `expected` for a parameter whose value is fixed by the model
/// (aimlapi's `model`).
pub fn expect_fixed<'de, D>(
    deserializer: D,
    parameter: &'static str,
    expected: &'static str,
) -> Result<(), D::Error>
where
    D: Deserializer<'de>,
{
    let value = String::deserialize(deserializer)?;
    if value == expected {
        Ok(())
    } else {
        Err(D::Error::custom(format!(
            "invalid `{parameter}`: `{value}` is not this model; allowed: {expected}"
        )))
    }
}

/// For optional response fields: a value of an undocumented type reads as
/// absent instead of failing the whole response. A completed prediction
/// whose `timings.inference` arrives as `12.5` must still yield its id and
/// outputs.
pub fn lenient<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(T::deserialize(value).ok())
}
