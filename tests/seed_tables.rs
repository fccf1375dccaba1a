//! Each spec against its seed document's own parameter table, row by row:
//! the same parameters, required flags, types, defaults, ranges and
//! descriptions, read from the document rather than copied into the test.

use std::collections::BTreeSet;

use imagegen_spec::decimal::Decimal;
use imagegen_spec::ir::{Model, Param, ParamKind, SpecSet};
use imagegen_tests::{seed, workspace_root};

/// One row: `| name | type | required | default | range | description |`.
#[derive(Debug)]
struct Row {
    name: String,
    ty: String,
    required: bool,
    default: Option<String>,
    range: String,
    description: String,
}

/// The rows of the table headed `Parameter | Type | Required | Default | Range | Description`.
/// Rows whose range cell is empty have their description shifted into it in
/// 002 (`| prompt | string | Yes | - | The positive prompt… | |`); the
/// description is the last non-empty cell.
fn parameter_rows(text: &str) -> Vec<Row> {
    let lines: Vec<&str> = text.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.contains("Parameter | Type | Required | Default | Range | Description"))
        .expect("the seed has a parameter table");
    let mut rows = Vec::new();
    for line in &lines[header + 2..] {
        let cells: Vec<String> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_owned())
            .collect();
        if cells.len() < 5 || cells[0].contains(' ') || cells[0].is_empty() {
            break;
        }
        let shifted = cells.len() < 6 || cells[5].is_empty();
        let (range, description) = if shifted {
            (String::new(), cells[4].clone())
        } else {
            (cells[4].clone(), cells[5].clone())
        };
        let default = match cells[3].as_str() {
            "-" | "--" | "" => None,
            other => Some(other.to_owned()),
        };
        rows.push(Row {
            name: cells[0].clone(),
            ty: cells[1].clone(),
            required: cells[2].contains("Yes"),
            default,
            range,
            description,
        });
    }
    rows
}

fn specs() -> SpecSet {
    imagegen_spec::load(&workspace_root().join("specs")).unwrap_or_else(|d| panic!("{d}"))
}

fn model<'a>(set: &'a SpecSet, provider: &str, id: &str) -> &'a Model {
    set.providers
        .iter()
        .find(|p| p.name == provider)
        .and_then(|p| p.models.iter().find(|m| m.id == id))
        .unwrap()
}

/// Letters and digits only, lower case: the seeds' scraping drops or doubles
/// spaces and punctuation (`image-to-image)Pass`), the words must match.
fn words(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The type the documentation's table would show for the parameter.
fn documented_type(param: &Param) -> String {
    if let Some(doc_type) = &param.doc_type {
        return doc_type.clone();
    }
    match param.kind {
        ParamKind::Boolean => "boolean",
        ParamKind::Integer { .. } => "integer",
        ParamKind::Number { .. } => "number",
        _ => "string",
    }
    .to_owned()
}

fn enum_values(param: &Param) -> Vec<String> {
    match &param.kind {
        ParamKind::Choice { values, .. } => values.iter().map(|c| c.wire.clone()).collect(),
        ParamKind::ImageSize { presets, .. } => presets.iter().map(|p| p.wire.clone()).collect(),
        _ => Vec::new(),
    }
}

/// `check_ranges`: whether the range column is machine-readable (001's is
/// scraped into one run of text: `1024x10241536x1024…`).
fn compare(seed_file: &str, model: &Model, check_ranges: bool) {
    let rows = parameter_rows(&seed(seed_file));
    let documented: BTreeSet<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    let specified: BTreeSet<&str> = model.parameters.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        specified, documented,
        "{}: the parameters of {seed_file}",
        model.id
    );
    for row in &rows {
        let param = model.parameter(&row.name).unwrap();
        let at = format!("{} `{}` ({seed_file})", model.id, row.name);
        assert_eq!(param.required, row.required, "{at}: required");
        assert_eq!(documented_type(param), row.ty, "{at}: type");
        assert_eq!(param.default_text(), row.default, "{at}: default");
        assert!(
            words(&param.description) == words(&row.description),
            "{at}: description\n spec: {}\n seed: {}",
            param.description,
            row.description
        );
        if !check_ranges || row.range.is_empty() || row.range == "-" || row.range == "--" {
            continue;
        }
        match &param.kind {
            ParamKind::Choice { .. } | ParamKind::ImageSize { .. } => {
                let listed: Vec<String> =
                    row.range.split(',').map(|v| v.trim().to_owned()).collect();
                assert_eq!(enum_values(param), listed, "{at}: allowed values");
            }
            ParamKind::Integer {
                minimum, maximum, ..
            } => {
                let (low, high) = row.range.split_once('–').unwrap();
                assert_eq!(*minimum, Some(low.trim().parse().unwrap()), "{at}: minimum");
                assert_eq!(
                    *maximum,
                    Some(high.trim().parse().unwrap()),
                    "{at}: maximum"
                );
            }
            ParamKind::Number {
                minimum,
                maximum,
                step,
            } => {
                // `0 – 1 (step 0.1)`
                let (bounds, step_text) = row.range.split_once("(step").unwrap_or((&row.range, ""));
                let (low, high) = bounds.split_once('–').unwrap();
                let d = |t: &str| Decimal::parse(t.trim().trim_end_matches(')')).unwrap();
                assert_eq!(*minimum, Some(d(low)), "{at}: minimum");
                assert_eq!(*maximum, Some(d(high)), "{at}: maximum");
                if !step_text.is_empty() {
                    assert_eq!(*step, Some(d(step_text)), "{at}: step");
                }
            }
            other => panic!("{at}: a range {:?} for {other:?}", row.range),
        }
    }
}

#[test]
fn vibedream_gpt_image_1_is_000s_table() {
    compare(
        "000_bd5c8e6b0e6b695d.txt",
        model(&specs(), "vibedream", "gpt-image-1"),
        true,
    );
}

#[test]
fn vibedream_z_image_turbo_is_004s_table() {
    compare(
        "004_3dd371909f215d2b.txt",
        model(&specs(), "vibedream", "z-image-turbo"),
        true,
    );
}

#[test]
fn wavespeed_gpt_image_1_is_002s_table() {
    compare(
        "002_d06dddc7f92833bf.txt",
        model(&specs(), "wavespeed", "openai/gpt-image-1"),
        true,
    );
}

#[test]
fn gptproto_models_are_001s_table() {
    let set = specs();
    for id in [
        "openai/gpt-image-1/text-to-image",
        "openai/gpt-image-2/text-to-image",
    ] {
        compare(
            "001_fab5b5b0c3afa553.txt",
            model(&set, "gptproto", id),
            false,
        );
    }
    // 001's range cells run together; each value must still appear there.
    let rows = parameter_rows(&seed("001_fab5b5b0c3afa553.txt"));
    let two = model(&set, "gptproto", "openai/gpt-image-2/text-to-image");
    for row in &rows {
        for value in enum_values(two.parameter(&row.name).unwrap()) {
            assert!(
                row.range.contains(&value),
                "`{value}` is not in 001's range for `{}`: {}",
                row.name,
                row.range
            );
        }
    }
    let n = rows.iter().find(|r| r.name == "n").unwrap();
    assert_eq!(n.range, "1-10");
    assert_eq!(
        two.parameter("n").unwrap().kind,
        ParamKind::Integer {
            minimum: Some(1),
            maximum: Some(10),
            step: None
        }
    );
}

#[test]
fn the_table_reader_handles_the_seeds_layouts() {
    let rows = parameter_rows(&seed("002_d06dddc7f92833bf.txt"));
    let prompt = &rows[0];
    assert_eq!(
        (prompt.name.as_str(), prompt.range.as_str()),
        ("prompt", "")
    );
    assert_eq!(
        prompt.description,
        "The positive prompt for the generation."
    );
    let size = rows.iter().find(|r| r.name == "size").unwrap();
    assert_eq!(size.range, "auto, 1024*1024, 1024*1536, 1536*1024");
    let rows = parameter_rows(&seed("001_fab5b5b0c3afa553.txt"));
    assert_eq!(rows.len(), 6, "{rows:#?}");
    assert!(rows[0].required && !rows[1].required);
}
