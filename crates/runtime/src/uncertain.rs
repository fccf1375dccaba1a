//! Submissions whose answer never came, and what the provider's history
//! says of them.
//!
//! A submission that timed out or lost its connection after the request
//! left may or may not have created (and been charged for) a prediction.
//! Sending it again could pay twice, so the client never does; it returns an
//! [`Uncertain`] instead, which [`Client::reconcile`](crate::Client::reconcile)
//! takes to the provider's prediction history: one prediction of that model,
//! created while the request could have been taken and claimed by no other
//! submission this client knows of, is the lost one; anything else is
//! reported with the candidates, and nothing is sent.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// A submission that was sent and never answered: its provider, model, and
/// the span of time in which the provider could have created its
/// prediction. Plain data: keep it (a batch manifest does) to reconcile it
/// later, from another process too.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Uncertain {
    provider: String,
    model: String,
    /// When the request started to go out, in ms since the Unix epoch.
    sent_ms: u64,
    /// When the client stopped waiting for its answer: the latest the
    /// provider could have received it.
    answer_by_ms: u64,
    /// Which submission this is, kept when it is written and read back, so
    /// that two sent in the same millisecond stay two.
    #[serde(default = "random_nonce")]
    pub(crate) nonce: u64,
    /// The token its webhook URL carried, if it was sent with one: a
    /// delivery with it is this submission's, whatever the history says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) webhook_token: Option<String>,
}

impl Uncertain {
    /// A submission of `model` on `provider` sent at `sent` whose answer was
    /// given up on at `answer_by` (for a process that crashed while waiting:
    /// `sent` plus the request timeout).
    pub fn new(
        provider: impl Into<String>,
        model: impl Into<String>,
        sent: SystemTime,
        answer_by: SystemTime,
    ) -> Self {
        // Rounded outwards, so the window in whole milliseconds still holds
        // every instant the request could have been taken at.
        let sent_ms = millis(sent);
        let answer_by_ms = millis(answer_by).saturating_add(1);
        Uncertain {
            provider: provider.into(),
            model: model.into(),
            sent_ms,
            answer_by_ms: answer_by_ms.max(sent_ms),
            nonce: random_nonce(),
            webhook_token: None,
        }
    }

    /// The token its webhook URL carried, if it was sent with one
    /// (`imagegen_request=<token>`): the delivery naming it is this
    /// submission's prediction.
    pub fn webhook_token(&self) -> Option<&str> {
        self.webhook_token.as_deref()
    }

    /// The provider's name.
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// The model id.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// When the request started to go out.
    pub fn sent_at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.sent_ms)
    }

    /// When the client stopped waiting for the answer.
    pub fn answer_by(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.answer_by_ms)
    }

    /// The span searched for its prediction: sent to given up on, widened
    /// by `margin` on both sides for the provider's clock.
    pub fn window(&self, margin: Duration) -> (SystemTime, SystemTime) {
        (
            self.sent_at().checked_sub(margin).unwrap_or(UNIX_EPOCH),
            self.answer_by() + margin,
        )
    }
}

impl std::fmt::Display for Uncertain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a submission of {}/{} sent at {} and not answered by {}",
            self.provider,
            self.model,
            imagegen_core::rfc3339::format(self.sent_at()),
            imagegen_core::rfc3339::format(self.answer_by())
        )
    }
}

fn random_nonce() -> u64 {
    fastrand::u64(..)
}

fn millis(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |since| {
        u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
    })
}

/// A prediction of the provider's history that may be a lost submission's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// Its id.
    pub id: String,
    /// When it was created, as the provider wrote it.
    pub created_at: String,
    /// Its status then.
    pub status: String,
}

impl std::fmt::Display for Candidate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (created {}, {})",
            self.id, self.created_at, self.status
        )
    }
}

/// Why reconciling did not recover a prediction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "finding", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Finding {
    /// The provider documents no prediction history to look in.
    NoHistory,
    /// The history lists no prediction of the model in the window that no
    /// other submission claims: most likely the request never created one.
    /// The history may lag behind, and a clock off by more than the margin
    /// hides a prediction, so sending again still risks paying twice; it is
    /// the caller's choice.
    NoneFound,
    /// More than one prediction could be the lost one, or other unanswered
    /// submissions of the model overlap it in time: the history does not
    /// show a prediction's input, so it cannot tell them apart.
    Ambiguous {
        /// The predictions no other submission claims.
        candidates: Vec<Candidate>,
        /// Other unanswered submissions of the model whose windows overlap.
        overlapping: usize,
    },
    /// The history holds more predictions in the window than the client
    /// reads through (its first pages): the window is too busy to search.
    TooMany {
        /// How many the provider says match.
        total: u64,
    },
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Finding::NoHistory => f.write_str(
                "the provider documents no prediction history to look it up in; check the provider's dashboard before sending it again, which may pay twice",
            ),
            Finding::NoneFound => f.write_str(
                "the provider's history lists no prediction of the model created in that time that no other submission claims, so it was most likely never taken; sending it again is still a risk of paying twice (the history may lag, or a clock be off)",
            ),
            Finding::Ambiguous {
                candidates,
                overlapping,
            } => {
                let listed: Vec<String> = candidates.iter().map(ToString::to_string).collect();
                match (candidates.len(), overlapping) {
                    (_, 0) => write!(
                        f,
                        "the provider's history lists {} predictions of the model created in that time that no other submission claims, and cannot tell which is this one: {}",
                        candidates.len(),
                        listed.join(", ")
                    ),
                    (0, _) => write!(
                        f,
                        "{overlapping} other unanswered submission(s) of the model overlap it in time, and the history lists no unclaimed prediction for any of them"
                    ),
                    _ => write!(
                        f,
                        "{overlapping} other unanswered submission(s) of the model overlap it in time, and the history (which does not show inputs) cannot tell which of these is which: {}",
                        listed.join(", ")
                    ),
                }
            }
            Finding::TooMany { total } => write!(
                f,
                "the provider's history lists {total} predictions of the model in that time, more than the client searches"
            ),
        }
    }
}
