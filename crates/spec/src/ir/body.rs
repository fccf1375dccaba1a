//! Checking a request body against a model's parameter table, as the
//! provider's API does before accepting a request.
//!
//! The emulator answers a bad request with the provider's 400 error; these
//! checks are what decides it. They reuse the checker's own value rules
//! (`interpret_json`, `admit`), which reuse the runtime's, so a body is
//! accepted here exactly when the generated request types could have sent it:
//! requests are lenient nowhere.

use std::fmt;

use crate::check::{admit, interpret_json};

use super::{Model, Param};

/// Why a request body was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BodyProblem {
    /// The body is not a JSON object.
    NotAnObject,
    /// A key that is not one of the model's parameters.
    Unknown,
    /// A required (or fixed, hence always sent) parameter is absent.
    Missing,
    /// A fixed parameter holds another value than the one it is fixed to.
    FixedMismatch,
    /// The JSON type is wrong (`"0.6"` for a number, `null`, `1.5` for an integer).
    WrongType,
    /// The value has the right type but is outside what the parameter allows.
    NotAllowed,
}

/// One problem with a request body: which parameter, the value sent, and what
/// the parameter allows, with a message saying all three.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyError {
    /// The parameter (or unknown key); `None` when the body is not an object.
    pub parameter: Option<String>,
    /// The value sent, if one was.
    pub value: Option<serde_json::Value>,
    /// What is wrong.
    pub problem: BodyProblem,
    /// What would have been accepted, in words (`one of jpeg, png, webp`).
    pub allowed: String,
    /// A sentence naming the parameter, the value and what is allowed.
    pub message: String,
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BodyError {}

impl Model {
    /// Checks a request body: an object whose keys are this model's parameters,
    /// each holding a value of the parameter's JSON type that its rules admit,
    /// with every required and fixed parameter present and fixed ones at their
    /// value. Returns every problem, keys in body order, then missing parameters
    /// in documented order.
    pub fn check_body(&self, body: &serde_json::Value) -> Result<(), Vec<BodyError>> {
        let Some(object) = body.as_object() else {
            return Err(vec![BodyError {
                parameter: None,
                value: Some(body.clone()),
                problem: BodyProblem::NotAnObject,
                allowed: format!("an object with the parameters {}", self.parameter_list()),
                message: format!(
                    "the request body must be a JSON object of parameters, not {}; `{}` takes {}",
                    json_kind(body),
                    self.id,
                    self.parameter_list()
                ),
            }]);
        };
        let mut errors = Vec::new();
        for (key, json) in object {
            match self.parameter(key) {
                None => errors.push(BodyError {
                    parameter: Some(key.clone()),
                    value: Some(json.clone()),
                    problem: BodyProblem::Unknown,
                    allowed: format!("one of {}", self.parameter_list()),
                    message: format!(
                        "`{key}` is not a parameter of `{}`; its parameters are {}",
                        self.id,
                        self.parameter_list()
                    ),
                }),
                Some(param) => {
                    if let Err(error) = check_value(param, json) {
                        errors.push(error);
                    }
                }
            }
        }
        for param in &self.parameters {
            if (param.required || param.fixed.is_some()) && !object.contains_key(&param.name) {
                let allowed = param.allowed();
                let message = match &param.fixed {
                    Some(fixed) => format!(
                        "parameter `{}` is missing; it must be sent as `{}`",
                        param.name,
                        fixed.to_wire_text()
                    ),
                    None => format!(
                        "required parameter `{}` is missing; `{}` allows {allowed}",
                        param.name, param.name
                    ),
                };
                errors.push(BodyError {
                    parameter: Some(param.name.clone()),
                    value: None,
                    problem: BodyProblem::Missing,
                    allowed,
                    message,
                });
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Checks one parameter's value as [`check_body`](Self::check_body) does.
    pub fn check_parameter(
        &self,
        param: &Param,
        json: &serde_json::Value,
    ) -> Result<(), BodyError> {
        check_value(param, json)
    }

    /// `prompt, size, quality`: the wire names, in documented order.
    fn parameter_list(&self) -> String {
        let names: Vec<&str> = self.parameters.iter().map(|p| p.name.as_str()).collect();
        names.join(", ")
    }
}

/// One parameter's value: fixed value first (its message is the clearest),
/// then the JSON type, then the parameter's rules.
fn check_value(param: &Param, json: &serde_json::Value) -> Result<(), BodyError> {
    let error = |problem, message: String| BodyError {
        parameter: Some(param.name.clone()),
        value: Some(json.clone()),
        problem,
        allowed: param.allowed(),
        message,
    };
    if let Some(fixed) = &param.fixed {
        if *json == fixed.to_json() {
            return Ok(());
        }
        return Err(error(
            BodyProblem::FixedMismatch,
            format!(
                "`{}` is not allowed for `{}`; it must be `{}`",
                wire_text(json),
                param.name,
                fixed.to_wire_text()
            ),
        ));
    }
    let value = interpret_json(&param.kind, json).map_err(|reason| {
        error(
            BodyProblem::WrongType,
            format!("{reason}; `{}` allows {}", param.name, param.allowed()),
        )
    })?;
    admit(param, &value).map_err(|message| error(BodyProblem::NotAllowed, message))
}

/// A JSON value as the documentation would write it: text without quotes.
fn wire_text(json: &serde_json::Value) -> String {
    match json {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn json_kind(json: &serde_json::Value) -> &'static str {
    match json {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use super::*;
    use crate::ir::SpecSet;

    fn specs() -> SpecSet {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
        crate::load(&dir).unwrap_or_else(|d| panic!("the repository's specs do not load:\n{d}"))
    }

    fn model(set: &SpecSet, provider: &str, id: &str) -> Model {
        set.providers
            .iter()
            .find(|p| p.name == provider)
            .and_then(|p| p.models.iter().find(|m| m.id == id))
            .cloned()
            .unwrap_or_else(|| panic!("{provider}/{id} is not in the specs"))
    }

    fn only_error(model: &Model, body: serde_json::Value) -> BodyError {
        let mut errors = model
            .check_body(&body)
            .expect_err("the body should be refused");
        assert_eq!(errors.len(), 1, "{errors:?}");
        errors.remove(0)
    }

    #[test]
    fn every_documented_complete_example_is_accepted() {
        let set = specs();
        for provider in &set.providers {
            for model in &provider.models {
                for example in model.examples.iter().filter(|e| !e.partial) {
                    let body = serde_json::Value::Object(example.body.clone());
                    assert_eq!(model.check_body(&body), Ok(()), "{}: {body}", model.id);
                }
            }
        }
    }

    #[test]
    fn unknown_parameter_names_the_key_and_the_parameters() {
        let set = specs();
        let z = model(&set, "vibedream", "z-image-turbo");
        let error = only_error(&z, json!({"prompt": "a cat", "steps": 4}));
        assert_eq!(error.problem, BodyProblem::Unknown);
        assert_eq!(error.parameter.as_deref(), Some("steps"));
        assert_eq!(
            error.message,
            "`steps` is not a parameter of `z-image-turbo`; its parameters are prompt, image, size, strength, seed, output_format"
        );
    }

    #[test]
    fn missing_required_and_fixed_parameters() {
        let set = specs();
        let z = model(&set, "vibedream", "z-image-turbo");
        let error = only_error(&z, json!({"size": "512*512"}));
        assert_eq!(error.problem, BodyProblem::Missing);
        assert_eq!(error.parameter.as_deref(), Some("prompt"));
        assert_eq!(
            error.message,
            "required parameter `prompt` is missing; `prompt` allows any text"
        );

        let aiml = model(&set, "aimlapi", "openai/gpt-image-1");
        let error = only_error(&aiml, json!({"prompt": "a cat"}));
        assert_eq!(error.problem, BodyProblem::Missing);
        assert_eq!(
            error.message,
            "parameter `model` is missing; it must be sent as `openai/gpt-image-1`"
        );
    }

    #[test]
    fn fixed_value_mismatch() {
        let set = specs();
        let aiml = model(&set, "aimlapi", "openai/gpt-image-1");
        let error = only_error(&aiml, json!({"prompt": "a cat", "model": "dall-e-3"}));
        assert_eq!(error.problem, BodyProblem::FixedMismatch);
        assert_eq!(error.allowed, "always openai/gpt-image-1");
        assert_eq!(
            error.message,
            "`dall-e-3` is not allowed for `model`; it must be `openai/gpt-image-1`"
        );
    }

    #[test]
    fn wrong_json_types() {
        let set = specs();
        let z = model(&set, "vibedream", "z-image-turbo");
        let error = only_error(&z, json!({"prompt": "a cat", "strength": "0.6"}));
        assert_eq!(error.problem, BodyProblem::WrongType);
        assert_eq!(
            error.message,
            "`\"0.6\"` is not a number; `strength` allows a number from 0 to 1 in steps of 0.1"
        );
        let error = only_error(&z, json!({"prompt": "a cat", "seed": 1.5}));
        assert_eq!(error.problem, BodyProblem::WrongType);
        assert_eq!(error.parameter.as_deref(), Some("seed"));
        let error = only_error(&z, json!({"prompt": null}));
        assert_eq!(error.problem, BodyProblem::WrongType);
        assert_eq!(error.value, Some(serde_json::Value::Null));

        let error = only_error(&z, json!(["a cat"]));
        assert_eq!(error.problem, BodyProblem::NotAnObject);
        assert_eq!(error.parameter, None);
        assert!(error.message.contains("not an array"), "{}", error.message);
    }

    #[test]
    fn out_of_range_off_step_and_not_in_enum() {
        let set = specs();
        let z = model(&set, "vibedream", "z-image-turbo");
        let error = only_error(&z, json!({"prompt": "a cat", "strength": 1.5}));
        assert_eq!(error.problem, BodyProblem::NotAllowed);
        assert_eq!(
            error.message,
            "`1.5` is above the maximum; `strength` allows a number from 0 to 1 in steps of 0.1"
        );
        let error = only_error(&z, json!({"prompt": "a cat", "strength": 0.65}));
        assert!(error.message.contains("not a whole number of steps"));
        let error = only_error(&z, json!({"prompt": "a cat", "seed": -2}));
        assert!(
            error.message.contains("below the minimum"),
            "{}",
            error.message
        );
        let error = only_error(&z, json!({"prompt": "a cat", "size": "1024x1024"}));
        assert_eq!(error.problem, BodyProblem::NotAllowed);
        assert_eq!(error.parameter.as_deref(), Some("size"));
        assert!(
            error
                .message
                .starts_with("`1024x1024` is not one of the allowed values")
        );
        assert!(error.allowed.contains("1024*1024"), "{}", error.allowed);
    }

    #[test]
    fn custom_sizes_follow_the_documented_rules() {
        let set = specs();
        let two = model(&set, "gptproto", "openai/gpt-image-2/text-to-image");
        assert_eq!(
            two.check_body(&json!({"prompt": "a cat", "size": "1920x1088"})),
            Ok(())
        );
        let error = only_error(&two, json!({"prompt": "a cat", "size": "1000x1000"}));
        assert_eq!(error.problem, BodyProblem::NotAllowed);
        assert!(error.message.contains("multiple"), "{}", error.message);
        let one = model(&set, "gptproto", "openai/gpt-image-1/text-to-image");
        let error = only_error(&one, json!({"prompt": "a cat", "size": "1920x1088"}));
        assert_eq!(error.problem, BodyProblem::NotAllowed);
    }

    #[test]
    fn every_problem_is_reported() {
        let set = specs();
        let z = model(&set, "vibedream", "z-image-turbo");
        let errors = z
            .check_body(&json!({"strength": 2, "colour": "red"}))
            .expect_err("refused");
        let problems: Vec<_> = errors.iter().map(|e| e.problem).collect();
        assert_eq!(
            problems,
            [
                BodyProblem::Unknown,
                BodyProblem::NotAllowed,
                BodyProblem::Missing
            ]
        );
    }
}
