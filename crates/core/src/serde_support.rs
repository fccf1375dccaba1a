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

/// A number's text, read from a JSON number (an enumerated number is sent
/// and read as one, never as a string).
#[derive(Debug)]
pub struct NumberText(pub String);

impl<'de> Deserialize<'de> for NumberText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::Number(number) => Ok(NumberText(number.to_string())),
            other => Err(D::Error::custom(format!(
                "invalid type: {other}, expected a number"
            ))),
        }
    }
}

/// Sends a number's text as a JSON number: whole numbers as integers, the
/// rest as the nearest double.
pub fn serialize_number_text<S: serde::Serializer>(
    text: &str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    if let Ok(whole) = text.parse::<i64>() {
        return serializer.serialize_i64(whole);
    }
    match text.parse::<f64>() {
        Ok(number) => serializer.serialize_f64(number),
        Err(_) => Err(serde::ser::Error::custom(format!(
            "`{text}` is not a number"
        ))),
    }
}

/// `{"width": W, "height": H}`: a custom size of a size sent as an object.
pub fn serialize_size_object<S: serde::Serializer>(
    width: u32,
    height: u32,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap as _;
    let mut map = serializer.serialize_map(Some(2))?;
    map.serialize_entry("width", &width)?;
    map.serialize_entry("height", &height)?;
    map.end()
}

/// A size read from JSON where it may be a preset's text or a
/// `{"width": W, "height": H}` object; [`text`](Self::text) gives what its
/// `FromStr` reads.
#[derive(Debug)]
pub struct SizeValue(serde_json::Value);

impl SizeValue {
    /// Whether the JSON was a string: on the wire only a preset is one.
    pub fn is_text(&self) -> bool {
        self.0.is_string()
    }

    /// The preset's text, or `W<separator>H` for an object with exactly a
    /// whole `width` and `height` (anything else keeps its JSON text, which
    /// no size parses, so it is refused by name).
    pub fn text(&self, separator: char) -> String {
        match &self.0 {
            serde_json::Value::String(text) => text.clone(),
            serde_json::Value::Object(fields) => {
                let side = |name| fields.get(name).and_then(serde_json::Value::as_u64);
                match (side("width"), side("height"), fields.len()) {
                    (Some(width), Some(height), 2) => format!("{width}{separator}{height}"),
                    _ => self.0.to_string(),
                }
            }
            other => other.to_string(),
        }
    }
}

/// A size's text for its `FromStr`: `{"width": W, "height": H}` (as a
/// size sent as an object is written in JSON, and so in `Args`) becomes
/// `W<separator>H`; any other text is kept.
pub fn size_text(text: &str, separator: char) -> std::borrow::Cow<'_, str> {
    if !text.trim_start().starts_with('{') {
        return std::borrow::Cow::Borrowed(text);
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(value) => std::borrow::Cow::Owned(SizeValue(value).text(separator)),
        Err(_) => std::borrow::Cow::Borrowed(text),
    }
}

impl<'de> Deserialize<'de> for SizeValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(deserializer).map(SizeValue)
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
            let args = crate::args::Args::from_json_for(
                &serde_json::Map::from_iter([(name.clone(), value.clone())]),
                R::MODEL,
            )
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
        let args =
            crate::args::Args::from_json_for(&present, R::MODEL).map_err(A::Error::custom)?;
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
        ParamKind::Number | ParamKind::NumberChoice => value.is_number(),
        ParamKind::ImageList => value
            .as_array()
            .is_some_and(|items| items.iter().all(|i| i.is_string())),
        ParamKind::ObjectList => value
            .as_array()
            .is_some_and(|items| items.iter().all(|i| i.is_object())),
        // A size sent as an object takes `{"width", "height"}`; the size's
        // own parsing refuses an object where it takes only text.
        ParamKind::ImageSize => value.is_string() || value.is_object(),
        _ => value.is_string(),
    };
    (!fits).then_some(match kind {
        ParamKind::Boolean => "a boolean",
        ParamKind::Integer => "an integer",
        ParamKind::Number | ParamKind::NumberChoice => "a number",
        ParamKind::ImageList => "an array of strings",
        ParamKind::ObjectList => "an array of objects",
        ParamKind::ImageSize => "a string or a size object",
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
