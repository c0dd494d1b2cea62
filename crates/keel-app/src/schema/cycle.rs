//! Schemas of section 8's parts: the check-in's symptoms and bleeding, the bleeding log, her
//! context, and the profile's cycle fields.

use keel_core::stage::{ContextKind, Flow};
use keel_core::symptoms::{
    CUSTOM_MAX, CUSTOM_NAME_MAX_CHARS, HOT_FLUSH_COUNT_MAX, RATING_MAX, Symptom,
};
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};

use super::{date, int, list, nullable, words};

fn rating() -> ObjectBuilder {
    int(0, i64::from(RATING_MAX), true).description(Some(
        "0 none, 1 mild, 2 moderate, 3 severe, 4 very severe; null or absent: not rated.",
    ))
}

/// The day's bleeding in a check-in, or a day of the log through `PUT /api/v1/bleeding/{date}`.
pub fn day_bleeding() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("flow", words(Flow::ALL, false))
        .required("flow")
        .property(
            "after_sex",
            ObjectBuilder::new()
                .schema_type(nullable(Type::Boolean))
                .description(Some("Bleeding after sex; absent means no.")),
        )
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
}

/// A day of the log with its date (the stage contract, the export, the log's list).
pub fn bleeding_day() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("date", date("A day of the log."))
        .property("flow", words(Flow::ALL, false))
        .property(
            "after_sex",
            ObjectBuilder::new().schema_type(nullable(Type::Boolean)),
        )
        .required("date")
        .required("flow")
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
}

/// A context entry: what, from when, until when.
pub fn context_entry() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("kind", words(ContextKind::ALL, false))
        .property("from", date("When it began (an operation: its day)."))
        .property(
            "to",
            date("When it ended; null while it goes on.").schema_type(nullable(Type::String)),
        )
        .required("kind")
        .required("from")
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
}

/// The body of `POST /api/v1/bleeding/periods`: a past period in one go.
pub fn period_entry() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some("A period: every day from start to end is logged with the flow. At most 14 days, not after today."))
        .property("start", date("Its first day."))
        .property("end", date("Its last day, not before start."))
        .property(
            "flow",
            words(&Flow::ALL[2..], true).description(Some("light, medium or heavy; default medium.")),
        )
        .required("start")
        .required("end")
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
}

/// Adds the check-in's symptom fields (section 8).
pub fn with_symptoms(o: ObjectBuilder) -> ObjectBuilder {
    let mut symptoms = ObjectBuilder::new()
        .schema_type(nullable(Type::Object))
        .description(Some(
            "The listed perimenopause symptoms, each rated 0-4; absent ones are not rated.",
        ))
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    for s in Symptom::ALL {
        symptoms = symptoms.property(s.key(), rating());
    }
    o.property("symptoms", symptoms)
        .property(
            "hot_flush_count",
            int(0, HOT_FLUSH_COUNT_MAX, true).description(Some("Hot flushes counted today.")),
        )
        .property(
            "custom_symptoms",
            ObjectBuilder::new()
                .schema_type(nullable(Type::Object))
                .description(Some(format!(
                    "Her own symptoms by name (1-{CUSTOM_NAME_MAX_CHARS} characters), each rated 0-4; at most {CUSTOM_MAX} over all her check-ins."
                )))
                .max_properties(Some(CUSTOM_MAX))
                .additional_properties(Some(AdditionalProperties::RefOr(rating().build().into()))),
        )
        .property(
            "bleeding",
            day_bleeding().schema_type(nullable(Type::Object)),
        )
}

/// Adds the profile's cycle fields.
pub fn with_cycle_profile(o: ObjectBuilder) -> ObjectBuilder {
    o.property(
        "still_periods",
        words(keel_core::bone::STILL_PERIODS, true)
            .description(Some("Does she still have periods? The check-in asks about bleeding unless \"no\".")),
    )
    .property(
        "cycle_context",
        list(context_entry()).description(Some(
            "Contraception, hormone therapy and operations with their dates; no two of one kind overlap.",
        )),
    )
    .property(
        "custom_symptoms",
        list(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(CUSTOM_NAME_MAX_CHARS)),
        )
        .max_items(Some(CUSTOM_MAX))
        .description(Some("Her own symptoms, offered in every check-in.")),
    )
}
