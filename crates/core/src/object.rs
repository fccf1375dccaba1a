//! Lists of objects (LoRAs: `[{"path": …, "scale": 1.0}]`): how an item's
//! fields are read from JSON, checked by their own types, so an item is
//! held to the same rules whether it comes from code, text or JSON.
//!
//! The generated item type (`__object_item!`) lists its fields; each is
//! read by [`FromField`], which insists on the JSON type the API takes and
//! then parses the value with the field type's own rules.

use serde_json::{Map, Value};

use crate::info::ParamKind;
use crate::{ParamError, ParamType, Violation};

/// A field of a list's item, read from its JSON value. `name` is the
/// field's path for messages (`loras[].scale`); the caller places the
/// item's index.
pub trait FromField: Sized {
    /// The value of field `name`, or why it is refused.
    fn from_field(name: &'static str, value: &Value) -> Result<Self, ParamError>;
}

impl FromField for String {
    fn from_field(name: &'static str, value: &Value) -> Result<Self, ParamError> {
        match value {
            Value::String(text) => Ok(text.clone()),
            other => Err(wrong_type(name, other, "text")),
        }
    }
}

impl FromField for bool {
    fn from_field(name: &'static str, value: &Value) -> Result<Self, ParamError> {
        value
            .as_bool()
            .ok_or_else(|| wrong_type(name, value, "true or false"))
    }
}

impl FromField for i64 {
    fn from_field(name: &'static str, value: &Value) -> Result<Self, ParamError> {
        value
            .as_i64()
            .ok_or_else(|| wrong_type(name, value, "an integer"))
    }
}

/// A field with a type of its own: its JSON type is the one its kind is
/// sent as, and its text is then parsed by its `FromStr`, the same rules as
/// everywhere else.
impl<T> FromField for T
where
    T: ParamType + std::str::FromStr<Err = ParamError>,
{
    fn from_field(name: &'static str, value: &Value) -> Result<Self, ParamError> {
        let fits = match T::KIND {
            ParamKind::Boolean => value.is_boolean(),
            ParamKind::Integer => value.is_i64() || value.is_u64(),
            ParamKind::Number | ParamKind::NumberChoice => value.is_number(),
            _ => value.is_string(),
        };
        if !fits {
            return Err(wrong_type(name, value, T::ALLOWED));
        }
        match value {
            Value::String(text) => text.parse(),
            other => other.to_string().parse(),
        }
    }
}

fn wrong_type(name: &'static str, value: &Value, allowed: &'static str) -> ParamError {
    ParamError::new(name, value.to_string(), Violation::Malformed, allowed)
}

/// An item's JSON object, every key one of `fields`; `list` and `allowed`
/// name the list parameter and what it takes, for the error.
pub fn object_of<'a>(
    value: &'a Value,
    list: &'static str,
    allowed: &'static str,
    fields: &[&str],
) -> Result<&'a Map<String, Value>, ParamError> {
    let Value::Object(map) = value else {
        return Err(ParamError::new(
            list,
            value.to_string(),
            Violation::Malformed,
            allowed,
        ));
    };
    if let Some(unknown) = map.keys().find(|key| !fields.contains(&key.as_str())) {
        return Err(ParamError::new(
            list,
            unknown.as_str(),
            Violation::UnknownField,
            allowed,
        ));
    }
    Ok(map)
}

/// A required field of an item: present (not `null`) and valid; `path`
/// (`loras[].scale`) names it when it is missing.
pub fn required_field<T: FromField>(
    map: &Map<String, Value>,
    field: &'static str,
    path: &'static str,
    allowed: &'static str,
) -> Result<T, ParamError> {
    match map.get(field) {
        Some(value) if !value.is_null() => T::from_field(path, value),
        _ => Err(ParamError::new(
            path,
            Value::Object(map.clone()).to_string(),
            Violation::MissingField,
            allowed,
        )),
    }
}

/// An optional field of an item: absent or `null` is unset.
pub fn optional_field<T: FromField>(
    map: &Map<String, Value>,
    field: &'static str,
    path: &'static str,
) -> Result<Option<T>, ParamError> {
    match map.get(field) {
        Some(value) if !value.is_null() => T::from_field(path, value).map(Some),
        _ => Ok(None),
    }
}

/// The items of a list of objects given as text: a JSON array of objects,
/// or one object alone (as a repeated command-line flag gives each).
pub fn list_items(
    text: &str,
    list: &'static str,
    allowed: &'static str,
) -> Result<Vec<Value>, ParamError> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => Ok(items),
        Ok(item @ Value::Object(_)) => Ok(vec![item]),
        _ => Err(ParamError::new(list, text, Violation::Malformed, allowed)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_fields_insist_on_their_json_type() {
        assert_eq!(
            String::from_field("loras[].path", &Value::from("a/b")).unwrap(),
            "a/b"
        );
        let error = String::from_field("loras[].path", &Value::from(3)).unwrap_err();
        assert_eq!(error.violation(), Violation::Malformed);
        assert!(bool::from_field("x", &Value::from("true")).is_err());
        assert_eq!(i64::from_field("x", &Value::from(-2)).unwrap(), -2);
        assert!(i64::from_field("x", &Value::from(1.5)).is_err());
    }

    #[test]
    fn an_item_names_its_missing_and_unknown_fields() {
        let item = serde_json::json!({"path": "a", "weight": 1});
        let error = object_of(&item, "loras", "…", &["path", "scale"]).unwrap_err();
        assert_eq!(error.violation(), Violation::UnknownField);
        assert_eq!(
            error.in_item(1).to_string(),
            "invalid `loras[1]`: `weight` is not a documented field of the item; allowed: …"
        );
        let item = serde_json::json!({"path": "a"});
        let map = object_of(&item, "loras", "…", &["path", "scale"]).unwrap();
        let error = required_field::<i64>(map, "scale", "loras[].scale", "…").unwrap_err();
        assert_eq!(error.violation(), Violation::MissingField);
        assert_eq!(
            error.in_item(0).to_string(),
            "invalid `loras[0].scale`: `{\"path\":\"a\"}` is an item without this required field; allowed: …"
        );
        assert_eq!(
            optional_field::<i64>(map, "scale", "loras[].scale").unwrap(),
            None
        );
    }

    #[test]
    fn text_is_an_array_of_objects_or_one_object() {
        assert_eq!(
            list_items(r#"[{"a":1},{"a":2}]"#, "l", "…").unwrap().len(),
            2
        );
        assert_eq!(list_items(r#"{"a":1}"#, "l", "…").unwrap().len(), 1);
        assert!(list_items("a", "l", "…").is_err());
    }
}
