//! Options objects given as JSON by the language bindings, decoded into the
//! core's types in one place: keys are mapped from the language's case, and
//! a bad option becomes an `invalid_input` error that names the option in
//! the language's spelling and never a Rust type.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// How a language spells option keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCase {
    /// `per_page` (Rust, Python, C and the JSON documents).
    Snake,
    /// `perPage` (JavaScript).
    Camel,
}

impl KeyCase {
    /// `key` (in snake case) as this case spells it.
    pub fn spell(self, key: &str) -> String {
        match self {
            KeyCase::Snake => key.to_owned(),
            KeyCase::Camel => {
                let mut out = String::with_capacity(key.len());
                let mut upper = false;
                for c in key.chars() {
                    if c == '_' {
                        upper = true;
                    } else if upper {
                        out.extend(c.to_uppercase());
                        upper = false;
                    } else {
                        out.push(c);
                    }
                }
                out
            }
        }
    }
}

/// Decodes the options object `value` (`None` or JSON `null`: every default)
/// into `T`. `fixed` are fields the caller passes positionally; an options
/// object may not set them.
pub fn decode<T: DeserializeOwned>(
    argument: &'static str,
    value: Option<Value>,
    case: KeyCase,
    fixed: &[(&str, Value)],
) -> Result<T> {
    let mut object = match value {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(object)) => to_snake(argument, object, case)?,
        Some(other) => {
            return Err(Error::invalid_input(
                argument,
                format!("{argument} must be an object, not {}", json_kind(&other)),
            ))
        }
    };
    for (key, value) in fixed {
        if object.contains_key(*key) {
            return Err(Error::invalid_input(
                argument,
                format!(
                    "{} is an argument of its own, not an option",
                    case.spell(key)
                ),
            ));
        }
        object.insert((*key).to_owned(), value.clone());
    }
    serde_path_to_error::deserialize(Value::Object(object)).map_err(|error| {
        let path = error.path().to_string();
        let message = describe(error.inner(), case);
        if path == "." || path.is_empty() {
            return Error::invalid_input(argument, format!("{argument}: {message}"));
        }
        let spelled: Vec<String> = path.split('.').map(|part| case.spell(part)).collect();
        Error::invalid_input(path, format!("{argument}.{}: {message}", spelled.join(".")))
    })
}

/// The keys of `object` and of the objects inside it, in snake case.
fn to_snake(
    argument: &'static str,
    object: Map<String, Value>,
    case: KeyCase,
) -> Result<Map<String, Value>> {
    object
        .into_iter()
        .map(|(key, value)| {
            let key = match case {
                KeyCase::Snake => key,
                KeyCase::Camel if key.contains('_') => {
                    return Err(Error::invalid_input(
                        argument,
                        format!(
                            "unknown option `{key}`; options are camelCase here: `{}`",
                            KeyCase::Camel.spell(&key)
                        ),
                    ))
                }
                KeyCase::Camel => camel_to_snake(&key),
            };
            let value = match value {
                Value::Object(inner) => Value::Object(to_snake(argument, inner, case)?),
                other => other,
            };
            Ok((key, value))
        })
        .collect()
}

fn camel_to_snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// serde's message with option names in the language's case and Rust's
/// integer type names said in words.
fn describe(error: &serde_json::Error, case: KeyCase) -> String {
    let message = error.to_string();
    let mut out = String::with_capacity(message.len());
    let mut parts = message.split('`');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for (index, part) in parts.enumerate() {
        out.push('`');
        // Odd pieces sit between backticks: names of fields and values.
        if index % 2 == 0 {
            out.push_str(&case.spell(part));
        } else {
            out.push_str(part);
        }
    }
    for (rust, words) in [
        ("u8", "a non-negative integer"),
        ("u16", "a non-negative integer"),
        ("u32", "a non-negative integer"),
        ("u64", "a non-negative integer"),
        ("usize", "a non-negative integer"),
        ("i32", "an integer"),
        ("i64", "an integer"),
    ] {
        out = out.replace(&format!("expected {rust}"), &format!("expected {words}"));
    }
    // serde_json appends a position, meaningless for a value in memory.
    match out.find(" at line ") {
        Some(at) => out[..at].to_owned(),
        None => out,
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClientConfig;
    use crate::pagination::ListVersionsOptions;
    use serde_json::json;

    #[test]
    fn camel_case_keys_reach_the_core_types() {
        let config: ClientConfig = decode(
            "options",
            Some(json!({"baseUrl": "http://127.0.0.1:1", "retry": {"maxAttempts": 2}, "timeoutMs": 5})),
            KeyCase::Camel,
            &[],
        )
        .unwrap();
        assert_eq!(config.base_url.as_deref(), Some("http://127.0.0.1:1"));
        assert_eq!(config.retry.unwrap().max_attempts, 2);
        assert_eq!(config.timeout, Some(std::time::Duration::from_millis(5)));
    }

    #[test]
    fn bad_options_are_named_in_the_language_case() {
        let error = decode::<ListVersionsOptions>(
            "options",
            Some(json!({"per_page": 5})),
            KeyCase::Camel,
            &[],
        )
        .unwrap_err();
        assert!(error.message().contains("`perPage`"), "{}", error.message());
        let error = decode::<ListVersionsOptions>(
            "options",
            Some(json!({"perPag": 5})),
            KeyCase::Camel,
            &[],
        )
        .unwrap_err();
        assert!(
            error.message().contains("`perPage`") && error.message().contains("`perPag`"),
            "{}",
            error.message()
        );
        let error = decode::<ListVersionsOptions>(
            "options",
            Some(json!({"perPage": -1})),
            KeyCase::Camel,
            &[],
        )
        .unwrap_err();
        assert!(!error.message().contains("u32"), "{}", error.message());
        assert!(
            error.message().starts_with("options.perPage: "),
            "{}",
            error.message()
        );
        assert_eq!(error.argument(), Some("per_page"));
        let error =
            decode::<ListVersionsOptions>("options", Some(json!("npm")), KeyCase::Camel, &[])
                .unwrap_err();
        assert_eq!(error.message(), "options must be an object, not a string");
        assert_eq!(error.argument(), Some("options"));
    }
}
