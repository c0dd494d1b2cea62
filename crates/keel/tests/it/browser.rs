//! A real headless Chromium, through WebDriver, fills in the check-in and sees the plan.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{ClientBuilder, Locator};
use serde_json::json;

use crate::helpers::{Server, TempDir};

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find_binary(names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {n}"))
            .output()
            .ok()?;
        let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
        (!path.is_empty()).then_some(path)
    })
}

/// Chromium and its driver, or the reason they cannot be used. Under CI a missing browser
/// is a failure, not a skip.
fn browser_or_skip() -> Option<(String, String)> {
    let chromium = find_binary(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = find_binary(&["chromedriver"]);
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        _ => {
            let reason = "headless Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)";
            if crate::helpers::under_ci() {
                panic!("browser test cannot run under CI: {reason}");
            }
            eprintln!("SKIPPED browser test: {reason}");
            None
        }
    }
}

/// A headless Chromium session through chromedriver, ended on drop of the driver.
struct Browser {
    client: fantoccini::Client,
    _driver: Driver,
}

impl Browser {
    async fn start(profile: &std::path::Path) -> Option<Browser> {
        Self::start_sized(profile, None).await
    }

    /// A browser whose viewport is a phone's (`width` x `height` CSS pixels): headless
    /// Chromium keeps windows at least 500 px wide, so the phone is emulated.
    async fn start_phone(profile: &std::path::Path, width: u32, height: u32) -> Option<Browser> {
        Self::start_sized(profile, Some((width, height))).await
    }

    async fn start_sized(profile: &std::path::Path, phone: Option<(u32, u32)>) -> Option<Browser> {
        let (chromium, chromedriver) = browser_or_skip()?;
        // A free port is only free until someone takes it: chromedriver is started on one,
        // and on another if it exits (it could not bind) before it answers.
        let (port, driver) = (0..10)
            .find_map(|_| {
                let port = TcpListener::bind("127.0.0.1:0")
                    .unwrap()
                    .local_addr()
                    .unwrap()
                    .port();
                let mut child = Command::new(&chromedriver)
                    .arg(format!("--port={port}"))
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("start chromedriver");
                let started = Instant::now();
                while started.elapsed() < Duration::from_secs(10) {
                    if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                        return Some((port, Driver(child)));
                    }
                    if child.try_wait().ok().flatten().is_some() {
                        return None;
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                let _ = child.kill();
                let _ = child.wait();
                None
            })
            .expect("chromedriver listening on a port of its own");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                         "--disable-dev-shm-usage", "--no-first-run", "--disable-component-update", "--disable-sync",
                         "--window-size=420,900", format!("--user-data-dir={}", profile.display())]
            }),
        );
        if let (Some((width, height)), Some(options)) = (phone, caps.get_mut("goog:chromeOptions"))
        {
            options["mobileEmulation"] =
                json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0}});
        }
        let started = Instant::now();
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(c) => break c,
                Err(_) if started.elapsed() < Duration::from_secs(20) => {
                    tokio::time::sleep(Duration::from_millis(200)).await
                }
                Err(e) => panic!("cannot start a WebDriver session: {e}"),
            }
        };
        Some(Browser {
            client,
            _driver: driver,
        })
    }
}

/// A typical day (pain 3, lower back, slept 7, energy 6, 15 minutes stiff, a 20-minute walk,
/// no red flags) on a 390 x 844 phone: from opening Today to saved in 8 taps, no keyboard, and
/// the Save button within two screen heights of scrolling; the page never scrolls sideways.
#[tokio::test]
async fn a_typical_check_in_on_a_phone_is_eight_taps() {
    let dir = TempDir::new("browser");
    let server = Server::start(&dir.db());
    // Not her first visit: she has seen the welcome.
    let r = server
        .client
        .put(server.url("/api/v1/profile"))
        .json(&json!({"welcomed": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let Some(browser) = Browser::start_phone(&dir.0.join("profile"), 390, 844).await else {
        return;
    };
    let client = browser.client.clone();
    // Eight taps, each one click below; nothing typed.
    let taps: [&str; 8] = [
        "label[for='pain-3']",
        "label[for='loc-lower_back']",
        "label[for='sleep-7']",
        "label[for='energy-6']",
        "label[for='stiffness_minutes-15']",
        "label[for='walking_minutes-20']",
        "label[for='screen-none']",
        "form[action='/checkin'] button[type='submit']",
    ];
    let result = async {
        client.goto(&server.url("/")).await?;
        let measure = client
            .execute(
                "const b = document.querySelector('form[action=\"/checkin\"] button[type=submit]').getBoundingClientRect();
                 return [b.bottom + window.scrollY, window.innerHeight, window.innerWidth,
                         document.documentElement.scrollWidth];",
                vec![],
            )
            .await?;
        for css in taps {
            client.find(Locator::Css(css)).await?.click().await?;
        }
        client
            .wait()
            .for_element(Locator::Id("daytype-title"))
            .await?;
        let daytype = client
            .find(Locator::Id("daytype-title"))
            .await?
            .text()
            .await?;
        let plan = client
            .find(Locator::Css("section.plan"))
            .await?
            .text()
            .await?;
        let notice = client.find(Locator::Css(".notice")).await?.text().await?;
        Ok::<_, fantoccini::error::CmdError>((measure, daytype, plan, notice))
    }
    .await;
    let _ = client.close().await;
    let (measure, daytype, plan, notice) = result.expect("browser steps");
    let m: Vec<f64> = measure
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let (save_bottom, height, width, scroll_width) = (m[0], m[1], m[2], m[3]);
    assert_eq!((width, height), (390.0, 844.0), "a phone's viewport");
    assert!(
        scroll_width <= width,
        "no sideways scrolling: {scroll_width} > {width}"
    );
    let scrolled = (save_bottom - height).max(0.0);
    eprintln!(
        "check-in at {width}x{height}: Save ends at {save_bottom} px, {scrolled} px of scrolling ({:.2} screens)",
        scrolled / height
    );
    assert!(
        scrolled <= 2.0 * height,
        "Save is {scrolled} px of scrolling down, more than two screens of {height}"
    );
    assert_eq!(daytype, "Steady day");
    assert!(notice.contains("saved"), "{notice}");
    assert!(plan.contains("Your plan"), "{plan}");

    // the browser's check-in is the one the API sees, every tap in it
    let stored: serde_json::Value = server.get("/api/v1/checkins").await.json().await.unwrap();
    let c = &stored["check_ins"][0]["check_in"];
    assert_eq!(c["date"], crate::helpers::today());
    assert_eq!(
        (c["pain"].clone(), c["sleep"].clone(), c["energy"].clone()),
        (json!(3), json!(7), json!(6)),
        "{stored}"
    );
    assert_eq!(c["locations"], json!(["lower_back"]));
    assert_eq!(c["stiffness_minutes"], 15);
    assert_eq!(c["walking_minutes"], 20);
    assert_eq!(
        c["saddle_numbness"], false,
        "None of these answers each emergency question no"
    );
}

/// A check-in with symptoms on a 390 px phone: the block opens with a tap, each rating is one
/// tap, a symptom of her own is typed once, and the heavy-symptom day follows.
#[tokio::test]
async fn a_check_in_with_symptoms_on_a_phone() {
    let dir = TempDir::new("browser-symptoms");
    let server = Server::start(&dir.db());
    let r = server
        .client
        .put(server.url("/api/v1/profile"))
        .json(&json!({"welcomed": true, "still_periods": "unsure"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let Some(browser) = Browser::start_phone(&dir.0.join("profile"), 390, 844).await else {
        return;
    };
    let client = browser.client.clone();
    let result = async {
        client.goto(&server.url("/")).await?;
        for css in [
            "label[for='pain-2']",
            "label[for='sleep-8']",
            "label[for='energy-8']",
            "label[for='screen-none']",
            "details.symptoms summary",
            "label[for='sym-hot_flushes-3']",
            "label[for='sym-night_sweats-2']",
            "label[for='sym-low_mood-1']",
            "label[for='flow-spotting']",
        ] {
            client.find(Locator::Css(css)).await?.click().await?;
        }
        client
            .find(Locator::Id("own_new_name"))
            .await?
            .send_keys("dry eyes")
            .await?;
        client
            .find(Locator::Css("label[for='own-new-2']"))
            .await?
            .click()
            .await?;
        let wide = client
            .execute("return document.documentElement.scrollWidth;", vec![])
            .await?;
        client
            .find(Locator::Css(
                "form[action='/checkin'] button[type='submit']",
            ))
            .await?
            .click()
            .await?;
        client
            .wait()
            .for_element(Locator::Id("daytype-title"))
            .await?;
        let daytype = client
            .find(Locator::Id("daytype-title"))
            .await?
            .text()
            .await?;
        let page = client.find(Locator::Css("main")).await?.text().await?;
        Ok::<_, fantoccini::error::CmdError>((wide, daytype, page))
    }
    .await;
    let _ = client.close().await;
    let (wide, daytype, page) = result.expect("browser steps");
    assert!(
        wide.as_f64().unwrap() <= 390.0,
        "no sideways scrolling: {wide}"
    );
    assert_eq!(
        daytype, "Gentle day",
        "hot flushes rated 3 make a heavy-symptom day"
    );
    assert!(page.contains("hot flushes severe"), "{page}");
    assert!(page.contains("Start with 10 minutes"), "{page}");
    let stored: serde_json::Value = server.get("/api/v1/checkins").await.json().await.unwrap();
    let c = &stored["check_ins"][0]["check_in"];
    assert_eq!(
        c["symptoms"],
        json!({"hot_flushes": 3, "night_sweats": 2, "low_mood": 1}),
        "rows left untouched are not rated: {c}"
    );
    assert_eq!(c["custom_symptoms"], json!({"dry eyes": 2}));
    assert_eq!(
        c["bleeding"],
        json!({"flow": "spotting", "after_sex": false})
    );
    let profile: serde_json::Value = server.get("/api/v1/profile").await.json().await.unwrap();
    assert_eq!(
        profile["custom_symptoms"],
        json!(["dry eyes"]),
        "kept for tomorrow"
    );
}

#[tokio::test]
async fn break_timer_prompts_when_the_interval_elapses() {
    let dir = TempDir::new("browser-breaks");
    let server = Server::start(&dir.db());
    let Some(browser) = Browser::start(&dir.0.join("profile")).await else {
        return;
    };
    let client = browser.client.clone();
    let result = async {
        client.goto(&server.url("/breaks")).await?;
        let prompt = client.find(Locator::Id("break-prompt")).await?;
        let hidden_before = !prompt.is_displayed().await?;
        client
            .find(Locator::Id("test-reminder"))
            .await?
            .click()
            .await?;
        let started = Instant::now();
        let mut shown = false;
        while started.elapsed() < Duration::from_secs(15) {
            if prompt.is_displayed().await? {
                shown = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let role = prompt.attr("role").await?;
        client
            .find(Locator::Id("took-break"))
            .await?
            .click()
            .await?;
        client.wait().for_element(Locator::Css(".notice")).await?;
        let notice = client.find(Locator::Css(".notice")).await?.text().await?;
        Ok::<_, fantoccini::error::CmdError>((hidden_before, shown, role, notice))
    }
    .await;
    let _ = client.close().await;
    let (hidden_before, shown, role, notice) = result.expect("browser steps");
    assert!(hidden_before, "no prompt before the interval");
    assert!(shown, "the prompt appears when the interval elapses");
    assert_eq!(role.as_deref(), Some("alert"));
    assert!(notice.contains("Break logged"), "{notice}");
    let day: serde_json::Value = server.get("/api/v1/breaks").await.json().await.unwrap();
    assert_eq!(day["minutes"], 2);
}

/// Every page, with a few weeks of data, at 320 and 390 px: nothing scrolls sideways, and chart
/// text is at least 12 px tall on screen.
#[tokio::test]
async fn every_page_fits_a_phone() {
    let dir = TempDir::new("browser-fit");
    let server = Server::start(&dir.db());
    for d in 0..40 {
        let body = json!({"date": crate::helpers::days_ago(d), "pain": 2 + (d % 5), "sleep": 6, "energy": 5,
            "walking_minutes": 10 + d, "sitting_hours": 6, "locations": ["lower_back", "upper_back"]});
        assert_eq!(
            server
                .post_json("/api/v1/checkins", &body)
                .await
                .status()
                .as_u16(),
            201
        );
    }
    let r = server
        .client
        .put(server.url("/api/v1/profile"))
        .json(
            &json!({"age": 56, "weight_kg": 61.0, "height_cm": 160.0, "tallest_height_cm": 165.0}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    server
        .post_json(
            "/api/v1/dexa",
            &json!({"date": crate::helpers::days_ago(100), "site": "total_hip", "t_score": -2.6}),
        )
        .await;
    server
        .post_json(
            "/api/v1/activities",
            &json!({"exercise_id": "dead-bug", "pain_during": 2}),
        )
        .await;
    let yesterday = crate::helpers::days_ago(1);
    let pages = [
        "/".to_string(),
        format!("/?date={yesterday}"),
        "/journal".into(),
        "/week".into(),
        "/progress".into(),
        "/bone".into(),
        "/desk".into(),
        "/breaks".into(),
        "/report".into(),
        "/account".into(),
        "/cycle".into(),
        "/profile".into(),
        "/no-such-page".into(),
    ];
    for width in [320, 390] {
        let profile = dir.0.join(format!("profile-{width}"));
        let Some(browser) = Browser::start_phone(&profile, width, 800).await else {
            return;
        };
        let client = browser.client.clone();
        let result = async {
            let mut seen = Vec::new();
            for path in &pages {
                client.goto(&server.url(path)).await?;
                let m = client
                    .execute(
                        "const texts = [...document.querySelectorAll('svg text')].map(t => t.getBoundingClientRect().height).filter(h => h > 0);
                         const wide = [...document.querySelectorAll('body *')]
                           .filter(e => e.getBoundingClientRect().right > screen.width)
                           .slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right); wide.push('over ' + [...document.querySelectorAll('body, body *')].filter(e => e.scrollWidth > e.clientWidth + 0 && getComputedStyle(e).overflowX == 'visible').slice(0,5).map(e => e.tagName + '.' + e.className + ':' + e.scrollWidth + '/' + e.clientWidth).join(' ') + ' max ' + Math.max(...[...document.querySelectorAll('body *')].map(e => e.getBoundingClientRect().right)) + ' sw ' + screen.width + ' cw ' + document.documentElement.clientWidth);
                         return [document.documentElement.scrollWidth, window.innerWidth,
                                 texts.length ? Math.min(...texts) : 99, texts.length, wide.join(', ')];",
                        vec![],
                    )
                    .await?;
                seen.push((path.clone(), m));
            }
            Ok::<_, fantoccini::error::CmdError>(seen)
        }
        .await;
        let _ = client.close().await;
        let mut charts = 0;
        for (path, m) in result.expect("browser steps") {
            let wide = m[4].as_str().unwrap_or_default().to_string();
            let v: Vec<f64> = m.as_array().unwrap()[..4]
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            assert_eq!(
                v[1],
                f64::from(width),
                "{path}: the viewport, widened by {wide}"
            );
            assert!(
                v[0] <= v[1],
                "{path} scrolls sideways at {width} px: {} wide ({wide})",
                v[0]
            );
            assert!(
                v[2] >= 12.0,
                "{path} at {width} px: chart text {} px tall",
                v[2]
            );
            charts += v[3] as usize;
        }
        assert!(charts > 0, "some page has a chart with text");
    }
}

/// The guided session with its script, on a phone: "done" keeps the answers on the device and
/// goes on without saving; a session left half way shows what waits on the overview and the
/// summary; "Save the session" logs it in one go, and the device's copy is then forgotten.
#[tokio::test]
async fn a_guided_session_with_its_script_saves_once_at_the_end() {
    let dir = TempDir::new("browser-session");
    let server = Server::start(&dir.db());
    let r = server
        .post_json(
            "/api/v1/checkins",
            &json!({"pain": 3, "sleep": 7, "energy": 6}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 201);
    let Some(browser) = Browser::start_phone(&dir.0.join("profile"), 390, 844).await else {
        return;
    };
    let client = browser.client.clone();
    let logged = || async {
        let v: serde_json::Value = server.get("/api/v1/activities").await.json().await.unwrap();
        v["activities"].as_array().unwrap().len()
    };
    let result = async {
        client.goto(&server.url("/session/1")).await?;
        client
            .find(Locator::Css("label[for='pd-2']"))
            .await?
            .click()
            .await?;
        client
            .find(Locator::Css("label[for='ef-4']"))
            .await?
            .click()
            .await?;
        client
            .find(Locator::Css("form.step-form button[type=submit]"))
            .await?
            .click()
            .await?;
        // Step 2, by its heading line.
        client
            .wait()
            .for_element(Locator::XPath("//p[contains(., 'Step 2 of')]"))
            .await?;
        let saved_after_step = logged().await;
        // She stops here and comes back to the overview later.
        client.goto(&server.url("/session")).await?;
        let waiting = client.find(Locator::Id("unsaved")).await?;
        let shown_on_overview = waiting.is_displayed().await?;
        let overview_text = waiting.text().await?;
        client.goto(&server.url("/session/summary")).await?;
        let unsaved = client.find(Locator::Id("unsaved")).await?;
        let shown_on_summary = unsaved.is_displayed().await?;
        client
            .find(Locator::Css("#unsaved button[type=submit]"))
            .await?
            .click()
            .await?;
        client.wait().for_element(Locator::Css(".notice")).await?;
        let notice = client.find(Locator::Css(".notice")).await?.text().await?;
        client.goto(&server.url("/session/summary")).await?;
        let left_after_save = client
            .find(Locator::Id("unsaved"))
            .await?
            .is_displayed()
            .await?;
        Ok::<_, fantoccini::error::CmdError>((
            saved_after_step,
            shown_on_overview,
            overview_text,
            shown_on_summary,
            notice,
            left_after_save,
        ))
    }
    .await;
    let _ = client.close().await;
    let (after_step, on_overview, overview_text, on_summary, notice, left) =
        result.expect("browser steps");
    assert_eq!(
        after_step, 0,
        "with the script, a step's done is kept on the device, not saved"
    );
    assert!(
        on_overview,
        "an interrupted session's answers wait on the overview"
    );
    assert!(
        overview_text.contains("done, pain 2/10, effort 4/10"),
        "{overview_text}"
    );
    assert!(on_summary);
    assert!(notice.contains("Saved: 1 exercise."), "{notice}");
    assert_eq!(logged().await, 1, "the one save logged the step");
    assert!(!left, "once saved, nothing waits any more");
}
