//! Building, validating and serialising one OpenAI images request:
//! imagegen's generated types against async-openai's (`lib.rs`).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use imagegen_request_build_bench::{async_openai, imagegen};

const PROMPT: &str = "A T-Rex relaxing on a beach, lying on a sun lounger and wearing \
                      sunglasses. Realistic photo.";

fn build_and_serialise(c: &mut Criterion) {
    let mut group = c.benchmark_group("images request: build + validate + serialise");
    group.bench_function("imagegen", |b| {
        b.iter(|| imagegen(black_box(PROMPT), black_box("1024x1024")))
    });
    group.bench_function("async-openai", |b| {
        b.iter(|| async_openai(black_box(PROMPT), black_box("1024x1024")))
    });
    group.finish();
}

criterion_group!(benches, build_and_serialise);
criterion_main!(benches);
