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

/// A generated request read from JSON: each entry, in document order, is
/// checked against the model's table (a known name, given once, of the JSON
/// type its kind needs, a fixed value unchanged), so serde reports the
/// first problem where it is; then the whole is parsed by the request's
/// [`FromArgs`](crate::args::FromArgs), the same rules as every other way
/// of building one, and missing required parameters are reported with
/// serde's usual wording. One generic function instead of a derived visitor
/// per model keeps the generated crates quick to compile.
pub fn deserialize_request<'de, D, R>(deserializer: D) -> Result<R, D::Error>
where
    D: Deserializer<'de>,
    R: crate::args::FromArgs + crate::ModelRequest,
{
    deserializer.deserialize_map(RequestVisitor(std::marker::PhantomData))
}

struct RequestVisitor<R>(std::marker::PhantomData<R>);

impl<'de, R> serde::de::Visitor<'de> for RequestVisitor<R>
where
    R: crate::args::FromArgs + crate::ModelRequest,
{
    type Value = R;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a {} request object", R::MODEL.id)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<R, A::Error> {
        use serde::de::Error as _;
        use serde_json::Value;

        let params = R::MODEL.parameters;
        let mut seen: Vec<&'static str> = Vec::new();
        let mut present = serde_json::Map::new();
        while let Some(name) = map.next_key::<String>()? {
            let Some(param) = R::MODEL.parameter(&name) else {
                return Err(A::Error::custom(unknown_field(&name, params)));
            };
            if seen.contains(&param.name) {
                return Err(A::Error::duplicate_field(param.name));
            }
            seen.push(param.name);
            let value: Value = map.next_value()?;
            if let Some(fixed) = param.fixed {
                if value.as_str() != Some(fixed) {
                    let given = value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_owned);
                    return Err(A::Error::custom(format!(
                        "invalid `{name}`: `{given}` is not this model; allowed: {fixed}"
                    )));
                }
                continue;
            }
            if value.is_null() && !param.required {
                continue; // as serde reads `null` for an `Option`: not set
            }
            if let Some(expected) = json_type_mismatch(param.kind, &value) {
                return Err(A::Error::custom(format!(
                    "invalid type for `{name}`: {}, expected {expected}",
                    json_type(&value)
                )));
            }
            // Checked now, so the error is placed at this entry.
            let args = crate::args::Args::from_json(&serde_json::Map::from_iter([(
                name.clone(),
                value.clone(),
            )]))
            .map_err(A::Error::custom)?;
            if let Some(error) = R::from_args(args).err().and_then(|errors| {
                errors
                    .errors()
                    .iter()
                    .find(|e| {
                        matches!(e, crate::args::ArgError::Invalid(_))
                            && e.parameter() == param.name
                    })
                    .map(ToString::to_string)
            }) {
                return Err(A::Error::custom(error));
            }
            present.insert(name, value);
        }
        if let Some(missing) = params
            .iter()
            .find(|p| p.required && p.fixed.is_none() && !present.contains_key(p.name))
        {
            return Err(A::Error::missing_field(missing.name));
        }
        let args = crate::args::Args::from_json(&present).map_err(A::Error::custom)?;
        R::from_args(args).map_err(A::Error::custom)
    }
}

/// serde's wording: "unknown field `x`, expected one of `a`, `b`".
fn unknown_field(name: &str, params: &[crate::info::ParamInfo]) -> String {
    let names: Vec<String> = params.iter().map(|p| format!("`{}`", p.name)).collect();
    match names.as_slice() {
        [] => format!("unknown field `{name}`, there are no fields"),
        [one] => format!("unknown field `{name}`, expected {one}"),
        all => format!("unknown field `{name}`, expected one of {}", all.join(", ")),
    }
}

/// What JSON type a parameter of `kind` needs, if `value` is not one.
fn json_type_mismatch(
    kind: crate::info::ParamKind,
    value: &serde_json::Value,
) -> Option<&'static str> {
    use crate::info::ParamKind;
    let fits = match kind {
        ParamKind::Boolean => value.is_boolean(),
        ParamKind::Integer => value.is_i64() || value.is_u64(),
        ParamKind::Number => value.is_number(),
        ParamKind::ImageList => value
            .as_array()
            .is_some_and(|items| items.iter().all(|i| i.is_string())),
        _ => value.is_string(),
    };
    (!fits).then_some(match kind {
        ParamKind::Boolean => "a boolean",
        ParamKind::Integer => "an integer",
        ParamKind::Number => "a number",
        ParamKind::ImageList => "an array of strings",
        _ => "a string",
    })
}

fn json_type(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "null".to_owned(),
        serde_json::Value::Bool(flag) => format!("boolean `{flag}`"),
        serde_json::Value::Number(number) => format!("number `{number}`"),
        serde_json::Value::String(text) => format!("string {text:?}"),
        serde_json::Value::Array(_) => "an array".to_owned(),
        serde_json::Value::Object(_) => "an object".to_owned(),
    }
}
