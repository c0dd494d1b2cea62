use super::*;

fn lib() -> Library {
    Library::builtin()
}

fn cautions(id: &str) -> Vec<(String, Option<&'static str>)> {
    bone_cautions(lib().get(id).unwrap())
}

#[test]
fn a_walk_is_touched_by_no_bone_rule() {
    assert_eq!(
        cautions("brisk-walk"),
        vec![("No bone-health rule leaves it out.".to_string(), None)]
    );
}

#[test]
fn a_curl_up_is_left_out_with_low_bone_density() {
    let c = cautions("curl-up");
    assert!(
        c.iter().any(
            |(t, r)| t.starts_with("With low bone density on record, Keel leaves it out")
                && *r == Some("BONE-EXERCISE-CAUTION")
        ),
        "{c:?}"
    );
}

#[test]
fn an_open_book_is_kept_to_its_small_range() {
    let c = cautions("open-book");
    assert!(
        c.iter().any(|(t, _)| t.contains("keeps it to level 1")),
        "{c:?}"
    );
}

#[test]
fn heel_drops_go_with_a_fracture_or_height_loss() {
    let c = cautions("heel-drops");
    assert!(
        c.iter()
            .any(|(t, _)| t.contains("vertebral fracture or a height loss")),
        "{c:?}"
    );
    assert!(
        !c.iter().any(|(t, _)| t.contains("low bone density")),
        "{c:?}"
    );
}

#[test]
fn flare_mobility_waits_for_a_clinician_with_a_possible_fracture() {
    let c = cautions("knee-rocking");
    assert!(
        c.iter().any(|(_, r)| *r == Some("RF-FRACTURE-RISK")),
        "{c:?}"
    );
    assert!(
        !cautions("position-change")
            .iter()
            .any(|(_, r)| *r == Some("RF-FRACTURE-RISK"))
    );
}

/// Every sentence that says the caution leaves an exercise out agrees with the plan's own
/// test of it: no level free of the caution's movements.
#[test]
fn the_sentences_agree_with_the_exclusions_for_every_exercise() {
    let caution: BTreeSet<Movement> = bone::CAUTION_EXCLUDED.into_iter().collect();
    for e in lib().exercises() {
        let c = bone_cautions(e);
        let left_out = c
            .iter()
            .any(|(t, _)| t.starts_with("With low bone density on record, Keel leaves it out"));
        assert_eq!(left_out, e.level_within(1, &caution).is_none(), "{}", e.id);
        assert!(!c.is_empty());
    }
}

#[test]
fn alternatives_are_of_the_same_family_and_differ() {
    let lib = lib();
    for e in lib.exercises() {
        let (easier, harder) = alternatives(&lib, e);
        for x in [easier, harder].into_iter().flatten() {
            assert_eq!(x.family, e.family, "{}", e.id);
            assert_ne!(x.id, e.id);
        }
        if let (Some(a), Some(b)) = (easier, harder) {
            assert_ne!(a.id, b.id, "{}", e.id);
        }
    }
}

#[test]
fn a_search_ignores_case_and_reads_the_family() {
    let lib = lib();
    let bridge = lib.get("glute-bridge").unwrap();
    assert!(matches(bridge, "BRIDGE"));
    assert!(matches(bridge, &bridge.family.label().to_uppercase()));
    assert!(!matches(bridge, "zzz"));
}

#[test]
fn a_walk_is_planned_on_every_day_but_a_stop() {
    let days = day_types_of(lib().get("brisk-walk").unwrap());
    assert!(!days.contains(&DayType::Stop));
    assert!(days.contains(&DayType::Steady), "{days:?}");
}
