//! Extra request headers (`--header`, a profile's `headers`): `Name: value`
//! templates whose `${VAR}` names an environment variable, so secrets stay
//! out of files, command lines and reports, which only show the template.

use super::TargetError;

/// An extra request header, `Name: value`. The value may name environment
/// variables as `${VAR}`, so secrets stay out of files, command lines and
/// reports: reports only ever show the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub template: String,
}

impl Header {
    pub fn parse(s: &str) -> Result<Header, TargetError> {
        let bad = |reason: &str| TargetError::BadHeader {
            header: s.to_string(),
            reason: reason.to_string(),
        };
        let (name, value) = s
            .split_once(':')
            .ok_or_else(|| bad("expected `Name: value`"))?;
        let name = name.trim();
        reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| bad("not a valid header name"))?;
        Ok(Header {
            name: name.to_string(),
            template: value.trim().to_string(),
        })
    }

    /// The value with every `${VAR}` replaced from the environment.
    pub fn resolve(&self) -> Result<String, TargetError> {
        self.expand(|_| {})
    }

    /// [`Header::resolve`], handing each value read from the environment to
    /// `secret` as well.
    pub(super) fn expand(&self, mut secret: impl FnMut(&str)) -> Result<String, TargetError> {
        let mut out = String::new();
        let mut rest = self.template.as_str();
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after.find('}').ok_or_else(|| TargetError::BadHeader {
                header: self.name.clone(),
                reason: "unclosed `${`".into(),
            })?;
            let var = &after[..end];
            let value = std::env::var(var).map_err(|_| TargetError::MissingEnv {
                header: self.name.clone(),
                var: var.to_string(),
            })?;
            secret(&value);
            out.push_str(&value);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// `Name: template`, as shown in reports and reproduction lines.
    pub fn shown(&self) -> String {
        format!("{}: {}", self.name, self.template)
    }
}
