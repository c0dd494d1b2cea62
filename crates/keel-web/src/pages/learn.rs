//! Learn: the exercise library (by family, with search) and a page per exercise (its
//! pictures, steps, levels, the days that use it, the bone cautions that leave it out, an
//! easier and a harder alternative), and the articles in Keel's own words.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use keel_core::content::{self, Article};
use keel_core::guide;
use keel_core::library::Exercise;
use maud::{Markup, PreEscaped, html};

use crate::pages::kit::layout_in;
use crate::state::AppState;

/// A link to the first article for a topic, if there is one.
pub(crate) fn article_link(topic: &str) -> Option<Markup> {
    content::articles_for(topic).first().map(|a| {
        html! { a class="learn" href={"/learn/" (a.slug)} { "Read: " (a.title) } }
    })
}

/// The picture of an exercise at a slot, inline, with its description as the caption.
fn figure(e: &Exercise, slot: &str) -> Markup {
    let Some(svg) = content::picture(&e.id, slot) else {
        return html! {};
    };
    let caption = content::svg_text(svg, "desc").unwrap_or_default();
    html! {
        figure class="pose" {
            (PreEscaped(svg))
            figcaption {
                @if e.pictures.len() > 1 { strong { (capitalised(slot)) ": " } }
                (caption)
            }
        }
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The exercise's pictures, all frames, for the plan and the guided steps.
pub(crate) fn pictures(e: &Exercise) -> Markup {
    html! { div class="poses" { @for slot in &e.pictures { (figure(e, slot)) } } }
}

pub async fn library_page(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let query = q.get("q").map(|s| s.trim()).filter(|s| !s.is_empty());
    let lib = &state.library;
    let shown: Vec<&Exercise> = lib
        .exercises()
        .iter()
        .filter(|e| query.is_none_or(|q| guide::matches(e, q)))
        .collect();
    let body = html! {
        h1 { "Exercises" }
        p class="hint" { "Every exercise Keel may plan, by family, each with pictures, steps and its levels. Your plan chooses the level for the day." }
        form method="get" action="/exercises" class="search" role="search" {
            label for="q" { "Search" }
            input type="search" id="q" name="q" value=[query] placeholder="bridge, balance, chair…";
            button type="submit" { "Search" }
        }
        @if let Some(q) = query {
            p { (shown.len()) " exercise" @if shown.len() != 1 { "s" } " match “" (q) "”. " a href="/exercises" { "Show all" } }
        }
        @for f in guide::FAMILIES {
            @let of: Vec<&&Exercise> = shown.iter().filter(|e| e.family == f).collect();
            @if !of.is_empty() {
                section aria-labelledby={"fam-" (content::family_topic(f).replace(':', "-"))} {
                    h2 id={"fam-" (content::family_topic(f).replace(':', "-"))} { (f.label()) }
                    @if let Some(l) = article_link(&content::family_topic(f)) { p { (l) } }
                    ul class="exercise-list" {
                        @for e in of {
                            li {
                                a href={"/exercises/" (e.id)} {
                                    @if let Some(svg) = e.pictures.last().and_then(|s| content::picture(&e.id, s)) {
                                        span class="thumb" aria-hidden="true" { (PreEscaped(svg)) }
                                    }
                                    span { strong { (e.name) } br; span class="hint" { (e.why) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    (StatusCode::OK, layout_in("learn", "Exercises", body)).into_response()
}

pub async fn exercise_page(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let lib = &state.library;
    let Some(e) = lib.get(&id) else {
        return crate::pages::kit::not_found().await;
    };
    let (easier, harder) = guide::alternatives(lib, e);
    let days = guide::day_types_of(e);
    let body = html! {
        p class="hint" { a href="/exercises" { "Exercises" } " · " (e.family.label()) }
        h1 { (e.name) }
        (pictures(e))
        h2 { "What it is for" }
        p { (e.why) }
        h2 { "How to do it" }
        ol class="steps" { @for c in &e.cues { li { (c) } } }
        p { strong { "Watch out: " } (e.mistake) }
        @if !e.safety.is_empty() {
            h2 { "Doing it safely" }
            ul { @for s in &e.safety { li { (s) } } }
        }
        h2 { "Levels" }
        table {
            caption { "Your plan starts at level 1 and moves you up as it goes well" }
            thead { tr { th scope="col" { "Level" } th scope="col" { "What" } th scope="col" { "Dose" } } }
            tbody { @for (i, l) in e.levels.iter().enumerate() { tr { td { (i + 1) } td { (l.name) } td { (l.dose()) } } } }
        }
        h2 { "When Keel plans it" }
        p {
            @if days.is_empty() { "Not in a plan of its own at the moment." }
            @else { "On " (days.iter().map(|d| d.title().to_lowercase()).collect::<Vec<_>>().join(", ")) "s." }
        }
        h2 { "Bone health" }
        ul { @for (c, rule) in guide::bone_cautions(e) { li { (c) @if let Some(r) = rule { " " (crate::pages::kit::why(format!("Rule {r}."))) } } } }
        h2 { "Easier or harder" }
        ul {
            @if let Some(x) = easier { li { "Easier: " a href={"/exercises/" (x.id)} { (x.name) } } }
            @if let Some(x) = harder { li { "Harder: " a href={"/exercises/" (x.id)} { (x.name) } } }
            @if easier.is_none() && harder.is_none() { li { "Its own levels are the way up and down." } }
        }
        @if let Some(l) = article_link(&content::family_topic(e.family)) { p { (l) } }
    };
    (StatusCode::OK, layout_in("learn", &e.name, body)).into_response()
}

/// Markdown to HTML with raw HTML shown as text: the articles are ours, and stay plain.
fn render(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser};
    let events = Parser::new_ext(markdown, Options::ENABLE_TABLES).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

fn article_item(a: &Article) -> Markup {
    html! {
        li {
            a href={"/learn/" (a.slug)} { strong { (a.title) } }
            " " span class="hint" { (a.minutes()) " min read" }
            br; span { (a.summary) }
        }
    }
}

pub async fn learn_index() -> Response {
    let body = html! {
        h1 { "Learn" }
        p class="hint" { "Short articles in plain words on why each habit helps. They inform; they do not replace your clinician or the daily safety questions." }
        ul class="articles" { @for a in content::articles() { (article_item(a)) } }
        p { a href="/exercises" { "All the exercises, with pictures" } }
    };
    (StatusCode::OK, layout_in("learn", "Learn", body)).into_response()
}

pub async fn article_page(Path(slug): Path<String>) -> Response {
    let Some(a) = content::article(&slug) else {
        return crate::pages::kit::not_found().await;
    };
    let body = html! {
        p class="hint" { a href="/learn" { "Learn" } " · " (a.minutes()) " min read" }
        article class="prose" {
            h1 { (a.title) }
            p class="lede" { (a.summary) }
            (PreEscaped(render(&a.body)))
        }
        p { a href="/learn" { "More articles" } }
    };
    (StatusCode::OK, layout_in("learn", &a.title, body)).into_response()
}
