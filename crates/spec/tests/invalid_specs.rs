//! Each class of invalid spec is rejected with a message naming the file, the
//! line and column of the offending text, and what was expected.
//!
//! Every case edits a valid base file and names where the error must point:
//! the line containing `line` and, in it, the column where `at` starts.

use std::fs;
use std::path::{Path, PathBuf};

use imagegen_spec::ir::Provider;
use imagegen_spec::{Diagnostics, parse_model, parse_provider};

const PROVIDER: &str = r#"name: acme
display_name: Acme
summary: A provider for tests.
sources: [test]
base_url: https://api.acme.test
base_url_env_var: ACME_BASE_URL
auth:
  header: Authorization
  scheme: Bearer
  env_var: ACME_API_KEY
protocol: flat_prediction_queue
endpoints:
  submit:
    method: POST
    path: /v1/{model}
  result:
    method: GET
    path: /v1/predictions/{id}
statuses:
  - value: running
  - value: done
    terminal: success
  - value: failed
    terminal: failure
responses:
  submit:
    type_name: Submitted
    fields:
      - name: id
        type: string
        required: true
        role: prediction_id
  result:
    type_name: Prediction
    fields:
      - name: id
        type: string
        required: true
        role: prediction_id
      - name: status
        type: string
        role: status
      - name: outputs
        type: string[]
        role: outputs
errors:
  - code: 429
    name: Too Many Requests
    kind: rate_limited
    description: Slow down.
examples:
  - description: A finished prediction.
    response: result
    body: {id: p1, status: done, outputs: ["https://cdn.acme.test/a.png"]}
"#;

const MODEL: &str = r#"id: painter
source: test
display_name: Painter
summary: Paints.
task: text-to-image
estimated_time: 1-3s
price: unknown
parameters:
  - name: prompt
    type: string
    required: true
    description: What to paint.
  - name: strength
    type: number
    default: 0.6
    minimum: 0
    maximum: 1
    step: 0.1
    description: How much.
  - name: size
    type: image_size
    separator: "*"
    default: 512*512
    enum: [512*512, 1024*1024]
    description: How big.
  - name: format
    type: string
    default: png
    enum: [png, jpeg]
    description: Which format.
  - name: seed
    type: integer
    minimum: -1
    maximum: 100
    description: Which seed.
examples:
  - description: A cat.
    body: {prompt: a cat, strength: 0.5}
"#;

/// `file:line:column` of `at` on the (unique) line containing `line`.
fn position(file: &str, text: &str, line: &str, at: &str) -> String {
    assert_eq!(
        text.lines().filter(|l| l.contains(line)).count(),
        1,
        "exactly one line must contain {line:?}"
    );
    nth_position(file, text, line, 0, at)
}

/// `file:line:column` of `at` on the `nth` (from 0) line containing `line`.
fn nth_position(file: &str, text: &str, line: &str, nth: usize, at: &str) -> String {
    let (index, content) = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(line))
        .nth(nth)
        .unwrap_or_else(|| panic!("no line {nth} contains {line:?}:\n{text}"));
    let column = content
        .find(at)
        .unwrap_or_else(|| panic!("{at:?} is not on line {content:?}"))
        + 1;
    format!("{file}:{}:{column}: ", index + 1)
}

fn edit(base: &str, from: &str, to: &str) -> String {
    assert_eq!(
        base.matches(from).count(),
        1,
        "{from:?} must occur once in the base"
    );
    base.replacen(from, to, 1)
}

fn base_provider() -> Provider {
    parse_provider(Path::new("acme/provider.yaml"), PROVIDER).unwrap_or_else(|d| panic!("{d}"))
}

fn assert_diagnostic(result: Diagnostics, expected_at: &str, message: &str) {
    let all = result.to_string();
    let found = result.iter().any(|d| {
        let text = d.to_string();
        text.starts_with(expected_at) && text.contains(message)
    });
    assert!(found, "expected `{expected_at}…{message}…` among:\n{all}");
}

fn model_error(yaml: &str, line: &str, at: &str, message: &str) {
    let file = "acme/painter.yaml";
    let error =
        parse_model(Path::new(file), yaml, &base_provider()).expect_err("the spec is invalid");
    assert_diagnostic(error, &position(file, yaml, line, at), message);
}

fn provider_error(yaml: &str, line: &str, at: &str, message: &str) {
    let file = "acme/provider.yaml";
    let error = parse_provider(Path::new(file), yaml).expect_err("the spec is invalid");
    assert_diagnostic(error, &position(file, yaml, line, at), message);
}

#[test]
fn the_bases_are_valid() {
    let provider = base_provider();
    let model = parse_model(Path::new("acme/painter.yaml"), MODEL, &provider)
        .unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(model.submit_path, "/v1/painter");
    assert_eq!(model.parameters.len(), 5);
}

// ---- shape errors, reported by serde_yaml at their position ----

#[test]
fn unknown_keys_are_errors() {
    let yaml = edit(MODEL, "    step: 0.1\n", "    step: 0.1\n    stepp: 2\n");
    model_error(
        &yaml,
        "stepp: 2",
        "stepp",
        "parameters[1]: unknown field `stepp`, expected one of `name`, `type`",
    );
    let yaml = edit(
        PROVIDER,
        "name: acme\n",
        "name: acme\nwebsite: https://acme.test\n",
    );
    provider_error(&yaml, "website:", "website", "unknown field `website`");
}

#[test]
fn unknown_parameter_types_name_the_allowed_ones() {
    let yaml = edit(MODEL, "    type: number\n", "    type: float\n");
    model_error(
        &yaml,
        "type: float",
        "float",
        "unknown variant `float`, expected one of `boolean`, `string`, `integer`, `number`, `image_url`, `image_size`",
    );
}

#[test]
fn unknown_protocols_name_the_three_known_ones() {
    let yaml = edit(
        PROVIDER,
        "protocol: flat_prediction_queue",
        "protocol: grpc",
    );
    provider_error(
        &yaml,
        "protocol: grpc",
        "grpc",
        "unknown variant `grpc`, expected one of `flat_prediction_queue`, `envelope_prediction_queue`, `openai_sync`",
    );
}

#[test]
fn wrong_value_types_and_yaml_syntax() {
    let yaml = edit(MODEL, "    required: true\n", "    required: yes\n");
    model_error(
        &yaml,
        "required: yes",
        "yes",
        "invalid type: string \"yes\", expected a boolean",
    );
    let yaml = edit(MODEL, "enum: [png, jpeg]", "enum: [png, jpeg");
    let error = parse_model(Path::new("acme/painter.yaml"), &yaml, &base_provider()).unwrap_err();
    assert!(
        error.to_string().starts_with("acme/painter.yaml:"),
        "{error}"
    );
    assert!(
        error.to_string().contains("did not find expected"),
        "{error}"
    );
}

// ---- semantic errors, located with the span index ----

#[test]
fn defaults_must_be_allowed_values() {
    let yaml = edit(MODEL, "default: 0.6", "default: 1.5");
    model_error(
        &yaml,
        "default: 1.5",
        "1.5",
        "`1.5` is above the maximum; `strength` allows a number from 0 to 1 in steps of 0.1",
    );
    let yaml = edit(MODEL, "default: 0.6", "default: 0.65");
    model_error(
        &yaml,
        "default: 0.65",
        "0.65",
        "`0.65` is not a whole number of steps",
    );
    let yaml = edit(MODEL, "default: png", "default: gif");
    model_error(
        &yaml,
        "default: gif",
        "gif",
        "`gif` is not one of the allowed values; `format` allows one of png, jpeg",
    );
    let yaml = edit(MODEL, "default: 512*512", "default: 2048*2048");
    model_error(
        &yaml,
        "default: 2048*2048",
        "2048*2048",
        "`2048*2048` is not one of the allowed values",
    );
    let yaml = edit(MODEL, "default: 0.6", "default: lots");
    model_error(
        &yaml,
        "default: lots",
        "lots",
        "`lots` is not a number in plain decimal notation",
    );
}

#[test]
fn steps_must_divide_the_range() {
    let yaml = edit(MODEL, "step: 0.1", "step: 0.3");
    model_error(
        &yaml,
        "step: 0.3",
        "0.3",
        "`step` 0.3 does not divide the range 0 to 1",
    );
    let yaml = edit(MODEL, "step: 0.1", "step: 0");
    model_error(&yaml, "step: 0", "0", "`step` must be greater than 0");
}

#[test]
fn ranges_must_be_ordered_and_integers_whole() {
    let yaml = edit(MODEL, "minimum: -1", "minimum: 200");
    model_error(
        &yaml,
        "minimum: 200",
        "200",
        "`minimum` 200 is greater than `maximum` 100",
    );
    let yaml = edit(MODEL, "maximum: 100", "maximum: 100.5");
    model_error(
        &yaml,
        "maximum: 100.5",
        "100.5",
        "`100.5` is not a whole number, as `maximum` of an integer must be",
    );
}

#[test]
fn duplicate_parameter_names() {
    let yaml = edit(MODEL, "  - name: format\n", "  - name: strength\n");
    let file = "acme/painter.yaml";
    let error = parse_model(Path::new(file), &yaml, &base_provider()).unwrap_err();
    assert_diagnostic(
        error,
        &nth_position(file, &yaml, "- name: strength", 1, "strength"),
        "parameter `strength` is already defined at parameters[1]",
    );
}

#[test]
fn a_required_parameter_cannot_have_a_default() {
    let yaml = edit(
        MODEL,
        "    required: true\n",
        "    required: true\n    default: a dog\n",
    );
    model_error(
        &yaml,
        "default: a dog",
        "a dog",
        "a required parameter cannot have a default",
    );
}

#[test]
fn attributes_must_fit_the_type() {
    let yaml = edit(
        MODEL,
        "    default: png\n",
        "    default: png\n    step: 1\n",
    );
    model_error(
        &yaml,
        "step: 1",
        "1",
        "`step` does not apply to a parameter of type `string`; it applies to: integer, number",
    );
    let yaml = edit(
        MODEL,
        "    maximum: 100\n",
        "    maximum: 100\n    fixed: 3\n",
    );
    model_error(
        &yaml,
        "fixed: 3",
        "3",
        "only `string` parameters can be fixed",
    );
}

#[test]
fn enumerations() {
    let yaml = edit(MODEL, "enum: [png, jpeg]", "enum: [png, png]");
    let file = "acme/painter.yaml";
    let error = parse_model(Path::new(file), &yaml, &base_provider()).unwrap_err();
    // The second `png`, the only one followed by `]`.
    assert_diagnostic(
        error,
        &position(file, &yaml, "enum: [png, png]", "png]"),
        "`png` is listed twice",
    );

    let yaml = edit(MODEL, "enum: [png, jpeg]", "enum: [png, \"1\"]");
    model_error(
        &yaml,
        "enum: [png, \"1\"]",
        "\"1\"",
        "`1` cannot be turned into a Rust variant name; name it in `variant_names`",
    );

    let yaml = edit(
        MODEL,
        "enum: [512*512, 1024*1024]",
        "enum: [512*512, 1024 by 1024]",
    );
    model_error(
        &yaml,
        "1024 by 1024",
        "1024 by",
        "`1024 by 1024` is neither a size written W*H nor a keyword such as `auto`",
    );

    // `1` and `1.0` are the same number on the wire.
    let yaml = edit(
        MODEL,
        "    step: 0.1\n",
        "    step: 0.1\n    enum: [0.5, 1, 1.0]\n",
    );
    let yaml = edit(&yaml, "    minimum: 0\n    maximum: 1\n", "");
    let yaml = edit(&yaml, "    step: 0.1\n", "");
    model_error(
        &yaml,
        "enum: [0.5, 1, 1.0]",
        "1.0",
        "`1.0` is listed twice (as the same number)",
    );
}

#[test]
fn custom_size_rules_must_admit_the_presets() {
    let yaml = edit(
        MODEL,
        "    description: How big.\n",
        "    description: How big.\n    custom: {multiple_of: 1000}\n",
    );
    model_error(
        &yaml,
        "enum: [512*512, 1024*1024]",
        "512*512",
        "preset `512*512` has a side that is not a multiple of the required unit by the `custom` rules",
    );
    let yaml = edit(
        MODEL,
        "    description: How big.\n",
        "    description: How big.\n    custom: {max_aspect_ratio: wide}\n",
    );
    model_error(
        &yaml,
        "max_aspect_ratio: wide",
        "wide",
        "`wide` is not an aspect ratio: expected `long:short`",
    );
}

#[test]
fn sentinels_must_be_allowed_values() {
    let yaml = edit(
        MODEL,
        "    maximum: 100\n",
        "    maximum: 100\n    sentinels:\n      - {value: -5, name: random, meaning: random}\n",
    );
    model_error(&yaml, "value: -5", "-5", "`-5` is below the minimum");
}

#[test]
fn rust_names_must_not_collide() {
    let yaml = edit(MODEL, "  - name: format\n", "  - name: request\n");
    model_error(
        &yaml,
        "name: request",
        "request",
        "the Rust type `Request` for `request` is already taken by the request; set `rust_name`",
    );
}

#[test]
fn examples_must_be_valid_requests() {
    let yaml = edit(
        MODEL,
        "{prompt: a cat, strength: 0.5}",
        "{prompt: a cat, strenght: 0.5}",
    );
    model_error(
        &yaml,
        "strenght",
        "strenght",
        "`strenght` is not a parameter of this model",
    );
    let yaml = edit(
        MODEL,
        "{prompt: a cat, strength: 0.5}",
        "{prompt: a cat, strength: 2}",
    );
    model_error(&yaml, "strength: 2}", "2}", "`2` is above the maximum");
    let yaml = edit(MODEL, "{prompt: a cat, strength: 0.5}", "{strength: 0.5}");
    model_error(
        &yaml,
        "{strength: 0.5}",
        "body",
        "required parameter `prompt` is missing",
    );
    let yaml = edit(
        MODEL,
        "{prompt: a cat, strength: 0.5}",
        "{prompt: a cat, strength: \"0.5\"}",
    );
    model_error(&yaml, "\"0.5\"", "\"0.5\"", "`\"0.5\"` is not a number");

    // An integer enumeration takes whole numbers only (`2.0` is one).
    let yaml = edit(
        MODEL,
        "    minimum: -1\n    maximum: 100\n",
        "    enum: [1, 2]\n",
    );
    let whole = edit(
        &yaml,
        "{prompt: a cat, strength: 0.5}",
        "{prompt: a cat, seed: 2.0}",
    );
    parse_model(Path::new("acme/painter.yaml"), &whole, &base_provider()).unwrap();
    let yaml = edit(
        &yaml,
        "{prompt: a cat, strength: 0.5}",
        "{prompt: a cat, seed: 1.5}",
    );
    model_error(&yaml, "seed: 1.5}", "1.5}", "`1.5` is not a whole number");

    // A size sent as an object takes its presets as strings, nothing else.
    let yaml = edit(
        MODEL,
        "    separator: \"*\"\n",
        "    separator: \"*\"\n    shape: object\n",
    );
    let yaml = edit(
        &yaml,
        "{prompt: a cat, strength: 0.5}",
        "{prompt: a cat, size: \"640*640\"}",
    );
    model_error(
        &yaml,
        "\"640*640\"",
        "\"640*640\"",
        "`640*640` is not one of the presets; a custom size is sent as {\"width\": W, \"height\": H}",
    );
}

#[test]
fn capabilities_must_name_parameters() {
    let yaml = edit(
        MODEL,
        "estimated_time: 1-3s\n",
        "estimated_time: 1-3s\nsync_mode: enable_sync\n",
    );
    model_error(
        &yaml,
        "sync_mode: enable_sync",
        "enable_sync",
        "there is no parameter `enable_sync`",
    );
    let yaml = edit(
        MODEL,
        "estimated_time: 1-3s\n",
        "estimated_time: 1-3s\nsync_mode: format\n",
    );
    model_error(
        &yaml,
        "sync_mode: format",
        "format",
        "`format` must be a settable boolean parameter",
    );
}

#[test]
fn metadata() {
    let yaml = edit(MODEL, "estimated_time: 1-3s", "estimated_time: quick");
    model_error(
        &yaml,
        "estimated_time: quick",
        "quick",
        "`quick` is not a time estimate: expected seconds as `1-3s` or `26s`",
    );
    let yaml = edit(MODEL, "id: painter", "id: my painter");
    model_error(
        &yaml,
        "id: my painter",
        "my painter",
        "`my painter` is not a model id",
    );
}

#[test]
fn a_submit_path_without_the_model_needs_a_fixed_model_parameter() {
    let provider_yaml = edit(PROVIDER, "path: /v1/{model}", "path: /v1/generate");
    let provider = parse_provider(Path::new("acme/provider.yaml"), &provider_yaml).unwrap();
    let file = "acme/painter.yaml";
    let error = parse_model(Path::new(file), MODEL, &provider).unwrap_err();
    assert_diagnostic(
        error,
        &position(file, MODEL, "parameters:", "parameters"),
        "does not name the model, so a parameter must be `fixed` to the model id `painter`",
    );
}

#[test]
fn base_urls_are_origins() {
    let yaml = edit(
        PROVIDER,
        "base_url: https://api.acme.test",
        "base_url: https://api.acme.test/v1",
    );
    provider_error(
        &yaml,
        "base_url: https",
        "https",
        "`https://api.acme.test/v1` is not an origin",
    );
    let yaml = edit(
        PROVIDER,
        "base_url: https://api.acme.test",
        "base_url: http://api.acme.test",
    );
    provider_error(
        &yaml,
        "base_url: http",
        "http",
        "is not an origin: expected `https://host` (or `http://` on loopback)",
    );
}

#[test]
fn queue_protocols_need_a_result_endpoint_with_an_id() {
    let yaml = edit(
        PROVIDER,
        "  result:\n    method: GET\n    path: /v1/predictions/{id}\n",
        "",
    );
    provider_error(
        &yaml,
        "endpoints:",
        "endpoints",
        "a prediction-queue provider needs a `result` endpoint to poll",
    );
    let yaml = edit(
        PROVIDER,
        "path: /v1/predictions/{id}",
        "path: /v1/predictions/latest",
    );
    provider_error(
        &yaml,
        "path: /v1/predictions/latest",
        "/v1",
        "must contain `{id}` once",
    );
    let yaml = edit(PROVIDER, "path: /v1/{model}", "path: /v1/{version}/{model}");
    provider_error(
        &yaml,
        "path: /v1/{version}",
        "/v1",
        "has an unknown placeholder",
    );
}

#[test]
fn statuses_need_both_terminal_outcomes_and_no_duplicates() {
    let yaml = edit(PROVIDER, "  - value: failed\n    terminal: failure\n", "");
    provider_error(
        &yaml,
        "statuses:",
        "statuses",
        "no status is marked `terminal: failure`",
    );
    let yaml = edit(PROVIDER, "  - value: failed\n", "  - value: done\n");
    let file = "acme/provider.yaml";
    let error = parse_provider(Path::new(file), &yaml).unwrap_err();
    assert_diagnostic(
        error,
        &nth_position(file, &yaml, "- value: done", 1, "done"),
        "status `done` is listed twice",
    );
}

#[test]
fn responses_need_the_roles_their_protocol_reads() {
    let yaml = edit(
        PROVIDER,
        "        type: string[]\n        role: outputs\n",
        "        type: string[]\n",
    );
    // `result:` under `responses:`, not the one under `endpoints:`.
    let file = "acme/provider.yaml";
    let error = parse_provider(Path::new(file), &yaml).unwrap_err();
    assert_diagnostic(
        error,
        &nth_position(file, &yaml, "  result:", 1, "result"),
        "responses.result: no field has `role: outputs`",
    );
    let yaml = edit(
        PROVIDER,
        "        type: string[]\n        role: outputs\n",
        "        type: string\n        role: outputs\n",
    );
    provider_error(
        &yaml,
        "role: outputs",
        "outputs",
        "`role: outputs` needs a field of type `string[]` or `object[]`",
    );
    let yaml = edit(
        PROVIDER,
        "      - name: outputs\n",
        "      - name: logs\n        type: object[]\n        type_name: Log\n        fields:\n          - {name: at, type: string, role: error}\n      - name: outputs\n",
    );
    provider_error(
        &yaml,
        "role: error}",
        "error}",
        "roles cannot be inside arrays",
    );
    let yaml = edit(
        PROVIDER,
        "      - name: outputs\n",
        "      - name: meta\n        type: object\n      - name: outputs\n",
    );
    provider_error(
        &yaml,
        "- name: meta",
        "name",
        "an `object` field needs `type_name` and `fields`",
    );
    let yaml = edit(
        PROVIDER,
        "    type_name: Prediction\n",
        "    type_name: Submitted\n",
    );
    let file = "acme/provider.yaml";
    let error = parse_provider(Path::new(file), &yaml).unwrap_err();
    assert_diagnostic(
        error,
        &nth_position(file, &yaml, "type_name: Submitted", 1, "Submitted"),
        "the type `Submitted` is already defined with different fields",
    );
}

#[test]
fn example_responses_must_match_the_documented_fields() {
    let yaml = edit(
        PROVIDER,
        "{id: p1, status: done,",
        "{id: p1, status: finished,",
    );
    provider_error(
        &yaml,
        "status: finished",
        "finished",
        "`finished` is not one of the documented statuses",
    );
    let yaml = edit(
        PROVIDER,
        "{id: p1, status: done,",
        "{id: p1, status: done, seconds: 3,",
    );
    provider_error(
        &yaml,
        "seconds: 3",
        "seconds",
        "`seconds` is not a documented field of `Prediction`: add it to the response's fields",
    );
    let yaml = edit(PROVIDER, "{id: p1, status: done,", "{status: done,");
    provider_error(
        &yaml,
        "{status: done,",
        "body",
        "required field `id` is missing",
    );
}

#[test]
fn errors_and_names() {
    let yaml = edit(
        PROVIDER,
        "    description: Slow down.\n",
        "    description: Slow down.\n  - code: 429\n    name: Again\n    kind: rate_limited\n    description: Twice.\n",
    );
    let file = "acme/provider.yaml";
    let error = parse_provider(Path::new(file), &yaml).unwrap_err();
    assert_diagnostic(
        error,
        &nth_position(file, &yaml, "- code: 429", 1, "429"),
        "HTTP status 429 is documented twice",
    );
    let yaml = edit(PROVIDER, "env_var: ACME_API_KEY", "env_var: acme_api_key");
    provider_error(
        &yaml,
        "env_var: acme",
        "acme",
        "`acme_api_key` is not an environment variable name",
    );
}

#[test]
fn module_names_the_crate_root_uses_are_reserved() {
    let yaml = edit(MODEL, "id: painter", "id: client");
    model_error(
        &yaml,
        "id: client",
        "client",
        "the module `client` is taken in the generated crate (provider, runtime, client, __core); set `rust_name` to another",
    );
}

#[test]
fn generated_variant_names_are_reserved() {
    let yaml = edit(
        PROVIDER,
        "  - value: running\n",
        "  - value: running\n  - value: unknown\n",
    );
    provider_error(
        &yaml,
        "value: unknown",
        "unknown",
        "`unknown` cannot be turned into a Rust variant name (`Unknown` is taken by undocumented statuses)",
    );
    let yaml = edit(
        MODEL,
        "enum: [512*512, 1024*1024]",
        "enum: [512*512, 1024*1024, custom]",
    );
    let yaml = edit(
        &yaml,
        "    description: How big.\n",
        "    description: How big.\n    custom: {multiple_of: 16}\n",
    );
    model_error(
        &yaml,
        "1024*1024, custom]",
        "custom]",
        "`custom` cannot be turned into a Rust variant name",
    );
}

#[test]
fn integers_in_examples_are_json_integers() {
    let yaml = edit(
        MODEL,
        "{prompt: a cat, strength: 0.5}",
        "{prompt: a cat, seed: 1.0}",
    );
    model_error(&yaml, "seed: 1.0", "1.0", "`1.0` is not an integer");
}

#[test]
fn numbers_stay_within_what_a_double_holds_exactly() {
    let yaml = edit(
        MODEL,
        "    maximum: 1\n    step: 0.1\n",
        "    maximum: 10000000000\n    step: 0.000001\n",
    );
    model_error(
        &yaml,
        "maximum: 10000000000",
        "10000000000",
        "more than the 2^53 a double sent on the wire holds exactly",
    );
}

#[test]
fn loopback_origins_may_use_http() {
    for origin in [
        "http://127.0.0.1:8080",
        "http://localhost",
        "http://[::1]:9000",
    ] {
        let yaml = edit(
            PROVIDER,
            "base_url: https://api.acme.test",
            &format!("base_url: {origin}"),
        );
        parse_provider(Path::new("acme/provider.yaml"), &yaml)
            .unwrap_or_else(|d| panic!("{origin}: {d}"));
    }
}

// ---- directory layout ----

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("imagegen-spec-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

#[test]
fn the_layout_is_checked_and_every_problem_reported_at_once() {
    let specs = scratch("layout");
    write(&specs.join("acme/provider.yaml"), PROVIDER);
    write(&specs.join("acme/painter.yaml"), MODEL);
    write(&specs.join("acme/tools/painter.yaml"), MODEL);
    write(
        &specs.join("acme/bad.yaml"),
        &edit(MODEL, "id: painter", "id: bad").replace("default: 0.6", "default: 7"),
    );
    write(&specs.join("acme/old.yml"), MODEL);
    write(&specs.join("stray.yaml"), MODEL);
    write(&specs.join("empty/README.md"), "nothing");
    write(
        &specs.join("renamed/provider.yaml"),
        &PROVIDER.replace("name: acme", "name: other"),
    );
    let error = imagegen_spec::load(&specs)
        .unwrap_err()
        .to_string()
        .replace(&format!("{}/", specs.display()), "");
    for expected in [
        "acme/bad.yaml:15:14: parameters[1].default: `7` is above the maximum",
        "acme/old.yml:1:1: spec files use the `.yaml` extension",
        "acme/tools/painter.yaml:1:1: the model id is `painter` but the file is at `tools/painter.yaml`",
        "empty:1:1: a provider directory needs a provider.yaml",
        "renamed/provider.yaml:1:1: the provider is named `other` but its directory is `renamed`",
        "stray.yaml:1:1: spec files belong in a provider directory",
    ] {
        assert!(
            error.contains(expected),
            "expected {expected:?} in:\n{error}"
        );
    }
    fs::remove_dir_all(&specs).unwrap();
}

#[test]
fn two_models_cannot_share_a_module() {
    let specs = scratch("modules");
    write(&specs.join("acme/provider.yaml"), PROVIDER);
    write(
        &specs.join("acme/a-b.yaml"),
        &MODEL.replace("id: painter", "id: a-b"),
    );
    write(
        &specs.join("acme/a_b.yaml"),
        &MODEL.replace("id: painter", "id: a_b"),
    );
    let error = imagegen_spec::load(&specs).unwrap_err().to_string();
    assert!(
        error.contains(
            "models `a-b` and `a_b` both become the Rust module `a_b`; set `rust_name` on one"
        ),
        "{error}"
    );
    fs::remove_dir_all(&specs).unwrap();
}

#[test]
fn meanings_must_fit_the_type() {
    let seed_on_a_number = edit(
        MODEL,
        "    type: number\n    default: 0.6\n",
        "    type: number\n    means: seed\n    default: 0.6\n",
    );
    model_error(
        &seed_on_a_number,
        "means: seed",
        "seed",
        "`means: seed` needs a parameter of type `integer` without `enum`, not `number`",
    );
    let format_on_an_integer = edit(
        MODEL,
        "    type: integer\n",
        "    type: integer\n    means: output_format\n",
    );
    model_error(
        &format_on_an_integer,
        "means: output_format",
        "output_format",
        "`means: output_format` needs a parameter of type `string` with `enum`, not `integer`",
    );
    let not_formats = edit(
        MODEL,
        "    enum: [png, jpeg]\n",
        "    enum: [png, jpeg]\n    means: output_format\n",
    )
    .replace(
        "default: png\n    enum: [png, jpeg]",
        "default: png\n    enum: [png, hd]",
    );
    model_error(
        &not_formats,
        "means: output_format",
        "output_format",
        "`hd` is not one",
    );
}

#[test]
fn a_second_parameter_with_the_same_meaning_names_the_first() {
    let yaml = edit(
        MODEL,
        "  - name: prompt\n    type: string\n",
        "  - name: prompt\n    type: string\n    means: prompt\n",
    )
    .replace(
        "  - name: format\n    type: string\n    default: png\n    enum: [png, jpeg]\n",
        "  - name: format\n    type: string\n    default: png\n    enum: [png, jpeg]\n    means: output_format\n",
    );
    let yaml = yaml.replace(
        "  - name: size\n    type: image_size\n",
        "  - name: size\n    type: image_size\n    means: size\n",
    );
    let with_second_prompt = yaml.replace(
        "parameters:\n",
        "parameters:\n  - name: text\n    type: string\n    means: prompt\n    description: Also what to paint.\n",
    );
    let file = "acme/painter.yaml";
    let error = parse_model(Path::new(file), &with_second_prompt, &base_provider()).unwrap_err();
    assert_diagnostic(
        error,
        &nth_position(file, &with_second_prompt, "means: prompt", 1, "prompt"),
        "`means: prompt` is already given to parameters[0]",
    );
}

#[test]
fn provider_names_the_umbrella_crate_exports_are_taken() {
    let yaml = edit(PROVIDER, "name: acme\n", "name: runtime\n");
    provider_error(
        &yaml,
        "name: runtime",
        "runtime",
        "`runtime` is taken: the `imagegen` crate exports each provider under its name",
    );
}

// ---- local images: the upload endpoint and masks ----

const UPLOAD: &str = r#"upload:
  method: POST
  path: /v1/uploads
  field: file
  max_bytes: 1000
  retention_days: 7
  billed: false
  source: test
  response:
    type_name: Uploaded
    fields:
      - name: url
        type: string
        role: upload_url
errors:"#;

const IMAGES: &str = r#"  - name: image
    type: image_url
    description: The image.
  - name: overlay
    type: image_url
    formats: [png]
    mask_for: image
    description: The mask.
  - name: strength"#;

#[test]
fn an_upload_endpoint_is_read_with_its_limit_and_url_role() {
    let yaml = edit(PROVIDER, "errors:", UPLOAD);
    let provider =
        parse_provider(Path::new("acme/provider.yaml"), &yaml).unwrap_or_else(|d| panic!("{d}"));
    let upload = provider.upload.as_ref().expect("the upload endpoint");
    assert_eq!(upload.endpoint.path, "/v1/uploads");
    assert_eq!((upload.field.as_str(), upload.max_bytes), ("file", 1000));
    assert_eq!((upload.retention_days, upload.billed), (Some(7), false));
    assert_eq!(upload.response, "Uploaded");
    assert!(provider.object_type("Uploaded").is_some());
    // Billed unless the spec says otherwise: never sent twice by default.
    let billed = edit(&yaml, "  billed: false\n", "");
    let provider = parse_provider(Path::new("acme/provider.yaml"), &billed).unwrap();
    assert!(provider.upload.unwrap().billed);
}

#[test]
fn an_upload_endpoint_needs_a_url_role_a_field_and_a_limit() {
    let yaml = edit(PROVIDER, "errors:", UPLOAD);
    let file = "acme/provider.yaml";
    let no_role = edit(&yaml, "        role: upload_url\n", "");
    let error = parse_provider(Path::new(file), &no_role).expect_err("no URL role");
    // `response:` of the upload, not of the examples further down.
    assert_diagnostic(
        error,
        &nth_position(file, &no_role, "  response:", 0, "response"),
        "no field has `role: upload_url`",
    );
    provider_error(
        &edit(&yaml, "  field: file", "  field: \"my file\""),
        "my file",
        "\"my file\"",
        "is not a form field name",
    );
    provider_error(
        &edit(&yaml, "max_bytes: 1000", "max_bytes: 0"),
        "max_bytes",
        "0",
        "the limit must be above 0 bytes",
    );
    provider_error(
        &edit(&yaml, "  path: /v1/uploads", "  path: /v1/uploads/{id}"),
        "/v1/uploads/{id}",
        "/v1/uploads",
        "cannot contain `{id}`",
    );
    // A prediction's roles have no place in an upload's answer, and the
    // other way round.
    provider_error(
        &edit(
            &yaml,
            "        role: upload_url",
            "        role: upload_url\n      - name: poll\n        type: string\n        role: status_url",
        ),
        "role: status_url",
        "status_url",
        "does not apply to an upload's answer",
    );
}

#[test]
fn a_mask_names_an_image_of_its_model_and_is_a_png() {
    let yaml = edit(MODEL, "  - name: strength", IMAGES);
    let model = parse_model(Path::new("acme/painter.yaml"), &yaml, &base_provider())
        .unwrap_or_else(|d| panic!("{d}"));
    assert!(model.parameter("overlay").is_some());
    model_error(
        &edit(&yaml, "mask_for: image", "mask_for: picture"),
        "mask_for",
        "picture",
        "no parameter is named `picture`; the model's other image parameters: image",
    );
    model_error(
        &edit(&yaml, "mask_for: image", "mask_for: strength"),
        "mask_for",
        "strength",
        "`strength` is not an `image_url` parameter",
    );
    model_error(
        &edit(&yaml, "mask_for: image", "mask_for: overlay"),
        "mask_for",
        "overlay",
        "a mask cannot mask itself",
    );
    model_error(
        &edit(&yaml, "formats: [png]", "formats: [png, jpeg]"),
        "formats: [png, jpeg]",
        "formats",
        "its `formats` can only be [png]",
    );
    model_error(
        &edit(
            MODEL,
            "    step: 0.1\n",
            "    step: 0.1\n    data_uri: true\n",
        ),
        "data_uri",
        "true",
        "`data_uri` does not apply to a parameter of type `number`",
    );
}

// ---- prices ----

/// The base with `price: unknown` replaced by `price`.
fn priced(price: &str) -> String {
    edit(MODEL, "price: unknown\n", price)
}

#[test]
fn a_price_is_required_and_unknown_is_said_so() {
    let yaml = edit(MODEL, "price: unknown\n", "");
    let error =
        parse_model(Path::new("acme/painter.yaml"), &yaml, &base_provider()).expect_err("no price");
    assert!(
        error.to_string().contains("missing field `price`"),
        "{error}"
    );
    let model = parse_model(Path::new("acme/painter.yaml"), MODEL, &base_provider())
        .unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(model.price, None);
}

#[test]
fn documented_prices_are_checked() {
    let ok = priced(
        "price:\n  currency: USD\n  per: image\n  amount: 0.012\n  source: Per image $0.012\n",
    );
    let model = parse_model(Path::new("acme/painter.yaml"), &ok, &base_provider())
        .unwrap_or_else(|d| panic!("{d}"));
    let price = model.price.expect("a price");
    assert_eq!(
        price.table,
        imagegen_spec::ir::PriceTable::Flat(imagegen_spec::ir::Amount::new(12, 3))
    );
    let yaml =
        priced("price:\n  currency: usd\n  per: image\n  amount: 0.012\n  source: Per image\n");
    model_error(&yaml, "currency: usd", "usd", "is not a currency code");
    let yaml = priced("price:\n  currency: USD\n  per: image\n  amount: -1\n  source: Per image\n");
    model_error(&yaml, "amount: -1", "-1", "is not a price");
    let yaml = priced(
        "price:\n  currency: USD\n  per: image\n  amount: 0.0000000001\n  source: Per image\n",
    );
    model_error(
        &yaml,
        "amount: 0.0000000001",
        "0.0",
        "at most nine decimal places",
    );
    let yaml = priced("price:\n  currency: USD\n  per: image\n  source: Per image\n");
    model_error(
        &yaml,
        "price:",
        "price",
        "a documented price needs `amount`",
    );
}

#[test]
fn prices_by_a_parameter_name_its_values() {
    let by = |rows: &str| {
        priced(&format!(
            "price:\n  currency: USD\n  per: image\n  by: size\n  amounts:\n{rows}  source: By size\n"
        ))
    };
    let ok = by("    512*512: 0.01\n    1024*1024: 0.03\n");
    let model = parse_model(Path::new("acme/painter.yaml"), &ok, &base_provider())
        .unwrap_or_else(|d| panic!("{d}"));
    let Some(imagegen_spec::ir::PriceTable::By { parameter, amounts }) =
        model.price.map(|p| p.table)
    else {
        panic!("a price by size");
    };
    assert_eq!(parameter, "size");
    // The page's order, not sorted as text.
    assert_eq!(amounts[0].0, "512*512");
    assert_eq!(amounts[1].0, "1024*1024");
    let yaml = by("    512*512: 0.01\n    2048*2048: 0.03\n");
    model_error(
        &yaml,
        "2048*2048: 0.03",
        "2048",
        "a priced value must be one `size` takes",
    );
    let yaml = edit(&by("    512*512: 0.01\n"), "by: size", "by: strength");
    model_error(
        &yaml,
        "by: strength",
        "strength",
        "whose values can be listed",
    );
    let yaml = edit(&by("    512*512: 0.01\n"), "by: size", "by: sizes");
    model_error(&yaml, "by: sizes", "sizes", "there is no parameter `sizes`");
}

#[test]
fn width_needs_height() {
    let yaml = edit(
        MODEL,
        "  - name: seed\n    type: integer\n",
        "  - name: width\n    means: width\n    type: integer\n    description: Wide.\n  - name: seed\n    type: integer\n",
    );
    model_error(
        &yaml,
        "means: width",
        "width",
        "needs another parameter with `means: height`",
    );
    let yaml = edit(
        MODEL,
        "  - name: format\n    type: string\n",
        "  - name: format\n    means: width\n    type: string\n",
    );
    model_error(&yaml, "means: width", "width", "`integer`");
}

#[test]
fn an_image_size_may_be_custom_only() {
    let yaml = edit(
        MODEL,
        "    default: 512*512\n    enum: [512*512, 1024*1024]\n",
        "    default: 512*512\n    custom: {min_edge: 256, max_edge: 1536}\n",
    );
    parse_model(Path::new("acme/painter.yaml"), &yaml, &base_provider())
        .unwrap_or_else(|d| panic!("{d}"));
    let yaml = edit(
        MODEL,
        "    default: 512*512\n    enum: [512*512, 1024*1024]\n",
        "    default: 512*512\n",
    );
    model_error(&yaml, "  - name: size", "name", "needs `enum`");
}
