//! `specs/<provider>/<model id>.yaml`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::decimal::Decimal;
use crate::scalar::Scalar;

/// One model: its metadata and its parameter table.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelFile {
    /// The provider's model id (`z-image-turbo`, `openai/gpt-image-1`). The file
    /// lives at `specs/<provider>/<id>.yaml`.
    pub id: String,
    /// The provider serving the model (`wavespeed`). Needed only by a model
    /// file read on its own (`imagegen generate --spec my-model.yaml`); in a
    /// provider directory it may be left out, and if given must name that
    /// directory's provider.
    #[serde(default)]
    pub provider: Option<String>,
    /// The document this spec is written from (a seed file in `../shared/seeds/`).
    pub source: String,
    /// Name for people (`Z-Image Turbo`).
    pub display_name: String,
    /// One sentence about the model, as the page words it; left out where
    /// the source gives none.
    #[serde(default)]
    pub summary: Option<String>,
    /// Longer documentation, if the provider gives it.
    #[serde(default)]
    pub description: Option<String>,
    /// What the model does.
    pub task: TaskName,
    /// Documented time a prediction takes: `1-3s`, `5-15s`, or `26s`.
    #[serde(default)]
    pub estimated_time: Option<String>,
    /// Cost of one request in US cents as the documentation's example answer
    /// reports it (vibedream's `costCents`).
    #[serde(default)]
    pub cost_cents: Option<u32>,
    /// The documented price: `unknown`, or what the page states.
    pub price: PriceFile,
    /// Rust module name. Default: the id in snake_case.
    #[serde(default)]
    pub rust_name: Option<String>,
    /// The boolean parameter that makes the server answer only once done.
    #[serde(default)]
    pub sync_mode: Option<String>,
    /// How to ask for base64 outputs instead of URLs.
    #[serde(default)]
    pub base64_output: Option<Base64OutputFile>,
    /// The parameter table, in documented order.
    pub parameters: Vec<ParameterFile>,
    /// Written by `imagegen import`: the machine-readable document the
    /// parameter table was imported from. Absent for a spec read from a page.
    #[serde(default)]
    pub imported: Option<ImportedFile>,
    /// Example request bodies from the documentation, checked against `parameters`.
    #[serde(default)]
    pub examples: Vec<RequestExampleFile>,
    /// Anything else the documentation says that a user should know.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// A model's price: `unknown` where the page states none (never a guess),
/// else the page's pricing table.
#[derive(Debug, Clone, JsonSchema)]
#[serde(untagged)]
pub enum PriceFile {
    /// `unknown`: the page states no price.
    Unknown(UnknownPrice),
    /// The page's price.
    Documented(DocumentedPriceFile),
}

// Read by hand rather than `untagged`: serde's untagged buffering would lose
// serde_yaml's positions (every error at 1:1) and the amounts' exact text.
impl<'de> Deserialize<'de> for PriceFile {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Price;
        impl<'de> serde::de::Visitor<'de> for Price {
            type Value = PriceFile;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("`unknown` or a map with `currency`, `per`, `amount` (or `by` and `amounts`) and `source`")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<PriceFile, E> {
                match text {
                    "unknown" => Ok(PriceFile::Unknown(UnknownPrice::Unknown)),
                    other => Err(E::custom(format!(
                        "`{other}` is not a price: write `unknown`, or a map with `currency`, `per`, `amount` and `source`"
                    ))),
                }
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<PriceFile, A::Error> {
                DocumentedPriceFile::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(PriceFile::Documented)
            }
        }
        deserializer.deserialize_any(Price)
    }
}

/// The word `unknown`.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum UnknownPrice {
    /// No price is documented.
    Unknown,
}

/// A documented price: one amount (`amount`), or one per value of a
/// parameter (`by` and `amounts`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentedPriceFile {
    /// ISO 4217 code (`USD`).
    pub currency: String,
    /// What an amount pays for: each `image` asked for, or each `request`.
    pub per: PricePerName,
    /// The one amount, as the page writes it (`0.012`).
    #[serde(default)]
    pub amount: Option<Decimal>,
    /// The parameter whose value picks the amount (`size`).
    #[serde(default)]
    pub by: Option<String>,
    /// With `by`: the amount for each value, in the page's order.
    #[serde(default)]
    pub amounts: Option<PriceRows>,
    /// The page's own words.
    pub source: String,
}

/// What an amount pays for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PricePerName {
    /// Each image asked for (the amount times the image count).
    Image,
    /// Each request.
    Request,
}

/// `value: amount` rows, kept in the order written (a page lists sizes
/// smallest first; a map would sort them as text).
#[derive(Debug, Clone, JsonSchema)]
#[schemars(transparent)]
pub struct PriceRows(#[schemars(with = "BTreeMap<String, Decimal>")] pub Vec<(String, Decimal)>);

impl<'de> Deserialize<'de> for PriceRows {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Rows;
        impl<'de> serde::de::Visitor<'de> for Rows {
            type Value = PriceRows;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map from parameter values to amounts")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<PriceRows, A::Error> {
                let mut rows = Vec::new();
                while let Some((value, amount)) = map.next_entry::<Scalar, Decimal>()? {
                    rows.push((value.0, amount));
                }
                Ok(PriceRows(rows))
            }
        }
        deserializer.deserialize_map(Rows)
    }
}

/// Where an imported spec's table was read from.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportedFile {
    /// The kind of document.
    pub format: ImportFormatName,
    /// What a reader can open: the document's URL, or its repository path
    /// at a commit.
    pub document: String,
}

/// The machine-readable documents `imagegen import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportFormatName {
    /// An OpenAPI 3.0 document (aimlapi's).
    Openapi,
    /// WaveSpeed's `GET /api/v3/models` answer.
    WavespeedModels,
}

/// What a model does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TaskName {
    /// A prompt in, images out (optionally guided by a reference image).
    TextToImage,
    /// An image and a prompt in, a transformed image out.
    ImageToImage,
    /// An image to edit (and optionally a mask) and a prompt in.
    ImageEdit,
}

/// How to ask for base64 outputs.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Base64OutputFile {
    /// The parameter (`enable_base64_output`, `response_format`).
    pub parameter: String,
    /// The value that selects base64 (`true`, `b64_json`).
    pub value: Scalar,
}

/// One row of a parameter table.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParameterFile {
    /// The parameter's name on the wire.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: ParamTypeName,
    /// The type as the documentation's table spells it, when that differs
    /// (`number` for a seed that only takes whole numbers).
    #[serde(default)]
    pub doc_type: Option<String>,
    /// The request cannot be built without it.
    #[serde(default)]
    pub required: bool,
    /// The documented default, applied by the server when the parameter is not
    /// sent. Leave it out when the documentation gives none.
    #[serde(default)]
    pub default: Option<Scalar>,
    /// Sent with this value on every request and not settable (aimlapi's `model`).
    #[serde(default)]
    pub fixed: Option<Scalar>,
    /// The documented description, as the page words it; left out where
    /// the page gives none.
    #[serde(default)]
    pub description: Option<String>,
    /// `integer`, `number`: the documented minimum.
    #[serde(default)]
    pub minimum: Option<Decimal>,
    /// `integer`, `number`: the documented maximum.
    #[serde(default)]
    pub maximum: Option<Decimal>,
    /// `integer`, `number`: the documented step, counted from `minimum` (or 0).
    #[serde(default)]
    pub step: Option<Decimal>,
    /// `string`: the fewest characters allowed.
    #[serde(default)]
    pub min_length: Option<u64>,
    /// `string`: the most characters allowed.
    #[serde(default)]
    pub max_length: Option<u64>,
    /// `string`, `image_size`, `integer`, `number`: the allowed values, in
    /// the provider's exact spelling (numbers are sent as JSON numbers).
    #[serde(default, rename = "enum")]
    pub values: Option<Vec<Scalar>>,
    /// `string`, `image_size`: Rust variant names for values that cannot be
    /// turned into one (`"1": One`).
    #[serde(default)]
    pub variant_names: BTreeMap<String, String>,
    /// `image_size`: the character between width and height (`*` or `x`).
    #[serde(default)]
    pub separator: Option<String>,
    /// `image_size`: rules for sizes outside `enum`, where custom sizes are allowed.
    #[serde(default)]
    pub custom: Option<CustomSizeFile>,
    /// `image_size`: how a custom size is sent: `text` (`"1024*768"`, the
    /// default) or `object` (`{"width": 1024, "height": 768}`; presets stay
    /// text).
    #[serde(default)]
    pub shape: Option<SizeShapeName>,
    /// `image_url`: the image formats the URL may serve, as documented.
    #[serde(default)]
    pub formats: Option<Vec<ImageFormatName>>,
    /// `image_url`: the provider also takes the image inline, as a
    /// `data:image/...;base64,` URI. Only where a document says so: by
    /// default a parameter takes URLs only.
    #[serde(default)]
    pub data_uri: bool,
    /// `image_url`: this image is a mask over the image parameter named
    /// here. A local mask must then be a PNG with an alpha channel, of the
    /// same width and height as that image.
    #[serde(default)]
    pub mask_for: Option<String>,
    /// `integer`, `number`: values with a special meaning (`-1` = random seed).
    #[serde(default)]
    pub sentinels: Vec<SentinelFile>,
    /// `array`: the type of each item (`image_url`: several input images;
    /// `formats` and `data_uri` then apply to every item; `object`: items
    /// with the fields in `properties`).
    #[serde(default)]
    pub items: Option<ParamTypeName>,
    /// `array` of `object`: each item's fields, as parameter rows (scalar
    /// types only: boolean, string, integer, number).
    #[serde(default)]
    pub properties: Option<Vec<ParameterFile>>,
    /// `array`: the fewest items.
    #[serde(default)]
    pub min_items: Option<u64>,
    /// `array`: the most items.
    #[serde(default)]
    pub max_items: Option<u64>,
    /// Rust name of the parameter's type. Default: `name` in UpperCamelCase.
    #[serde(default)]
    pub rust_name: Option<String>,
    /// What the parameter stands for in the provider-neutral request
    /// (`size`, `seed`, ...), so a plain-terms request can be mapped onto it.
    #[serde(default)]
    pub means: Option<MeaningName>,
    /// Anything else the documentation says, and where values not in the seed
    /// come from.
    #[serde(default)]
    pub notes: Vec<String>,
}

impl ParameterFile {
    /// A row with only its name and type: optional, undescribed, with no
    /// rules until set (what an importer fills in from a schema).
    pub fn new(name: impl Into<String>, ty: ParamTypeName) -> Self {
        Self {
            name: name.into(),
            ty,
            doc_type: None,
            required: false,
            default: None,
            fixed: None,
            description: None,
            minimum: None,
            maximum: None,
            step: None,
            min_length: None,
            max_length: None,
            values: None,
            variant_names: BTreeMap::new(),
            separator: None,
            custom: None,
            shape: None,
            formats: None,
            data_uri: false,
            mask_for: None,
            sentinels: Vec::new(),
            items: None,
            properties: None,
            min_items: None,
            max_items: None,
            rust_name: None,
            means: None,
            notes: Vec::new(),
        }
    }
}

impl ModelFile {
    /// A model with its id, source, name and task, no price, and no
    /// parameters yet.
    pub fn new(
        id: impl Into<String>,
        source: impl Into<String>,
        display_name: impl Into<String>,
        task: TaskName,
    ) -> Self {
        Self {
            id: id.into(),
            provider: None,
            source: source.into(),
            display_name: display_name.into(),
            summary: None,
            description: None,
            task,
            estimated_time: None,
            cost_cents: None,
            price: PriceFile::Unknown(UnknownPrice::Unknown),
            rust_name: None,
            sync_mode: None,
            base64_output: None,
            parameters: Vec::new(),
            imported: None,
            examples: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// What a parameter stands for in the provider-neutral request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeaningName {
    /// The text prompt (`string`).
    Prompt,
    /// The output size (`image_size`).
    Size,
    /// Images per request (`integer`).
    Count,
    /// The random seed (`integer`).
    Seed,
    /// The output file format (`string` with an `enum` of format names).
    OutputFormat,
    /// An input image the output is based on (`image_url`).
    ReferenceImage,
    /// The quality level (`string` with an `enum`).
    Quality,
    /// The output width in pixels, where width and height are separate
    /// parameters (`integer`; needs a `height`).
    Width,
    /// The output height in pixels (`integer`; needs a `width`).
    Height,
    /// The output's aspect ratio (`string` with an `enum` of `W:H` ratios).
    AspectRatio,
}

impl From<MeaningName> for imagegen_core::info::Meaning {
    fn from(name: MeaningName) -> Self {
        crate::check::meaning(name)
    }
}

/// A parameter type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParamTypeName {
    /// `true` or `false`.
    Boolean,
    /// Text, optionally length-bounded, or one of `enum`.
    String,
    /// A whole number, optionally bounded and stepped.
    Integer,
    /// A number, optionally bounded and stepped (a step keeps it exact).
    Number,
    /// An http(s) URL of an image.
    ImageUrl,
    /// `WxH` sizes from `enum` (plus keywords such as `auto`), and custom sizes
    /// where `custom` allows them.
    ImageSize,
    /// A JSON array of `items` (`image_url` or `object`), optionally
    /// `min_items` to `max_items` long.
    Array,
    /// A JSON object with the fields in `properties`: only as an array's
    /// `items`.
    Object,
}

/// How a custom image size is written on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SizeShapeName {
    /// `W<separator>H` text.
    #[default]
    Text,
    /// `{"width": W, "height": H}`.
    Object,
}

/// Rules for custom image sizes.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomSizeFile {
    /// Both sides must be multiples of this.
    #[serde(default)]
    pub multiple_of: Option<u32>,
    /// Shortest allowed side.
    #[serde(default)]
    pub min_edge: Option<u32>,
    /// Longest allowed side.
    #[serde(default)]
    pub max_edge: Option<u32>,
    /// Most extreme aspect ratio, as `long:short` (`3:1`).
    #[serde(default)]
    pub max_aspect_ratio: Option<String>,
    /// Fewest pixels in total.
    #[serde(default)]
    pub min_pixels: Option<u64>,
    /// Most pixels in total.
    #[serde(default)]
    pub max_pixels: Option<u64>,
}

/// An image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormatName {
    /// JPEG
    Jpeg,
    /// PNG
    Png,
    /// GIF
    Gif,
    /// WebP
    Webp,
}

/// A value with a special meaning.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SentinelFile {
    /// The value.
    pub value: Decimal,
    /// A short name, which becomes a constant (`random` → `Seed::RANDOM`).
    pub name: String,
    /// What it means.
    pub meaning: String,
}

/// An example request body from the documentation.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestExampleFile {
    /// Where it is from and what it shows.
    pub description: String,
    /// The documented example leaves out required parameters; it is kept as
    /// documented and only its keys and values are checked.
    #[serde(default)]
    pub partial: bool,
    /// The body, as documented.
    pub body: serde_json::Map<String, serde_json::Value>,
}
