//! Reading JSON input strictly: one parser for the API's bodies, imports and the command line.

use serde_json::Value;

use crate::validate::ValidationErrors;

/// Why a JSON text was refused.
#[derive(Debug)]
pub enum JsonError {
    /// Not JSON at all, with serde_json's account of where.
    Malformed(String),
    /// Well-formed, but a key appears twice in one object (the key's path is named).
    Invalid(ValidationErrors),
}

/// Parses JSON, refusing a key that appears twice in one object: which of the two was meant
/// cannot be known, and a reader that kept the first would disagree with one that kept the
/// last.
pub fn parse(bytes: &[u8]) -> Result<Value, JsonError> {
    use serde::de::DeserializeSeed;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = Strict {
        path: String::new(),
    }
    .deserialize(&mut de)
    .and_then(|v| de.end().map(|()| v));
    parsed.map_err(|e| {
        let text = e.to_string();
        let path = |rest: &str| match rest.split(" at line ").next().unwrap_or(rest) {
            "" => "body".to_string(),
            p => p.to_string(),
        };
        if let Some(rest) = text.strip_prefix(DUPLICATE) {
            JsonError::Invalid(ValidationErrors::single(
                path(rest),
                "appears more than once in its object; give each field once",
            ))
        } else if let Some(rest) = text.strip_prefix(TOO_LONG) {
            JsonError::Invalid(ValidationErrors::single(
                path(rest),
                format!("has more than {MAX_ITEMS} items; split it"),
            ))
        } else {
            JsonError::Malformed(text)
        }
    })
}

const DUPLICATE: &str = "duplicate key: ";
const TOO_LONG: &str = "too many items: ";

/// The longest list any input may hold: more than a century of daily entries. Checked while
/// the text is read, so that a hostile body of a million tiny items is refused before it is
/// built (each item of a parsed document costs far more memory than its text).
pub const MAX_ITEMS: usize = 40_000;

/// A JSON value read with the path to it, so that a duplicate key can be named.
struct Strict {
    path: String,
}

impl Strict {
    fn child(&self, key: &str) -> Strict {
        Strict {
            path: if self.path.is_empty() {
                key.to_string()
            } else {
                format!("{}.{key}", self.path)
            },
        }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Strict {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Strict {
            path: format!("{}[{}]", self.path, items.len()),
        })? {
            if items.len() == MAX_ITEMS {
                return Err(serde::de::Error::custom(format!("{TOO_LONG}{}", self.path)));
            }
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let child = self.child(&key);
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "{DUPLICATE}{}",
                    child.path
                )));
            }
            let value = map.next_value_seed(child)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused_at(text: &[u8]) -> String {
        match parse(text) {
            Err(JsonError::Invalid(e)) => e.errors()[0].field.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn duplicate_keys_are_refused_with_their_path() {
        assert_eq!(refused_at(br#"{"pain": 3, "pain": 4}"#), "pain");
        assert_eq!(
            refused_at(br#"{"check_ins": [{"date": "2026-11-01"}, {"date": "x", "date": "y"}]}"#),
            "check_ins[1].date"
        );
        assert_eq!(refused_at(br#"{"a": {"b": 1, "b": 1}}"#), "a.b");
    }

    #[test]
    fn lists_past_the_limit_are_refused_with_their_path() {
        let list = |n: usize| format!("{{\"check_ins\": [{}]}}", vec!["{}"; n].join(","));
        assert!(parse(list(MAX_ITEMS).as_bytes()).is_ok());
        assert_eq!(refused_at(list(MAX_ITEMS + 1).as_bytes()), "check_ins");
    }

    #[test]
    fn well_formed_json_reads_as_serde_json_reads_it() {
        let text = br#"{"a": [1, -2, 2.5, "x\u0041", null, true, {"b": {}}], "c": {"d": []}, "e": 18446744073709551615}"#;
        assert_eq!(
            parse(text).unwrap(),
            serde_json::from_slice::<Value>(text).unwrap()
        );
        for bad in [
            &b"{\"a\": 1} x"[..],
            b"{\"a\": 1e999}",
            b"",
            b"{\"a\": NaN}",
        ] {
            assert!(
                matches!(parse(bad), Err(JsonError::Malformed(_))),
                "{bad:?}"
            );
        }
    }
}
