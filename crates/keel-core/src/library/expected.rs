//! The tags every exercise of `content/exercises.toml` should carry, written out by hand from
//! what each movement does (not read from the file): the library and the plan are both held to
//! this table. A new exercise must be added here, or the library test fails.

/// One exercise: its id, the tags of every level, and the tags a level adds (by level number).
pub(crate) type Expected = (
    &'static str,
    &'static [&'static str],
    &'static [(u8, &'static [&'static str])],
);

const END_FLEXION: &[&str] = &["end_range_flexion"];
const END_ROTATION: &[&str] = &["end_range_rotation"];
const SINGLE_LEG: &[&str] = &["single_leg_load"];

pub(crate) const EXPECTED_TAGS: &[Expected] = &[
    // deep core
    ("dead-bug", &["floor"], &[]),
    ("bird-dog", &["floor", "kneeling"], &[]),
    ("pallof-press", &[], &[]),
    ("heel-slide", &["floor"], &[]),
    ("curl-up", &["floor", "loaded_flexion"], &[]),
    // glutes
    ("glute-bridge", &["floor"], &[]),
    ("hip-thrust", &["floor"], &[]),
    ("single-leg-hinge", &["single_leg_load"], &[]),
    ("clamshell", &["floor"], &[]),
    // upper back
    ("towel-extension", &["floor"], &[]),
    (
        "open-book",
        &["floor", "rotation_mobility"],
        &[(2, END_ROTATION), (3, END_ROTATION)],
    ),
    ("seated-extension", &[], &[]),
    ("prone-press-up", &["floor", "prone_lying"], &[]),
    // hip flexors
    ("low-lunge-stretch", &["floor", "kneeling"], &[]),
    ("standing-hip-flexor", &[], &[]),
    ("edge-of-bed-stretch", &[], &[]),
    // walking
    ("brisk-walk", &[], &[]),
    ("hill-walk", &[], &[]),
    ("nature-walk", &[], &[]),
    ("walk-short-bouts", &[], &[]),
    // gentle mobility
    (
        "cat-cow",
        &["flexion_mobility", "floor", "kneeling"],
        &[(2, END_FLEXION), (3, END_FLEXION)],
    ),
    ("pelvic-tilt", &["flexion_mobility", "floor"], &[]),
    (
        "knee-rocking",
        &["floor", "rotation_mobility"],
        &[(2, END_ROTATION), (3, END_ROTATION)],
    ),
    ("position-change", &[], &[]),
    // strength and impact for bone
    ("sit-to-stand", &[], &[]),
    ("band-row", &[], &[]),
    ("wall-push-up", &[], &[]),
    ("band-woodchop", &["loaded_flexion", "loaded_rotation"], &[]),
    ("heel-drops", &["moderate_impact"], &[]),
    // balance
    ("single-leg-stand", &["single_leg_load"], &[]),
    ("heel-to-toe-walk", &[], &[]),
    // added in the library review
    (
        "calf-raise",
        &[],
        &[(3, SINGLE_LEG), (4, SINGLE_LEG), (5, SINGLE_LEG)],
    ),
    ("step-up", &["single_leg_load"], &[]),
    ("split-squat", &[], &[]),
    ("suitcase-carry", &[], &[]),
    ("overhead-press", &[], &[]),
    ("band-pull-apart", &[], &[]),
    ("chin-tuck", &[], &[]),
    ("standing-back-extension", &[], &[]),
    ("pelvic-floor", &[], &[]),
    (
        "side-plank",
        &[],
        &[(3, &["floor", "kneeling"]), (4, &["floor"])],
    ),
    ("dynamic-balance", &[], &[]),
];
