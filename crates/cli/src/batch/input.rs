//! The prompts file: plain text (one prompt a line) or JSONL (an object with
//! a prompt and any parameters per line, named `.jsonl` or `.ndjson`). Every
//! line is checked against the model's rules before anything is sent.

use std::path::Path;

use imagegen::args::Args;
use imagegen::info::Meaning;
use imagegen::{AnyRequest, ModelEntry};

/// One line of work: where it is in the file and the request it makes.
#[derive(Debug, Clone)]
pub struct Job {
    /// 1-based line number in the prompts file: the line's key in the manifest.
    pub line: usize,
    /// The validated request.
    pub request: AnyRequest,
    /// Its JSON body, which the manifest records to tell a changed file from
    /// the one it was written for.
    pub body: serde_json::Value,
}

/// Reads every job of `path`, each line's parameters over `defaults` (the
/// command line's flags). All problems are reported together, by line.
pub fn read_jobs(path: &Path, model: &ModelEntry, defaults: &Args) -> Result<Vec<Job>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read the prompts file {}: {error}", path.display()))?;
    let jsonl = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("jsonl" | "ndjson")
    );
    let prompt_name = model
        .info
        .parameter_meaning(Meaning::Prompt)
        .map(|p| p.name);
    if !jsonl && prompt_name.is_none() {
        return Err(format!(
            "{} is read as plain text (one prompt a line), but {} has no prompt parameter; \
             write a .jsonl file with the model's parameters on each line instead",
            path.display(),
            model.qualified_id()
        ));
    }
    let mut jobs = Vec::new();
    let mut problems = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() {
            continue;
        }
        let args = if jsonl {
            json_line(raw, prompt_name, defaults)
        } else {
            // Checked above: a plain-text file is read only for a model with a prompt.
            text_line(raw, path, prompt_name.unwrap_or("prompt"), defaults)
        };
        let parsed = args.and_then(|args| {
            model.parse(args).map_err(|errors| {
                errors
                    .errors()
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            })
        });
        match parsed.and_then(|request| {
            let body = request
                .to_json()
                .map_err(|error| format!("cannot write the request as JSON: {error}"))?;
            Ok(Job {
                line,
                request,
                body,
            })
        }) {
            Ok(job) => jobs.push(job),
            Err(problem) => problems.push(format!("line {line}: {problem}")),
        }
    }
    if !problems.is_empty() {
        return Err(format!(
            "{} has invalid lines for {}; nothing was sent:\n  {}",
            path.display(),
            model.qualified_id(),
            problems.join("\n  ")
        ));
    }
    if jobs.is_empty() {
        return Err(format!("{} has no prompts", path.display()));
    }
    Ok(jobs)
}

fn text_line(
    raw: &str,
    path: &Path,
    prompt: &'static str,
    defaults: &Args,
) -> Result<Args, String> {
    // A JSON object in a plain-text file is almost surely a misnamed JSONL
    // file; sending it as a prompt would pay for a garbage image.
    if line_is_json_object(raw) {
        return Err(format!(
            "this looks like a JSON object, but {} is read as plain text (one prompt a line); \
             name the file .jsonl to read it as JSONL",
            path.display()
        ));
    }
    let mut args = defaults.clone();
    args.insert(prompt, raw);
    Ok(args)
}

fn line_is_json_object(raw: &str) -> bool {
    raw.trim_start().starts_with('{')
        && serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(raw).is_ok()
}

/// `prompt` is the model's name for its prompt, if it has one (a model
/// without one is driven by its other parameters alone).
fn json_line(raw: &str, prompt: Option<&'static str>, defaults: &Args) -> Result<Args, String> {
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(raw).map_err(|error| format!("not a JSON object: {error}"))?;
    let given = Args::from_json(&object).map_err(|errors| errors.to_string())?;
    let mut args = defaults.clone();
    for (name, value) in given.iter() {
        // `prompt` always names the prompt, whatever the model calls it.
        let name = match prompt {
            Some(prompt) if name == "prompt" => prompt,
            _ => name,
        };
        args.insert(name, value);
    }
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> &'static ModelEntry {
        imagegen::find_model("vibedream/z-image-turbo").unwrap().1
    }

    fn write(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn plain_text_is_one_prompt_a_line_keyed_by_line_number() {
        let (_dir, path) = write("p.txt", "a fox\n\n  \r\na lighthouse\r\n");
        let defaults = Args::new().with("size", "512*512");
        let jobs = read_jobs(&path, model(), &defaults).unwrap();
        let lines: Vec<usize> = jobs.iter().map(|j| j.line).collect();
        assert_eq!(lines, [1, 4]);
        assert_eq!(
            jobs[1].body,
            serde_json::json!({"prompt": "a lighthouse", "size": "512*512"})
        );
    }

    #[test]
    fn jsonl_lines_override_the_flags() {
        let (_dir, path) = write(
            "p.jsonl",
            "{\"prompt\": \"a fox\", \"seed\": 7}\n{\"prompt\": \"b\", \"size\": \"768*768\"}\n",
        );
        let defaults = Args::new().with("size", "512*512");
        let jobs = read_jobs(&path, model(), &defaults).unwrap();
        assert_eq!(
            jobs[0].body,
            serde_json::json!({"prompt": "a fox", "seed": 7, "size": "512*512"})
        );
        assert_eq!(jobs[1].body["size"], "768*768");
    }

    #[test]
    fn every_bad_line_is_reported_and_nothing_is_kept() {
        let (_dir, path) = write(
            "p.jsonl",
            "{\"prompt\": \"ok\"}\n{\"prompt\": \"x\", \"size\": \"1024x1024\"}\nnot json\n{\"seed\": 1}\n",
        );
        let error = read_jobs(&path, model(), &Args::new()).unwrap_err();
        assert!(error.contains("nothing was sent"), "{error}");
        assert!(error.contains("line 2: invalid `size`"), "{error}");
        assert!(error.contains("did you mean `1024*1024`?"), "{error}");
        assert!(error.contains("line 3: not a JSON object"), "{error}");
        assert!(error.contains("line 4: missing `prompt`"), "{error}");
        assert!(!error.contains("\n  line 1:"), "{error}");
    }

    /// A model of the catalog that takes no prompt (an image variation
    /// model), if the specs have one.
    fn model_without_prompt() -> Option<&'static ModelEntry> {
        imagegen::models()
            .map(|(_, model)| model)
            .find(|model| model.info.parameter_meaning(Meaning::Prompt).is_none())
    }

    #[test]
    fn a_model_without_a_prompt_takes_jsonl_lines_but_not_plain_text() {
        let Some(model) = model_without_prompt() else {
            return; // every model of the specs has a prompt: nothing to check
        };
        let image = model
            .info
            .parameters
            .iter()
            .find(|p| p.required && p.fixed.is_none())
            .expect("a model without a prompt requires some other parameter");
        assert_eq!(
            image.kind,
            imagegen::info::ParamKind::ImageUrl,
            "{}",
            image.name
        );
        let image = image.name;
        let (_dir, path) = write("p.txt", "a fox\n");
        let error = read_jobs(&path, model, &Args::new()).unwrap_err();
        assert!(error.contains("has no prompt parameter"), "{error}");
        assert!(error.contains(".jsonl"), "{error}");

        let line = serde_json::json!({ image: "https://example.com/a.png" });
        let (_dir, path) = write("p.jsonl", &format!("{line}\n"));
        let jobs = read_jobs(&path, model, &Args::new()).unwrap();
        assert_eq!(jobs[0].body[image], "https://example.com/a.png");
    }

    #[test]
    fn a_json_object_in_a_text_file_is_refused() {
        let (_dir, path) = write("p.txt", "{\"prompt\": \"a fox\"}\n");
        let error = read_jobs(&path, model(), &Args::new()).unwrap_err();
        assert!(error.contains("name the file .jsonl"), "{error}");
    }
}
