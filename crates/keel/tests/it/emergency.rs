//! No input may hide an emergency sign: for every emergency question of the rule table, with
//! other answers and a history drawn at random, the plan API stops the day with no exercise,
//! and the Today page shows the emergency first and no plan, whether it is rendered afresh,
//! kept from an earlier visit, or shown after another finding was acknowledged.

use keel_core::rules::Question;
use serde_json::{Map, Value, json};

use crate::helpers::{Server, both_backends, days_ago};

/// A small deterministic generator (xorshift): the same cases on every run, different for
/// every question.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn coin(&mut self) -> bool {
        self.below(2) == 0
    }
}

const LOCATIONS: &[&str] = &[
    "lower_back",
    "upper_back",
    "neck",
    "buttock",
    "left_leg",
    "right_leg",
];

/// A check-in for `date` with `emergency` answered yes and everything else drawn.
fn drawn_check_in(draw: &mut Draw, date: &str, emergency: Option<Question>) -> Value {
    let mut m = Map::new();
    m.insert("date".into(), json!(date));
    m.insert("pain".into(), json!(draw.below(11)));
    let locations: Vec<&str> = LOCATIONS.iter().copied().filter(|_| draw.coin()).collect();
    m.insert("locations".into(), json!(locations));
    if draw.coin() {
        m.insert(
            "onset".into(),
            json!(if draw.coin() { "sudden" } else { "gradual" }),
        );
    }
    m.insert("sleep".into(), json!(draw.below(11)));
    m.insert("energy".into(), json!(draw.below(11)));
    for q in Question::ALL {
        // Other emergency questions stay unanswered or no; the rest are drawn freely.
        let answer = match draw.below(3) {
            0 => None,
            1 => Some(false),
            _ => Some(!q.is_emergency()),
        };
        if let Some(a) = answer {
            m.insert(q.name().into(), json!(a));
        }
    }
    if let Some(q) = emergency {
        m.insert(q.name().into(), json!(true));
    }
    Value::Object(m)
}

/// The page's main content shows the emergency before any other section or reminder, and no
/// plan at all.
fn assert_emergency_first(html: &str, case: &str) {
    let mut main = &html[html.find("<main").expect("a main element")..];
    // While today is an emergency, a page for another day starts with today's emergency; the
    // day's own result follows it.
    let banner = "<section class=\"alert emergency\" role=\"alert\" aria-labelledby=\"emergency-now-title\">";
    if let Some(at) = main
        .find("<section")
        .filter(|at| main[*at..].starts_with(banner))
    {
        main = &main[at + banner.len()..];
        main = &main[main.find("</section>").expect("the banner ends")..];
    }
    // The first section inside the day's result, which must itself come first.
    let wrapper = "<section id=\"result\" aria-label=\"Today's result\">";
    let first_section = main.find("<section").expect("a section");
    assert!(
        main[first_section..].starts_with(wrapper),
        "{case}: the result comes first"
    );
    let first_section = first_section + wrapper.len();
    assert!(
        main[first_section..].starts_with("<section class=\"alert emergency\""),
        "{case}: the emergency comes first: {}",
        &main[first_section..first_section + 80]
    );
    for other in ["class=\"reminder\"", "class=\"notice\""] {
        if let Some(at) = main.find(other) {
            assert!(at > first_section, "{case}: {other} before the emergency");
        }
    }
    assert!(
        !html.contains("id=\"plan-title\""),
        "{case}: no plan on an emergency day"
    );
    assert!(
        !html.contains("action=\"/log\""),
        "{case}: nothing to mark done"
    );
}

both_backends! {
    async fn no_answer_or_history_hides_an_emergency(db: &TestDb) {
        let s = Server::start(&db.url);
        for (n, q) in Question::EMERGENCY.iter().enumerate() {
            let mut draw = Draw(0x9e37_79b9_7f4a_7c15 ^ (n as u64 + 1));
            let case = q.name();
            // Her own day, well apart from the other cases' histories.
            let back = 20 * n as i64;
            let date = days_ago(back);
            for d in 1..=draw.below(15) as i64 {
                let day = days_ago(back + d);
                let r = s.post_json("/api/v1/checkins", &drawn_check_in(&mut draw, &day, None)).await;
                assert_eq!(r.status().as_u16(), 201, "{case}");
            }
            // First a day without the emergency, seen twice so that its page is kept...
            let calm = drawn_check_in(&mut draw, &date, None);
            assert!(s.post_json("/api/v1/checkins", &calm).await.status().is_success(), "{case}");
            for _ in 0..2 {
                s.get(&format!("/?date={date}")).await.text().await.unwrap();
            }
            // ...then the same day answered again with the emergency sign.
            let body = drawn_check_in(&mut draw, &date, Some(*q));
            let r = s.post_json("/api/v1/checkins", &body).await;
            assert!(r.status().is_success(), "{case}: {}", r.text().await.unwrap());
            let plan: Value = s.get(&format!("/api/v1/plan/{date}")).await.json().await.unwrap();
            assert_eq!(plan["day_type"], "stop", "{case}: {body}");
            assert_eq!(plan["items"], json!([]), "{case}");
            assert_eq!(plan["triage"]["level"], "emergency", "{case}");
            for visit in ["after the kept calm page", "kept"] {
                let html = s.get(&format!("/?date={date}")).await.text().await.unwrap();
                assert_emergency_first(&html, &format!("{case}, {visit}"));
            }
            // Another finding acknowledged changes nothing about the emergency.
            let other = plan["triage"]["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["level"] != "emergency")
                .and_then(|f| f["rule"].as_str().map(str::to_string));
            if let Some(rule) = other {
                let r = s.post_json("/api/v1/acknowledgements", &json!({"rule": rule, "date": date})).await;
                assert_eq!(r.status().as_u16(), 201, "{case}: {rule}");
                let plan: Value = s.get(&format!("/api/v1/plan/{date}")).await.json().await.unwrap();
                assert_eq!((plan["day_type"].as_str(), plan["items"].as_array().map(Vec::len)), (Some("stop"), Some(0)), "{case}: {rule}");
                for visit in ["after an acknowledgement", "after an acknowledgement, kept"] {
                    let html = s.get(&format!("/?date={date}")).await.text().await.unwrap();
                    assert_emergency_first(&html, &format!("{case}, {visit}"));
                }
            }
            // After her own save the page is rendered afresh with a notice: still first.
            let html = s.get(&format!("/?date={date}&saved=new")).await.text().await.unwrap();
            assert_emergency_first(&html, &format!("{case}, saved=new"));
        }
    }
}

both_backends! {
    /// While today's check-in is an emergency, every page starts with it, with the number to
    /// call, and no break prompt or plan appears anywhere; the next calm save of the day takes
    /// it away again everywhere (the kept views follow).
    async fn an_emergency_today_comes_first_on_every_page(db: &TestDb) {
        let s = Server::start_with(&db.url, &["--emergency-number", "112", "--urgent-care-number", "116 117"]);
        let yesterday = days_ago(1);
        assert!(s.post_json("/api/v1/checkins", &json!({"date": yesterday, "pain": 3})).await.status().is_success());
        let pages = [
            format!("/?date={yesterday}"),
            "/journal".to_string(),
            "/week".into(),
            "/progress".into(),
            "/bone".into(),
            "/desk".into(),
            "/breaks".into(),
            "/report".into(),
            "/account".into(),
        ];
        // calm first, every page seen (and so kept where pages are kept)
        assert!(s.post_json("/api/v1/checkins", &json!({"pain": 2, "night_pain": true})).await.status().is_success());
        let today = s.get("/").await.text().await.unwrap();
        assert!(today.contains("href=\"tel:116117\""), "the urgent-care number to call");
        for p in &pages {
            let html = s.get(p).await.text().await.unwrap();
            assert!(!html.contains("emergency-now-title"), "{p}: no emergency yet");
        }
        let mut body = json!({"pain": 6, "bladder_change": true});
        assert!(s.post_json("/api/v1/checkins", &body).await.status().is_success());
        for p in &pages {
            for visit in ["first", "kept"] {
                let html = s.get(p).await.text().await.unwrap();
                let main = &html[html.find("<main id=\"main\">").expect("main") + "<main id=\"main\">".len()..];
                assert!(
                    main.starts_with("<section class=\"alert emergency\""),
                    "{p} ({visit}): the emergency first, got {}",
                    &main[..120.min(main.len())]
                );
                assert!(main.contains("href=\"tel:112\""), "{p}: the number to call");
                assert!(!main.contains("id=\"plan-title\""), "{p}: no plan");
                assert!(!main.contains("id=\"break-prompt\"") && !main.contains("id=\"timer\""), "{p}: no break prompt");
                assert!(!main.contains("calendar.ics") && !main.contains("feed-title"), "{p}: no sessions or reminders to subscribe to");
                assert!(!main.contains("class=\"notice\""), "{p}: nothing above it");
            }
        }
        let today = s.get("/").await.text().await.unwrap();
        assert!(today.contains("href=\"tel:112\""), "Today's own emergency block offers the call");
        assert!(!today.contains("id=\"missing-title\""), "no more questions on an emergency day");
        assert!(!today.contains("id=\"daytype-title\""), "one message: the emergency block");
        // answered again without the sign, the emergency leaves every page
        body["bladder_change"] = json!(false);
        assert!(s.post_json("/api/v1/checkins", &body).await.status().is_success());
        for p in &pages {
            let html = s.get(p).await.text().await.unwrap();
            assert!(!html.contains("emergency-now-title"), "{p}: the emergency has gone");
        }
        let breaks = s.get("/breaks").await.text().await.unwrap();
        assert!(breaks.contains("id=\"break-prompt\""), "the break prompt is back");
    }
}
