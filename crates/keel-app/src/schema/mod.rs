//! OpenAPI schemas for the bodies the core parses by hand, built from the core's own field
//! lists so that the document cannot drift from the validation.

use keel_core::bone::{DexaResult, DexaSite, HeightMeasurement, RiskFactor};
use keel_core::checkin::{Location, NOTES_MAX_CHARS, Onset};
use keel_core::rules::Question;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat,
    SchemaType, Type,
};
use utoipa::{PartialSchema, ToSchema};

fn nullable(t: Type) -> SchemaType {
    SchemaType::from_iter([t, Type::Null])
}

fn int(min: i64, max: i64, nullable_: bool) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(if nullable_ {
            nullable(Type::Integer)
        } else {
            SchemaType::new(Type::Integer)
        })
        .minimum(Some(min as f64))
        .maximum(Some(max as f64))
}

fn date(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .description(Some(description))
}

fn words(options: &[(&str, impl Copy)], nullable_: bool) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(if nullable_ {
            nullable(Type::String)
        } else {
            SchemaType::new(Type::String)
        })
        // A nullable enum lists null among its values, or null would not validate.
        .enum_values(Some(
            options
                .iter()
                .map(|(w, _)| serde_json::Value::from(*w))
                .chain(nullable_.then_some(serde_json::Value::Null)),
        ))
}

fn with_questions(mut o: ObjectBuilder) -> ObjectBuilder {
    for q in Question::ALL {
        o = o.property(
            q.name(),
            ObjectBuilder::new()
                .schema_type(nullable(Type::Boolean))
                .description(Some(format!(
                    "{}{} Absent or null means not asked.",
                    if q.is_emergency() {
                        "Emergency question. "
                    } else {
                        ""
                    },
                    q.text()
                ))),
        );
    }
    o
}

/// A list that may also be null (null means "not given", like an absent field).
fn list(items: impl Into<utoipa::openapi::schema::ArrayItems>) -> ArrayBuilder {
    ArrayBuilder::new()
        .schema_type(nullable(Type::Array))
        .items(items)
}

fn locations() -> ArrayBuilder {
    ArrayBuilder::new()
        .schema_type(nullable(Type::Array))
        .items(words(Location::ALL, false))
        .description(Some("Where it hurts."))
}

/// The check-in body of `POST /api/v1/checkins`.
pub fn check_in() -> Schema {
    let o = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some("A daily check-in. Unknown fields are refused."))
        .property(
            "date",
            date("The day checked in for (YYYY-MM-DD), not after today; defaults to today.")
                .schema_type(nullable(Type::String)),
        )
        .property(
            "pain",
            int(0, 10, false).description(Some("Pain now, 0 (none) to 10 (worst imaginable).")),
        )
        .required("pain")
        .property("locations", locations())
        .property("onset", words(Onset::ALL, true))
        .property(
            "stiffness_minutes",
            int(0, 600, true).description(Some("Morning stiffness in minutes.")),
        )
        .property(
            "sleep",
            int(0, 10, true).description(Some("Sleep quality last night, 0-10.")),
        )
        .property(
            "energy",
            int(0, 10, true).description(Some("Energy today, 0-10.")),
        )
        .property(
            "sitting_hours",
            ObjectBuilder::new()
                .schema_type(nullable(Type::Number))
                .minimum(Some(0.0))
                .maximum(Some(24.0)),
        )
        .property("walking_minutes", int(0, 1440, true))
        .property(
            "notes",
            ObjectBuilder::new()
                .schema_type(nullable(Type::String))
                .max_length(Some(NOTES_MAX_CHARS)),
        )
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    cycle::with_symptoms(with_questions(o)).build().into()
}

/// The body of `POST /api/v1/triage` (clinical-rules.md section 1).
pub fn triage_input() -> Schema {
    let history_item = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("date", date("Day of the score."))
        .property("pain", int(0, 10, false))
        .required("date")
        .required("pain")
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    let o = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some("Stateless triage input. Unknown fields are refused."))
        .property(
            "date",
            date("Evaluation date; defaults to today.").schema_type(nullable(Type::String)),
        )
        .property("age", int(0, 120, true))
        .property("pain", int(0, 10, false))
        .required("pain")
        .property("locations", locations())
        .property("onset", words(Onset::ALL, true))
        .property("history", list(history_item))
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    with_questions(o).build().into()
}

/// The body of `POST /api/v1/bone/assess` (clinical-rules.md section 2).
pub fn bone_input() -> Schema {
    let cm = || {
        ObjectBuilder::new()
            .schema_type(Type::Number)
            .minimum(Some(90.0))
            .maximum(Some(250.0))
    };
    let height = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("date", date("Day measured."))
        .property("cm", cm())
        .required("date")
        .required("cm")
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    let dexa = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("date", date("Day of the scan."))
        .property("site", words(DexaSite::ALL, false))
        .property(
            "t_score",
            ObjectBuilder::new()
                .schema_type(Type::Number)
                .minimum(Some(-10.0))
                .maximum(Some(10.0)),
        )
        .required("date")
        .required("site")
        .required("t_score")
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(
            "Stateless bone-health input. Unknown fields are refused.",
        ))
        .property("date", date("Evaluation date."))
        .required("date")
        .property("age", int(0, 120, false))
        .required("age")
        .property(
            "weight_kg",
            ObjectBuilder::new()
                .schema_type(nullable(Type::Number))
                .minimum(Some(20.0))
                .maximum(Some(350.0)),
        )
        .property(
            "height_cm",
            cm().schema_type(nullable(Type::Number))
                .description(Some("Current height.")),
        )
        .property(
            "tallest_height_cm",
            cm().schema_type(nullable(Type::Number))
                .description(Some("Tallest recalled adult height.")),
        )
        .property("heights", list(height))
        .property("risk_factors", list(words(RiskFactor::ALL, false)))
        .property("dexa", list(dexa))
        .property(
            "vertebral_fracture",
            ObjectBuilder::new().schema_type(nullable(Type::Boolean)),
        )
        .property(
            "cancer_history",
            ObjectBuilder::new()
                .schema_type(nullable(Type::Boolean))
                .description(Some("Standing answer: has she ever had cancer? Null until answered.")),
        )
        .property(
            "known_low_bone_density",
            ObjectBuilder::new()
                .schema_type(nullable(Type::Boolean))
                .description(Some("Standing answer: has she been told she has osteoporosis or osteopenia?")),
        )
        .property(
            "history_answered",
            ObjectBuilder::new().schema_type(nullable(Type::Boolean)).description(Some(
                "She has answered the history questions: an unticked fragility_fracture or glucocorticoids risk factor is an answer of no.",
            )),
        )
        .property("goals", list(words(keel_core::bone::GOALS, false)))
        .property(
            "welcomed",
            ObjectBuilder::new()
                .schema_type(nullable(Type::Boolean))
                .description(Some("She has seen the first-visit welcome.")),
        )
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .build()
        .into()
}

/// The body of `PUT /api/v1/profile`.
pub fn profile() -> Schema {
    let cm = || {
        ObjectBuilder::new()
            .schema_type(nullable(Type::Number))
            .minimum(Some(90.0))
            .maximum(Some(250.0))
    };
    let o = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some("Her profile: bone health, history, goals and cycle. Unknown fields are refused."))
        .property(
            "birth_date",
            date("Birth date; wins over age.").schema_type(nullable(Type::String)),
        )
        .property("age", int(0, 120, true))
        .property(
            "weight_kg",
            ObjectBuilder::new()
                .schema_type(nullable(Type::Number))
                .minimum(Some(20.0))
                .maximum(Some(350.0)),
        )
        .property("height_cm", cm().description(Some("Current height.")))
        .property(
            "tallest_height_cm",
            cm().description(Some("Tallest recalled adult height.")),
        )
        .property("risk_factors", list(words(RiskFactor::ALL, false)))
        .property(
            "vertebral_fracture",
            ObjectBuilder::new().schema_type(nullable(Type::Boolean)),
        )
        .property(
            "cancer_history",
            ObjectBuilder::new()
                .schema_type(nullable(Type::Boolean))
                .description(Some("Standing answer: has she ever had cancer? Null until answered.")),
        )
        .property(
            "known_low_bone_density",
            ObjectBuilder::new()
                .schema_type(nullable(Type::Boolean))
                .description(Some("Standing answer: has she been told she has osteoporosis or osteopenia?")),
        )
        .property(
            "history_answered",
            ObjectBuilder::new().schema_type(nullable(Type::Boolean)).description(Some(
                "She has answered the history questions: an unticked fragility_fracture or glucocorticoids risk factor is an answer of no.",
            )),
        )
        .property("goals", list(words(keel_core::bone::GOALS, false)))
        .property(
            "welcomed",
            ObjectBuilder::new()
                .schema_type(nullable(Type::Boolean))
                .description(Some("She has seen the first-visit welcome.")),
        );
    cycle::with_cycle_profile(o)
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .build()
        .into()
}

/// The body of `POST /api/v1/stage/assess` (clinical-rules.md section 6).
pub fn stage_input() -> Schema {
    let day = cycle::bleeding_day();
    let context = cycle::context_entry();
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(
            "Stateless stage input: her bleeding log and context. Days absent from the log count as no bleeding from its first listed day on. Unknown fields are refused.",
        ))
        .property("date", date("Evaluation date; no later than today."))
        .required("date")
        .property("bleeding", list(day))
        .property("context", list(context))
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .build()
        .into()
}

/// The body of `POST /api/v1/acknowledgements`.
pub fn acknowledgement() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property(
            "rule",
            one_of(Type::String, acknowledgeable_rules()).description(Some(
                "A non-emergency RF-* rule id; emergency findings cannot be muted.",
            )),
        )
        .required("rule")
        .property(
            "date",
            date("The day acknowledged; defaults to today.").schema_type(nullable(Type::String)),
        )
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .build()
        .into()
}

/// The body of `POST /api/v1/activities`.
pub fn activity() -> Schema {
    let library = keel_core::Library::builtin();
    let ids: Vec<String> = library.exercises().iter().map(|e| e.id.clone()).collect();
    // Each exercise has a ladder of its own; no ladder is longer than this.
    let top = library
        .exercises()
        .iter()
        .map(|e| e.top_level())
        .max()
        .unwrap_or(1);
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(
            "One exercise done. The same exercise on the same date replaces the entry.",
        ))
        .property(
            "date",
            date("The day done; defaults to today, not after today.")
                .schema_type(nullable(Type::String)),
        )
        .property(
            "exercise_id",
            one_of(Type::String, ids),
        )
        .required("exercise_id")
        .property(
            "level",
            int(1, i64::from(top), true).description(Some(
                "Ladder level done, up to the top of that exercise's ladder; defaults to her current level.",
            )),
        )
        .property("sets", int(1, 20, true))
        .property("reps", int(1, 200, true))
        .property("hold_seconds", int(1, 3600, true))
        .property("minutes", int(1, 1440, true))
        .property(
            "pain_during",
            int(0, 10, false).description(Some("Pain during the exercise, 0-10.")),
        )
        .required("pain_during")
        .property(
            "effort",
            int(0, 10, true).description(Some("How hard it felt, 0-10.")),
        )
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .build()
        .into()
}

/// The body of `PUT /api/v1/preferences`.
pub fn preferences() -> Schema {
    let lib = keel_core::Library::builtin();
    let ids: Vec<String> = lib.exercises().iter().map(|e| e.id.clone()).collect();
    let equipment: Vec<String> = lib.equipment().into_iter().map(String::from).collect();
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("excluded_exercises", list(one_of(Type::String, ids)))
        .property("missing_equipment", list(one_of(Type::String, equipment)))
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .build()
        .into()
}

/// The workstation check's body (`POST /api/v1/desk/assess`, `PUT /api/v1/desk`).
pub fn desk() -> Schema {
    let num = |min: f64, max: f64| {
        ObjectBuilder::new()
            .schema_type(nullable(Type::Number))
            .minimum(Some(min))
            .maximum(Some(max))
    };
    let yes_no = || ObjectBuilder::new().schema_type(nullable(Type::Boolean));
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some("Workstation check answers; every field optional, unknown fields refused. Measured values win over estimates from stature."))
        .property("stature_cm", num(120.0, 220.0))
        .property("popliteal_height_cm", num(25.0, 65.0))
        .property("sitting_elbow_height_cm", num(10.0, 40.0))
        .property("sitting_eye_height_cm", num(50.0, 100.0))
        .property("seat_height_cm", num(20.0, 100.0))
        .property("desk_height_cm", num(40.0, 140.0))
        .property("screen_top_height_cm", num(40.0, 220.0))
        .property("screen_distance_cm", num(10.0, 300.0))
        .property("feet_flat", yes_no())
        .property("knees_about_90", yes_no())
        .property("hips_not_below_knees", yes_no())
        .property("longest_sitting_minutes", int(0, 1440, true))
        .property("standing_desk", yes_no())
        .property("standing_hours", num(0.0, 24.0))
        .property("sitting_hours", num(0.0, 24.0))
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .build()
        .into()
}

/// Break settings (`PUT /api/v1/breaks/settings`).
pub fn break_settings() -> Schema {
    let time = || {
        ObjectBuilder::new()
            .schema_type(nullable(Type::String))
            .pattern(Some("^[0-2][0-9]:[0-5][0-9]$"))
            .description(Some("Local time, HH:MM"))
    };
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("start", time())
        .property("end", time())
        .property("interval_minutes", int(10, 120, true))
        .property(
            "working_days",
            list(one_of(
                Type::String,
                ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            )),
        )
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .build()
        .into()
}

fn acknowledgeable_rules() -> Vec<&'static str> {
    keel_core::rules::RED_FLAG_RULES
        .iter()
        .map(|r| r.id)
        .chain([
            keel_core::rules::RF_WORSENING_6W.0,
            keel_core::rules::RF_NO_IMPROVEMENT_6W.0,
        ])
        .filter(|id| keel_core::rules::check_acknowledgeable(id).is_ok())
        .collect()
}

/// A value of type `t` that is one of `values`.
fn one_of<V: Into<serde_json::Value>>(
    t: Type,
    values: impl IntoIterator<Item = V>,
) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(t)
        .enum_values(Some(values))
}

/// An object that refuses unknown fields, as the hand-written parsers do.
fn closed() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
}

/// A value of `t`, described.
fn described(t: impl Into<SchemaType>, description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(t)
        .description(Some(description))
}

/// An object whose every value is of type `t` (a map from names).
fn map_of(t: Type, description: &str) -> ObjectBuilder {
    described(Type::Object, description).additional_properties(Some(AdditionalProperties::RefOr(
        RefOr::T(Schema::Object(ObjectBuilder::new().schema_type(t).build())),
    )))
}

fn string(min: usize, max: usize) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(min))
        .max_length(Some(max))
}

pub mod cycle;
mod data;
pub use data::*;
