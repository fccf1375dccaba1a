//! Requests built from text (`FromArgs`, the catalog's `ModelEntry::parse`):
//! the same rules as the typed builders, every problem reported at once.

use imagegen::args::{ArgError, Args, FromArgs};
use imagegen_runtime::info::Meaning;
use imagegen_vibedream::z_image_turbo;

#[test]
fn text_builds_the_same_request_as_the_typed_builder() {
    let args = Args::new()
        .with("prompt", "a lighthouse")
        .with("size", "1024*768")
        .with("strength", "0.6")
        .with("seed", "-1")
        .with("output_format", "png");
    let parsed = z_image_turbo::Request::from_args(args).unwrap();
    let typed = z_image_turbo::Request::new("a lighthouse")
        .size(z_image_turbo::Size::S1024x768)
        .strength(z_image_turbo::strength!(0.6))
        .seed(z_image_turbo::seed!(-1))
        .output_format(z_image_turbo::OutputFormat::Png);
    assert_eq!(parsed, typed);
}

#[test]
fn parameters_not_given_are_not_sent() {
    let request =
        imagegen_vibedream::gpt_image_1::Request::from_args(Args::new().with("prompt", "a fox"))
            .unwrap();
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        serde_json::json!({"prompt": "a fox"})
    );
}

#[test]
fn every_problem_is_reported_with_what_is_allowed() {
    let errors = z_image_turbo::Request::from_args(
        Args::new()
            .with("size", "1024x1024")
            .with("strength", "0.65")
            .with("sede", "3"),
    )
    .unwrap_err();
    let lines: Vec<String> = errors.errors().iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert!(
        lines[0].starts_with("missing `prompt`"),
        "the required prompt comes first: {lines:#?}"
    );
    assert!(
        lines[1].contains("invalid `size`: `1024x1024`"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].ends_with("did you mean `1024*1024`?"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains("invalid `strength`: `0.65`"),
        "{}",
        lines[2]
    );
    assert!(
        lines[2].contains("from 0 to 1 in steps of 0.1"),
        "{}",
        lines[2]
    );
    match &errors.errors()[3] {
        ArgError::Unknown {
            name,
            suggestion,
            known,
        } => {
            assert_eq!(name, "sede");
            assert_eq!(*suggestion, Some("seed"));
            assert!(known.contains(&"output_format"));
        }
        other => panic!("expected an unknown parameter, got {other:?}"),
    }
}

#[test]
fn a_fixed_parameter_accepts_only_its_own_value() {
    use imagegen_aimlapi::openai_gpt_image_1::Request;
    let same = Args::new()
        .with("prompt", "x")
        .with("model", "openai/gpt-image-1");
    assert!(Request::from_args(same).is_ok());
    let other = Args::new().with("prompt", "x").with("model", "dall-e-3");
    let errors = Request::from_args(other).unwrap_err();
    assert!(matches!(
        errors.errors(),
        [ArgError::Fixed {
            parameter: "model",
            ..
        }]
    ));
}

#[test]
fn booleans_are_true_or_false_only() {
    let errors = imagegen_wavespeed::openai_gpt_image_1::Request::from_args(
        Args::new()
            .with("prompt", "x")
            .with("image", "https://example.com/a.png")
            .with("enable_sync_mode", "True"),
    )
    .unwrap_err();
    assert_eq!(
        errors.to_string(),
        "invalid `enable_sync_mode`: `True` is not one of the allowed values; allowed: true or false; did you mean `true`?"
    );
}

#[test]
fn the_catalog_finds_every_model_and_parses_through_its_type() {
    // The catalog holds exactly the models of specs/, in their order.
    let specs = imagegen_spec::load(&imagegen_tests::workspace_root().join("specs")).unwrap();
    let in_specs: Vec<String> = specs
        .providers
        .iter()
        .flat_map(|p| p.models.iter().map(move |m| format!("{}/{}", p.name, m.id)))
        .collect();
    let ids: Vec<String> = imagegen::models().map(|(_, m)| m.qualified_id()).collect();
    assert_eq!(ids, in_specs);
    for id in &ids {
        let (provider, model) = imagegen::find_model(id).expect("every listed model is found");
        assert_eq!(model.qualified_id(), *id);
        assert!(provider.model(model.info.id).is_some());
    }
    let (provider, model) = imagegen::find_model("vibedream/z-image-turbo").unwrap();
    assert_eq!(provider.info.name, "vibedream");
    let request = model
        .parse(Args::new().with("prompt", "p").with("seed", "7"))
        .unwrap();
    assert_eq!(request.model().id, "z-image-turbo");
    assert_eq!(
        request.to_json().unwrap(),
        serde_json::json!({"prompt": "p", "seed": 7})
    );
    let typed = request.downcast_ref::<z_image_turbo::Request>().unwrap();
    assert_eq!(typed.seed, Some(z_image_turbo::seed!(7)));
    assert!(imagegen::find_model("vibedream/no-such-model").is_none());
    assert!(imagegen::find_model("nobody/z-image-turbo").is_none());
}

#[test]
fn specs_mark_what_each_parameter_means() {
    let (_, model) = imagegen::find_model("gptproto/openai/gpt-image-2/text-to-image").unwrap();
    let meaning = |name: &str| model.info.parameter(name).unwrap().meaning;
    assert_eq!(meaning("prompt"), Some(Meaning::Prompt));
    assert_eq!(meaning("n"), Some(Meaning::Count));
    assert_eq!(meaning("size"), Some(Meaning::Size));
    assert_eq!(meaning("quality"), Some(Meaning::Quality));
    assert_eq!(meaning("response_format"), None);
    let size = model.info.parameter("size").unwrap();
    assert_eq!(size.size_separator, Some('x'));
    assert!(size.choices.contains(&"2048x1152"));
}
