//! The content test of issue 25: every exercise has its pictures, each parses as SVG with a
//! title and a description, all of them together under 300 KB; every article reads, cites
//! known sources, links only to articles that exist, and is linked from somewhere.

use super::*;
use crate::library::Library;

#[test]
fn every_exercise_has_each_of_its_pictures_and_no_picture_is_stray() {
    let lib = Library::builtin();
    let mut expected = Vec::new();
    for e in lib.exercises() {
        assert!(!e.pictures.is_empty(), "{} names its pictures", e.id);
        for slot in &e.pictures {
            let file = format!("{}-{slot}.svg", e.id);
            assert!(picture(&e.id, slot).is_some(), "{file} is missing");
            expected.push(file);
        }
    }
    for (file, _) in PICTURES {
        assert!(
            expected.iter().any(|e| e == file),
            "{file} belongs to no exercise"
        );
    }
}

#[test]
fn each_picture_is_svg_with_a_title_and_a_description_and_all_are_small() {
    let mut total = 0;
    for (file, svg) in PICTURES {
        total += svg.len();
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{file}: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg", "{file}");
        assert!(
            root.attribute("viewBox").is_some(),
            "{file} scales by its viewBox"
        );
        for tag in ["title", "desc"] {
            let text = root
                .descendants()
                .find(|n| n.tag_name().name() == tag)
                .and_then(|n| n.text())
                .map(str::trim)
                .unwrap_or_default();
            assert!(text.len() >= 8, "{file} has a {tag}");
        }
        for n in root.descendants() {
            assert!(
                !matches!(n.tag_name().name(), "image" | "script" | "foreignObject"),
                "{file}: drawn, not embedded"
            );
        }
        assert!(svg_text(svg, "desc").is_some());
    }
    assert!(total < 300 * 1024, "all pictures are {total} bytes");
}

#[test]
fn articles_read_cite_known_sources_and_link_to_articles_that_exist() {
    assert_eq!(articles().len(), ARTICLES.len(), "every file parses");
    for (file, text) in ARTICLES {
        parse_article(file, text).unwrap();
    }
    assert!(articles().len() >= 15, "{} articles", articles().len());
    for a in articles() {
        assert!(!a.title.is_empty() && !a.summary.is_empty(), "{}", a.slug);
        assert!(a.words >= 250, "{}: {} words", a.slug, a.words);
        assert!(!a.sources.is_empty(), "{} cites its sources", a.slug);
        for s in &a.sources {
            assert!(is_source(s), "{}: unknown source {s}", a.slug);
        }
        let mut rest = a.body.as_str();
        while let Some(i) = rest.find("](/learn/") {
            let after = &rest[i + 9..];
            let slug = &after[..after.find(')').unwrap_or(after.len())];
            assert!(
                article(slug).is_some(),
                "{} links to {slug}, which does not exist",
                a.slug
            );
            rest = after;
        }
        assert!(!a.body.contains("](http"), "{}: no outside links", a.slug);
    }
}

#[test]
fn every_article_is_linked_from_somewhere() {
    let linked = linked_topics();
    for a in articles() {
        assert!(
            a.topics.iter().any(|t| linked.contains(t)),
            "{} has no topic the app links from: {:?}",
            a.slug,
            a.topics
        );
    }
    // Each exercise family has an article, so each plan item can link one.
    for e in Library::builtin().exercises() {
        assert!(
            !articles_for(&family_topic(e.family)).is_empty(),
            "no article for {}",
            family_topic(e.family)
        );
    }
    for t in ["red_flags", "bone", "desk"] {
        assert!(!articles_for(t).is_empty(), "no article for {t}");
    }
}

#[test]
fn front_matter_is_checked() {
    assert!(parse_article("x.md", "no front matter").is_err());
    assert!(parse_article("x.md", "+++\ntitle = \"a\"\n").is_err());
    let a = parse_article(
        "walking.md",
        "+++\ntitle = \"Walk\"\nsummary = \"s\"\nsources = [\"SEED\"]\n+++\n\nOne two three.",
    )
    .unwrap();
    assert_eq!((a.slug.as_str(), a.words, a.minutes()), ("walking", 3, 1));
    assert!(
        parse_article(
            "x.md",
            "+++\ntitle = \"a\"\nsummary = \"s\"\nsources = []\nmore = 1\n+++\n"
        )
        .is_err()
    );
}
