//! The fault classes of the matrix: which emulator faults each prediction of
//! a class meets, and what the client must make of them.
//!
//! Every rule is scoped to the prediction's own prompt (each generation has a
//! unique one), so a class's faults hit each of its predictions the same
//! number of times however the requests of many predictions interleave.

use imagegen_sim::{Fault, FaultRule, RetryAfter, Target};
use std::time::Duration;

/// What a class must end in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Every generation completes and is saved: the faults are shorter than
    /// the deadline, and the client retries them.
    Complete,
    /// Every generation ends in a typed error carrying the prediction id the
    /// server gave (a moderated prediction), or a typed error where the
    /// server gave none (a synchronous API refusing the request).
    TypedError,
    /// The submission's fate is unknown to the client (the server may have
    /// accepted and charged for it): a typed error saying so, and the request
    /// is never sent twice.
    Ambiguous,
    /// Some submissions' answers are lost after the prediction was made:
    /// each such generation is looked for in the provider's history and
    /// either recovered (then completes) or reported with its prediction
    /// among the candidates; the others complete. Nothing is sent twice.
    Reconciled,
}

/// One row of the matrix.
#[derive(Debug, Clone, Copy)]
pub struct Class {
    /// Its name in the table (`rate_limit_storm`).
    pub name: &'static str,
    /// What happens, in words.
    pub what: &'static str,
    /// What every generation must end in.
    pub expect: Expect,
    /// Whether the request asks for sync mode (only models with one).
    pub sync: bool,
    faults: fn(&str, u64) -> Vec<FaultRule>,
}

impl Class {
    /// The rules for the prediction whose prompt contains `tag`; `seed`
    /// varies the mixed class's combination per prediction.
    pub fn rules(&self, tag: &str, seed: u64) -> Vec<FaultRule> {
        (self.faults)(tag, seed)
    }
}

fn rule(fault: Fault, target: Target, times: u32, tag: &str) -> FaultRule {
    FaultRule::new(fault)
        .on(target)
        .times(times)
        .for_prompt(tag)
}

fn rate_limit_storm(tag: &str, _: u64) -> Vec<FaultRule> {
    let storm = Fault::RateLimit {
        retry_after: RetryAfter::Millis(40),
    };
    vec![
        rule(storm.clone(), Target::Submit, 3, tag),
        rule(storm, Target::Poll, 3, tag),
    ]
}

fn server_error_on_submit(tag: &str, _: u64) -> Vec<FaultRule> {
    vec![rule(
        Fault::ServerError { status: 503 },
        Target::Submit,
        1,
        tag,
    )]
}

fn server_error_on_poll(tag: &str, _: u64) -> Vec<FaultRule> {
    vec![
        rule(Fault::ServerError { status: 500 }, Target::Poll, 2, tag),
        rule(Fault::EnvelopeError { code: 502 }, Target::Poll, 1, tag),
    ]
}

fn drop_on_submit(tag: &str, _: u64) -> Vec<FaultRule> {
    vec![rule(Fault::DropConnection, Target::Submit, 1, tag)]
}

/// How often `lost_answer` loses a submission's answer: 1 in this many.
pub const LOST_ANSWER_EVERY: u64 = 20;

fn lost_answer(tag: &str, seed: u64) -> Vec<FaultRule> {
    if seed.is_multiple_of(LOST_ANSWER_EVERY) {
        vec![rule(Fault::DropConnection, Target::Submit, 1, tag)]
    } else {
        Vec::new()
    }
}

fn drop_on_poll(tag: &str, _: u64) -> Vec<FaultRule> {
    vec![rule(Fault::DropConnection, Target::Poll, 2, tag)]
}

fn slow_bodies(tag: &str, _: u64) -> Vec<FaultRule> {
    let slow = Fault::SlowBody {
        chunk_delay: Duration::from_millis(15),
    };
    vec![rule(slow, Target::Any, 4, tag)]
}

fn truncated_bodies(tag: &str, _: u64) -> Vec<FaultRule> {
    vec![
        rule(Fault::TruncatedBody, Target::Poll, 1, tag),
        rule(Fault::TruncatedBody, Target::Download, 1, tag),
    ]
}

fn invalid_json(tag: &str, _: u64) -> Vec<FaultRule> {
    vec![rule(Fault::InvalidJson, Target::Poll, 2, tag)]
}

fn moderation(tag: &str, _: u64) -> Vec<FaultRule> {
    vec![rule(Fault::Moderation, Target::Any, 1, tag)]
}

fn unknown_status(tag: &str, _: u64) -> Vec<FaultRule> {
    vec![rule(
        Fault::UnknownStatus("warming_up".to_owned()),
        Target::Any,
        2,
        tag,
    )]
}

fn sync_timeout(tag: &str, _: u64) -> Vec<FaultRule> {
    vec![rule(Fault::SyncTimeout, Target::Submit, 1, tag)]
}

fn asset_errors(tag: &str, _: u64) -> Vec<FaultRule> {
    vec![
        rule(Fault::ServerError { status: 503 }, Target::Download, 2, tag),
        rule(Fault::DropConnection, Target::Download, 1, tag),
    ]
}

fn asset_redirects(tag: &str, _: u64) -> Vec<FaultRule> {
    vec![rule(Fault::Redirect, Target::Download, 1, tag)]
}

fn foreign_status_url(tag: &str, _: u64) -> Vec<FaultRule> {
    vec![rule(Fault::ForeignStatusUrl, Target::Any, 2, tag)]
}

/// The faults every retryable class injects, a few at a time per prediction.
const RETRYABLE: [fn(&str, u64) -> Vec<FaultRule>; 10] = [
    rate_limit_storm,
    server_error_on_poll,
    drop_on_poll,
    slow_bodies,
    truncated_bodies,
    invalid_json,
    unknown_status,
    asset_errors,
    asset_redirects,
    foreign_status_url,
];

fn mixed(tag: &str, seed: u64) -> Vec<FaultRule> {
    // Three different retryable classes, picked by the prediction's number
    // (the same class twice would double its faults past what it promises
    // to outlast, e.g. four HTML pages where two are retried).
    let mut picked: Vec<usize> = Vec::new();
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    while picked.len() < 3 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let pick = (state % RETRYABLE.len() as u64) as usize;
        if !picked.contains(&pick) {
            picked.push(pick);
        }
    }
    picked
        .into_iter()
        .flat_map(|pick| RETRYABLE[pick](tag, seed))
        .collect()
}

/// Every class, in the table's order.
pub const CLASSES: &[Class] = &[
    Class {
        name: "rate_limit_storm",
        what: "429 with Retry-After, 3 times on submit and 3 on polls",
        expect: Expect::Complete,
        sync: false,
        faults: rate_limit_storm,
    },
    Class {
        name: "server_error_on_submit",
        what: "503 answering the submission",
        expect: Expect::Ambiguous,
        sync: false,
        faults: server_error_on_submit,
    },
    Class {
        name: "server_error_on_poll",
        what: "500 twice, then an envelope 502, on status checks",
        expect: Expect::Complete,
        sync: false,
        faults: server_error_on_poll,
    },
    Class {
        name: "drop_on_submit",
        what: "connection closed after the submission was read",
        expect: Expect::Ambiguous,
        sync: false,
        faults: drop_on_submit,
    },
    Class {
        name: "lost_answer",
        what: "1 submission in 20 answered by nobody after the prediction was made, then reconciled with the provider's history (models with one)",
        expect: Expect::Reconciled,
        sync: false,
        faults: lost_answer,
    },
    Class {
        name: "drop_on_poll",
        what: "connection closed on 2 status checks",
        expect: Expect::Complete,
        sync: false,
        faults: drop_on_poll,
    },
    Class {
        name: "slow_bodies",
        what: "4 answers sent in 8 chunks 15 ms apart",
        expect: Expect::Complete,
        sync: false,
        faults: slow_bodies,
    },
    Class {
        name: "truncated_bodies",
        what: "a status answer and a download cut at half their length",
        expect: Expect::Complete,
        sync: false,
        faults: truncated_bodies,
    },
    Class {
        name: "invalid_json",
        what: "2 status answers that are an HTML page with 200",
        expect: Expect::Complete,
        sync: false,
        faults: invalid_json,
    },
    Class {
        name: "moderation",
        what: "the prediction fails content moderation",
        expect: Expect::TypedError,
        sync: false,
        faults: moderation,
    },
    Class {
        name: "unknown_status",
        what: "2 answers with a status the spec does not list",
        expect: Expect::Complete,
        sync: false,
        faults: unknown_status,
    },
    Class {
        name: "sync_timeout",
        what: "sync mode answered while still running (models with sync mode)",
        expect: Expect::Complete,
        sync: true,
        faults: sync_timeout,
    },
    Class {
        name: "asset_errors",
        what: "downloads answered 503 twice, then cut off",
        expect: Expect::Complete,
        sync: false,
        faults: asset_errors,
    },
    Class {
        name: "asset_redirects",
        what: "downloads redirected (302) on the assets origin",
        expect: Expect::Complete,
        sync: false,
        faults: asset_redirects,
    },
    Class {
        name: "foreign_status_url",
        what: "the status URL points at another origin",
        expect: Expect::Complete,
        sync: false,
        faults: foreign_status_url,
    },
    Class {
        name: "mixed",
        what: "three of the retryable classes at once, varied per prediction",
        expect: Expect::Complete,
        sync: false,
        faults: mixed,
    },
];
