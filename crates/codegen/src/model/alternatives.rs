//! For an image parameter whose provider cannot take a local file: the
//! models of other providers that can, so the refusal can name one.

use imagegen_spec::ir::{Param, ParamKind, Provider};

/// Whether a local file given for `param` can reach `provider`: uploaded,
/// or inline as a `data:` URI.
pub(crate) fn takes_local_files(provider: &Provider, param: &Param) -> bool {
    match &param.kind {
        ParamKind::ImageUrl { data_uri, .. } | ParamKind::ImageList { data_uri, .. } => {
            provider.upload.is_some() || *data_uri
        }
        _ => false,
    }
}

/// The models (`provider/model`) of other providers with an image parameter
/// of the same meaning (or, for one without, the same name) that takes
/// local files; those with the same model id first, then by name.
pub(crate) fn local_alternatives(
    providers: &[Provider],
    provider: &Provider,
    model_id: &str,
    param: &Param,
) -> Vec<String> {
    if !matches!(
        param.kind,
        ParamKind::ImageUrl { .. } | ParamKind::ImageList { .. }
    ) || takes_local_files(provider, param)
    {
        return Vec::new();
    }
    let same_role = |other: &Param| match param.meaning {
        Some(meaning) => other.meaning == Some(meaning),
        None => other.name == param.name,
    };
    let mut found: Vec<(bool, String)> = providers
        .iter()
        .filter(|other| other.name != provider.name)
        .flat_map(|other| {
            other
                .models
                .iter()
                .filter(move |model| {
                    model.parameters.iter().any(|candidate| {
                        same_role(candidate) && takes_local_files(other, candidate)
                    })
                })
                .map(move |model| {
                    let same_model = model.id == model_id
                        || model.id.rsplit('/').next() == model_id.rsplit('/').next();
                    (!same_model, format!("{}/{}", other.name, model.id))
                })
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, id)| id).collect()
}
