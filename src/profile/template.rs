//! Request body templates: JSON text with `${message}`, `${locale}`,
//! `${user_id}`, `${session_id}` and `${run_id}` placeholders. Each value is
//! inserted as a JSON string, quotes included and escaped, so no message can
//! break out of its place in the body. A template must be JSON once filled
//! in; that is checked when the profile is loaded.

/// The values a body is filled with.
#[derive(Debug, Clone, Copy)]
pub struct Vars<'a> {
    pub message: &'a str,
    pub locale: &'a str,
    pub user_id: &'a str,
    pub session_id: &'a str,
    pub run_id: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Var {
    Message,
    Locale,
    UserId,
    SessionId,
    RunId,
}

const NAMES: [(&str, Var); 5] = [
    ("message", Var::Message),
    ("locale", Var::Locale),
    ("user_id", Var::UserId),
    ("session_id", Var::SessionId),
    ("run_id", Var::RunId),
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Var(Var),
}

/// A parsed body template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

impl Template {
    /// Parses `text`; the reason when a placeholder is unknown or the
    /// filled-in body is not JSON.
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            if start > 0 {
                pieces.push(Piece::Text(rest[..start].to_string()));
            }
            let after = &rest[start + 2..];
            let end = after
                .find('}')
                .ok_or_else(|| "an unclosed `${` in the body template".to_string())?;
            let name = &after[..end];
            let var = NAMES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| *v)
                .ok_or_else(|| {
                    format!(
                        "unknown placeholder `${{{name}}}` (known: {})",
                        NAMES
                            .iter()
                            .map(|(n, _)| format!("${{{n}}}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })?;
            pieces.push(Piece::Var(var));
            rest = &after[end + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        let t = Template { pieces };
        if !t.pieces.contains(&Piece::Var(Var::Message)) {
            return Err("the body template never sends `${message}`".into());
        }
        let sample = Vars {
            message: "a \"quoted\" \\ message\nwith </script>",
            locale: "en-GB",
            user_id: "u",
            session_id: "s",
            run_id: "r",
        };
        serde_json::from_str::<serde_json::Value>(&t.render(&sample)).map_err(|e| {
            format!("the body template is not JSON once filled in ({e}); placeholders are replaced by quoted JSON strings, so write `${{message}}`, not `\"${{message}}\"`")
        })?;
        Ok(t)
    }

    /// The body for `vars`; linear in the size of the template and values.
    pub fn render(&self, vars: &Vars<'_>) -> String {
        let mut out = String::with_capacity(
            self.pieces
                .iter()
                .map(|p| match p {
                    Piece::Text(t) => t.len(),
                    Piece::Var(_) => 16,
                })
                .sum::<usize>()
                + vars.message.len() * 2,
        );
        for p in &self.pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Var(v) => {
                    let value = match v {
                        Var::Message => vars.message,
                        Var::Locale => vars.locale,
                        Var::UserId => vars.user_id,
                        Var::SessionId => vars.session_id,
                        Var::RunId => vars.run_id,
                    };
                    out.push_str(&serde_json::to_string(value).expect("a string serialises"));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(message: &str) -> Vars<'_> {
        Vars {
            message,
            locale: "en-GB",
            user_id: "vigil-1",
            session_id: "vigil-session-1",
            run_id: "1",
        }
    }

    #[test]
    fn every_placeholder_is_a_json_string() {
        let t = Template::parse(
            r#"{"text": ${message}, "user": {"id": ${user_id}, "locale": ${locale}}, "s": ${session_id}, "r": ${run_id}}"#,
        )
        .unwrap();
        let hostile = "say \"hi\" \\ then\nclose </script> \u{0} ${locale}";
        let body = t.render(&vars(hostile));
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["text"], hostile);
        assert_eq!(v["user"]["locale"], "en-GB");
        assert_eq!(v["s"], "vigil-session-1");
    }

    #[test]
    fn bad_templates_say_why() {
        let check = |t: &str, want: &str| {
            let e = Template::parse(t).unwrap_err();
            assert!(e.contains(want), "{t}: {e}");
        };
        check(r#"{"text": "${message}"}"#, "not JSON once filled in");
        check(r#"{"text": ${mesage}}"#, "unknown placeholder `${mesage}`");
        check(r#"{"text": ${message}"#, "not JSON");
        check(r#"{"locale": ${locale}}"#, "never sends");
        check(r#"{"text": ${message"#, "unclosed");
    }
}
