//! `means:` for the well-known parameter names, where the type fits: what
//! lets the provider-neutral request, the emulator and the generic suites
//! read an imported model like any other. A person's `means:` (kept by the
//! merge) always wins over these.

use imagegen_spec::file::model::{MeaningName, ParamTypeName, ParameterFile};

/// The names of a request's image count; what a price per image is
/// multiplied by. `max_images` is a maximum (a run may return fewer), so
/// as a count it bounds the cost from above.
pub(crate) const COUNT_NAMES: &[&str] = &["num_images", "n", "max_images"];

/// The meaning a parameter's name stands for, if its type fits it.
fn meaning_of(param: &ParameterFile) -> Option<MeaningName> {
    let enumerated = param.values.is_some();
    let all_formats = param
        .values
        .iter()
        .flatten()
        .all(|v| matches!(v.as_str(), "png" | "jpeg" | "jpg" | "webp" | "gif"));
    let list_of_images =
        param.ty == ParamTypeName::Array && param.items == Some(ParamTypeName::ImageUrl);
    Some(match (param.name.as_str(), param.ty) {
        ("prompt", ParamTypeName::String) if !enumerated => MeaningName::Prompt,
        ("size" | "image_size", ParamTypeName::ImageSize) => MeaningName::Size,
        ("width", ParamTypeName::Integer) if !enumerated => MeaningName::Width,
        ("height", ParamTypeName::Integer) if !enumerated => MeaningName::Height,
        (name, ParamTypeName::Integer | ParamTypeName::Number) if COUNT_NAMES.contains(&name) => {
            MeaningName::Count
        }
        ("seed", ParamTypeName::Integer) if !enumerated => MeaningName::Seed,
        ("output_format", ParamTypeName::String) if enumerated && all_formats => {
            MeaningName::OutputFormat
        }
        ("image" | "image_url", ParamTypeName::ImageUrl) => MeaningName::ReferenceImage,
        ("images" | "image_urls", ParamTypeName::Array) if list_of_images => {
            MeaningName::ReferenceImage
        }
        ("quality", ParamTypeName::String) if enumerated => MeaningName::Quality,
        ("aspect_ratio", ParamTypeName::String) if enumerated => MeaningName::AspectRatio,
        _ => return None,
    })
}

/// Sets `means:` on the parameters whose names are well known, each
/// meaning once (the first in table order), leaving any already set.
pub(crate) fn infer(parameters: &mut [ParameterFile]) {
    let mut taken: Vec<MeaningName> = parameters.iter().filter_map(|p| p.means).collect();
    for param in parameters
        .iter_mut()
        .filter(|p| p.means.is_none() && p.fixed.is_none())
    {
        if let Some(meaning) = meaning_of(param)
            && !taken.contains(&meaning)
        {
            param.means = Some(meaning);
            taken.push(meaning);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use imagegen_spec::Scalar;

    #[test]
    fn well_known_names_get_their_meaning_once() {
        let mut image = ParameterFile::new("image", ParamTypeName::ImageUrl);
        image.means = None;
        let mut format = ParameterFile::new("output_format", ParamTypeName::String);
        format.values = Some(vec![Scalar("jpeg".into()), Scalar("png".into())]);
        let mut params = vec![
            ParameterFile::new("prompt", ParamTypeName::String),
            image,
            ParameterFile::new("image_url", ParamTypeName::ImageUrl),
            format,
            ParameterFile::new("seed", ParamTypeName::Number),
        ];
        infer(&mut params);
        let means: Vec<Option<MeaningName>> = params.iter().map(|p| p.means).collect();
        assert_eq!(
            means,
            [
                Some(MeaningName::Prompt),
                Some(MeaningName::ReferenceImage),
                None,
                Some(MeaningName::OutputFormat),
                None,
            ]
        );
    }
}
