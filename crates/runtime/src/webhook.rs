//! Webhook deliveries: checking that one came from the provider, unaltered
//! and recent, before anything in it is believed.
//!
//! A provider that documents webhooks ([`WebhookInfo`], from `webhook:` in
//! its provider.yaml) signs each delivery: the HMAC-SHA256 of
//! `{id}.{timestamp}.{raw body}`, keyed with the account's secret less its
//! prefix, sent as `<version>,<hex>` beside the id and the Unix timestamp.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;
use ring::hmac;

use crate::info::WebhookInfo;

/// A delivery that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The delivery's id (the same for each retry of one delivery).
    pub id: String,
    /// When the provider says it sent it, in Unix seconds.
    pub timestamp: u64,
}

/// Why a delivery is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// A header the signature needs is absent (or empty, or not text).
    #[error("the delivery has no `{0}` header")]
    MissingHeader(&'static str),
    /// The timestamp is not a whole number of seconds.
    #[error("`{header}` is {value:?}, not a Unix time in seconds")]
    BadTimestamp {
        /// The header.
        header: &'static str,
        /// What it held.
        value: String,
    },
    /// The signature header is not `<version>,<hex>`.
    #[error("`{header}` is {value:?}, not `{version},<hex signature>`")]
    BadSignatureFormat {
        /// The header.
        header: &'static str,
        /// What it held.
        value: String,
        /// The version expected.
        version: &'static str,
    },
    /// The signature does not match the body, id and timestamp: forged,
    /// altered, or signed with another secret.
    #[error(
        "the signature does not match: the delivery was altered, forged, or signed with another secret"
    )]
    WrongSignature,
    /// The timestamp is further from now than the documented limit: a
    /// replay of an old delivery (or a clock far off).
    #[error(
        "the delivery is stamped {age_seconds} s from now, more than the {limit_seconds} s allowed: a replay, or a clock far off"
    )]
    Stale {
        /// How far the timestamp is from now.
        age_seconds: u64,
        /// The documented limit.
        limit_seconds: u32,
    },
    /// The secret is empty once its prefix is removed.
    #[error("the webhook secret is empty")]
    EmptySecret,
}

/// Checks a delivery: the three headers present and well formed, the
/// signature (compared in constant time) over the raw body exactly as
/// received, and a timestamp within the documented age of `now` (either
/// way). The secret is taken as the provider gives it, prefix and all.
pub fn verify(
    info: &WebhookInfo,
    headers: &HeaderMap,
    raw_body: &[u8],
    secret: &str,
    now: SystemTime,
) -> Result<Verified, WebhookError> {
    let header = |name: &'static str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .ok_or(WebhookError::MissingHeader(name))
    };
    let id = header(info.id_header)?;
    let stamp = header(info.timestamp_header)?;
    let signature = header(info.signature_header)?;
    let timestamp: u64 = stamp
        .parse()
        .ok()
        .filter(|_| stamp.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| WebhookError::BadTimestamp {
            header: info.timestamp_header,
            value: stamp.to_owned(),
        })?;
    let bad_format = || WebhookError::BadSignatureFormat {
        header: info.signature_header,
        value: signature.chars().take(80).collect(),
        version: info.signature_version,
    };
    let (version, hex) = signature.split_once(',').ok_or_else(bad_format)?;
    if version != info.signature_version {
        return Err(bad_format());
    }
    let received = decode_hex(hex).ok_or_else(bad_format)?;
    let key = signing_key(info, secret)?;
    let signed = signed_content(id, stamp, raw_body);
    hmac::verify(&key, &signed, &received).map_err(|_| WebhookError::WrongSignature)?;
    let now = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let age = now.abs_diff(timestamp);
    if age > u64::from(info.max_age_seconds) {
        return Err(WebhookError::Stale {
            age_seconds: age,
            limit_seconds: info.max_age_seconds,
        });
    }
    Ok(Verified {
        id: id.to_owned(),
        timestamp,
    })
}

/// The signature header's value for a delivery: what a provider (or the
/// emulator) sends.
pub fn sign(
    info: &WebhookInfo,
    secret: &str,
    id: &str,
    timestamp: u64,
    raw_body: &[u8],
) -> Result<String, WebhookError> {
    let key = signing_key(info, secret)?;
    let tag = hmac::sign(&key, &signed_content(id, &timestamp.to_string(), raw_body));
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{},{hex}", info.signature_version))
}

/// The query parameter naming the request in each submission's copy of
/// the caller's webhook URL.
pub const REQUEST_PARAM: &str = "imagegen_request";

/// The token in a delivery's URL (its path and query, as received), if
/// the URL was one this client gave.
pub fn request_token(target: &str) -> Option<String> {
    let query = target.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        (name == REQUEST_PARAM && !value.is_empty()).then(|| value.to_owned())
    })
}

/// The caller's webhook URL, checked: absolute `https`, or `http` to a
/// loopback host; no credentials or fragment.
pub(crate) fn callback_base(text: &str) -> Result<url::Url, crate::Error> {
    let invalid = |reason: String| crate::Error::InvalidConfig {
        reason: format!("webhook URL: {reason}"),
    };
    let url = crate::origin::fetchable_url(text.trim()).map_err(invalid)?;
    if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
        return Err(invalid(format!(
            "`{text}` carries credentials or a fragment; give the plain URL the provider should POST to"
        )));
    }
    Ok(url)
}

/// `base` with this request's token added, and the submit URL asking the
/// provider to deliver there.
pub(crate) fn submit_url(
    submit: &url::Url,
    base: &url::Url,
    info: &WebhookInfo,
    token: &str,
) -> url::Url {
    let mut callback = base.clone();
    callback.query_pairs_mut().append_pair(REQUEST_PARAM, token);
    let mut submit = submit.clone();
    submit
        .query_pairs_mut()
        .append_pair(info.query_param, callback.as_str());
    submit
}

/// A new request token: 128 random bits in hex.
pub(crate) fn new_token() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

impl<P> crate::Client<P> {
    /// The account's webhook signing secret, as the provider gives it
    /// (prefix and all), read from its documented endpoint with the key.
    /// The docs show no answer body, only the secret's prefix: the first
    /// string in the answer that starts with it is taken.
    pub async fn webhook_secret(&self) -> Result<String, crate::Error> {
        let transport = &*self.transport;
        let info = transport
            .webhook_info
            .ok_or_else(|| crate::Error::InvalidConfig {
                reason: format!("{} documents no webhooks", transport.provider.display_name),
            })?;
        let deadline = crate::Deadline::after(transport.timeouts.overall);
        let call = crate::transport::Call {
            phase: crate::Phase::Poll,
            model: None,
            prediction_id: None,
            started: deadline.started(),
            deadline: deadline.at(),
        };
        let url = transport.api_url(info.secret.path)?;
        let method = match info.secret.method {
            crate::info::HttpMethod::Get => reqwest::Method::GET,
            crate::info::HttpMethod::Post => reqwest::Method::POST,
        };
        let answer = transport
            .with_retries(&call, &url, true, |_| {
                transport.attempt(method.clone(), &url, None, transport.timeouts.request)
            })
            .await
            .map_err(|error| error.redacted(&transport.redactor))?;
        let body: serde_json::Value = serde_json::from_slice(&answer.body).map_err(|error| {
            call.undecodable(answer.status, format!("not JSON: {error}"), &answer.body)
        })?;
        let prefix = info.secret_prefix.unwrap_or_default();
        first_string(&body, prefix).ok_or_else(|| {
            call.undecodable(
                answer.status,
                format!("the answer holds no string starting with `{prefix}`"),
                b"",
            )
        })
    }
}

/// The first string in `value` (depth first) that starts with `prefix`
/// and is longer than it.
fn first_string(value: &serde_json::Value, prefix: &str) -> Option<String> {
    match value {
        serde_json::Value::String(text)
            if text.starts_with(prefix) && text.len() > prefix.len() =>
        {
            Some(text.clone())
        }
        serde_json::Value::Array(items) => items.iter().find_map(|v| first_string(v, prefix)),
        serde_json::Value::Object(map) => map.values().find_map(|v| first_string(v, prefix)),
        _ => None,
    }
}

/// The longest a delivery may be from now, as a duration.
pub fn max_age(info: &WebhookInfo) -> Duration {
    Duration::from_secs(u64::from(info.max_age_seconds))
}

/// The secret less its documented prefix, as the HMAC key (not decoded).
fn signing_key(info: &WebhookInfo, secret: &str) -> Result<hmac::Key, WebhookError> {
    let secret = secret.trim();
    let key = info
        .secret_prefix
        .and_then(|prefix| secret.strip_prefix(prefix))
        .unwrap_or(secret);
    if key.is_empty() {
        return Err(WebhookError::EmptySecret);
    }
    Ok(hmac::Key::new(hmac::HMAC_SHA256, key.as_bytes()))
}

fn signed_content(id: &str, timestamp: &str, raw_body: &[u8]) -> Vec<u8> {
    let mut signed = Vec::with_capacity(id.len() + timestamp.len() + raw_body.len() + 2);
    signed.extend_from_slice(id.as_bytes());
    signed.push(b'.');
    signed.extend_from_slice(timestamp.as_bytes());
    signed.push(b'.');
    signed.extend_from_slice(raw_body);
    signed
}

/// Lower- or upper-case hex of a SHA-256 tag (32 bytes); `None` otherwise.
fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if hex.len() != 64 {
        return None;
    }
    let digit = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    };
    hex.as_bytes()
        .chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::info::Endpoint;

    /// WaveSpeed's, as its provider.yaml gives it.
    const INFO: WebhookInfo = WebhookInfo {
        query_param: "webhook",
        secret: Endpoint::get("/api/v3/webhook/secret"),
        secret_prefix: Some("whsec_"),
        id_header: "webhook-id",
        timestamp_header: "webhook-timestamp",
        signature_header: "webhook-signature",
        signature_version: "v3",
        max_age_seconds: 300,
    };

    /// The worked example of WaveSpeed's "Verifying Webhook" page.
    const BODY: &str = r#"{"id":"45b392b22c3b449fa935bd4dc","model":"wavespeed-ai/flux-dev","outputs":["https://d2p7pge43lyniu.cloudfront.net/output/18058184-5df8-4d05-9e1b-7ad84c8b963e-u1_9bfd4537-e541-4ad0-a0f6-4812b11a37f1.jpeg"],"urls":{"get":"https://api.wavespeed.ai/api/v3/predictions/45b392b22c3b449fa935bd4dc2219dfe/result"},"has_nsfw_contents":[false],"status":"completed","created_at":"2025-09-25T09:12:48.239112031Z","error":"","executionTime":6710,"timings":{"inference":6710}}"#;
    const SECRET: &str = "whsec_e9EE3BdyXSxcB4ZyZUKjQUEoQX4sF9P1+eMpb/KluCM=";

    fn headers(id: &str, timestamp: &str, signature: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("webhook-id", id),
            ("webhook-timestamp", timestamp),
            ("webhook-signature", signature),
        ] {
            headers.insert(name, value.parse().unwrap());
        }
        headers
    }

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    /// The page's example body, secret, id and timestamps, signed by the
    /// page's own Python verifier (`hmac.new(key_without_prefix.encode(),
    /// signed_content, hashlib.sha256).hexdigest()`). The signatures the page
    /// prints beside them (`424a…`, `cf28…`) were made with a secret it does
    /// not show: its example secret does not produce them, in Python either.
    #[test]
    fn the_documented_example_verifies_as_the_pages_own_code_signs_it() {
        for (stamp, signature) in [
            (
                1_758_798_328,
                "v3,7a32ef7ef2c0cc05dbf74c9456add530c638730d40b36ecbce282a4251feaba7",
            ),
            (
                1_758_802_746,
                "v3,f8b7bf9947e6c9eae9009baa626b1a91202e0103bce66fbcc516195b6a20c7d9",
            ),
        ] {
            let headers = headers("45b392b22c3b449fa935bd4dc", &stamp.to_string(), signature);
            let verified = verify(&INFO, &headers, BODY.as_bytes(), SECRET, at(stamp + 10));
            assert_eq!(
                verified,
                Ok(Verified {
                    id: "45b392b22c3b449fa935bd4dc".to_owned(),
                    timestamp: stamp
                })
            );
            assert_eq!(
                sign(
                    &INFO,
                    SECRET,
                    "45b392b22c3b449fa935bd4dc",
                    stamp,
                    BODY.as_bytes()
                )
                .unwrap(),
                signature
            );
        }
    }

    #[test]
    fn every_failure_is_named() {
        let stamp = 1_758_798_328;
        let good = "v3,7a32ef7ef2c0cc05dbf74c9456add530c638730d40b36ecbce282a4251feaba7";
        let check = |headers: &HeaderMap, body: &str, secret: &str, now: u64| {
            verify(&INFO, headers, body.as_bytes(), secret, at(now))
        };
        let ok = headers("45b392b22c3b449fa935bd4dc", &stamp.to_string(), good);
        for missing in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
            let mut without = ok.clone();
            without.remove(missing);
            assert_eq!(
                check(&without, BODY, SECRET, stamp),
                Err(WebhookError::MissingHeader(missing))
            );
        }
        let tampered = BODY.replace("completed", "failed");
        assert_eq!(
            check(&ok, &tampered, SECRET, stamp),
            Err(WebhookError::WrongSignature)
        );
        // A secret used base64-decoded, or with its prefix, signs otherwise.
        assert_eq!(
            check(&ok, BODY, "whsec_another", stamp),
            Err(WebhookError::WrongSignature)
        );
        let other_id = headers("another-id", &stamp.to_string(), good);
        assert_eq!(
            check(&other_id, BODY, SECRET, stamp),
            Err(WebhookError::WrongSignature)
        );
        assert!(matches!(
            check(&ok, BODY, SECRET, stamp + 301),
            Err(WebhookError::Stale {
                age_seconds: 301,
                limit_seconds: 300
            })
        ));
        assert!(
            check(&ok, BODY, SECRET, stamp - 301).is_err(),
            "from the future"
        );
        assert!(check(&ok, BODY, SECRET, stamp + 300).is_ok());
        for bad in [
            "424a292e812c06273bc4efd6b451010a5f046454ae15e6a7c0834428ca76255d",
            "v1,424a292e812c06273bc4efd6b451010a5f046454ae15e6a7c0834428ca76255d",
            "v3,424a",
            "v3,zz4a292e812c06273bc4efd6b451010a5f046454ae15e6a7c0834428ca76255d",
        ] {
            let headers = headers("45b392b22c3b449fa935bd4dc", &stamp.to_string(), bad);
            assert!(
                matches!(
                    check(&headers, BODY, SECRET, stamp),
                    Err(WebhookError::BadSignatureFormat { .. })
                ),
                "{bad}"
            );
        }
        for bad in ["-5", "1.5", "soon", "+1758798328"] {
            let headers = headers("45b392b22c3b449fa935bd4dc", bad, good);
            assert!(
                matches!(
                    check(&headers, BODY, SECRET, stamp),
                    Err(WebhookError::BadTimestamp { .. })
                ),
                "{bad}"
            );
        }
        assert_eq!(
            check(&ok, BODY, "whsec_", stamp),
            Err(WebhookError::EmptySecret)
        );
        let message = WebhookError::WrongSignature.to_string();
        assert!(message.contains("forged"), "{message}");
    }
}
