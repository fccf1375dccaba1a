//! What a response says about a prediction at a given moment: the status
//! value the provider uses for that stage, the outputs (URLs on the assets
//! origin, or base64), the error, the status URL.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::catalog::ProviderApi;
use crate::faults::Fault;
use crate::images::{ImageKey, extension};
use crate::predictions::{Phase, Prediction};
use crate::respond::errors::ApiError;
use crate::respond::fill::{Output, View};
use crate::state::State;
use crate::submit::unknown_status;

impl Report {
    /// The response view of this report, with the faults that change what a
    /// response says (an undocumented status, a status URL elsewhere) applied.
    pub(crate) fn view<'a>(
        self,
        state: &State,
        api: &'a ProviderApi,
        model: &'a imagegen_spec::ir::Model,
        prediction: &'a Prediction,
        faults: &[Fault],
        http_status: u16,
    ) -> View<'a> {
        View {
            api,
            model,
            prediction,
            status: unknown_status(faults).map_or(self.status, str::to_owned),
            outputs: self.outputs,
            error: self.error,
            status_url: status_url(
                state,
                api,
                &prediction.id,
                faults.contains(&Fault::ForeignStatusUrl),
            ),
            ended: self.ended,
            http_status,
            held: true,
            envelope: None,
        }
    }
}

/// A prediction as one response reports it.
#[derive(Debug)]
pub(crate) struct Report {
    pub(crate) status: String,
    pub(crate) outputs: Option<Vec<Output>>,
    pub(crate) error: Option<String>,
    pub(crate) ended: bool,
}

/// Which stage a response reports, as far as the status value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// The answer to the submission (`created` on WaveSpeed).
    Accepted,
    /// Anything later (`processing` while it runs).
    Later,
}

/// The report of `prediction` in `phase`. Outputs are made only when
/// `with_outputs` (gptproto's sync mode answers without them); `data_uri`
/// sends base64 outputs as `data:` URIs.
pub(crate) async fn report(
    state: &State,
    api: &ProviderApi,
    prediction: &Prediction,
    phase: &Phase,
    stage: Stage,
    with_outputs: bool,
    data_uri: bool,
) -> Result<Report, ApiError> {
    let status = |value: &Option<String>| value.clone().unwrap_or_default();
    Ok(match phase {
        Phase::Running => Report {
            status: match stage {
                Stage::Accepted => status(&api.accepted_status),
                Stage::Later => status(&api.running_status),
            },
            outputs: None,
            error: None,
            ended: false,
        },
        Phase::Succeeded => Report {
            status: status(&api.succeeded_status),
            outputs: if with_outputs {
                Some(outputs(state, prediction, data_uri).await?)
            } else {
                None
            },
            error: None,
            ended: true,
        },
        Phase::Failed(message) => Report {
            status: status(&api.failed_status),
            outputs: None,
            error: Some(message.clone()),
            ended: true,
        },
    })
}

/// The outputs of a succeeded prediction: download URLs on the assets origin,
/// or the images themselves in base64 where the request asked for that.
pub(crate) async fn outputs(
    state: &State,
    prediction: &Prediction,
    data_uri: bool,
) -> Result<Vec<Output>, ApiError> {
    let plan = &prediction.plan;
    let mut outputs = Vec::with_capacity(plan.count as usize);
    for index in 0..plan.count {
        if plan.base64 {
            let key = ImageKey::new(plan, &prediction.prompt, index);
            let bytes = state
                .images
                .get(&key)
                .await
                .map_err(|message| ApiError::new(500, None, message))?;
            let encoded = STANDARD.encode(&bytes);
            outputs.push(Output::Base64(if data_uri {
                format!("data:{};base64,{encoded}", plan.format.to_mime_type())
            } else {
                encoded
            }));
        } else {
            outputs.push(Output::Url(output_url(state, prediction, index)));
        }
    }
    Ok(outputs)
}

/// `http://127.0.0.1:ASSETS/outputs/<id>/<index>.<ext>`.
pub(crate) fn output_url(state: &State, prediction: &Prediction, index: u32) -> String {
    format!(
        "{}/outputs/{}/{index}.{}",
        state.assets_origin,
        prediction.id,
        extension(prediction.plan.format)
    )
}

/// The full URL to poll prediction `id`: on the API origin under the
/// provider's prefix, or on the assets origin for [`ForeignStatusUrl`].
///
/// [`ForeignStatusUrl`]: crate::Fault::ForeignStatusUrl
pub(crate) fn status_url(
    state: &State,
    api: &ProviderApi,
    id: &str,
    foreign: bool,
) -> Option<String> {
    let origin = if foreign {
        &state.assets_origin
    } else {
        &state.api_origin
    };
    api.result_path(id)
        .map(|path| format!("{origin}/{}{path}", api.name()))
}
