//! The mapping against an invented parameter table, for the cases no
//! generated model has (a `jpg` choice, a required parameter no option
//! stands for, a size without a separator). The six real models are covered
//! in `tests/neutral.rs`.

use super::*;
use crate::ParamError;
use crate::Violation;
use crate::args::ArgError;
use crate::info::{AuthInfo, Endpoint, HttpMethod, ParamInfo, ParamKind, Protocol, ProviderInfo};

static PROVIDER: ProviderInfo = ProviderInfo {
    name: "example",
    display_name: "Example",
    base_url: "https://api.example.com",
    base_url_env_var: "EXAMPLE_BASE_URL",
    auth: AuthInfo {
        header: "Authorization",
        scheme: Some("Bearer"),
        env_var: "EXAMPLE_API_KEY",
        key_url: None,
    },
    protocol: Protocol::OpenAiSync,
    result: None,
    statuses: &[],
    errors: &[],
    content_policy_messages: &[],
    sync_mode_returns_outputs: true,
    upload: None,
};

const fn param(
    name: &'static str,
    meaning: Option<Meaning>,
    required: bool,
    choices: &'static [&'static str],
    size_separator: Option<char>,
) -> ParamInfo {
    ParamInfo {
        name,
        kind: ParamKind::Text,
        required,
        fixed: None,
        default: None,
        allowed: "as documented",
        description: "",
        meaning,
        choices,
        size_separator,
        image: None,
        local_alternatives: &[],
    }
}

static MODEL: ModelInfo = ModelInfo {
    provider: &PROVIDER,
    id: "painter",
    display_name: "Painter",
    summary: "",
    task: "text-to-image",
    estimated_time: None,
    cost_cents: None,
    price: None,
    source: "",
    submit: Endpoint {
        method: HttpMethod::Post,
        path: "/v1/paint",
        success_status: None,
    },
    sync_mode: None,
    base64_output: None,
    parameters: &[
        param("text", Some(Meaning::Prompt), true, &[], None),
        // Sizes only as presets, and spelled without a separator the
        // mapping could write a custom size with.
        param(
            "dims",
            Some(Meaning::Size),
            false,
            &["square", "wide"],
            None,
        ),
        param(
            "format",
            Some(Meaning::OutputFormat),
            false,
            &["PNG", "jpg"],
            None,
        ),
        param("style", None, true, &[], None),
        param("quality", Some(Meaning::Quality), false, &[], None),
    ],
};

fn lines(error: &Unsupported) -> Vec<String> {
    error.problems().iter().map(ToString::to_string).collect()
}

#[test]
fn formats_are_found_under_any_of_their_names_and_case() {
    let base = Generate::new("a fox").output_format(ImageFormat::Jpeg);
    let mapping = base.map(&MODEL);
    assert_eq!(mapping.args.get("format"), Some("jpg"));
    let mapping = Generate::new("a fox")
        .output_format(ImageFormat::Png)
        .map(&MODEL);
    assert_eq!(mapping.args.get("format"), Some("PNG"));
}

#[test]
fn a_value_for_a_parameter_without_choices_is_left_to_the_model() {
    let mapping = Generate::new("a fox").quality(Quality::High).map(&MODEL);
    assert_eq!(mapping.args.get("quality"), Some("high"));
}

#[test]
fn every_problem_is_reported_in_option_order() {
    let error = Generate::new("a fox")
        .quality(Quality::Low)
        .output_format(ImageFormat::WebP)
        .seed(7)
        .count(3)
        .size(640, 480)
        .args_for(&MODEL)
        .unwrap_err();
    assert_eq!(
        lines(&error),
        [
            "size 640x480: example/painter cannot honour it: `dims` allows one of square, wide",
            "count 3: example/painter has no count parameter; it makes one image per request",
            "seed 7: example/painter has no seed parameter",
            "output_format webp: example/painter cannot honour it: `format` allows one of PNG, jpg",
            "`style`: example/painter requires it, and no neutral option stands for it; allowed: as documented",
        ]
    );
    let style = &error.problems()[4];
    assert_eq!(style.option(), None);
    assert_eq!(style.value(), None);
    assert_eq!(style.parameter(), Some("style"));
    assert!(matches!(
        style.reason(),
        Reason::Required {
            parameter: "style",
            ..
        }
    ));
    assert_eq!(
        error.problem(Meaning::Seed).and_then(Problem::value),
        Some("7")
    );
}

#[test]
fn a_count_of_one_needs_no_count_parameter() {
    let mapping = Generate::new("a fox").count(1).map(&MODEL);
    assert!(
        mapping
            .problems
            .iter()
            .all(|p| p.option() != Some(Meaning::Count))
    );
    assert_eq!(mapping.args.len(), 1, "only the prompt: {:?}", mapping.args);
}

#[test]
fn the_models_complaints_are_put_back_in_the_requests_terms() {
    let mapping = Generate::new("a fox").quality(Quality::Auto).map(&MODEL);
    let rejected = ParamError::new("quality", "auto", Violation::NotAllowed, "one of low, high");
    let parsed: Result<(), _> = Err(ArgErrors(vec![
        ArgError::Invalid(rejected.clone()),
        ArgError::Missing {
            parameter: "style",
            allowed: "as documented",
        },
    ]));
    let error = mapping.parse_with(|_| parsed).unwrap_err();
    assert_eq!(
        lines(&error),
        [
            "quality auto: example/painter cannot honour it: `quality` = `auto` is not one of the allowed values; allowed: one of low, high",
            "`style`: example/painter requires it, and no neutral option stands for it; allowed: as documented",
        ],
        "the missing `style` is reported once"
    );
    assert_eq!(
        error.problems()[0].reason(),
        &Reason::Rejected(ArgError::Invalid(rejected))
    );
}

#[test]
fn a_long_prompt_is_quoted_as_an_excerpt() {
    let prompt = "a".repeat(100);
    let mapping = Generate::new(prompt.clone()).map(&MODEL);
    let rejected = ParamError::new(
        "text",
        prompt.clone(),
        Violation::TooLong,
        "up to 90 characters",
    );
    let error = mapping
        .parse_with::<()>(|_| Err(ArgErrors(vec![ArgError::Invalid(rejected)])))
        .unwrap_err();
    let line = &lines(&error)[0];
    assert!(
        line.starts_with(&format!("prompt {}… (100 characters): ", "a".repeat(80))),
        "{line}"
    );
    assert_eq!(error.problems()[0].value(), Some(prompt.as_str()));
}

#[test]
fn a_parameter_offering_nothing_says_so() {
    let problem = Problem::new(
        &MODEL,
        Some(Meaning::Size),
        Some("640x480".to_owned()),
        Some("dims"),
        Reason::NoChoice {
            parameter: "dims",
            choices: &[],
        },
    );
    assert_eq!(
        problem.to_string(),
        "size 640x480: example/painter cannot honour it: `dims` has no value for it"
    );
}
