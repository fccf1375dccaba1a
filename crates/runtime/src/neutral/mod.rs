//! The provider-neutral request: one image generation asked in plain terms
//! (prompt, width × height, count, seed, output format, reference image,
//! quality), mapped onto any model's own parameters.
//!
//! The mapping is data: each model's parameter table says which parameter
//! stands for which plain option ([`ParamInfo::meaning`], from the spec's
//! `means:`), which values it offers ([`ParamInfo::choices`]) and how a size is
//! spelled ([`ParamInfo::size_separator`]). Nothing here knows a provider or
//! model by name. The values are then parsed by the model's own
//! [`FromArgs`], so a request the mapping produces passes exactly the rules
//! the typed builder enforces.
//!
//! Everything the chosen model cannot honour is reported before anything is
//! sent, all at once, in the request's own terms ([`Unsupported`]): an option
//! the model has no parameter for, a value its parameter does not offer or
//! its rules reject, a required parameter the request leaves unset. No option
//! is ever dropped silently.
//!
//! Switching provider is changing the one type the request is mapped to:
//!
//! ```no_run
//! # // The runtime has no models of its own: `Model` stands for a generated
//! # // `Request` such as `imagegen_vibedream::z_image_turbo::Request`.
//! # async fn run<Model>() -> Result<(), Box<dyn std::error::Error>>
//! # where Model: imagegen_runtime::ModelRequest + imagegen_runtime::args::FromArgs {
//! use imagegen_runtime::neutral::{ClientFor, Generate};
//!
//! // type Model = imagegen_vibedream::z_image_turbo::Request;
//! let request = Generate::new("a lighthouse at dusk").size(1280, 720).seed(42);
//! let client = ClientFor::<Model>::from_env()?;
//! let generation = request.send::<Model>(&client).await?;
//! generation.save_all("out").await?;
//! # Ok(())
//! # }
//! ```

mod report;

use crate::ImageFormat;
use crate::args::{ArgErrors, Args, FromArgs};
use crate::client::{Client, Generation};
use crate::dynamic::{AnyRequest, ModelEntry};
use crate::info::{Meaning, ModelInfo, ParamInfo};
use crate::rules::parse_dimensions;
use crate::traits::ModelRequest;

pub use report::{Problem, Reason, SendError, Unsupported};

/// The client for the provider serving request type `R`: with it, a model's
/// request type is the only name that changes when switching provider.
///
/// ```no_run
/// # fn run<Model: imagegen_runtime::ModelRequest>() -> Result<(), imagegen_runtime::Error> {
/// use imagegen_runtime::neutral::ClientFor;
///
/// // type Model = imagegen_gptproto::openai_gpt_image_2_text_to_image::Request;
/// let client = ClientFor::<Model>::from_env()?;
/// # Ok(())
/// # }
/// ```
pub type ClientFor<R> = Client<<R as ModelRequest>::Provider>;

/// A quality level, in plain terms. A model honours it when its quality
/// parameter offers a value of that name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Quality {
    /// `low`.
    Low,
    /// `medium`.
    Medium,
    /// `high`.
    High,
    /// `auto`: the model decides. Only models offering `auto` honour it;
    /// leave quality unset to accept whatever a model does by default.
    Auto,
}

impl Quality {
    /// The name models spell it with (`high`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Quality::Low => "low",
            Quality::Medium => "medium",
            Quality::High => "high",
            Quality::Auto => "auto",
        }
    }
}

impl std::fmt::Display for Quality {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an asked-for value becomes the value of a model's parameter.
enum Spelling {
    /// As it is (a prompt, a number, a URL): the model's rules check it.
    Verbatim,
    /// Width and height: the preset of those dimensions, else a custom size.
    Size(u32, u32),
    /// The choice of this name (a quality level).
    Named(&'static str),
    /// The choice naming this format, however spelled (`jpeg` or `jpg`).
    Format(ImageFormat),
}

impl Spelling {
    /// `value` as `param` takes it, in the provider's spelling.
    fn spell(&self, value: &str, param: &'static ParamInfo) -> Result<String, Reason> {
        let no_choice = || Reason::NoChoice {
            parameter: param.name,
            choices: param.choices,
        };
        match *self {
            Spelling::Verbatim => Ok(value.to_owned()),
            Spelling::Size(width, height) => {
                let separator = param.size_separator.and_then(|s| u8::try_from(s).ok());
                // A preset of these dimensions is sent exactly as documented.
                let preset = param.choices.iter().find(|choice| {
                    separator.and_then(|s| parse_dimensions(choice, s)) == Some((width, height))
                });
                match (preset, param.size_separator) {
                    (Some(preset), _) => Ok((*preset).to_owned()),
                    // Not a preset: spelled as a custom size, which the
                    // model's own rules accept or reject in `to_request`.
                    (None, Some(separator)) => Ok(format!("{width}{separator}{height}")),
                    (None, None) => Err(no_choice()),
                }
            }
            // Not an enumerated parameter: its own rules decide.
            Spelling::Named(_) | Spelling::Format(_) if param.choices.is_empty() => {
                Ok(value.to_owned())
            }
            Spelling::Named(name) => param
                .choices
                .iter()
                .find(|choice| choice.eq_ignore_ascii_case(name))
                .map(|choice| (*choice).to_owned())
                .ok_or_else(no_choice),
            Spelling::Format(format) => param
                .choices
                .iter()
                .find(|choice| ImageFormat::from_name(choice) == Some(format))
                .map(|choice| (*choice).to_owned())
                .ok_or_else(no_choice),
        }
    }
}

/// An image generation in plain terms, for any model.
///
/// Only the prompt is required; every other option is sent only when asked
/// for, so a model applies its own documented default otherwise. Map it with
/// [`to_request`](Self::to_request) (a model known while writing the code),
/// [`to_any`](Self::to_any) (a model chosen at run time) or send it with
/// [`send`](Self::send).
///
/// ```
/// use imagegen_runtime::ImageFormat;
/// use imagegen_runtime::neutral::{Generate, Quality};
///
/// let request = Generate::new("a lighthouse at dusk")
///     .size(1280, 720)
///     .count(2)
///     .seed(42)
///     .output_format(ImageFormat::Jpeg)
///     .reference_image("https://example.com/sketch.png")
///     .quality(Quality::High);
/// assert_eq!(request.prompt(), "a lighthouse at dusk");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generate {
    prompt: String,
    size: Option<(u32, u32)>,
    count: Option<u32>,
    seed: Option<i64>,
    output_format: Option<ImageFormat>,
    reference_image: Option<String>,
    quality: Option<Quality>,
}

impl Generate {
    /// A request for `prompt`, with no other option asked for.
    pub fn new(prompt: impl Into<String>) -> Self {
        Generate {
            prompt: prompt.into(),
            size: None,
            count: None,
            seed: None,
            output_format: None,
            reference_image: None,
            quality: None,
        }
    }

    /// Asks for images `width` × `height` pixels: a model's preset of those
    /// dimensions, or a custom size where the model's rules allow it.
    #[must_use]
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.size = Some((width, height));
        self
    }

    /// Asks for `count` images from one request. A model with no count
    /// parameter makes one image per request, so it honours a count of 1.
    #[must_use]
    pub fn count(mut self, count: u32) -> Self {
        self.count = Some(count);
        self
    }

    /// Asks for this random seed, for reproducible images.
    #[must_use]
    pub fn seed(mut self, seed: i64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Asks for images in this file format.
    #[must_use]
    pub fn output_format(mut self, format: ImageFormat) -> Self {
        self.output_format = Some(format);
        self
    }

    /// Bases the images on this image: an http(s) URL, or (text without a
    /// URL scheme) a local file, which is checked and uploaded when the
    /// request is sent, where the model's provider can take one.
    #[must_use]
    pub fn reference_image(mut self, url_or_path: impl Into<String>) -> Self {
        self.reference_image = Some(url_or_path.into());
        self
    }

    /// Bases the images on the local file at `path`, as
    /// [`reference_image`](Self::reference_image) does for text without a
    /// scheme (a relative path that looks like one, `ab:c.png`, is read as
    /// `./ab:c.png`).
    #[must_use]
    pub fn reference_image_path(self, path: impl AsRef<std::path::Path>) -> Self {
        let text = path.as_ref().to_string_lossy().into_owned();
        if crate::image::has_scheme(&text) {
            self.reference_image(format!("./{text}"))
        } else {
            self.reference_image(text)
        }
    }

    /// Asks for this quality level.
    #[must_use]
    pub fn quality(mut self, quality: Quality) -> Self {
        self.quality = Some(quality);
        self
    }

    /// The prompt.
    pub fn prompt(&self) -> &str {
        &self.prompt
    }

    /// The options asked for, in [`Meaning`] order: each with its value in
    /// neutral spelling (`1280x720`, `jpeg`) and how a model spells it.
    fn asked(&self) -> Vec<(Meaning, String, Spelling)> {
        let mut asked = vec![(Meaning::Prompt, self.prompt.clone(), Spelling::Verbatim)];
        if let Some((width, height)) = self.size {
            let value = format!("{width}x{height}");
            asked.push((Meaning::Size, value, Spelling::Size(width, height)));
        }
        if let Some(count) = self.count {
            asked.push((Meaning::Count, count.to_string(), Spelling::Verbatim));
        }
        if let Some(seed) = self.seed {
            asked.push((Meaning::Seed, seed.to_string(), Spelling::Verbatim));
        }
        if let Some(format) = self.output_format {
            asked.push((
                Meaning::OutputFormat,
                format.name().to_owned(),
                Spelling::Format(format),
            ));
        }
        if let Some(url) = &self.reference_image {
            asked.push((Meaning::ReferenceImage, url.clone(), Spelling::Verbatim));
        }
        if let Some(quality) = self.quality {
            asked.push((
                Meaning::Quality,
                quality.as_str().to_owned(),
                Spelling::Named(quality.as_str()),
            ));
        }
        asked
    }

    fn map(&self, model: &'static ModelInfo) -> Mapping {
        let mut mapping = Mapping {
            model,
            args: Args::new(),
            sources: Vec::new(),
            problems: Vec::new(),
        };
        for (option, value, spelling) in self.asked() {
            // A model taking width and height as two integers gets each.
            if let (Meaning::Size, Spelling::Size(width, height)) = (option, &spelling)
                && model.parameter_meaning(Meaning::Size).is_none()
                && let (Some(w), Some(h)) = (
                    model.parameter_meaning(Meaning::Width),
                    model.parameter_meaning(Meaning::Height),
                )
            {
                mapping.args.insert(w.name, width.to_string());
                mapping.args.insert(h.name, height.to_string());
                mapping.sources.push((w.name, option, value.clone()));
                mapping.sources.push((h.name, option, value));
                continue;
            }
            let param = model.parameter_meaning(option);
            let Some(param) = param else {
                // One image per request is what a model without a count
                // parameter makes: a count of 1 is honoured by sending nothing.
                if !(option == Meaning::Count && self.count == Some(1)) {
                    mapping.problem(Some(option), Some(value), None, Reason::NoParameter);
                }
                continue;
            };
            match spelling.spell(&value, param) {
                Ok(wire) => {
                    mapping.args.insert(param.name, wire);
                    mapping.sources.push((param.name, option, value));
                }
                Err(reason) => mapping.problem(Some(option), Some(value), Some(param.name), reason),
            }
        }
        for param in model.parameters {
            let unset = param.required
                && param.fixed.is_none()
                && mapping.args.get(param.name).is_none()
                && !mapping.reported(param.name);
            if unset {
                mapping.problem(
                    param.meaning,
                    None,
                    Some(param.name),
                    Reason::Required {
                        parameter: param.name,
                        allowed: param.allowed,
                    },
                );
            }
        }
        mapping
    }

    /// `model`'s parameters for this request, as text in the provider's
    /// spelling, keyed by wire name: each option asked for goes to the
    /// parameter whose [`meaning`](ParamInfo::meaning) it is.
    ///
    /// Reports what the parameter table alone shows the model cannot honour:
    /// an option it has no parameter for, a size, format or quality its
    /// parameter does not offer, a required parameter left unset. Whether a
    /// value passes the model's rules (a range, a custom size) is for the
    /// model's own parser: [`to_request`](Self::to_request) and
    /// [`to_any`](Self::to_any) run both.
    ///
    /// ```
    /// use imagegen_runtime::info::{Meaning, ModelInfo};
    /// use imagegen_runtime::neutral::{Generate, Quality};
    /// # use imagegen_runtime::info::*;
    /// # static PROVIDER: ProviderInfo = ProviderInfo {
    /// #     name: "example", display_name: "Example", base_url: "https://api.example.com",
    /// #     base_url_env_var: "EXAMPLE_BASE_URL",
    /// #     auth: AuthInfo { header: "Authorization", scheme: Some("Bearer"), env_var: "EXAMPLE_API_KEY", key_url: None },
    /// #     protocol: Protocol::OpenAiSync, result: None, statuses: &[], errors: &[],
    /// #     content_policy_messages: &[], sync_mode_returns_outputs: true, upload: None,
    /// # };
    /// # const fn param(name: &'static str, kind: ParamKind, meaning: Meaning, choices: &'static [&'static str], size_separator: Option<char>) -> ParamInfo {
    /// #     ParamInfo { name, kind, required: false, fixed: None, default: None, allowed: "", description: "", meaning: Some(meaning), choices, size_separator, image: None, local_alternatives: &[] }
    /// # }
    /// # static MODEL: ModelInfo = ModelInfo {
    /// #     provider: &PROVIDER, id: "painter", display_name: "Painter", summary: "", task: "text-to-image",
    /// #     estimated_time: None, cost_cents: None, price: None, source: "",
    /// #     submit: Endpoint { method: HttpMethod::Post, path: "/v1/paint", success_status: None },
    /// #     sync_mode: None, base64_output: None,
    /// #     parameters: &[
    /// #         param("prompt", ParamKind::Text, Meaning::Prompt, &[], None),
    /// #         param("size", ParamKind::ImageSize, Meaning::Size, &["1024x1024", "1536x1024"], Some('x')),
    /// #         param("quality", ParamKind::Choice, Meaning::Quality, &["low", "high"], None),
    /// #     ],
    /// # };
    /// // MODEL: a model whose `size` offers 1024x1024 and 1536x1024, whose
    /// // `quality` offers low and high, and which has no seed.
    /// let args = Generate::new("a fox").size(1536, 1024).quality(Quality::High).args_for(&MODEL)?;
    /// assert_eq!(args.get("size"), Some("1536x1024"));
    /// assert_eq!(args.get("quality"), Some("high"));
    ///
    /// let unsupported = Generate::new("a fox").seed(42).quality(Quality::Auto).args_for(&MODEL).unwrap_err();
    /// assert_eq!(unsupported.problems().len(), 2);
    /// assert_eq!(unsupported.problems()[0].option(), Some(Meaning::Seed));
    /// assert_eq!(
    ///     unsupported.to_string(),
    ///     "seed 42: example/painter has no seed parameter\n\
    ///      quality auto: example/painter cannot honour it: `quality` allows one of low, high"
    /// );
    /// # Ok::<(), imagegen_runtime::neutral::Unsupported>(())
    /// ```
    pub fn args_for(&self, model: &'static ModelInfo) -> Result<Args, Unsupported> {
        let mapping = self.map(model);
        if mapping.problems.is_empty() {
            Ok(mapping.args)
        } else {
            Err(Unsupported::new(model, mapping.problems))
        }
    }

    /// The typed request for model `R`, checked by the model's own rules.
    ///
    /// Every option `R` cannot honour is reported at once, in this request's
    /// terms: the model's complaints about a parameter (a size that is
    /// neither a preset nor an allowed custom size, a count above the
    /// maximum) are reported against the option that set it.
    ///
    /// ```
    /// # // `R` stands for a generated request type, such as
    /// # // `imagegen_vibedream::z_image_turbo::Request`.
    /// # fn build<R: imagegen_runtime::ModelRequest + imagegen_runtime::args::FromArgs>()
    /// # -> Result<R, imagegen_runtime::neutral::Unsupported> {
    /// use imagegen_runtime::neutral::Generate;
    ///
    /// let request: R = Generate::new("a lighthouse").size(1024, 768).to_request()?;
    /// # Ok(request)
    /// # }
    /// ```
    pub fn to_request<R: ModelRequest + FromArgs>(&self) -> Result<R, Unsupported> {
        self.map(R::MODEL).parse_with(R::from_args)
    }

    /// The request for a model chosen at run time (an entry of a generated
    /// catalog, such as `imagegen::find_model("vibedream/z-image-turbo")`
    /// returns), checked as [`to_request`](Self::to_request) does.
    pub fn to_any(&self, model: &ModelEntry) -> Result<AnyRequest, Unsupported> {
        self.map(model.info).parse_with(|args| model.parse(args))
    }

    /// Maps this request onto model `R` and generates it with `client`:
    /// [`to_request`](Self::to_request) then [`Client::generate`]. Nothing
    /// is sent when the model cannot honour the request.
    ///
    /// ```no_run
    /// # async fn run<Model>() -> Result<(), imagegen_runtime::neutral::SendError>
    /// # where Model: imagegen_runtime::ModelRequest + imagegen_runtime::args::FromArgs {
    /// use imagegen_runtime::neutral::{ClientFor, Generate};
    ///
    /// // type Model = imagegen_aimlapi::openai_gpt_image_1::Request;
    /// let client = ClientFor::<Model>::from_env()?;
    /// let generation = Generate::new("a red fox").send::<Model>(&client).await?;
    /// generation.save_all("out").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send<R: ModelRequest + FromArgs>(
        &self,
        client: &ClientFor<R>,
    ) -> Result<Generation, SendError> {
        let request: R = self.to_request()?;
        Ok(client.generate(&request).await?)
    }
}

/// A request mapped onto one model's parameters, with what went wrong.
struct Mapping {
    model: &'static ModelInfo,
    args: Args,
    /// The option each parameter was set from, and its neutral value: what
    /// turns the model's complaints about a parameter back into the user's
    /// terms.
    sources: Vec<(&'static str, Meaning, String)>,
    problems: Vec<Problem>,
}

impl Mapping {
    fn problem(
        &mut self,
        option: Option<Meaning>,
        value: Option<String>,
        parameter: Option<&'static str>,
        reason: Reason,
    ) {
        self.problems
            .push(Problem::new(self.model, option, value, parameter, reason));
    }

    fn reported(&self, parameter: &str) -> bool {
        self.problems
            .iter()
            .any(|problem| problem.parameter() == Some(parameter))
    }

    /// Hands the mapped arguments to the model's parser (`FromArgs`), then
    /// joins its verdict with the mapping's own problems.
    fn parse_with<T>(
        mut self,
        parse: impl FnOnce(Args) -> Result<T, ArgErrors>,
    ) -> Result<T, Unsupported> {
        let parsed = parse(std::mem::take(&mut self.args));
        match parsed {
            Ok(request) if self.problems.is_empty() => return Ok(request),
            Ok(_) => {}
            Err(errors) => {
                for error in errors.0 {
                    self.explain(error);
                }
            }
        }
        // Neutral option order, whichever step found the problem.
        self.problems
            .sort_by_key(|problem| (problem.option().is_none(), problem.option()));
        Err(Unsupported::new(self.model, self.problems))
    }

    /// Records a complaint of the model's parser against the option that set
    /// the parameter.
    fn explain(&mut self, error: crate::args::ArgError) {
        let name = error.parameter();
        let info = self.model.parameter(name);
        let parameter = info.map(|param| param.name);
        if let Some((param, option, value)) = self
            .sources
            .iter()
            .find(|(param, ..)| *param == name)
            .cloned()
        {
            self.problem(
                Some(option),
                Some(value),
                Some(param),
                Reason::Rejected(error),
            );
            return;
        }
        // Not set from an option: a required parameter, already reported
        // unless the mapping could not see it was required.
        if parameter.is_some_and(|param| self.reported(param)) {
            return;
        }
        let option = info.and_then(|param| param.meaning);
        let reason = match error {
            crate::args::ArgError::Missing { parameter, allowed } => {
                Reason::Required { parameter, allowed }
            }
            other => Reason::Rejected(other),
        };
        self.problem(option, None, parameter, reason);
    }
}

#[cfg(test)]
mod tests;
