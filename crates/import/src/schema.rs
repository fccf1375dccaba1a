//! One JSON Schema property → one spec parameter row, or a finding.
//!
//! Every construct either maps onto a spec kind or is reported (model,
//! JSON pointer, what it is) and left out; nothing is guessed. Where a
//! reading is not the only one (a `number` read as whole pixels), the
//! finding says so.

use imagegen_spec::Scalar;
use imagegen_spec::decimal::Decimal;
use imagegen_spec::file::model::{CustomSizeFile, ParamTypeName, ParameterFile, SizeShapeName};
use imagegen_spec::naming;

use crate::json::{Json, Pointer};
use crate::report::Finding;

/// Keywords of JSON Schema that constrain a value and that no spec kind
/// holds: their presence is reported, never dropped silently.
const UNMAPPED_CONSTRAINTS: &[&str] = &[
    "pattern",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "const",
    "allOf",
    "not",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "patternProperties",
    "dependencies",
    "dependentRequired",
    "dependentSchemas",
    "if",
    "contains",
    "minContains",
    "maxContains",
    "prefixItems",
    "propertyNames",
];

/// Maps the properties of one model's request schema.
pub(crate) struct Mapper<'a> {
    /// The model, for findings.
    pub(crate) model: &'a str,
    /// The document, for local `$ref`s.
    pub(crate) document: &'a Json,
    /// What the import reports.
    pub(crate) findings: &'a mut Vec<Finding>,
    /// The character between a size's width and height where the source
    /// states sizes by range only (WaveSpeed: always `W*H`).
    pub(crate) size_separator: Option<char>,
    /// How many properties deep the mapping is (an item's field is one
    /// deeper than its list), to stop at a schema that contains itself.
    depth: usize,
}

/// `schema`, with its local `$ref`s followed (`#/components/schemas/…`);
/// `None`, reported for `model`, for one that does not resolve in
/// `document` or that leads to itself.
pub(crate) fn deref<'d>(
    document: &'d Json,
    schema: &'d Json,
    model: Option<&str>,
    pointer: &Pointer,
    findings: &mut Vec<Finding>,
) -> Option<&'d Json> {
    // A chain longer than this is a cycle (`a` → `b` → `a`).
    const MAX_CHAIN: usize = 32;
    let model = model.filter(|m| !m.is_empty());
    let mut schema = schema;
    for _ in 0..MAX_CHAIN {
        let Some(reference) = schema.get("$ref").and_then(Json::as_str) else {
            return Some(schema);
        };
        let resolved = Pointer::parse_fragment(reference)
            .and_then(|path| path.iter().try_fold(document, |node, key| node.get(key)));
        match resolved {
            Some(target) => schema = target,
            None => {
                findings.push(Finding::left_out(
                    model,
                    pointer,
                    format!("`$ref: {reference}` does not resolve within the document, so its shape is not known"),
                ));
                return None;
            }
        }
    }
    findings.push(Finding::left_out(
        model,
        pointer,
        format!("`$ref`s that lead to `$ref`s more than {MAX_CHAIN} times (a cycle) have no shape"),
    ));
    None
}

/// Deeper than this, a schema is taken to contain itself.
const MAX_DEPTH: usize = 16;

impl<'a> Mapper<'a> {
    pub(crate) fn new(
        model: &'a str,
        document: &'a Json,
        findings: &'a mut Vec<Finding>,
        size_separator: Option<char>,
    ) -> Self {
        Mapper {
            model,
            document,
            findings,
            size_separator,
            depth: 0,
        }
    }

    fn left_out(&mut self, pointer: &Pointer, what: impl Into<String>) {
        self.findings
            .push(Finding::left_out(Some(self.model), pointer, what));
    }

    fn note(&mut self, pointer: &Pointer, what: impl Into<String>) {
        self.findings
            .push(Finding::note(Some(self.model), pointer, what));
    }

    /// `schema`, with its local `$ref`s followed; `None` (reported) for
    /// one that does not resolve in the document.
    pub(crate) fn deref(&mut self, schema: &'a Json, pointer: &Pointer) -> Option<&'a Json> {
        deref(
            self.document,
            schema,
            Some(self.model),
            pointer,
            self.findings,
        )
    }

    /// The parameter for property `name`; `None` when it is left out (a
    /// finding says why).
    pub(crate) fn property(
        &mut self,
        name: &str,
        schema: &'a Json,
        required: bool,
        pointer: &Pointer,
    ) -> Option<ParameterFile> {
        if self.depth >= MAX_DEPTH {
            self.left_out(
                pointer,
                format!("a schema nested more than {MAX_DEPTH} levels deep (one that contains itself) has no spec kind"),
            );
            return None;
        }
        self.depth += 1;
        let param = self.nested_property(name, schema, required, pointer);
        self.depth -= 1;
        param
    }

    fn nested_property(
        &mut self,
        name: &str,
        schema: &'a Json,
        required: bool,
        pointer: &Pointer,
    ) -> Option<ParameterFile> {
        let schema = self.deref(schema, pointer)?;
        self.report_unmapped(schema, pointer);
        let mut param = if let Some(branches) = schema.get("anyOf").or(schema.get("oneOf")) {
            self.any_of(name, schema, branches, pointer)?
        } else {
            match self.type_of(schema, pointer)? {
                "string" => self.string(name, schema, pointer)?,
                "integer" => self.number(name, schema, true, pointer)?,
                "number" => self.number(name, schema, false, pointer)?,
                "boolean" => self.boolean(name, schema, pointer)?,
                "array" => self.array(name, schema, pointer)?,
                other => {
                    self.left_out(
                        pointer,
                        format!("a property of type `{other}` has no spec kind (a JSON {other} in the request body)"),
                    );
                    return None;
                }
            }
        };
        param.required = required;
        if param.description.is_none() {
            param.description = description(schema);
        }
        if required && param.default.is_some() {
            self.note(
                &pointer.child("default"),
                "a required parameter's default never applies (the request always carries it); left out",
            );
            param.default = None;
        }
        Some(param)
    }

    /// What a model's request schema as a whole states that no spec
    /// holds: constraints across its properties, and names it requires
    /// that it does not describe.
    pub(crate) fn report_request(&mut self, schema: &Json, pointer: &Pointer) {
        self.report_unmapped(schema, pointer);
        if schema.get("anyOf").or(schema.get("oneOf")).is_some() {
            self.left_out(
                pointer,
                "alternatives over the request as a whole (`anyOf`/`oneOf` beside its properties) have no spec kind",
            );
        }
        let properties = schema.get("properties").and_then(Json::entries);
        for name in required_names(schema) {
            let described = properties
                .into_iter()
                .flatten()
                .any(|(property, _)| property == name);
            if !described {
                self.left_out(
                    &pointer.child("required"),
                    format!(
                        "`{name}` is required but has no property schema, so its type is not known"
                    ),
                );
            }
        }
    }

    fn report_unmapped(&mut self, schema: &Json, pointer: &Pointer) {
        for keyword in UNMAPPED_CONSTRAINTS {
            if let Some(value) = schema.get(keyword) {
                self.left_out(
                    &pointer.child(keyword),
                    format!("the constraint `{keyword}: {value}` has no spec kind"),
                );
            }
        }
        if let Some(format) = schema.get("format").and_then(Json::as_str)
            && format != "uri"
        {
            self.left_out(
                &pointer.child("format"),
                format!("`format: {format}` has no spec kind"),
            );
        }
    }

    /// The schema's one type, `null` aside (a nullable value is never sent
    /// as `null`, only left out).
    fn type_of(&mut self, schema: &'a Json, pointer: &Pointer) -> Option<&'a str> {
        match schema.get("type") {
            Some(Json::String(ty)) => Some(ty),
            Some(Json::Array(types)) => {
                let types: Vec<&str> = types
                    .iter()
                    .filter_map(Json::as_str)
                    .filter(|t| *t != "null")
                    .collect();
                match types.as_slice() {
                    [one] => Some(one),
                    _ => {
                        self.left_out(
                            &pointer.child("type"),
                            format!("a value of any of the types {types:?} has no spec kind"),
                        );
                        None
                    }
                }
            }
            _ => {
                // A schema with only `enum` of strings is a string.
                if schema
                    .get("enum")
                    .and_then(Json::items)
                    .is_some_and(|values| {
                        values.iter().any(|v| v.as_str().is_some())
                            && values.iter().all(|v| v.as_str().is_some() || v.is_null())
                    })
                {
                    return Some("string");
                }
                self.left_out(pointer, "the property states no `type`");
                None
            }
        }
    }

    fn boolean(&mut self, name: &str, schema: &Json, pointer: &Pointer) -> Option<ParameterFile> {
        if let Some(values) = schema.get("enum") {
            self.left_out(
                &pointer.child("enum"),
                format!("a boolean allowed only {values} has no spec kind"),
            );
            return None;
        }
        let mut param = ParameterFile::new(name, ParamTypeName::Boolean);
        param.default = self.default(schema, pointer, |v| v.as_bool().is_some());
        Some(param)
    }

    fn string(&mut self, name: &str, schema: &Json, pointer: &Pointer) -> Option<ParameterFile> {
        // `null` in an `enum` allows leaving the value out, which every
        // optional parameter allows.
        let values = match schema.get("enum").map(Json::items) {
            None => None,
            Some(Some(values)) if values.iter().all(|v| v.as_str().is_some() || v.is_null()) => {
                Some(
                    values
                        .iter()
                        .filter_map(Json::as_str)
                        .map(str::to_owned)
                        .collect::<Vec<_>>(),
                )
            }
            Some(_) => {
                self.left_out(
                    &pointer.child("enum"),
                    "a string `enum` with values that are not strings has no spec kind",
                );
                return None;
            }
        };
        if is_size_name(name)
            && let Some(param) = self.text_size(name, schema, values.as_deref(), pointer)
        {
            return Some(param);
        }
        if values.is_none() && is_image(name, schema) {
            if !is_image(name, &Json::Null) && accept_hint(schema).is_none() {
                self.note(
                    &pointer.child("format"),
                    "read as an image URL only because it is `format: uri` (its name and the source say no more)",
                );
            }
            let mut param = ParameterFile::new(name, ParamTypeName::ImageUrl);
            param.default = self.default(schema, pointer, |v| v.as_str().is_some());
            return Some(param);
        }
        let mut param = ParameterFile::new(name, ParamTypeName::String);
        match values {
            Some(values) => {
                param.variant_names = variant_names(&values, false);
                param.values = Some(values.into_iter().map(Scalar).collect());
            }
            None => {
                param.min_length = count(schema, "minLength");
                param.max_length = count(schema, "maxLength");
            }
        }
        param.default = self.default(schema, pointer, |v| v.as_str().is_some());
        Some(param)
    }

    /// A size written as text (`1024*1024`): presets from `enum`, and the
    /// per-side bounds of a custom size from `minimum`/`maximum` (as
    /// WaveSpeed's clients read them). `None` when nothing says it is a size.
    fn text_size(
        &mut self,
        name: &str,
        schema: &Json,
        values: Option<&[String]>,
        pointer: &Pointer,
    ) -> Option<ParameterFile> {
        let default = schema.get("default").and_then(Json::as_str);
        let written = values
            .into_iter()
            .flatten()
            .map(String::as_str)
            .chain(default);
        // Every listed value is a measured size or a preset's name
        // (`auto`, `square_hd`); aspect ratios (`16:9`) are not sizes.
        let all_sizes = values.into_iter().flatten().all(|value| {
            separator_of(value).is_some()
                || (value.chars().any(|c| c.is_ascii_alphabetic())
                    && value
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
        });
        if !all_sizes {
            return None;
        }
        let separator = written
            .clone()
            .find_map(separator_of)
            .or(self.size_separator)?;
        let (minimum, maximum) = (whole(schema, "minimum"), whole(schema, "maximum"));
        let measured = written.clone().any(|v| separator_of(v).is_some());
        if !measured && minimum.is_none() && maximum.is_none() {
            // Keywords only (`square_hd`): a size by name.
            values?;
        }
        let mut param = ParameterFile::new(name, ParamTypeName::ImageSize);
        param.separator = Some(separator.to_string());
        if let Some(values) = values {
            param.variant_names = variant_names(values, true);
            param.values = Some(values.iter().cloned().map(Scalar).collect());
        }
        if minimum.is_some() || maximum.is_some() || (values.is_none() && measured) {
            param.custom = Some(CustomSizeFile {
                multiple_of: None,
                min_edge: minimum,
                max_edge: maximum,
                max_aspect_ratio: None,
                min_pixels: None,
                max_pixels: None,
            });
        }
        param.default = self.default(schema, pointer, |v| v.as_str().is_some());
        Some(param)
    }

    fn number(
        &mut self,
        name: &str,
        schema: &Json,
        integer: bool,
        pointer: &Pointer,
    ) -> Option<ParameterFile> {
        let ty = if integer {
            ParamTypeName::Integer
        } else {
            ParamTypeName::Number
        };
        let mut param = ParameterFile::new(name, ty);
        let fits = |value: &Json| match value.as_number() {
            Some(number) if integer => number.is_i64() || number.is_u64(),
            Some(_) => true,
            None => false,
        };
        if let Some(values) = schema.get("enum") {
            let Some(values) = values
                .items()
                .filter(|v| v.iter().all(|v| fits(v) || v.is_null()))
            else {
                self.left_out(
                    &pointer.child("enum"),
                    format!(
                        "an `enum` of {values} does not fit the type `{}`",
                        ty_name(ty)
                    ),
                );
                return None;
            };
            param.values = Some(
                values
                    .iter()
                    .filter(|v| !v.is_null())
                    .map(|v| Scalar(v.to_string()))
                    .collect(),
            );
            param.default = self.default(schema, pointer, fits);
            return Some(param);
        }
        for (key, slot) in [
            ("minimum", &mut param.minimum),
            ("maximum", &mut param.maximum),
        ] {
            if let Some(value) = schema.get(key) {
                match decimal(value).filter(|_| fits(value)) {
                    Some(bound) => *slot = Some(bound),
                    None => self.left_out(
                        &pointer.child(key),
                        format!("`{key}: {value}` does not fit the type `{}`", ty_name(ty)),
                    ),
                }
            }
        }
        // A spec's step counts from the minimum (or 0); `multipleOf`
        // always counts from 0, so it is a step only where the minimum is
        // on its grid.
        let multiple_of = schema.get("multipleOf");
        let step = match (schema.get("step"), multiple_of) {
            (Some(step), Some(multiple)) => {
                if decimal(step) != decimal(multiple) {
                    self.left_out(
                        &pointer.child("multipleOf"),
                        format!("`multipleOf: {multiple}` besides `step: {step}` has no spec kind; the step is kept"),
                    );
                }
                Some(("step", step))
            }
            (Some(step), None) => Some(("step", step)),
            (None, Some(multiple)) => Some(("multipleOf", multiple)),
            (None, None) => None,
        };
        if let Some((key, value)) = step {
            let from_zero = key == "multipleOf";
            match decimal(value) {
                Some(step)
                    if step_fits(step, param.minimum, param.maximum)
                        && (!from_zero
                            || param.minimum.is_none_or(|min| min.is_multiple_of(step))) =>
                {
                    param.step = Some(step);
                }
                Some(_) if from_zero => self.left_out(
                    &pointer.child(key),
                    format!(
                        "`{key}: {value}` counts from 0 and does not divide the range from the minimum, which a spec step counts from"
                    ),
                ),
                _ => self.left_out(
                    &pointer.child(key),
                    format!(
                        "`{key}: {value}` is not a step that divides the range from its minimum"
                    ),
                ),
            }
        }
        param.default = self.default(schema, pointer, fits);
        Some(param)
    }

    fn array(&mut self, name: &str, schema: &'a Json, pointer: &Pointer) -> Option<ParameterFile> {
        if let Some(default) = schema.get("default") {
            self.note(
                &pointer.child("default"),
                format!("an array's default ({default}) is what the server uses when it is left out; a spec array takes none"),
            );
        }
        let Some(items) = schema.get("items") else {
            self.left_out(pointer, "an array that states no `items` has no spec kind");
            return None;
        };
        let items_pointer = pointer.child("items");
        let items = self.deref(items, &items_pointer)?;
        self.report_unmapped(items, &items_pointer);
        let mut param = match items.get("type").and_then(Json::as_str) {
            Some("string") if is_image(name, items) || is_image(name, schema) => {
                let mut param = ParameterFile::new(name, ParamTypeName::Array);
                param.items = Some(ParamTypeName::ImageUrl);
                param
            }
            Some("object") => self.object_items(name, items, &items_pointer)?,
            other => {
                self.left_out(
                    &items_pointer,
                    format!(
                        "an array of {} has no spec kind (only image URLs and objects do)",
                        other.unwrap_or("values of no stated type")
                    ),
                );
                return None;
            }
        };
        param.min_items = count(schema, "minItems").or(count(items, "minItems"));
        param.max_items = count(schema, "maxItems").or(count(items, "maxItems"));
        Some(param)
    }

    /// `items: {type: object, properties}`: a list of objects whose fields
    /// are scalar parameters. A required field that cannot be mapped leaves
    /// the whole list out (no item could be sent right without it).
    fn object_items(
        &mut self,
        name: &str,
        items: &'a Json,
        pointer: &Pointer,
    ) -> Option<ParameterFile> {
        let Some(properties) = items.get("properties").and_then(Json::entries) else {
            self.left_out(pointer, "an array of objects that states no `properties`");
            return None;
        };
        let required = required_names(items);
        let mut fields = Vec::new();
        for (field, schema) in properties {
            let here = pointer.child("properties").child(field);
            let is_required = required.contains(&field.as_str());
            match self.property(field, schema, is_required, &here) {
                Some(param)
                    if matches!(
                        param.ty,
                        ParamTypeName::String
                            | ParamTypeName::Integer
                            | ParamTypeName::Number
                            | ParamTypeName::Boolean
                    ) =>
                {
                    fields.push(param);
                }
                Some(_) => {
                    self.left_out(
                        &here,
                        "an item's field that is not a scalar has no spec kind",
                    );
                    if is_required {
                        return None;
                    }
                }
                None if is_required => {
                    self.left_out(
                        pointer,
                        format!(
                            "`{name}` is left out: its required field `{field}` has no spec kind"
                        ),
                    );
                    return None;
                }
                None => {}
            }
        }
        if fields.is_empty() {
            self.left_out(
                pointer,
                format!("`{name}` is left out: none of its items' fields has a spec kind"),
            );
            return None;
        }
        let mut param = ParameterFile::new(name, ParamTypeName::Array);
        param.items = Some(ParamTypeName::Object);
        param.properties = Some(fields);
        Some(param)
    }

    /// `anyOf`: the two shapes the sources use (a size as an object or a
    /// preset; one image URL or a list of them); any other is left out.
    fn any_of(
        &mut self,
        name: &str,
        schema: &'a Json,
        branches: &'a Json,
        pointer: &Pointer,
    ) -> Option<ParameterFile> {
        let key = if schema.get("anyOf").is_some() {
            "anyOf"
        } else {
            "oneOf"
        };
        let here = pointer.child(key);
        let mut resolved = Vec::new();
        for (index, branch) in branches.items().into_iter().flatten().enumerate() {
            let branch = self.deref(branch, &here.child(index))?;
            // `{nullable: true}` and `{type: null}` branches only allow
            // `null`, which is never sent (a value is left out instead).
            let ty = branch.get("type").and_then(Json::as_str);
            if ty == Some("null") || (ty.is_none() && branch.get("nullable").is_some()) {
                continue;
            }
            resolved.push((index, branch));
        }
        if resolved.len() == 2 {
            for (index, branch) in &resolved {
                self.report_unmapped(branch, &here.child(index));
            }
        }
        let of_type = |ty: &str| {
            resolved
                .iter()
                .find(|(_, b)| b.get("type").and_then(Json::as_str) == Some(ty))
                .copied()
        };
        match resolved.len() {
            1 => {
                let (index, branch) = resolved[0];
                let mut param = self.property(name, branch, false, &here.child(index))?;
                // What the property says of itself outranks its one shape.
                if let Some(text) = description(schema) {
                    param.description = Some(text);
                }
                if schema.get("default").is_some_and(|d| !d.is_null()) {
                    param.default = self.default(schema, pointer, |value| fits(param.ty, value));
                }
                return Some(param);
            }
            2 => {}
            _ => {
                self.left_out(
                    &here,
                    format!("`{key}` of {} shapes has no spec kind", resolved.len()),
                );
                return None;
            }
        }
        if let (Some((oi, object)), Some((si, string))) = (of_type("object"), of_type("string"))
            && object
                .get("properties")
                .and_then(Json::entries)
                .is_some_and(|p| p.iter().any(|(k, _)| k == "width"))
        {
            return self.object_size(name, schema, (oi, object), (si, string), &here);
        }
        if let (Some((_, one)), Some((ai, list))) = (of_type("string"), of_type("array"))
            && is_image(name, one)
        {
            let mut param = self.array(name, list, &here.child(ai))?;
            if param.items == Some(ParamTypeName::ImageUrl) {
                self.note(
                    &here,
                    "one image URL or a list of them: the spec takes the list (one URL is a list of one)",
                );
                param.description = description(schema)
                    .or_else(|| description(one))
                    .or_else(|| description(list));
                return Some(param);
            }
        }
        self.left_out(&here, format!("this `{key}` combination has no spec kind"));
        None
    }

    /// `anyOf[{width, height}, preset enum]`: a size sent as an object, or
    /// a preset by name.
    fn object_size(
        &mut self,
        name: &str,
        schema: &Json,
        (object_index, object): (usize, &Json),
        (string_index, string): (usize, &Json),
        pointer: &Pointer,
    ) -> Option<ParameterFile> {
        let object_pointer = pointer.child(object_index);
        let properties = object.get("properties").and_then(Json::entries)?;
        let side = |key: &str| properties.iter().find(|(k, _)| k == key).map(|(_, v)| v);
        let (Some(width), Some(height)) = (side("width"), side("height")) else {
            self.left_out(
                &object_pointer,
                "a size object without both `width` and `height`",
            );
            return None;
        };
        if properties.len() != 2 {
            self.left_out(
                &object_pointer,
                "a size object with fields besides `width` and `height`",
            );
            return None;
        }
        for (key, value) in [("width", width), ("height", height)] {
            if value.get("type").and_then(Json::as_str) == Some("number") {
                self.note(
                    &object_pointer.child("properties").child(key),
                    format!("`{key}` is typed `number`; a size is sent in whole pixels"),
                );
            }
        }
        let bounds = |value: &Json| {
            (
                whole(value, "minimum"),
                whole(value, "maximum"),
                whole(value, "multipleOf"),
            )
        };
        let (width_bounds, height_bounds) = (bounds(width), bounds(height));
        let custom = if width_bounds == height_bounds {
            CustomSizeFile {
                multiple_of: width_bounds.2,
                min_edge: width_bounds.0,
                max_edge: width_bounds.1,
                max_aspect_ratio: None,
                min_pixels: None,
                max_pixels: None,
            }
        } else {
            self.left_out(
                &object_pointer,
                format!("per-side rules that differ (width {width_bounds:?}, height {height_bounds:?}, as minimum, maximum, multipleOf) have no spec kind; any size is taken"),
            );
            CustomSizeFile {
                multiple_of: None,
                min_edge: None,
                max_edge: None,
                max_aspect_ratio: None,
                min_pixels: None,
                max_pixels: None,
            }
        };
        if let Some(text) = description(object) {
            self.note(
                &object_pointer.child("description"),
                format!("the size object says: \"{text}\""),
            );
        }
        let Some(values) = string.get("enum").and_then(Json::items) else {
            self.left_out(
                &pointer.child(string_index),
                "a size preset that is not an `enum`",
            );
            return None;
        };
        let values: Vec<String> = values
            .iter()
            .filter_map(Json::as_str)
            .map(str::to_owned)
            .collect();
        let mut param = ParameterFile::new(name, ParamTypeName::ImageSize);
        param.shape = Some(SizeShapeName::Object);
        // Presets written as sizes (`1024x768`) set how a custom one is written.
        param.separator = values
            .iter()
            .find_map(|v| separator_of(v))
            .map(|c| c.to_string());
        param.variant_names = variant_names(&values, true);
        param.values = Some(values.into_iter().map(Scalar).collect());
        param.custom = Some(custom);
        param.description = description(schema).or_else(|| description(string));
        param.default = self
            .default(schema, pointer, |v| v.as_str().is_some())
            .or_else(|| {
                self.default(string, &pointer.child(string_index), |v| {
                    v.as_str().is_some()
                })
            });
        Some(param)
    }

    /// The schema's `default`, if it is of the type `fits` accepts;
    /// reported and left out otherwise.
    fn default(
        &mut self,
        schema: &Json,
        pointer: &Pointer,
        fits: impl Fn(&Json) -> bool,
    ) -> Option<Scalar> {
        let value = schema.get("default")?;
        if value == &Json::Null {
            return None;
        }
        if !fits(value) {
            self.left_out(
                &pointer.child("default"),
                format!("the default {value} is not of the parameter's type"),
            );
            return None;
        }
        Some(Scalar(match value {
            Json::String(text) => text.clone(),
            other => other.to_string(),
        }))
    }
}

/// Whether a JSON default fits a parameter of type `ty`.
fn fits(ty: ParamTypeName, value: &Json) -> bool {
    match ty {
        ParamTypeName::Boolean => value.as_bool().is_some(),
        ParamTypeName::Integer => value.as_number().is_some_and(|n| n.is_i64() || n.is_u64()),
        ParamTypeName::Number => value.as_number().is_some(),
        ParamTypeName::String | ParamTypeName::ImageSize | ParamTypeName::ImageUrl => {
            value.as_str().is_some()
        }
        _ => false,
    }
}

fn ty_name(ty: ParamTypeName) -> &'static str {
    match ty {
        ParamTypeName::Integer => "integer",
        ParamTypeName::Number => "number",
        _ => "value",
    }
}

/// The names `required` lists.
pub(crate) fn required_names(schema: &Json) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Json::items)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .collect()
}

/// The schema's description, trimmed; `None` where it has none.
pub(crate) fn description(schema: &Json) -> Option<String> {
    schema
        .get("description")
        .and_then(Json::as_str)
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
}

fn count(schema: &Json, key: &str) -> Option<u64> {
    schema.get(key)?.as_number()?.as_u64()
}

fn whole(schema: &Json, key: &str) -> Option<u32> {
    let number = schema.get(key)?.as_number()?;
    number
        .as_u64()
        .or_else(|| {
            number
                .as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        })
        .and_then(|n| u32::try_from(n).ok())
}

fn decimal(value: &Json) -> Option<Decimal> {
    Decimal::parse(&value.as_number()?.to_string()).ok()
}

fn step_fits(step: Decimal, minimum: Option<Decimal>, maximum: Option<Decimal>) -> bool {
    step.is_positive()
        && match (minimum, maximum) {
            (Some(min), Some(max)) => max
                .checked_sub(min)
                .is_some_and(|span| span.is_multiple_of(step)),
            _ => true,
        }
}

fn is_size_name(name: &str) -> bool {
    matches!(name, "size" | "image_size")
}

/// `1024*1024` → `*`, `1024x768` → `x`.
fn separator_of(value: &str) -> Option<char> {
    ['*', 'x'].into_iter().find(|&separator| {
        value.split_once(separator).is_some_and(|(w, h)| {
            !w.is_empty()
                && !h.is_empty()
                && w.bytes().all(|b| b.is_ascii_digit())
                && h.bytes().all(|b| b.is_ascii_digit())
        })
    })
}

/// Whether a string property is an image: one whose `accept` hint names
/// images (WaveSpeed's `x-ui-component-props.accept`, `x-accept`), a URI
/// by its `format`, or by its name where the source gives neither (as
/// WaveSpeed's own clients read them).
fn is_image(name: &str, schema: &Json) -> bool {
    let format_uri = schema.get("format").and_then(Json::as_str) == Some("uri");
    if let Some(accept) = accept_hint(schema) {
        return accept.starts_with("image/");
    }
    // An uploader without an `accept` takes files of any kind (a zip of
    // training images, a video), so the name decides.
    let named = matches!(name, "image" | "images" | "image_url" | "image_urls")
        || name.ends_with("_image")
        || name.ends_with("_images")
        || name.ends_with("_image_url")
        || name.ends_with("_image_urls");
    format_uri || named
}

/// The kind of file an uploader takes (`image/*`), where the source says.
fn accept_hint(schema: &Json) -> Option<&str> {
    schema
        .get("x-ui-component-props")
        .and_then(|props| props.get("accept"))
        .or(schema.get("x-accept"))
        .and_then(Json::as_str)
}

/// Rust variant names for values that cannot become one by themselves
/// (`1`, `2K`): `V` and the value (`V1`, `V2K`).
/// A size's measured presets (`1024*1024`) are named by their dimensions.
pub(crate) fn variant_names(
    values: &[String],
    size: bool,
) -> std::collections::BTreeMap<String, String> {
    values
        .iter()
        .filter(|value| naming::choice_variant(value).is_none())
        .filter(|value| !(size && separator_of(value).is_some()))
        .map(|value| {
            let cleaned: String = value
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            (value.clone(), format!("V{cleaned}"))
        })
        .collect()
}
