//! The matrix as a Markdown table, one row per class.

use std::fmt::Write as _;

use crate::Row;

/// The table, then any unexpected endings with a few samples each.
pub fn table(rows: &[Row]) -> String {
    let mut text = String::from(
        "| class | faults | generations | completed | typed errors | panics | double submissions | max submissions per request | errors without id | deadline overruns | leaked credentials | recovered | unreconciled | lost ids | unexpected | wall |\n\
         |---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for row in rows {
        let errors = if row.errors.is_empty() {
            "none".to_owned()
        } else {
            row.errors
                .iter()
                .map(|(kind, count)| format!("{kind} {count}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1} s |",
            row.class,
            row.what,
            row.generations,
            row.completed,
            errors,
            row.panics,
            row.double_submissions,
            row.max_submissions,
            row.errors_without_id,
            row.deadline_overruns,
            row.leaked_credentials,
            row.recovered,
            row.unreconciled,
            row.lost_ids,
            row.unexpected,
            row.wall.as_secs_f64(),
        );
    }
    let total: usize = rows.iter().map(|r| r.generations).sum();
    let _ = writeln!(text, "\n{total} generations in all.");
    for row in rows.iter().filter(|r| !r.samples.is_empty()) {
        let _ = writeln!(
            text,
            "\n{}: {} unexpected, e.g.:",
            row.class, row.unexpected
        );
        for sample in &row.samples {
            let _ = writeln!(text, "- {sample}");
        }
    }
    text
}
