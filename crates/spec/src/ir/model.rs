//! A validated model.

use std::path::PathBuf;

use crate::decimal::Decimal;
pub use imagegen_core::price::{Amount, PricePer};

use super::{ImageFormat, Task};

/// A model and its parameter table.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// `specs/<provider>/<id>.yaml`, as the loader was given it.
    pub file: PathBuf,
    /// Provider's model id.
    pub id: String,
    /// The document the spec is written from.
    pub source: String,
    /// Name for people.
    pub display_name: String,
    /// One sentence; empty where the source gives none.
    pub summary: String,
    /// Longer documentation.
    pub description: Option<String>,
    /// What it does.
    pub task: Task,
    /// Documented time estimate.
    pub estimated_time: Option<EstimatedTime>,
    /// Cost of one request in US cents, as the documentation's example answer
    /// reports it.
    pub cost_cents: Option<u32>,
    /// The documented price; `None` when the page states none.
    pub price: Option<Price>,
    /// Rust module name.
    pub module: String,
    /// Cargo feature enabling the module.
    pub feature: String,
    /// The submit path with `{model}` filled in.
    pub submit_path: String,
    /// The boolean parameter turning on sync mode.
    pub sync_mode: Option<String>,
    /// The parameter and value selecting base64 outputs.
    pub base64_output: Option<(String, Value)>,
    /// Parameters in documented order.
    pub parameters: Vec<Param>,
    /// The machine-readable document the table was imported from, if any.
    pub imported: Option<Imported>,
    /// Documented example requests.
    pub examples: Vec<RequestExample>,
    /// Other documented facts.
    pub notes: Vec<String>,
}

impl Model {
    /// The parameter with this wire name.
    pub fn parameter(&self, name: &str) -> Option<&Param> {
        self.parameters.iter().find(|p| p.name == name)
    }

    /// Required parameters, in documented order.
    pub fn required_parameters(&self) -> impl Iterator<Item = &Param> {
        self.parameters.iter().filter(|p| p.required)
    }
}

/// A documented price, checked: a known currency code, amounts of at most
/// nine decimal places, a `by` parameter whose values the rows name.
#[derive(Debug, Clone, PartialEq)]
pub struct Price {
    /// ISO 4217 code.
    pub currency: String,
    /// What an amount pays for.
    pub per: PricePer,
    /// One amount, or `(parameter, [(wire value, amount)])`.
    pub table: PriceTable,
    /// The page's own words.
    pub source: String,
}

impl Price {
    /// The price in words (`$0.012 per image`), worded as the runtime's
    /// `Price::describe` words it.
    pub fn describe(&self) -> String {
        match &self.table {
            PriceTable::Flat(amount) => imagegen_core::price::describe_parts(
                &self.currency,
                self.per,
                None,
                [("", *amount)],
            ),
            PriceTable::By { parameter, amounts } => imagegen_core::price::describe_parts(
                &self.currency,
                self.per,
                Some(parameter),
                amounts
                    .iter()
                    .map(|(wire, amount)| (wire.as_str(), *amount)),
            ),
        }
    }
}

/// The amounts of a [`Price`].
#[derive(Debug, Clone, PartialEq)]
pub enum PriceTable {
    /// One amount.
    Flat(Amount),
    /// An amount per value of `parameter`, in the page's order.
    By {
        /// The parameter's wire name.
        parameter: String,
        /// `(wire value, amount)`.
        amounts: Vec<(String, Amount)>,
    },
}

/// Where an imported spec's table was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The kind of document.
    pub format: crate::file::model::ImportFormatName,
    /// The document, as a reader can open it.
    pub document: String,
}

/// A documented time estimate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstimatedTime {
    /// As documented (`5-15s`).
    pub text: String,
    /// Lower bound in milliseconds.
    pub min_ms: u64,
    /// Upper bound in milliseconds.
    pub max_ms: u64,
}

/// A parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Wire name.
    pub name: String,
    /// Rust field and setter name (may be a keyword, written raw).
    pub field: String,
    /// Rust name of the parameter's own type, where it has one.
    pub type_name: String,
    /// Type and rules.
    pub kind: ParamKind,
    /// Cannot be left out.
    pub required: bool,
    /// Documented default.
    pub default: Option<Value>,
    /// Sent with this value on every request.
    pub fixed: Option<Value>,
    /// Documented description.
    pub description: String,
    /// The type as the documentation's table spells it, when different.
    pub doc_type: Option<String>,
    /// Values with a special meaning.
    pub sentinels: Vec<Sentinel>,
    /// Other documented facts and provenance.
    pub notes: Vec<String>,
    /// What it stands for in the provider-neutral request.
    pub meaning: Option<imagegen_core::info::Meaning>,
}

impl Param {
    /// Whether the parameter gets a generated type of its own. Booleans,
    /// unbounded text and unbounded integers are plain `bool`, `String` and
    /// `i64`; numbers always get one, since a bare `f64` NaN would be sent as
    /// `null`; fixed parameters are not settable at all.
    pub fn has_own_type(&self) -> bool {
        if self.fixed.is_some() {
            return false;
        }
        match &self.kind {
            ParamKind::Boolean => false,
            ParamKind::Text {
                min_length,
                max_length,
            } => min_length.is_some() || max_length.is_some(),
            ParamKind::Integer {
                minimum,
                maximum,
                step,
            } => {
                minimum.is_some()
                    || maximum.is_some()
                    || step.is_some()
                    || !self.sentinels.is_empty()
            }
            ParamKind::Choice { .. }
            | ParamKind::Number { .. }
            | ParamKind::ImageUrl { .. }
            | ParamKind::ImageList { .. }
            | ParamKind::ObjectList { .. }
            | ParamKind::ImageSize { .. } => true,
        }
    }

    /// The Rust types generated for the parameter: its own, and for sizes that
    /// allow custom values, `Custom<Type>`.
    pub fn own_type_names(&self) -> Vec<String> {
        if !self.has_own_type() {
            return Vec::new();
        }
        let mut names = vec![self.type_name.clone()];
        if matches!(
            self.kind,
            ParamKind::ImageList { .. } | ParamKind::ObjectList { .. }
        ) {
            names.push(self.item_type_name());
        }
        if let ParamKind::ObjectList { fields, .. } = &self.kind {
            names.extend(fields.iter().flat_map(Param::own_type_names));
        }
        if matches!(
            &self.kind,
            ParamKind::ImageSize {
                custom: Some(_),
                ..
            }
        ) {
            names.push(self.custom_type_name());
        }
        names
    }

    /// The type of one item of a list (`ImagesItem` for `images`).
    pub fn item_type_name(&self) -> String {
        format!("{}Item", self.type_name)
    }

    /// A list's item as a parameter of its own (same name, the item's type
    /// name), so an item's type is generated as any image parameter's is.
    pub fn item_param(&self) -> Option<Param> {
        let ParamKind::ImageList {
            formats, data_uri, ..
        } = &self.kind
        else {
            return None;
        };
        Some(Param {
            type_name: self.item_type_name(),
            kind: ParamKind::ImageUrl {
                formats: formats.clone(),
                data_uri: *data_uri,
                mask_for: None,
            },
            required: false,
            default: None,
            meaning: None,
            sentinels: Vec::new(),
            ..self.clone()
        })
    }

    /// The type of a custom size (`CustomSize` for `size`).
    pub fn custom_type_name(&self) -> String {
        format!("Custom{}", self.type_name)
    }
}

/// A parameter's type and rules.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamKind {
    /// `true` or `false`.
    Boolean,
    /// Free text.
    Text {
        /// Fewest characters.
        min_length: Option<u64>,
        /// Most characters.
        max_length: Option<u64>,
    },
    /// One of an enumerated set.
    Choice {
        /// Allowed values in documented order.
        values: Vec<Choice>,
        /// How the values are sent: as JSON strings, or (an `integer` or
        /// `number` with an `enum`) as JSON numbers.
        wire: ChoiceWire,
    },
    /// A whole number.
    Integer {
        /// Minimum.
        minimum: Option<i64>,
        /// Maximum.
        maximum: Option<i64>,
        /// Step, counted from the minimum (or 0).
        step: Option<i64>,
    },
    /// A number. With a step it is kept exact as a decimal.
    Number {
        /// Minimum.
        minimum: Option<Decimal>,
        /// Maximum.
        maximum: Option<Decimal>,
        /// Step, counted from the minimum (or 0).
        step: Option<Decimal>,
    },
    /// An http(s) URL of an image.
    ImageUrl {
        /// Documented formats the URL may serve (empty: not documented).
        formats: Vec<ImageFormat>,
        /// Also taken inline as a `data:` URI (documented so).
        data_uri: bool,
        /// The image parameter this one masks (wire name).
        mask_for: Option<String>,
    },
    /// Several images: a JSON array of http(s) URLs (each as an
    /// [`ImageUrl`](ParamKind::ImageUrl) without a mask).
    ImageList {
        /// Documented formats every URL may serve (empty: not documented).
        formats: Vec<ImageFormat>,
        /// Items also taken inline as `data:` URIs.
        data_uri: bool,
        /// Fewest items.
        min_items: Option<u64>,
        /// Most items.
        max_items: Option<u64>,
    },
    /// An image size.
    ImageSize {
        /// Between width and height (`*` or `x`) in the size's text.
        separator: char,
        /// Allowed presets in documented order.
        presets: Vec<SizePreset>,
        /// Rules for custom sizes, where allowed.
        custom: Option<CustomSize>,
        /// A custom size is sent as `{"width": W, "height": H}`, not as text.
        object: bool,
    },
    /// Several objects with documented fields (LoRAs), a JSON array.
    ObjectList {
        /// Each item's fields, in documented order: parameters of scalar
        /// kinds (boolean, text, choice, integer, number), named by their
        /// wire name within the item, their types prefixed with the list's.
        fields: Vec<Param>,
        /// Fewest items.
        min_items: Option<u64>,
        /// Most items.
        max_items: Option<u64>,
    },
}

/// How an enumerated parameter's values go on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoiceWire {
    /// JSON strings.
    Text,
    /// Whole JSON numbers (an `integer` with an `enum`: `720`, `1080`).
    Integer,
    /// JSON numbers, written as documented (a `number` with an `enum`:
    /// `1`, `0.5`).
    Number,
}

impl ChoiceWire {
    /// Whether the values are sent as JSON numbers.
    pub fn is_number(self) -> bool {
        self != ChoiceWire::Text
    }
}

/// An enumerated value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// Wire spelling.
    pub wire: String,
    /// Rust variant.
    pub variant: String,
}

impl Choice {
    /// Whether `value` is this choice: the same text, or for a number the
    /// same number however it is written.
    pub fn is(&self, value: &Value) -> bool {
        match value {
            Value::Text(text) => &self.wire == text,
            Value::Integer(_) | Value::Number(_) => {
                Decimal::parse(&self.wire).ok() == Decimal::parse(&value.to_wire_text()).ok()
            }
            _ => false,
        }
    }
}

/// A preset image size or size keyword.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizePreset {
    /// Wire spelling (`1024*1024`, `auto`).
    pub wire: String,
    /// Rust variant (`S1024x1024`, `Auto`).
    pub variant: String,
    /// Width and height; `None` for keywords such as `auto`.
    pub dimensions: Option<(u32, u32)>,
}

/// Documented rules for custom sizes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomSize {
    /// Both sides multiples of this.
    pub multiple_of: Option<u32>,
    /// Shortest side.
    pub min_edge: Option<u32>,
    /// Longest side.
    pub max_edge: Option<u32>,
    /// Most extreme aspect ratio as `(long, short)`.
    pub max_aspect_ratio: Option<(u32, u32)>,
    /// Fewest pixels.
    pub min_pixels: Option<u64>,
    /// Most pixels.
    pub max_pixels: Option<u64>,
}

impl CustomSize {
    /// A square size the rules allow, for examples and generated values:
    /// the first of the usual edges (1024 first), or the rules' own bounds,
    /// that passes; `None` if only a non-square size would.
    pub fn example(&self) -> Option<(u32, u32)> {
        let rule = self.rule();
        let round = |edge: u32| match self.multiple_of {
            Some(unit) if unit > 0 => edge / unit * unit,
            _ => edge,
        };
        [1024, 512, 768, 1536, 2048, 256]
            .into_iter()
            .chain(self.min_edge)
            .chain(self.max_edge)
            .chain(
                self.min_edge
                    .zip(self.multiple_of)
                    .map(|(e, u)| e.div_ceil(u.max(1)) * u),
            )
            .map(round)
            .find(|&edge| edge > 0 && rule.check(edge, edge).is_ok())
            .map(|edge| (edge, edge))
    }

    /// The runtime rule checking these limits: the one generated types use.
    pub fn rule(&self) -> imagegen_core::rules::CustomSizeRule {
        imagegen_core::rules::CustomSizeRule {
            multiple_of: self.multiple_of,
            min_edge: self.min_edge,
            max_edge: self.max_edge,
            max_aspect_ratio: self.max_aspect_ratio,
            min_pixels: self.min_pixels,
            max_pixels: self.max_pixels,
        }
    }
}

/// A value with a special meaning.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentinel {
    /// The value.
    pub value: Value,
    /// Constant name (`RANDOM`).
    pub const_name: String,
    /// What it means.
    pub meaning: String,
}

/// A typed parameter value (a default, a fixed value, a sentinel).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A boolean.
    Bool(bool),
    /// A whole number.
    Integer(i64),
    /// An exact decimal.
    Number(Decimal),
    /// Text (also enumerated values and sizes, in wire spelling).
    Text(String),
    /// A list (of image URLs, or of objects).
    List(Vec<Value>),
    /// An object: a list item's fields, in documented order.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// A number as documented: whole numbers as integers (`1080`), the
    /// rest as exact decimals (`0.5`), so each is sent as written.
    pub fn number(text: &str) -> Option<Value> {
        let number = Decimal::parse(text).ok()?;
        Some(match number.as_i64() {
            Some(whole) if !text.contains(['.', 'e', 'E']) => Value::Integer(whole),
            _ => Value::Number(number),
        })
    }

    /// `{"width": W, "height": H}`: a custom size sent as an object.
    pub fn size_object(width: u32, height: u32) -> Value {
        Value::Object(vec![
            ("width".to_owned(), Value::Integer(width.into())),
            ("height".to_owned(), Value::Integer(height.into())),
        ])
    }

    /// The width and height of a [`size_object`](Self::size_object).
    pub fn as_size_object(&self) -> Option<(u32, u32)> {
        let Value::Object(fields) = self else {
            return None;
        };
        let side = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, v)| match v {
                    Value::Integer(n) => u32::try_from(*n).ok(),
                    _ => None,
                })
        };
        Some((side("width")?, side("height")?))
    }

    /// The value as the documentation writes it.
    pub fn to_wire_text(&self) -> String {
        match self {
            Value::Bool(value) => value.to_string(),
            Value::Integer(value) => value.to_string(),
            Value::Number(value) => value.to_string(),
            Value::Text(value) => value.clone(),
            Value::List(_) | Value::Object(_) => self.to_json().to_string(),
        }
    }

    /// The value as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Bool(value) => (*value).into(),
            Value::Integer(value) => (*value).into(),
            // As the runtime sends numbers: the double nearest the decimal.
            Value::Number(value) => value
                .to_string()
                .parse::<f64>()
                .map_or(serde_json::Value::Null, Into::into),
            Value::Text(value) => value.clone().into(),
            Value::List(items) => items.iter().map(Value::to_json).collect(),
            Value::Object(fields) => serde_json::Value::Object(
                fields
                    .iter()
                    .map(|(name, value)| (name.clone(), value.to_json()))
                    .collect(),
            ),
        }
    }
}

/// A documented example request.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestExample {
    /// Where it is from and what it shows.
    pub description: String,
    /// Leaves out required parameters, as documented.
    pub partial: bool,
    /// The body.
    pub body: serde_json::Map<String, serde_json::Value>,
}
