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
//! describe (its shape has no spec kind) keeps the committed row. Where
//! the source is silent on a fact a committed row states (a range, a
//! length, a default, a list of values the page gives and the schema does
//! not), the committed fact is kept while it fits what the source states;
//! a committed `integer` over the source's `number` is a person's reading
//! of a whole count and stands while the source's numbers are whole.

use imagegen_spec::Scalar;
use imagegen_spec::decimal::Decimal;
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
/// to the row's type as the source now gives it), and the committed facts
/// the source is silent on (a range the page states and the schema does
/// not): silence is not a statement that there is none.
fn merge_param(new: &ParameterFile, old: &ParameterFile) -> ParameterFile {
    use imagegen_spec::file::model::ParamTypeName as Ty;
    // A `number` a person knows to be whole (a count): theirs.
    let refined = (old.ty == Ty::Integer).then(|| as_integer(new)).flatten();
    let new = refined.as_ref().unwrap_or(new);
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
    if param.separator.is_none() {
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
    keep_where_silent(&mut param, old);
    if let (Some(fields), Some(old_fields)) = (&mut param.properties, &old.properties) {
        for field in fields.iter_mut() {
            if let Some(committed) = old_fields.iter().find(|f| f.name == field.name) {
                *field = merge_param(field, committed);
            }
        }
    }
    param
}

/// `param` (of the committed row's type) with the committed row's facts
/// where the source states nothing of the kind, so long as they still fit
/// what it does state.
fn keep_where_silent(param: &mut ParameterFile, old: &ParameterFile) {
    use imagegen_spec::file::model::ParamTypeName as Ty;
    if param.description.is_none() {
        param.description.clone_from(&old.description);
    }
    let numeric = matches!(param.ty, Ty::Integer | Ty::Number);
    let silent_on_range = param.minimum.is_none()
        && param.maximum.is_none()
        && param.step.is_none()
        && param.values.is_none();
    if numeric && silent_on_range {
        param.minimum = old.minimum;
        param.maximum = old.maximum;
        param.step = old.step;
    }
    let plain = matches!(param.ty, Ty::String | Ty::Integer | Ty::Number);
    if plain && silent_on_range && param.min_length.is_none() && param.max_length.is_none() {
        param.values.clone_from(&old.values);
        for (value, variant) in &old.variant_names {
            param
                .variant_names
                .entry(value.clone())
                .or_insert_with(|| variant.clone());
        }
    }
    if param.ty == Ty::String && param.values.is_none() {
        param.min_length = param.min_length.or(old.min_length);
        param.max_length = param.max_length.or(old.max_length);
    }
    if param.ty == Ty::Array {
        param.min_items = param.min_items.or(old.min_items);
        param.max_items = param.max_items.or(old.max_items);
    }
    if let (Some(custom), Some(committed)) = (&mut param.custom, &old.custom) {
        custom.min_edge = custom.min_edge.or(committed.min_edge);
        custom.max_edge = custom.max_edge.or(committed.max_edge);
    }
    if param.default.is_none()
        && !param.required
        && let Some(default) = &old.default
        && default_fits(param, default)
    {
        param.default = Some(default.clone());
    }
}

/// Whether a committed default is still one of the values, or in the
/// range, the row allows.
fn default_fits(param: &ParameterFile, default: &Scalar) -> bool {
    use imagegen_spec::file::model::ParamTypeName as Ty;
    if let Some(values) = &param.values {
        return values.iter().any(|v| v.as_str() == default.as_str());
    }
    match param.ty {
        Ty::Integer | Ty::Number => {
            let Ok(value) = Decimal::parse(default.as_str()) else {
                return false;
            };
            param.minimum.is_none_or(|min| value >= min)
                && param.maximum.is_none_or(|max| value <= max)
                && param.step.is_none_or(|step| {
                    value
                        .checked_sub(param.minimum.unwrap_or(Decimal::from_i64(0)))
                        .is_some_and(|from| from.is_multiple_of(step))
                })
        }
        Ty::String | Ty::Boolean => true,
        _ => false,
    }
}

/// A `number` row as an `integer` one, where every number it states is
/// whole (`None` where one is not).
fn as_integer(param: &ParameterFile) -> Option<ParameterFile> {
    use imagegen_spec::file::model::ParamTypeName as Ty;
    if param.ty != Ty::Number {
        return None;
    }
    let whole = |bound: Option<Decimal>| match bound {
        Some(bound) => bound.as_i64().map(|n| Some(Decimal::from_i64(n))),
        None => Some(None),
    };
    let whole_text = |scalar: &Scalar| {
        Decimal::parse(scalar.as_str())
            .ok()
            .and_then(Decimal::as_i64)
            .map(|n| Scalar(n.to_string()))
    };
    let mut integer = param.clone();
    integer.ty = Ty::Integer;
    integer.minimum = whole(param.minimum)?;
    integer.maximum = whole(param.maximum)?;
    integer.step = whole(param.step)?;
    integer.default = match &param.default {
        Some(default) => Some(whole_text(default)?),
        None => None,
    };
    integer.values = match &param.values {
        Some(values) => Some(values.iter().map(whole_text).collect::<Option<_>>()?),
        None => None,
    };
    Some(integer)
}
