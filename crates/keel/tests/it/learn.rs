//! Learn: the exercise pages and the library, and the Bone page's advice with a concrete
//! next-scan date.

use serde_json::json;

use crate::helpers::{Server, both_backends, days_ago};

both_backends! {
    async fn the_library_and_each_exercise_page_tell_the_whole_exercise(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        let lib = keel_core::Library::builtin();
        let list = s.get("/exercises").await.text().await.unwrap();
        for e in lib.exercises() {
            assert!(list.contains(&format!("href=\"/exercises/{}\"", e.id)), "{} listed", e.id);
            let r = s.get(&format!("/exercises/{}", e.id)).await;
            assert_eq!(r.status().as_u16(), 200, "{}", e.id);
            let page = r.text().await.unwrap();
            for part in ["What it is for", "How to do it", "Watch out:", "Levels", "When Keel plans it", "Bone health", "Easier or harder"] {
                assert!(page.contains(part), "{}: {part}", e.id);
            }
            for l in &e.levels {
                assert!(page.contains(&l.dose()), "{}: the dose {}", e.id, l.dose());
            }
        }
        // Bone cautions say what they leave out: the woodchop is loaded bending and twisting.
        let chop = s.get("/exercises/band-woodchop").await.text().await.unwrap();
        assert!(chop.contains("BONE-EXERCISE-CAUTION"), "the woodchop names the rule");
        let heel = s.get("/exercises/heel-drops").await.text().await.unwrap();
        assert!(heel.contains("vertebral fracture"), "heel drops name the fracture rule");
        let found = s.get("/exercises?q=bridge").await.text().await.unwrap();
        assert!(found.contains("/exercises/glute-bridge") && !found.contains("/exercises/dead-bug"), "search filters");
        assert_eq!(s.get("/exercises/no-such-thing").await.status().as_u16(), 404);
        assert_eq!(s.get("/learn/no-such-article").await.status().as_u16(), 404);
        assert_eq!(s.get("/learn").await.status().as_u16(), 200);
    }
}

both_backends! {
    async fn low_bone_density_brings_advice_and_a_next_scan_date(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        let r = s.client.put(s.url("/api/v1/profile")).json(&json!({"age": 56})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let scan = days_ago(400);
        let r = s.post_json("/api/v1/dexa", &json!({"date": scan, "site": "lumbar_spine", "t_score": -1.8})).await;
        assert!(r.status().is_success());
        let page = s.get("/bone").await.text().await.unwrap();
        assert!(page.contains("What helps"), "advice with osteopenia");
        assert!(page.contains("protein, calcium and vitamin D"));
        assert!(page.contains("Next scan") && page.contains("around "), "a concrete date");
        assert!(!page.contains("Usual time to the next scan"));
    }
}

both_backends! {
    async fn every_article_opens_and_every_learn_link_on_the_pages_resolves(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        for a in keel_core::content::articles() {
            let r = s.get(&format!("/learn/{}", a.slug)).await;
            assert_eq!(r.status().as_u16(), 200, "{}", a.slug);
            let html = r.text().await.unwrap();
            assert!(html.contains(&a.title) && html.contains("min read"), "{}", a.slug);
            assert!(!html.contains("<script"), "{}: no raw HTML from Markdown", a.slug);
        }
        let index = s.get("/learn").await.text().await.unwrap();
        assert_eq!(index.matches("href=\"/learn/").count(), keel_core::content::articles().len());
        // A day with a plan, a warning sign, and bone and desk records: the pages link to learn.
        s.post_json("/api/v1/checkins", &json!({"pain": 3, "sleep": 7, "energy": 6, "night_pain": true})).await;
        let mut linked = std::collections::BTreeSet::new();
        for page in ["/", "/bone", "/desk", "/cycle", "/progress", "/exercises"] {
            let html = s.get(page).await.text().await.unwrap();
            for part in html.split("href=\"/learn/").skip(1) {
                let slug = &part[..part.find('"').unwrap()];
                assert!(keel_core::content::article(slug).is_some(), "{page} links to {slug}");
                linked.insert(slug.to_string());
            }
            for part in html.split("href=\"/exercises/").skip(1) {
                let id = &part[..part.find(['"', '?', '#']).unwrap()];
                assert!(keel_core::Library::builtin().get(id).is_some(), "{page} links to {id}");
            }
        }
        assert!(linked.contains("when-back-pain-needs-a-clinician"), "the finding links the red flags: {linked:?}");
        assert!(linked.len() >= 5, "{linked:?}");
    }
}
