//! How spec names become Rust names.
//!
//! Lives with the specs, not the generator, so that the checker can report two
//! names colliding in Rust (`output-format` and `output_format`) at the spec
//! line that causes it, instead of codegen failing later.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Words Rust reserves; a field or module with one of these names is written
/// as a raw identifier (`r#type`) or suffixed.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Whether `name` is a Rust keyword.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Whether `name` is a plain ASCII identifier (`[A-Za-z_][A-Za-z0-9_]*`).
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The module for a model id: `openai/gpt-image-1` → `openai_gpt_image_1`.
pub fn module_name(model_id: &str) -> String {
    let mut name = String::new();
    for c in model_id.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('_') {
            name.push('_');
        }
    }
    let name = name.trim_matches('_').to_owned();
    if name.starts_with(|c: char| c.is_ascii_digit()) || is_keyword(&name) {
        format!("model_{name}")
    } else {
        name
    }
}

/// The cargo feature enabling a model's module: `openai_gpt_image_1` → `openai-gpt-image-1`.
pub fn feature_name(module: &str) -> String {
    module.replace('_', "-")
}

/// The Rust field for a wire name: `statusUrl` → `status_url`.
pub fn field_name(wire_name: &str) -> String {
    wire_name.to_snake_case()
}

/// The Rust type for a wire name: `output_format` → `OutputFormat`.
pub fn type_name(wire_name: &str) -> String {
    wire_name.to_upper_camel_case()
}

/// A constant's name: `random` → `RANDOM`.
pub fn const_name(name: &str) -> String {
    name.to_shouty_snake_case()
}

/// The enum variant for an enumerated wire value, if one can be derived:
/// `b64_json` → `B64Json`, `high` → `High`. Values starting with a digit have
/// no natural name and need one in the spec's `variant_names`.
pub fn choice_variant(value: &str) -> Option<String> {
    // An aspect ratio, `16:9` → `Ratio16x9`.
    if let Some((long, short)) = value.split_once(':')
        && !long.is_empty()
        && !short.is_empty()
        && long
            .bytes()
            .chain(short.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return Some(format!("Ratio{long}x{short}"));
    }
    let name = value.to_upper_camel_case();
    (is_identifier(&name) && !name.starts_with(|c: char| c.is_ascii_digit())).then_some(name)
}

/// The enum variant for a number an enumerated `integer` or `number`
/// allows: `720` → `V720`, `0.5` → `V0_5`, `-1` → `Minus1`.
pub fn number_variant(value: &str) -> String {
    let (prefix, digits) = match value.strip_prefix('-') {
        Some(rest) => ("Minus", rest),
        None => ("V", value),
    };
    format!("{prefix}{}", digits.replace('.', "_"))
}

/// The enum variant for an image size: `1024*1024` and `1024x1024` →
/// `S1024x1024` (as async-openai names sizes), `auto` → `Auto`.
pub fn size_variant(width: u32, height: u32) -> String {
    format!("S{width}x{height}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aspect_ratios_become_ratio_variants() {
        assert_eq!(choice_variant("16:9").as_deref(), Some("Ratio16x9"));
        assert_eq!(choice_variant("1:1").as_deref(), Some("Ratio1x1"));
        assert_eq!(choice_variant(":9"), None);
    }

    #[test]
    fn modules_and_features_from_model_ids() {
        assert_eq!(module_name("gpt-image-1"), "gpt_image_1");
        assert_eq!(module_name("openai/gpt-image-1"), "openai_gpt_image_1");
        assert_eq!(
            module_name("openai/gpt-image-2/text-to-image"),
            "openai_gpt_image_2_text_to_image"
        );
        assert_eq!(module_name("Z-Image Turbo"), "z_image_turbo");
        assert_eq!(module_name("4k-upscaler"), "model_4k_upscaler");
        assert_eq!(module_name("type"), "model_type");
        assert_eq!(feature_name("openai_gpt_image_1"), "openai-gpt-image-1");
    }

    #[test]
    fn fields_types_and_variants() {
        assert_eq!(field_name("statusUrl"), "status_url");
        assert_eq!(field_name("has_nsfw_contents"), "has_nsfw_contents");
        assert_eq!(field_name("b64_json"), "b64_json");
        assert_eq!(type_name("output_format"), "OutputFormat");
        assert_eq!(type_name("mask_image"), "MaskImage");
        assert_eq!(choice_variant("b64_json").as_deref(), Some("B64Json"));
        assert_eq!(choice_variant("auto").as_deref(), Some("Auto"));
        assert_eq!(choice_variant("1"), None);
        assert_eq!(choice_variant("21:9").as_deref(), Some("Ratio21x9"));
        assert_eq!(number_variant("720"), "V720");
        assert_eq!(number_variant("0.5"), "V0_5");
        assert_eq!(number_variant("-1"), "Minus1");
        assert_eq!(size_variant(1536, 1024), "S1536x1024");
        assert_eq!(const_name("random"), "RANDOM");
        assert!(is_keyword("type") && !is_keyword("size"));
        assert!(is_identifier("S1024x1024") && !is_identifier("1024") && !is_identifier("a-b"));
    }
}
