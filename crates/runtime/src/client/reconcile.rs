//! Finding an unanswered submission's prediction in the provider's history.

use std::time::SystemTime;

use bytes::Bytes;
use reqwest::Method;
use serde_json::{Value, json};

use super::Client;
use super::account::at;
use crate::error::{Error, Phase};
use crate::info::HistoryInfo;
use crate::prediction::Prediction;
use crate::transport::{Answer, Call, Failure, Transport};
use crate::uncertain::{Candidate, Finding, Uncertain};

/// The most pages of history read for one window (100 items a page at
/// WaveSpeed): a window busier than that is reported, not searched.
const MAX_PAGES: u32 = 50;

/// One prediction as the history lists it.
#[derive(Debug)]
struct Listed {
    id: String,
    created_at: String,
    created: Option<SystemTime>,
    status: String,
    status_url: Option<String>,
}

impl<P> Client<P> {
    /// Looks for the prediction of a submission whose answer never came
    /// ([`Error::Unanswered`]) in the provider's history, and returns it,
    /// resumable like any other, when exactly one prediction of its model
    /// was created while it could have been taken and no other submission
    /// this client knows of claims it: none answered to this client or
    /// given to [`claim`](Self::claim), none still awaiting its answer (it
    /// first waits for those), and no other unanswered one overlapping it
    /// in time. Otherwise [`Error::Unreconciled`] lists the candidates; the
    /// history does not show inputs, so two overlapping unanswered
    /// submissions are never told apart by guessing. Nothing is ever sent
    /// but the history queries.
    ///
    /// This assumes the client (with the ids given to `claim`) is the only
    /// one submitting to the model on the account in that window: another
    /// program's prediction of the same model and second would be taken
    /// for this one.
    pub async fn reconcile(&self, uncertain: &Uncertain) -> Result<Prediction, Error> {
        let transport = &*self.transport;
        if uncertain.provider() != transport.provider.name {
            return Err(Error::InvalidConfig {
                reason: format!(
                    "{uncertain} is not {}'s: reconcile it with a {} client",
                    transport.provider.display_name,
                    uncertain.provider()
                ),
            });
        }
        let unreconciled = |finding| Error::Unreconciled {
            uncertain: Box::new(uncertain.clone()),
            finding,
        };
        let Some(history) = transport.history else {
            return Err(unreconciled(Finding::NoHistory));
        };
        let ledger = &transport.ledger;
        // Read back from a record, it joins the ledger so that others
        // overlapping it count it, as it counts them.
        ledger.open(uncertain);
        let deadline = crate::Deadline::after(transport.timeouts.overall);
        let (start, end) = uncertain.window(ledger.margin);
        let settled = tokio::time::timeout_at(
            tokio::time::Instant::from_std(deadline.at()),
            ledger.settle_before(uncertain.model(), end),
        )
        .await;
        if settled.is_err() {
            return Err(Error::Timeout {
                phase: Phase::Submit,
                prediction_id: None,
                elapsed: deadline.started().elapsed(),
            });
        }
        let listed = match list(transport, history, uncertain, (start, end), deadline).await? {
            Ok(listed) => listed,
            Err(finding) => return Err(unreconciled(finding)),
        };
        let candidates: Vec<Listed> = listed
            .into_iter()
            .filter(|item| !ledger.is_known(&item.id))
            // Outside the window by its own clock: not this one. A time that
            // cannot be read is kept, to be counted rather than missed.
            .filter(|item| item.created.is_none_or(|at| start <= at && at <= end))
            .collect();
        let overlapping = ledger.overlapping(uncertain);
        match (candidates.as_slice(), overlapping) {
            ([found], 0) => {
                ledger.close(uncertain, Some(&found.id));
                let mut prediction = Prediction::new(
                    transport.provider.name,
                    Some(uncertain.model()),
                    Some(found.id.clone()),
                );
                prediction.set_status(&found.status);
                prediction.set_details(
                    found.status_url.clone(),
                    None,
                    None,
                    crate::cost::Cost::Unknown,
                    found.created.unwrap_or_else(|| uncertain.sent_at()),
                );
                tracing::info!(
                    model = uncertain.model(),
                    prediction_id = %found.id,
                    "an unanswered submission was found in the provider's history"
                );
                Ok(prediction)
            }
            ([], 0) => Err(unreconciled(Finding::NoneFound)),
            _ => Err(unreconciled(Finding::Ambiguous {
                candidates: candidates
                    .into_iter()
                    .map(|item| Candidate {
                        id: item.id,
                        created_at: item.created_at,
                        status: item.status,
                    })
                    .collect(),
                overlapping,
            })),
        }
    }

    /// Ids that belong to other submissions (a batch's manifest, another
    /// run's records): [`reconcile`](Self::reconcile) never takes them for
    /// a lost one.
    pub fn claim<I: IntoIterator<Item = String>>(&self, ids: I) {
        self.transport.ledger.claim(ids);
    }

    /// Counts an unanswered submission recorded elsewhere (a manifest's)
    /// against overlapping ones from now on, as if this client had sent it:
    /// register every such record before reconciling any of them.
    pub fn track(&self, uncertain: &Uncertain) {
        self.transport.ledger.open(uncertain);
    }

    /// Stops counting an unanswered submission against overlapping ones
    /// (after it was settled some other way, or abandoned).
    pub fn forget(&self, uncertain: &Uncertain) {
        self.transport.ledger.close(uncertain, None);
    }
}

/// Every prediction of the model the history lists in the window, page by
/// page; a [`Finding`] when there are too many to read.
async fn list(
    transport: &Transport,
    history: &'static HistoryInfo,
    uncertain: &Uncertain,
    (start, end): (SystemTime, SystemTime),
    deadline: crate::Deadline,
) -> Result<Result<Vec<Listed>, Finding>, Error> {
    let url = transport.api_url(history.endpoint.path)?;
    let call = Call {
        phase: Phase::Submit,
        model: Some(uncertain.model()),
        prediction_id: None,
        started: deadline.started(),
        deadline: deadline.at(),
    };
    let method = match history.endpoint.method {
        crate::info::HttpMethod::Get => Method::GET,
        crate::info::HttpMethod::Post => Method::POST,
    };
    let page_size = history.max_page_size;
    let mut listed = Vec::new();
    for page in history.first_page..history.first_page.saturating_add(MAX_PAGES) {
        let mut query = serde_json::Map::new();
        query.insert(history.page_field.to_owned(), json!(page));
        query.insert(history.page_size_field.to_owned(), json!(page_size));
        query.insert(history.model_field.to_owned(), json!(uncertain.model()));
        // Written to the millisecond, the bound after the window is one
        // millisecond past its end, whichever way the provider reads
        // "before".
        let (after, before) = (
            imagegen_core::rfc3339::format(start),
            imagegen_core::rfc3339::format(end + std::time::Duration::from_millis(1)),
        );
        query.insert(history.created_after_field.to_owned(), json!(after));
        query.insert(history.created_before_field.to_owned(), json!(before));
        let body = Bytes::from(Value::Object(query).to_string());
        // A read, however it is sent: retried like a status check.
        let answer = transport
            .with_retries(&call, &url, true, |_| {
                let sent = transport.attempt(
                    method.clone(),
                    &url,
                    Some(body.clone()),
                    transport.timeouts.request,
                );
                async move {
                    let answer = sent.await?;
                    read_page(&call, history, &answer).map_err(Failure::Transient)
                }
            })
            .await?;
        let (items, total) = answer;
        let count = items.len();
        listed.extend(items);
        let read = u64::from(page - history.first_page + 1) * u64::from(page_size);
        let more = match total {
            Some(total) => read < total,
            None => count as u64 >= u64::from(page_size),
        };
        if !more || count == 0 {
            return Ok(Ok(listed));
        }
    }
    Ok(Err(Finding::TooMany {
        total: u64::from(MAX_PAGES) * u64::from(page_size),
    }))
}

/// One page: its items and the total, or why it cannot be read.
fn read_page(
    call: &Call<'_>,
    history: &HistoryInfo,
    answer: &Answer,
) -> Result<(Vec<Listed>, Option<u64>), Error> {
    let undecodable = |reason: &str| call.undecodable(answer.status, reason, &answer.body);
    let body = super::account::read(call, answer, history.envelope_code)?;
    let items = at(&body, history.items)
        .and_then(Value::as_array)
        .ok_or_else(|| {
            undecodable(&format!(
                "the history answer has no `{}` list",
                history.items
            ))
        })?;
    let text = |item: &Value, path: &str| at(item, path).and_then(Value::as_str).map(str::to_owned);
    let mut listed = Vec::with_capacity(items.len());
    for item in items {
        let id = text(item, history.item_id)
            .filter(|id| !id.is_empty())
            .ok_or_else(|| undecodable(&format!("a history item has no `{}`", history.item_id)))?;
        let created_at = text(item, history.item_created_at).unwrap_or_default();
        listed.push(Listed {
            created: imagegen_core::rfc3339::parse(&created_at),
            created_at,
            status: text(item, history.item_status).unwrap_or_default(),
            status_url: history.item_status_url.and_then(|path| text(item, path)),
            id,
        });
    }
    let total = history
        .total
        .and_then(|path| at(&body, path))
        .and_then(Value::as_u64);
    Ok((listed, total))
}
