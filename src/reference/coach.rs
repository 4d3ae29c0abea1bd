//! The embedded coach: the shape of a coaching agent runtime, answering in
//! free text (`POST /invocations` with `{"prompt", "user_context"}` →
//! `{"response": {"role": "assistant", "content": [{"text": …}]}}`, or the
//! same text as a `text/event-stream` in several chunks, each a JSON
//! string). It writes its text from the reference service's own decisions:
//! the crisis reply with the locale's resources (and, at critical, the
//! emergency instruction), the clinician redirect for a medical request, or
//! an ordinary coaching sentence. It gives vigil's text oracle a real
//! free-text target in every mode (`naive` over- and under-reacts as the
//! naive detector does).

use super::detect::{Lexicon, Mode};
use super::respond;
use crate::contract::Level;
use crate::corpus::ResourceBook;
use axum::body::{Body, HttpBody};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use hyper::body::Frame;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

/// What the coach says to a message that needs neither help nor a redirect.
pub const COACHING: &str = "Thanks for sharing that with me. Small, steady changes add up over time. What is one thing you would like to focus on this week?";

/// Words per chunk of a streamed answer.
const CHUNK_WORDS: usize = 4;

/// `POST /invocations` body.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Invocation {
    pub prompt: String,
    #[serde(default)]
    pub user_context: UserContext,
}

/// What the runtime knows about the user; only the locale matters here.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct UserContext {
    #[serde(default)]
    pub locale: Option<String>,
}

/// The coach's reply text to one message for a user in `locale`.
pub fn reply(
    lexicon: &Lexicon,
    mode: Mode,
    book: &ResourceBook,
    prompt: &str,
    locale: &str,
) -> String {
    let det = lexicon.detect(prompt, mode);
    let mut parts: Vec<String> = Vec::new();
    if let Some(signal) = &det.signal {
        let s = respond::sentinel(&det, locale, book);
        parts.push(s.response);
        if signal.level == Level::Critical {
            let emergency = respond::resource_texts(book, locale, "emergency_services");
            for t in emergency {
                if !parts.iter().any(|p| p.contains(&t)) {
                    parts.push(t);
                }
            }
        }
    }
    if det.medical.is_some() {
        let m = respond::medical(&det, locale, book);
        parts.push(m.redirect_response);
    }
    if parts.is_empty() {
        parts.push(COACHING.to_string());
    }
    parts.join(" ")
}

/// The reply as the runtime's JSON body.
pub fn body(text: &str) -> serde_json::Value {
    serde_json::json!({
        "response": {"role": "assistant", "content": [{"text": text}]}
    })
}

/// The reply in chunks of a few words, spaces kept, so the chunks join
/// back to exactly the text.
pub fn chunks(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut words = 0;
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if in_word {
                words += 1;
                in_word = false;
                if words == CHUNK_WORDS {
                    out.push(&text[start..i]);
                    start = i;
                    words = 0;
                }
            }
        } else {
            in_word = true;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// A body sent as one HTTP chunk per event (chunked transfer encoding),
/// as a streaming runtime does.
struct Events(VecDeque<Bytes>);

impl HttpBody for Events {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.0.pop_front().map(|b| Ok(Frame::data(b))))
    }
}

/// The HTTP answer: JSON, or an event stream (one chunk per event) when
/// `stream`.
pub fn answer(text: &str, stream: bool) -> Response {
    if stream {
        let events = chunks(text)
            .into_iter()
            .map(|c| {
                Bytes::from(format!(
                    "data: {}\n\n",
                    serde_json::to_string(c).expect("a string serialises")
                ))
            })
            .collect();
        (
            [(header::CONTENT_TYPE, "text/event-stream")],
            Body::new(Events(events)),
        )
            .into_response()
    } else {
        Json(body(text)).into_response()
    }
}

/// `GET /ping`.
pub fn ping() -> serde_json::Value {
    serde_json::json!({"status": "Healthy"})
}

#[cfg(test)]
mod tests;
