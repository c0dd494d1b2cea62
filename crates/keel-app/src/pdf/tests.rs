use super::*;
use std::collections::BTreeMap;

const LEFT: f32 = 16.0;
const WIDTH: f32 = 178.0;

const PARAGRAPH: &str = "Keel is not a diagnosis. Values here come from her own check-ins \
    and may be incomplete; discuss changes with the clinician who knows her history – \
    especially pain ≥ 7/10, vitamin D of 50 µg or more, or a café-au-lait patch.";

/// Writes lines down the pages the way the report does, keeping every string written.
struct Sheet {
    doc: PdfDocument,
    y: f32,
    written: Vec<String>,
}

impl Sheet {
    fn ensure(&mut self, height: f32) {
        if self.y - height < 16.0 {
            self.doc.new_page();
            self.y = 282.0;
        }
    }

    fn line(&mut self, size: f32, weight: Weight, s: &str) {
        let step = size * 0.3528 * 1.35;
        self.ensure(step);
        self.y -= step;
        self.put(LEFT, self.y, size, weight, s);
    }

    fn put(&mut self, x: f32, y: f32, size: f32, weight: Weight, s: &str) {
        match weight {
            Weight::Regular => self.doc.text(x, y, size, s),
            Weight::Bold => self.doc.bold_text(x, y, size, s),
        }
        self.written.push(s.to_owned());
    }

    /// A pain chart: a shaded band, axes, labels and a line.
    fn chart(&mut self) {
        let (w, h) = (170.0, 45.0);
        self.ensure(h + 8.0);
        let (x0, y0) = (LEFT + 8.0, self.y - h - 2.0);
        self.doc.fill_rect(x0, y0 + h * 0.7, w, h * 0.3, 0.9);
        self.doc.line(&[(x0, y0 + h), (x0, y0), (x0 + w, y0)], 0.4);
        for (v, label) in [(0.0, "0"), (5.0, "5"), (10.0, "10")] {
            self.put(LEFT, y0 + v / 10.0 * h - 1.0, 7.0, Weight::Regular, label);
        }
        let points: Vec<(f32, f32)> = (0..84)
            .map(|d| {
                (
                    x0 + d as f32 / 83.0 * w,
                    y0 + ((d * 7) % 11) as f32 / 10.0 * h,
                )
            })
            .collect();
        self.doc.line(&points, 1.0);
        self.put(x0, y0 - 4.0, 7.0, Weight::Regular, "2025-01-06");
        let right = x0 + w - self.doc.text_width("2025-03-30", 7.0);
        self.put(right, y0 - 4.0, 7.0, Weight::Regular, "2025-03-30");
        self.y = y0 - 6.0;
    }
}

/// A report-like document of three pages, and every string written on it.
fn report_bytes(subset: bool) -> (Vec<u8>, Vec<String>) {
    let mut doc = PdfDocument::new("Keel report 2025-01-06 to 2025-03-30");
    doc.subset_fonts = subset;
    let mut sheet = Sheet {
        doc,
        y: 282.0,
        written: Vec::new(),
    };
    sheet.line(17.0, Weight::Bold, "Keel report: 2025-01-06 to 2025-03-30");
    // Sections until the third page is half full, with a chart now and then.
    let mut section = 0;
    while sheet.doc.page_count() < 3 || sheet.y > 150.0 {
        sheet.y -= 3.0;
        sheet.line(
            13.0,
            Weight::Bold,
            &format!("Section {section}: bone health – DEXA"),
        );
        for line in sheet.doc.wrap(PARAGRAPH, 10.0, WIDTH, Weight::Regular) {
            assert!(sheet.doc.text_width(&line, 10.0) <= WIDTH);
            sheet.line(10.0, Weight::Regular, &line);
        }
        if section % 6 == 4 {
            sheet.chart();
        }
        section += 1;
    }
    assert_eq!(
        sheet.doc.page_count(),
        3,
        "the test document should fill three pages"
    );
    (sheet.doc.finish(), sheet.written)
}

fn stream_bytes(doc: &lopdf::Document, id: lopdf::ObjectId) -> Vec<u8> {
    let stream = doc.get_object(id).unwrap().as_stream().unwrap();
    stream.decompressed_content().unwrap()
}

/// The text of every `Tj` in the file, decoded through each font's ToUnicode map: what a
/// reader that copies text sees, one entry per call to `text`.
fn extracted_strings(doc: &lopdf::Document) -> Vec<String> {
    let mut shown = Vec::new();
    for page_id in doc.get_pages().into_values() {
        let fonts = doc.get_page_fonts(page_id);
        let mut maps: BTreeMap<Vec<u8>, BTreeMap<u16, String>> = BTreeMap::new();
        for (name, font) in fonts {
            let cmap_id = font.get(b"ToUnicode").unwrap().as_reference().unwrap();
            let cmap = String::from_utf8(stream_bytes(doc, cmap_id)).unwrap();
            let mut map = BTreeMap::new();
            for line in cmap.lines().filter(|l| l.starts_with('<')) {
                let (code, text) = line.split_once(' ').unwrap();
                let code = u16::from_str_radix(code.trim_matches(['<', '>']), 16).unwrap();
                let hex = text.trim_matches(['<', '>']);
                let units: Vec<u16> = (0..hex.len())
                    .step_by(4)
                    .map(|i| u16::from_str_radix(&hex[i..i + 4], 16).unwrap())
                    .collect();
                map.insert(code, String::from_utf16(&units).unwrap());
            }
            maps.insert(name, map);
        }
        let content = doc.get_page_content(page_id).unwrap();
        let mut current = Vec::new();
        for op in lopdf::content::Content::decode(&content)
            .unwrap()
            .operations
        {
            match op.operator.as_str() {
                "Tf" => current = op.operands[0].as_name().unwrap().to_vec(),
                "Tj" => {
                    let lopdf::Object::String(bytes, _) = &op.operands[0] else {
                        panic!("Tj without a string");
                    };
                    assert_eq!(bytes.len() % 2, 0, "codes are two bytes each");
                    let map = &maps[&current];
                    let text: String = bytes
                        .chunks(2)
                        .map(|pair| map[&u16::from_be_bytes([pair[0], pair[1]])].as_str())
                        .collect();
                    shown.push(text);
                }
                _ => {}
            }
        }
    }
    shown
}

fn embedded_font_programs(doc: &lopdf::Document) -> Vec<(usize, i64)> {
    doc.objects
        .values()
        .filter_map(|object| object.as_stream().ok())
        .filter_map(|stream| {
            let length1 = stream.dict.get(b"Length1").ok()?.as_i64().ok()?;
            Some((stream.decompressed_content().unwrap().len(), length1))
        })
        .collect()
}

#[test]
fn a_three_page_report_is_small_and_parses() {
    let (bytes, _) = report_bytes(true);
    assert!(bytes.len() < 200_000, "report is {} bytes", bytes.len());
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    assert_eq!(doc.get_pages().len(), 3);
    let title = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let title = doc.get_dictionary(title).unwrap().get(b"Title").unwrap();
    assert_eq!(
        title.as_str().unwrap(),
        b"Keel report 2025-01-06 to 2025-03-30"
    );
}

#[test]
fn the_embedded_fonts_are_subsets() {
    let (bytes, _) = report_bytes(true);
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let programs = embedded_font_programs(&doc);
    assert_eq!(programs.len(), 2, "regular and bold");
    for (len, length1) in programs {
        assert_eq!(len as i64, length1);
        assert!(len < 60_000, "embedded font is {len} bytes");
    }
}

#[test]
fn every_string_written_is_extracted_exactly() {
    let (bytes, written) = report_bytes(true);
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    assert_eq!(extracted_strings(&doc), written);
}

#[test]
fn the_whole_face_is_embedded_if_subsetting_is_off_and_text_still_extracts() {
    let (bytes, written) = report_bytes(false);
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    assert_eq!(extracted_strings(&doc), written);
    assert!(
        embedded_font_programs(&doc)
            .iter()
            .all(|&(len, _)| len > 500_000)
    );
}

#[test]
fn characters_the_font_lacks_still_extract() {
    let mut doc = PdfDocument::new("t");
    // U+1F9B4 BONE is not in DejaVu Sans; Greek omega U+03A9 and the ohm sign U+2126
    // share one glyph there.
    let s = "bone 🦴 \u{3a9} \u{2126} µ";
    doc.text(10.0, 10.0, 10.0, s);
    doc.text(10.0, 20.0, 10.0, "line\nbreak");
    let doc = lopdf::Document::load_mem(&doc.finish()).unwrap();
    assert_eq!(extracted_strings(&doc), [s, "linebreak"]);
}

#[test]
fn widths_come_from_the_font() {
    let doc = PdfDocument::new("t");
    // DejaVu Sans: "i" is much narrower than "W"; 10 pt "MMMM" is about 12 mm.
    assert!(doc.text_width("iiii", 10.0) < doc.text_width("WWWW", 10.0) / 2.0);
    let m = doc.text_width("MMMM", 10.0);
    assert!((10.0..14.0).contains(&m), "{m}");
    assert!(doc.bold_text_width("MMMM", 10.0) > m);
    assert_eq!(doc.text_width("", 10.0), 0.0);
    assert_eq!(doc.text_width("ab", 20.0), 2.0 * doc.text_width("ab", 10.0));
}

#[test]
fn wrap_keeps_lines_within_the_width_and_every_word() {
    let doc = PdfDocument::new("t");
    let lines = doc.wrap(PARAGRAPH, 10.0, 60.0, Weight::Regular);
    assert!(lines.len() > 3);
    for line in &lines {
        assert!(doc.text_width(line, 10.0) <= 60.0, "{line}");
    }
    let words: Vec<&str> = PARAGRAPH.split_whitespace().collect();
    assert_eq!(lines.join(" ").split(' ').collect::<Vec<_>>(), words);
    assert_eq!(
        doc.wrap("Supercalifragilistic", 10.0, 5.0, Weight::Bold)
            .len(),
        1
    );
}

#[test]
fn pdftotext_reads_back_every_string() {
    let (bytes, written) = report_bytes(true);
    let path = std::env::temp_dir().join(format!("keel-pdf-test-{}.pdf", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let output = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output();
    std::fs::remove_file(&path).unwrap();
    let output = match output {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("pdftotext is not installed (poppler-utils); skipping");
            return;
        }
        Err(e) => panic!("pdftotext: {e}"),
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.is_empty(), "pdftotext complained: {stderr}");
    let text = String::from_utf8(output.stdout).unwrap();
    for s in &written {
        assert!(
            text.contains(s.as_str()),
            "{s:?} not in pdftotext output:\n{text}"
        );
    }
}
