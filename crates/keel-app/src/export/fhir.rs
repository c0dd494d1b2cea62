//! The export as an HL7 FHIR R4 Bundle.

use keel_store::UserData;
use serde_json::{Value, json};

fn observation(
    id: String,
    code: &str,
    display: &str,
    date: String,
    value: Value,
    category: &str,
) -> Value {
    json!({
        "fullUrl": format!("urn:uuid:{id}"),
        "resource": {
            "resourceType": "Observation",
            "id": id,
            "status": "final",
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": category}]}],
            "code": {"coding": [{"system": "http://loinc.org", "code": code, "display": display}], "text": display},
            "subject": {"reference": "urn:uuid:00000000-0000-4000-8000-000000000001"},
            "effectiveDateTime": date,
            "valueQuantity": value,
        }
    })
}

/// Keel's own code system for the section 8 symptoms (no LOINC code was confirmed for them).
pub const SYMPTOM_SYSTEM: &str = "urn:keel:codesystem:symptom";
/// Keel's own code system for the bleeding log's flow.
pub const FLOW_SYSTEM: &str = "urn:keel:codesystem:bleeding-flow";

/// An Observation coded in Keel's own system, with its value under `value_key`
/// (`valueInteger`, `valueCodeableConcept`).
fn keel_observation(
    id: String,
    code: &str,
    display: &str,
    date: String,
    value_key: &str,
    value: Value,
) -> Value {
    let mut resource = json!({
        "resourceType": "Observation",
        "id": id,
        "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey"}]}],
        "code": {"coding": [{"system": SYMPTOM_SYSTEM, "code": code, "display": display}], "text": display},
        "subject": {"reference": "urn:uuid:00000000-0000-4000-8000-000000000001"},
        "effectiveDateTime": date,
    });
    resource[value_key] = value;
    json!({"fullUrl": format!("urn:uuid:{id}"), "resource": resource})
}

/// Section 8's symptoms (0-4), her own symptoms, the hot-flush count and the bleeding log.
fn cycle_observations(data: &UserData, entries: &mut Vec<Value>) {
    use keel_core::symptoms::{RATING_WORDS, Symptom};
    let mut n = 0;
    let mut next = || {
        n += 1;
        rid(5, n)
    };
    for c in &data.check_ins {
        let date = c.date.to_string();
        for s in Symptom::ALL {
            if let Some(r) = c.symptoms.rating(*s) {
                let mut o = keel_observation(
                    next(),
                    s.key(),
                    s.label(),
                    date.clone(),
                    "valueInteger",
                    json!(r),
                );
                o["resource"]["interpretation"] = json!([{"text": RATING_WORDS[usize::from(r)]}]);
                entries.push(o);
            }
        }
        for (name, r) in &c.symptoms.custom {
            let mut o = keel_observation(
                next(),
                "custom",
                "Her own symptom",
                date.clone(),
                "valueInteger",
                json!(r),
            );
            o["resource"]["code"]["text"] = json!(name);
            entries.push(o);
        }
        if let Some(k) = c.symptoms.hot_flush_count {
            entries.push(keel_observation(
                next(),
                "hot_flush_count",
                "Hot flushes counted in the day",
                date.clone(),
                "valueInteger",
                json!(k),
            ));
        }
    }
    for d in &data.bleeding {
        let flow = d.flow.name();
        let mut o = keel_observation(
            next(),
            "bleeding",
            "Vaginal bleeding that day",
            d.date.to_string(),
            "valueCodeableConcept",
            json!({"coding": [{"system": FLOW_SYSTEM, "code": flow}], "text": flow}),
        );
        o["resource"]["component"] = json!([{
            "code": {"coding": [{"system": SYMPTOM_SYSTEM, "code": "after_sex", "display": "After sex"}], "text": "After sex"},
            "valueBoolean": d.after_sex,
        }]);
        entries.push(o);
    }
}

fn quantity(v: f64, unit: &str, code: &str) -> Value {
    json!({"value": v, "unit": unit, "system": "http://unitsofmeasure.org", "code": code})
}

/// A deterministic UUID-shaped id for a resource, so repeated exports keep their ids.
fn rid(kind: u8, n: usize) -> String {
    format!("00000000-0000-4000-8{kind:03x}-{n:012x}")
}

/// An HL7 FHIR R4 Bundle of type `collection`: one Patient (no real identity), pain, height,
/// weight and BMI Observations with LOINC codes and UCUM units, and QuestionnaireResponses
/// for PEG and MRS.
pub fn to_fhir(data: &UserData, exported_at: &str) -> Value {
    let mut entries = vec![json!({
        "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000001",
        "resource": {"resourceType": "Patient", "id": "00000000-0000-4000-8000-000000000001", "gender": "female",
                     "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">Keel user</div>"}}
    })];
    for (n, c) in data.check_ins.iter().enumerate() {
        entries.push(observation(
            rid(1, n),
            "72514-3",
            "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
            c.date.to_string(),
            quantity(f64::from(c.pain), "{score}", "{score}"),
            "survey",
        ));
    }
    for (n, h) in data.heights.iter().enumerate() {
        entries.push(observation(
            rid(2, n),
            "8302-2",
            "Body height",
            h.date.to_string(),
            quantity(h.cm, "cm", "cm"),
            "vital-signs",
        ));
    }
    if let Some(p) = &data.profile {
        let day = exported_at.get(..10).unwrap_or_default().to_string();
        if let Some(w) = p.weight_kg {
            entries.push(observation(
                rid(3, 0),
                "29463-7",
                "Body weight",
                day.clone(),
                quantity(w, "kg", "kg"),
                "vital-signs",
            ));
        }
        if let Some(h) = p.height_cm {
            entries.push(observation(
                rid(3, 1),
                "8302-2",
                "Body height",
                day.clone(),
                quantity(h, "cm", "cm"),
                "vital-signs",
            ));
            if let Some(w) = p.weight_kg {
                let bmi = (w / (h / 100.0).powi(2) * 10.0).round() / 10.0;
                entries.push(observation(
                    rid(3, 2),
                    "39156-5",
                    "Body mass index (BMI) [Ratio]",
                    day,
                    quantity(bmi, "kg/m2", "kg/m2"),
                    "vital-signs",
                ));
            }
        }
    }
    cycle_observations(data, &mut entries);
    let instruments = keel_core::progress::instruments();
    for (n, r) in data.responses.iter().enumerate() {
        let Some(ins) = instruments.iter().find(|i| i.id == r.instrument) else {
            continue;
        };
        let id = rid(4, n);
        let items: Vec<Value> = ins
            .items
            .iter()
            .zip(&r.answers)
            .map(|(item, a)| json!({"linkId": item.id, "text": item.text, "answer": [{"valueInteger": a}]}))
            .collect();
        entries.push(json!({
            "fullUrl": format!("urn:uuid:{id}"),
            "resource": {
                "resourceType": "QuestionnaireResponse",
                "id": id,
                "status": "completed",
                "questionnaire": format!("urn:keel:questionnaire:{}", ins.id),
                "subject": {"reference": "urn:uuid:00000000-0000-4000-8000-000000000001"},
                "authored": r.date.to_string(),
                "item": items,
            }
        }));
    }
    json!({"resourceType": "Bundle", "type": "collection", "timestamp": exported_at, "entry": entries})
}
