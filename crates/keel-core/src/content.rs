//! What Keel teaches: the exercise pictures and the articles, embedded in the binary from
//! `content/` (see `build.rs`). Articles are Markdown with TOML front matter (title, summary,
//! sources by the keys of clinical-rules.md, topics that say where the app links them from).

use std::sync::LazyLock;

use serde::Deserialize;

include!(concat!(env!("OUT_DIR"), "/content.rs"));

/// The SVG of an exercise's picture (`slot` is "position", "start" or "end").
pub fn picture(exercise: &str, slot: &str) -> Option<&'static str> {
    let file = format!("{exercise}-{slot}.svg");
    PICTURES
        .iter()
        .find(|(f, _)| *f == file)
        .map(|(_, svg)| *svg)
}

/// The text inside an SVG's `<title>` or `<desc>`, for the page's own words.
pub fn svg_text(svg: &str, tag: &str) -> Option<String> {
    let open = svg.find(&format!("<{tag}"))?;
    let start = open + svg[open..].find('>')? + 1;
    let end = start + svg[start..].find(&format!("</{tag}>"))?;
    Some(svg[start..end].trim().to_string())
}

/// The sources Keel's rules and articles cite (clinical-rules.md, "Sources (keys)"): each key
/// and, in words, what it is.
pub const SOURCES: &[(&str, &str)] = &[
    ("SEED", "the back-pain article Keel is built on"),
    ("NHS-BACK", "NHS guidance on back pain"),
    ("NHS-CES", "NHS guidance on cauda equina syndrome"),
    ("NICE-NG59", "the NICE guideline on low back pain (NG59)"),
    (
        "USPSTF",
        "the US Preventive Services Task Force on osteoporosis screening",
    ),
    ("NOGG", "the UK National Osteoporosis Guideline Group"),
    ("BHOF", "the Bone Health & Osteoporosis Foundation's guide"),
    ("SIMINOSKI", "research on height loss and spinal fractures"),
    ("OST", "the osteoporosis self-assessment tool"),
    ("WHO-T", "the WHO bone-density classification"),
    ("GOURLAY", "research on how often to repeat bone scans"),
    ("TFTF", "the Too Fit To Fracture exercise guidance"),
    (
        "ROS-SSS",
        "the Royal Osteoporosis Society's Strong, Steady and Straight",
    ),
    ("WHO-PA", "the WHO physical activity guidelines"),
    ("PAIN-MON", "the pain-monitoring model for exercise"),
    ("MCID", "research on how big a change in pain matters"),
    ("PEG", "the PEG pain scale"),
    ("MRS", "the Menopause Rating Scale"),
    ("STRAW10", "the STRAW+10 stages of reproductive ageing"),
    ("OSHA-WS", "OSHA's computer workstation guidance"),
    ("ANTHRO", "body-size tables for adults"),
    ("NICE-NG12", "the NICE guideline on suspected cancer (NG12)"),
    ("NHS-HEAVY", "NHS guidance on heavy periods"),
    (
        "PERIPLAN-BAD-DAY",
        "guidance on exercising on bad perimenopause days",
    ),
];

/// Whether `key` is one of [`SOURCES`].
pub fn is_source(key: &str) -> bool {
    SOURCES.iter().any(|(k, _)| *k == key)
}

/// A source key in words, for the "Why?" disclosures.
pub fn source_words(key: &str) -> &'static str {
    SOURCES
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("Keel's published rules", |(_, w)| w)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    summary: String,
    sources: Vec<String>,
    #[serde(default)]
    topics: Vec<String>,
}

/// An article, read from its file.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub sources: Vec<String>,
    /// Where the app links it from: `family:<family>`, `red_flags`, `bone`, `bone_caution`,
    /// `desk`, `flare`, `heavy_day`, `symptom:<key>`, `cycle`, `bleeding`, `general`.
    pub topics: Vec<String>,
    /// The Markdown after the front matter.
    pub body: String,
    pub words: usize,
}

impl Article {
    /// Minutes to read, at 200 words a minute, at least 1.
    pub fn minutes(&self) -> usize {
        self.words.div_ceil(200).max(1)
    }
}

/// Reads one file: `+++` TOML `+++` then Markdown.
pub fn parse_article(file: &str, text: &str) -> Result<Article, String> {
    let slug = file
        .strip_suffix(".md")
        .ok_or_else(|| format!("{file}: not a .md file"))?;
    let rest = text
        .strip_prefix("+++")
        .ok_or_else(|| format!("{file}: no +++ front matter"))?;
    let end = rest
        .find("\n+++")
        .ok_or_else(|| format!("{file}: the front matter is not closed"))?;
    let front: FrontMatter =
        toml::from_str(&rest[..end]).map_err(|e| format!("{file}: front matter: {e}"))?;
    let body = rest[end + 4..].trim_start_matches(['\r', '\n']).to_string();
    let words = body.split_whitespace().count();
    Ok(Article {
        slug: slug.to_string(),
        title: front.title,
        summary: front.summary,
        sources: front.sources,
        topics: front.topics,
        body,
        words,
    })
}

/// Every article, read once, by slug.
pub fn articles() -> &'static [Article] {
    static ALL: LazyLock<Vec<Article>> = LazyLock::new(|| {
        ARTICLES
            .iter()
            .filter_map(|(f, t)| parse_article(f, t).ok())
            .collect()
    });
    &ALL
}

pub fn article(slug: &str) -> Option<&'static Article> {
    articles().iter().find(|a| a.slug == slug)
}

/// The articles for a topic, in slug order.
pub fn articles_for(topic: &str) -> Vec<&'static Article> {
    articles()
        .iter()
        .filter(|a| a.topics.iter().any(|t| t == topic))
        .collect()
}

/// The topic of an exercise family.
pub fn family_topic(f: crate::ExerciseFamily) -> String {
    format!(
        "family:{}",
        serde_json::to_value(f)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    )
}

/// The topics the app links from (see each page), so that every article is linked from
/// somewhere: the test below holds every article to one of them.
pub fn linked_topics() -> Vec<String> {
    let mut t: Vec<String> = [
        "general",
        "red_flags",
        "bone",
        "bone_caution",
        "desk",
        "flare",
        "heavy_day",
        "cycle",
        "bleeding",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    t.extend(
        crate::library::Library::builtin()
            .exercises()
            .iter()
            .map(|e| family_topic(e.family)),
    );
    t.extend(
        crate::symptoms::Symptom::ALL
            .iter()
            .map(|s| format!("symptom:{}", s.key())),
    );
    t.sort();
    t.dedup();
    t
}

#[cfg(test)]
mod tests;
