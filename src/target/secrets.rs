//! Secrets never written. Every value taken from the environment for a
//! `--header` (`${VAR}`) is a secret: reports show only the template, and
//! since a service may echo a request's headers back (a 500 page that dumps
//! them, say), every answer body is scrubbed the moment it is read, before
//! it is judged, quoted or cut — so `results.jsonl`, every report, the
//! terminal and the load phase's error tallies all see `[redacted]` in its
//! place, and no cut can leave half a secret behind.

use aho_corasick::{AhoCorasick, MatchKind};
use std::borrow::Cow;
use std::sync::Arc;

/// What a secret is replaced with.
pub const REDACTED: &str = "[redacted]";

/// The secret values of a target, and one matcher for all of them.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    values: Vec<String>,
    matcher: Option<Arc<AhoCorasick>>,
}

impl Secrets {
    /// Adds a secret value, and also its form inside a JSON string (where a
    /// `"` or `\` in it would be escaped) when that differs.
    pub fn add(&mut self, value: &str) {
        if value.is_empty() {
            return;
        }
        let json = serde_json::to_string(value).expect("a string serialises");
        let json = &json[1..json.len() - 1];
        for v in [value, json] {
            if !self.values.iter().any(|x| x == v) {
                self.values.push(v.to_string());
            }
        }
        self.matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&self.values)
            .ok()
            .map(Arc::new);
    }

    /// `text` with every secret replaced by `[redacted]`; in one pass, so
    /// linear in the text.
    pub fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match &self.matcher {
            Some(m) if m.is_match(text) => {
                let with: Vec<&str> = vec![REDACTED; self.values.len()];
                m.replace_all(text, &with).into()
            }
            _ => text.into(),
        }
    }

    /// [`Secrets::scrub`] for a body as read, which need not be UTF-8.
    /// When the body was `cut` short, a secret's beginning at its very end
    /// is redacted too.
    pub fn scrub_bytes<'a>(&self, body: &'a [u8], cut: bool) -> Cow<'a, [u8]> {
        let Some(m) = &self.matcher else {
            return body.into();
        };
        let mut out: Cow<'a, [u8]> = if m.is_match(body) {
            let with: Vec<&[u8]> = vec![REDACTED.as_bytes(); self.values.len()];
            m.replace_all_bytes(body, &with).into()
        } else {
            body.into()
        };
        if cut {
            let tail = self
                .values
                .iter()
                .filter_map(|v| {
                    (1..v.len())
                        .rev()
                        .find(|&k| out.ends_with(&v.as_bytes()[..k]))
                })
                .max();
            if let Some(k) = tail {
                let mut owned = out.into_owned();
                owned.truncate(owned.len() - k);
                owned.extend_from_slice(REDACTED.as_bytes());
                out = owned.into();
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(secrets: &[&str], text: &str, expected: &str) {
        let mut s = Secrets::default();
        for v in secrets {
            s.add(v);
        }
        assert_eq!(s.scrub(text), expected, "{text:?}");
    }

    #[test]
    fn every_secret_is_replaced_wherever_it_appears() {
        check(&[], "nothing to hide", "nothing to hide");
        check(&["s3cret"], "Bearer s3cret", "Bearer [redacted]");
        check(&["s3cret"], "s3crets3cret!", "[redacted][redacted]!");
        check(&["ab", "abc"], "xabcx ab", "x[redacted]x [redacted]");
        check(
            &[""],
            "empty values are not secrets",
            "empty values are not secrets",
        );
        // Echoed inside a JSON string, where its quote is escaped.
        check(
            &["p\"w"],
            r#"{"authorization":"p\"w"} p"w"#,
            r#"{"authorization":"[redacted]"} [redacted]"#,
        );
    }

    #[test]
    fn a_body_cut_short_loses_a_secret_begun_at_its_end() {
        let mut s = Secrets::default();
        s.add("s3cret");
        let check = |body: &str, cut: bool, expected: &str| {
            let got = s.scrub_bytes(body.as_bytes(), cut);
            assert_eq!(String::from_utf8_lossy(&got), expected, "{body:?}");
        };
        check("key s3cret key s3c", true, "key [redacted] key [redacted]");
        check("key s3c", false, "key s3c");
        check("key", true, "key");
        assert_eq!(
            Secrets::default()
                .scrub_bytes(b"\xff s3cret", true)
                .as_ref(),
            b"\xff s3cret"
        );
        let got = s.scrub_bytes(b"\xff s3cret", false);
        assert_eq!(got.as_ref(), b"\xff [redacted]");
    }
}
