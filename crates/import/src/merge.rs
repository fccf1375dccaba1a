//! An import merged with the spec a person may already have committed.
//!
//! The rule (ARCHITECTURE.md, "Imported specs"): the source owns what it
//! states; everything else in the committed spec is a person's and is kept.
//! The source states a model's parameters (names, types, required flags,
//! defaults, ranges, enums, lengths, item counts, item fields, size
//! bounds, descriptions) and, where it has them, its name, summary, task
//! and price. A person adds the page URL (`source`), `means:` overrides,
//! sentinels, image formats, masks, variant names, further custom-size
//! rules (`multiple_of`, pixel counts), examples, estimates, a price from a
//! pricing page, and notes. A parameter the source names but cannot
//! describe (its shape has no spec kind) keeps the committed row.

use imagegen_spec::file::model::{CustomSizeFile, ModelFile, ParameterFile, PriceFile, TaskName};

use crate::ImportedModel;
use crate::means;

/// The spec to write for `imported`, given the committed one (if any).
pub fn merge(imported: &ImportedModel, existing: Option<&ModelFile>) -> ModelFile {
    let mut spec = imported.spec.clone();
    let Some(old) = existing else {
        means::infer(&mut spec.parameters);
        return spec;
    };
    spec.provider.clone_from(&old.provider);
    spec.source.clone_from(&old.source);
    if !imported.states.display_name {
        spec.display_name.clone_from(&old.display_name);
    }
    if !imported.states.summary {
        spec.summary.clone_from(&old.summary);
    }
    spec.description.clone_from(&old.description);
    if !imported.states.task || refines(old.task, spec.task) {
        spec.task = old.task;
    }
    spec.estimated_time.clone_from(&old.estimated_time);
    spec.cost_cents = old.cost_cents;
    spec.rust_name.clone_from(&old.rust_name);
    let counted = spec
        .parameters
        .iter()
        .any(|p| p.means == Some(imagegen_spec::file::model::MeaningName::Count))
        || old
            .parameters
            .iter()
            .any(|p| p.means == Some(imagegen_spec::file::model::MeaningName::Count));
    spec.price = merge_price(&spec.price, &old.price, imported.states.price, counted);

    let mut parameters = Vec::new();
    for name in &imported.order {
        let new = spec.parameters.iter().find(|p| &p.name == name);
        let committed = old.parameters.iter().find(|p| &p.name == name);
        match (new, committed) {
            (Some(new), Some(committed)) => parameters.push(merge_param(new, committed)),
            (Some(new), None) => parameters.push(new.clone()),
            // Named by the source, but its shape has no spec kind: the
            // person's row stands.
            (None, Some(committed)) if imported.unmapped.contains(name) => {
                parameters.push(committed.clone());
            }
            (None, _) => {}
        }
    }
    // The committed order stands (order is not a fact a source changes
    // meaning by); new rows follow in the source's order.
    let position = |param: &ParameterFile| {
        old.parameters
            .iter()
            .position(|p| p.name == param.name)
            .unwrap_or(usize::MAX)
    };
    parameters.sort_by_key(position);
    spec.parameters = parameters;
    means::infer(&mut spec.parameters);

    let has = |name: &Option<String>| {
        name.as_ref()
            .is_some_and(|name| spec.parameters.iter().any(|p| &p.name == name))
    };
    if has(&old.sync_mode) {
        spec.sync_mode.clone_from(&old.sync_mode);
    }
    if let Some(base64) = &old.base64_output
        && has(&Some(base64.parameter.clone()))
    {
        spec.base64_output = Some(base64.clone());
    }
    // A person's examples, then the source's (one with the same
    // description is the source's newer copy).
    let mut examples: Vec<_> = old
        .examples
        .iter()
        .filter(|e| !spec.examples.iter().any(|n| n.description == e.description))
        .cloned()
        .collect();
    examples.append(&mut spec.examples);
    spec.examples = examples;
    spec.notes.clone_from(&old.notes);
    spec
}

/// Whether a committed task is a finer reading of the source's (WaveSpeed
/// types an edit `image-to-image`).
fn refines(committed: TaskName, source: TaskName) -> bool {
    committed == source || (committed == TaskName::ImageEdit && source == TaskName::ImageToImage)
}

/// The source's price where it states one (keeping the committed words
/// where the amounts agree), else the committed one. Without a count
/// parameter a request makes one image, so a price per image is the same
/// as one per request.
fn merge_price(new: &PriceFile, old: &PriceFile, stated: bool, counted: bool) -> PriceFile {
    if !stated {
        return old.clone();
    }
    match (new, old) {
        (PriceFile::Documented(new), PriceFile::Documented(committed))
            if new.currency == committed.currency
                && (new.per == committed.per || !counted)
                && new.amount == committed.amount
                && new.by == committed.by
                && new.amounts.as_ref().map(|r| &r.0)
                    == committed.amounts.as_ref().map(|r| &r.0) =>
        {
            old.clone()
        }
        _ => new.clone(),
    }
}

/// One row: the source's facts, the person's additions (those that apply
/// to the row's type as the source now gives it).
fn merge_param(new: &ParameterFile, old: &ParameterFile) -> ParameterFile {
    use imagegen_spec::file::model::ParamTypeName as Ty;
    // Text the source states nothing more of, which a person knows to be a
    // `W*H` size (from the page's request example): the person's reading.
    let plain_text = new.ty == Ty::String && new.values.is_none() && new.max_length.is_none();
    if plain_text && old.ty == Ty::ImageSize && old.values.is_none() {
        return ParameterFile {
            description: new.description.clone(),
            required: new.required,
            default: new.default.clone(),
            ..old.clone()
        };
    }
    let mut param = new.clone();
    let same_type = old.ty == new.ty && old.items == new.items;
    if old.means.is_some() && same_type {
        param.means = old.means;
    }
    param.rust_name.clone_from(&old.rust_name);
    param.notes.clone_from(&old.notes);
    if !same_type {
        return param;
    }
    param.doc_type.clone_from(&old.doc_type);
    if matches!(new.ty, Ty::Integer | Ty::Number) && new.values.is_none() {
        param.sentinels.clone_from(&old.sentinels);
    }
    if matches!(new.ty, Ty::ImageUrl | Ty::Array) && new.items != Some(Ty::Object) {
        param.formats.clone_from(&old.formats);
        param.data_uri = old.data_uri;
    }
    if new.ty == Ty::ImageUrl {
        param.mask_for.clone_from(&old.mask_for);
    }
    if old.fixed.is_some() && new.fixed.is_none() && new.values.is_none() {
        param.fixed.clone_from(&old.fixed);
    }
    if old.separator.is_some() {
        param.separator.clone_from(&old.separator);
    }
    for (value, variant) in &old.variant_names {
        let listed = param.values.iter().flatten().any(|v| v.as_str() == value);
        if listed {
            param.variant_names.insert(value.clone(), variant.clone());
        }
    }
    param.custom = match (&new.custom, &old.custom) {
        (Some(new), Some(old)) => Some(CustomSizeFile {
            multiple_of: old.multiple_of,
            min_edge: new.min_edge,
            max_edge: new.max_edge,
            max_aspect_ratio: old.max_aspect_ratio.clone(),
            min_pixels: old.min_pixels,
            max_pixels: old.max_pixels,
        }),
        (new, _) => new.clone(),
    };
    if let (Some(fields), Some(old_fields)) = (&mut param.properties, &old.properties) {
        for field in fields.iter_mut() {
            if let Some(committed) = old_fields.iter().find(|f| f.name == field.name) {
                *field = merge_param(field, committed);
            }
        }
    }
    param
}
