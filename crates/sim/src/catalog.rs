//! What the emulator reads off each provider's spec once, at start: its
//! routes, the status values it reports at each stage, the shape of its
//! errors. Everything provider-specific the emulator does comes from here.

use imagegen_spec::ir::{
    FieldType, Method, Model, ObjectType, Outcome, Protocol, Provider, Role, SpecSet,
};

/// Every provider the emulator speaks.
#[derive(Debug)]
pub(crate) struct Catalog {
    pub(crate) providers: Vec<ProviderApi>,
}

impl Catalog {
    pub(crate) fn new(specs: SpecSet) -> Self {
        Self {
            providers: specs.providers.into_iter().map(ProviderApi::new).collect(),
        }
    }

    /// The provider served under `/<name>`.
    pub(crate) fn provider(&self, name: &str) -> Option<&ProviderApi> {
        self.providers.iter().find(|p| p.spec.name == name)
    }
}

/// One provider, with what its spec implies precomputed.
#[derive(Debug)]
pub(crate) struct ProviderApi {
    pub(crate) spec: Provider,
    /// Reported when a prediction is accepted (`created` on WaveSpeed).
    pub(crate) accepted_status: Option<String>,
    /// Reported while it runs (`processing`).
    pub(crate) running_status: Option<String>,
    /// Reported when it succeeded (`completed`).
    pub(crate) succeeded_status: Option<String>,
    /// Reported when it failed (`failed`).
    pub(crate) failed_status: Option<String>,
    /// How errors are answered.
    pub(crate) error_shape: ErrorShape,
    /// The result endpoint's path around `{id}`.
    result_route: Option<(String, String)>,
}

/// The body of an error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ErrorShape {
    /// The provider wraps everything in an envelope whose code and message
    /// fields carry the `envelope_code` / `envelope_message` roles:
    /// `{"code": 401, "message": "..."}` under the spec's own field names.
    Envelope { code: String, message: String },
    /// No envelope and no documented error body (vibedream's 000/004 list no
    /// error codes; aimlapi's 003 "describes errors only by category"): the
    /// OpenAI error object, `{"error": {"message", "type", "param", "code"}}`,
    /// which aimlapi's OpenAI-compatible API mirrors and OpenAI's SDKs read.
    OpenAi,
}

impl ProviderApi {
    fn new(spec: Provider) -> Self {
        let running: Vec<&str> = spec
            .statuses
            .iter()
            .filter(|s| s.outcome.is_none())
            .map(|s| s.value.as_str())
            .collect();
        let ending = |outcome: Outcome| {
            spec.statuses
                .iter()
                .find(|s| s.outcome == Some(outcome))
                .map(|s| s.value.clone())
        };
        let error_shape = envelope_fields(&spec).map_or(ErrorShape::OpenAi, |(code, message)| {
            ErrorShape::Envelope { code, message }
        });
        let result_route = spec.result.as_ref().and_then(|endpoint| {
            let (before, after) = endpoint.path.split_once("{id}")?;
            Some((before.to_owned(), after.to_owned()))
        });
        Self {
            accepted_status: running.first().map(|s| (*s).to_owned()),
            running_status: running.last().map(|s| (*s).to_owned()),
            succeeded_status: ending(Outcome::Success),
            failed_status: ending(Outcome::Failure),
            error_shape,
            result_route,
            spec,
        }
    }

    /// The provider's name, its path prefix on the API listener.
    pub(crate) fn name(&self) -> &str {
        &self.spec.name
    }

    /// Whether predictions are queued and polled (else the submit call
    /// answers with the outputs itself).
    pub(crate) fn is_queue(&self) -> bool {
        self.spec.protocol != Protocol::OpenaiSync
    }

    /// The models submitted at `path` (below the provider prefix) with `method`.
    /// Usually one; several when models share a path and are told apart by a
    /// fixed body parameter (`model` on aimlapi).
    pub(crate) fn models_at(&self, method: &http::Method, path: &str) -> Vec<&Model> {
        if !method_is(method, self.spec.submit.method) {
            return Vec::new();
        }
        self.spec
            .models
            .iter()
            .filter(|m| m.submit_path == path)
            .collect()
    }

    /// Whether some model is submitted at `path`, whatever the method.
    pub(crate) fn is_submit_path(&self, path: &str) -> bool {
        self.spec.models.iter().any(|m| m.submit_path == path)
    }

    /// The prediction id in a result path (`/api/v1/predictions/{id}`).
    pub(crate) fn result_id<'p>(&self, path: &'p str) -> Option<&'p str> {
        let (before, after) = self.result_route.as_ref()?;
        let id = path
            .strip_prefix(before.as_str())?
            .strip_suffix(after.as_str())?;
        (!id.is_empty() && !id.contains('/')).then_some(id)
    }

    /// Whether `method` is the result endpoint's.
    pub(crate) fn is_result_method(&self, method: &http::Method) -> bool {
        self.spec
            .result
            .as_ref()
            .is_some_and(|endpoint| method_is(method, endpoint.method))
    }

    /// The result path of prediction `id` (below the provider prefix).
    pub(crate) fn result_path(&self, id: &str) -> Option<String> {
        let (before, after) = self.result_route.as_ref()?;
        Some(format!("{before}{id}{after}"))
    }

    /// Whether `path` (below the provider prefix) is the upload endpoint's,
    /// whatever the method.
    pub(crate) fn is_upload_path(&self, path: &str) -> bool {
        self.spec
            .upload
            .as_ref()
            .is_some_and(|upload| upload.endpoint.path == path)
    }

    /// Whether `method` is the upload endpoint's.
    pub(crate) fn is_upload_method(&self, method: &http::Method) -> bool {
        self.spec
            .upload
            .as_ref()
            .is_some_and(|upload| method_is(method, upload.endpoint.method))
    }

    /// The type answering an upload.
    pub(crate) fn upload_type(&self) -> Option<&ObjectType> {
        let upload = self.spec.upload.as_ref()?;
        self.spec.object_type(&upload.response)
    }

    /// The HTTP status of a successful submission (`201` on aimlapi).
    pub(crate) fn submit_success(&self) -> u16 {
        self.spec.submit.success_status.unwrap_or(200)
    }

    /// The HTTP status of a successful poll.
    pub(crate) fn result_success(&self) -> u16 {
        self.spec
            .result
            .as_ref()
            .and_then(|endpoint| endpoint.success_status)
            .unwrap_or(200)
    }

    /// The type answering a submission.
    pub(crate) fn submit_type(&self) -> Option<&ObjectType> {
        self.spec.object_type(&self.spec.submit_response)
    }

    /// The type answering a poll.
    pub(crate) fn result_type(&self) -> Option<&ObjectType> {
        self.spec
            .result_response
            .as_deref()
            .and_then(|name| self.spec.object_type(name))
    }

    /// Whether some field of `object`, at any depth, has `role`.
    pub(crate) fn has_role(&self, object: &ObjectType, role: Role) -> bool {
        object.fields.iter().any(|field| {
            field.role == Some(role)
                || object_of(&field.ty)
                    .and_then(|name| self.spec.object_type(name))
                    .is_some_and(|inner| self.has_role(inner, role))
        })
    }
}

/// The object type a field holds, directly or as array items.
pub(crate) fn object_of(ty: &FieldType) -> Option<&str> {
    match ty {
        FieldType::Object(name) => Some(name),
        FieldType::Array(inner) => object_of(inner),
        _ => None,
    }
}

fn method_is(method: &http::Method, spec: Method) -> bool {
    match spec {
        Method::Get => method == http::Method::GET,
        Method::Post => method == http::Method::POST,
    }
}

/// The names of the submit response's top-level `envelope_code` and
/// `envelope_message` fields, when it has both.
fn envelope_fields(spec: &Provider) -> Option<(String, String)> {
    let submit = spec.object_type(&spec.submit_response)?;
    let named = |role: Role| {
        submit
            .fields
            .iter()
            .find(|f| f.role == Some(role))
            .map(|f| f.name.clone())
    };
    Some((named(Role::EnvelopeCode)?, named(Role::EnvelopeMessage)?))
}
