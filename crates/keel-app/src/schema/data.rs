//! Schemas of the account and data bodies: credentials, tokens, the CSV import and the
//! Keel export that imports back.

use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use super::*;

/// The body of sign-up and log-in. `invite` is read on sign-up where sign-up is by
/// invitation, and ignored on log-in.
pub fn credentials() -> Schema {
    closed()
        .property(
            "email",
            string(3, 254)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
                .description(Some("Her email address; letter case does not matter.")),
        )
        .required("email")
        .property(
            "password",
            string(
                crate::accounts::MIN_PASSWORD_CHARS,
                crate::accounts::MAX_PASSWORD_CHARS,
            ),
        )
        .required("password")
        .property(
            "invite",
            ObjectBuilder::new()
                .schema_type(nullable(Type::String))
                .description(Some("An invitation code, where sign-up is by invitation.")),
        )
        .into()
}

/// The body of `POST /api/v1/tokens`.
pub fn token() -> Schema {
    closed()
        .property(
            "name",
            string(1, crate::accounts::TOKEN_NAME_MAX_CHARS)
                // Trimmed before it is checked: at least one character that is not a space.
                .pattern(Some(r"\S"))
                .description(Some("What the token is for, to tell tokens apart.")),
        )
        .required("name")
        .property("scope", one_of(Type::String, ["read", "write"]))
        .required("scope")
        .into()
}

/// The body of `POST /api/v1/auth/password`.
pub fn password_change() -> Schema {
    closed()
        .property(
            "current",
            string(1, crate::accounts::MAX_PASSWORD_CHARS).description(Some("Her password now.")),
        )
        .required("current")
        .property(
            "password",
            string(
                crate::accounts::MIN_PASSWORD_CHARS,
                crate::accounts::MAX_PASSWORD_CHARS,
            )
            .description(Some("The new password.")),
        )
        .required("password")
        .into()
}

/// The body of `POST /api/v1/import/csv`.
pub fn csv_import() -> Schema {
    closed()
        .property(
            "csv",
            described(
                Type::String,
                "The file's text, its first line the column headers.",
            ),
        )
        .required("csv")
        .property("mapping", {
            let mut m = closed().description(Some(
                "Each Keel field to fill and the column header it is read from.",
            ));
            for field in crate::import::csv::MAPPABLE {
                m = m.property(*field, string(1, 200));
            }
            for field in crate::import::csv::REQUIRED {
                m = m.required(*field);
            }
            m
        })
        .required("mapping")
        .property(
            "date_format",
            described(
                nullable(Type::String),
                "How the dates are written, as strftime; default %Y-%m-%d.",
            ),
        )
        .property(
            "dry_run",
            described(
                nullable(Type::Boolean),
                "Check and report only; save nothing.",
            ),
        )
        .into()
}

/// The body of `POST /api/v1/questionnaires/{id}/responses`.
pub fn questionnaire_response() -> Schema {
    closed()
        .property(
            "date",
            date("The day answered for; defaults to today, not after today.")
                .schema_type(nullable(Type::String)),
        )
        .property(
            "answers",
            map_of(
                Type::Integer,
                "Each item's id and its score; the questionnaire lists its items and ranges.",
            ),
        )
        .required("answers")
        .into()
}

/// A body whose date defaults to today, as an export holds it: the date written out.
fn dated(schema: Schema) -> Schema {
    match schema {
        Schema::Object(mut o) => {
            if let Some(RefOr::T(Schema::Object(d))) = o.properties.get_mut("date") {
                d.schema_type = SchemaType::new(Type::String);
            }
            o.required.push("date".into());
            Schema::Object(o)
        }
        other => other,
    }
}

/// A local date and time to the second, as the export writes it.
fn local_time(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"))
        .description(Some(format!(
            "{description}: YYYY-MM-DDTHH:MM:SS, local time, not after today."
        )))
}

/// A desk break as the export writes it.
fn exported_break() -> Schema {
    let ids: Vec<serde_json::Value> = keel_core::Library::builtin()
        .exercises()
        .iter()
        .map(|e| e.id.clone().into())
        .chain([serde_json::Value::Null])
        .collect();
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("taken_at", local_time("When the break was taken"))
        .required("taken_at")
        .property("minutes", int(1, 60, false))
        .required("minutes")
        .property(
            "exercise_id",
            ObjectBuilder::new()
                .schema_type(nullable(Type::String))
                .enum_values(Some(ids)),
        )
        .into()
}

/// A sitting or standing spell as the export writes it.
fn exported_posture() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("logged_at", local_time("When it was logged"))
        .required("logged_at")
        .property("posture", one_of(Type::String, ["sit", "stand"]))
        .required("posture")
        .property("minutes", int(1, 1440, false))
        .required("minutes")
        .into()
}

/// A questionnaire response as the export writes it: one score per item, in the
/// questionnaire's order.
fn exported_response() -> Schema {
    let instruments = keel_core::progress::instruments();
    let ids: Vec<&str> = instruments.iter().map(|i| i.id.as_str()).collect();
    let low = instruments.iter().map(|i| i.min).min().unwrap_or(0);
    let high = instruments.iter().map(|i| i.max).max().unwrap_or(10);
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("instrument", one_of(Type::String, ids))
        .required("instrument")
        .property("date", date("The day answered; not after today."))
        .required("date")
        .property(
            "answers",
            ArrayBuilder::new()
                .items(int(i64::from(low), i64::from(high), false))
                .description(Some("One score per item, in the questionnaire's order.")),
        )
        .required("answers")
        .into()
}

/// An acknowledgement as the export writes it: the rule and the day it was acknowledged.
fn exported_acknowledgement() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("rule", one_of(Type::String, acknowledgeable_rules()))
        .required("rule")
        .property("acknowledged_on", date("The day she acknowledged it."))
        .required("acknowledged_on")
        .into()
}

/// An activity as the export writes it: with the family the library derives, which an
/// import does not read.
fn exported_activity() -> Schema {
    match activity() {
        Schema::Object(mut o) => {
            o.properties.insert(
                "family".into(),
                // Any value: the import does not read it.
                ObjectBuilder::new()
                    .schema_type(SchemaType::AnyValue)
                    .description(Some(
                        "The exercise's family, as exported; an import derives it again and ignores this.",
                    ))
                    .into(),
            );
            Schema::Object(o)
        }
        other => other,
    }
}

/// An object schema that also allows null (null, like an absent field, means "none").
fn or_null(schema: Schema) -> Schema {
    match schema {
        Schema::Object(mut o) => {
            o.schema_type = nullable(Type::Object);
            Schema::Object(o)
        }
        other => other,
    }
}

/// The body of `POST /api/v1/import`: a Keel JSON export, as `GET /api/v1/export` writes it.
pub fn import() -> Schema {
    let list = |items: RefOr<Schema>| {
        ArrayBuilder::new()
            .schema_type(nullable(Type::Array))
            .items(items)
    };
    closed()
        .property("schema", one_of(Type::String, [crate::export::SCHEMA]))
        .required("schema")
        .property(
            "schema_version",
            one_of(Type::Integer, [crate::export::SCHEMA_VERSION]),
        )
        .required("schema_version")
        .property(
            "exported_at",
            ObjectBuilder::new()
                .schema_type(nullable(Type::String))
                .description(Some("When the export was written; not read back.")),
        )
        .property("check_ins", list(dated(check_in()).into()))
        .property("acknowledgements", list(exported_acknowledgement().into()))
        .property("profile", or_null(profile()))
        .property("heights", list(HeightMeasurement::schema()))
        .property("dexa", list(DexaResult::schema()))
        .property("activities", list(exported_activity().into()))
        .property("preferences", or_null(preferences()))
        .property("desk", or_null(desk()))
        .property("break_settings", or_null(break_settings()))
        .property("breaks", list(exported_break().into()))
        .property("posture", list(exported_posture().into()))
        .property("questionnaires", list(exported_response().into()))
        .property(
            "bleeding",
            list(Schema::from(super::cycle::bleeding_day().build()).into()),
        )
        .description(Some(
            "Everything she recorded, as the JSON export writes it. Each entry is checked as \
             its own endpoint checks it; any error and nothing is changed.",
        ))
        .into()
}

/// Marker types so request bodies can be named in the OpenAPI document.
macro_rules! named_body {
    ($($name:ident => $build:expr),* $(,)?) => {$(
        pub struct $name;
        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                $build.into()
            }
        }
        impl ToSchema for $name {}
    )*};
}

named_body! {
    CheckInBody => check_in(),
    TriageBody => triage_input(),
    BoneBody => bone_input(),
    StageBody => stage_input(),
    BleedingBody => cycle::day_bleeding(),
    PeriodBody => cycle::period_entry(),
    ProfileBody => profile(),
    AcknowledgementBody => acknowledgement(),
    ActivityBody => activity(),
    PreferencesBody => preferences(),
    DeskBody => desk(),
    BreakSettingsBody => break_settings(),
    CredentialsBody => credentials(),
    TokenBody => token(),
    PasswordBody => password_change(),
    CsvImportBody => csv_import(),
    ResponseBody => questionnaire_response(),
    ImportBody => import(),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn properties(s: Schema) -> Vec<String> {
        match s {
            Schema::Object(o) => o.properties.keys().cloned().collect(),
            _ => panic!("object expected"),
        }
    }

    #[test]
    fn check_in_schema_lists_exactly_the_fields_the_core_writes() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let c = keel_core::CheckIn::parse(&serde_json::json!({"pain": 1}), today).unwrap();
        let mut written: Vec<String> = c.to_json().as_object().unwrap().keys().cloned().collect();
        written.sort();
        let mut documented = properties(check_in());
        documented.sort();
        assert_eq!(written, documented);
    }
}
