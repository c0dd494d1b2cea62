//! Keel's PDF writer: A4 pages of text and line drawings, with DejaVu Sans embedded as a subset
//! of the glyphs the document uses and a ToUnicode map so its text can be copied and searched.
//!
//! Positions and lengths are in millimetres from the bottom-left corner of the page; font sizes
//! are in points. The writer does no layout of its own beyond [`PdfDocument::wrap`]: callers
//! place each line.

use std::collections::HashMap;

use pdf_writer::types::{
    CidFontType, FontFlags, LineCapStyle, LineJoinStyle, SystemInfo, UnicodeCmap,
};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;

/// Width of an A4 page in millimetres.
pub const PAGE_WIDTH_MM: f32 = 210.0;
/// Height of an A4 page in millimetres.
pub const PAGE_HEIGHT_MM: f32 = 297.0;

const PT_PER_MM: f32 = 72.0 / 25.4;

/// The face of DejaVu Sans a piece of text is set in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weight {
    /// DejaVu Sans.
    Regular,
    /// DejaVu Sans Bold.
    Bold,
}

/// The paper the pages are cut to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Paper {
    #[default]
    A4,
    /// US Letter, 8.5 by 11 inches.
    Letter,
}

impl Paper {
    pub const ALL: [(&'static str, Paper); 2] = [("a4", Paper::A4), ("letter", Paper::Letter)];

    /// Width and height in millimetres.
    pub fn size_mm(self) -> (f32, f32) {
        match self {
            Paper::A4 => (PAGE_WIDTH_MM, PAGE_HEIGHT_MM),
            Paper::Letter => (215.9, 279.4),
        }
    }
}

/// A PDF document being written, one page after another.
///
/// It starts with one empty page; [`new_page`](Self::new_page) adds the next one and all
/// drawing goes to the newest page. [`finish`](Self::finish) embeds the fonts and returns the
/// file.
pub struct PdfDocument {
    title: String,
    pages: Vec<Content>,
    /// The page drawing goes to (the newest, unless [`select_page`](Self::select_page) chose one).
    current: usize,
    paper: Paper,
    regular: FontInUse,
    bold: FontInUse,
    /// Off only in tests, to exercise the path taken if the subsetter ever refuses the face.
    subset_fonts: bool,
}

/// One face, and what the document has asked of it so far.
///
/// Text is written with codes (CIDs) of our own, one per distinct character, rather than with
/// glyph ids: two characters that share a glyph, or that the face lacks, still extract as
/// themselves, because the ToUnicode map is keyed by code and the CIDToGIDMap does the rest.
struct FontInUse {
    data: &'static [u8],
    postscript_name: &'static str,
    resource: &'static [u8],
    face: ttf_parser::Face<'static>,
    /// Original glyph id to its id in the subset, in order of first use.
    glyphs: GlyphRemapper,
    /// Code to (character, original glyph id); code 0 stands for .notdef and maps to nothing.
    codes: Vec<(char, u16)>,
    code_of: HashMap<char, u16>,
}

impl FontInUse {
    fn new(
        data: &'static [u8],
        postscript_name: &'static str,
        resource: &'static [u8],
    ) -> FontInUse {
        // The faces are compiled in from the dejavu crate, so a parse failure is a broken
        // build, not something a user's input can cause.
        let face = ttf_parser::Face::parse(data, 0).expect("the bundled DejaVu face parses");
        FontInUse {
            data,
            postscript_name,
            resource,
            face,
            glyphs: GlyphRemapper::new(),
            codes: vec![('\0', 0)],
            code_of: HashMap::new(),
        }
    }

    fn used(&self) -> bool {
        self.codes.len() > 1
    }

    fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map_or(0, |g| g.0)
    }

    /// Advance of an original glyph in the face's units.
    fn advance(&self, glyph: u16) -> u16 {
        self.face
            .glyph_hor_advance(ttf_parser::GlyphId(glyph))
            .unwrap_or(0)
    }

    fn units_per_em(&self) -> f32 {
        f32::from(self.face.units_per_em())
    }

    /// Width of `text` at `size_pt`, in millimetres.
    fn width(&self, text: &str, size_pt: f32) -> f32 {
        let units: u32 = drawn_chars(text)
            .map(|c| u32::from(self.advance(self.glyph(c))))
            .sum();
        units as f32 / self.units_per_em() * size_pt / PT_PER_MM
    }

    /// The two-byte big-endian codes that draw `text`, registering new characters.
    fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(text.len() * 2);
        for c in drawn_chars(text) {
            let code = match self.code_of.get(&c) {
                Some(&code) => code,
                None => match u16::try_from(self.codes.len()) {
                    Ok(code) => {
                        let glyph = self.glyph(c);
                        self.glyphs.remap(glyph);
                        self.codes.push((c, glyph));
                        self.code_of.insert(c, code);
                        code
                    }
                    // 65,535 distinct characters in one report: draw the rest as .notdef.
                    Err(_) => 0,
                },
            };
            bytes.extend_from_slice(&code.to_be_bytes());
        }
        bytes
    }
}

/// Characters that draw something: control characters (a stray newline or tab) have no
/// glyph and would only show as boxes.
fn drawn_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().filter(|c| !c.is_control())
}

impl PdfDocument {
    /// Starts a document with the given title (shown by viewers in the title bar) and one
    /// empty page.
    pub fn new(title: &str) -> PdfDocument {
        PdfDocument {
            title: title.to_owned(),
            pages: vec![Content::new()],
            current: 0,
            paper: Paper::A4,
            regular: FontInUse::new(dejavu::sans::regular(), "DejaVuSans", b"F1"),
            bold: FontInUse::new(dejavu::sans::bold(), "DejaVuSans-Bold", b"F2"),
            subset_fonts: true,
        }
    }

    /// Cuts every page to this paper (A4 unless said).
    pub fn set_paper(&mut self, paper: Paper) {
        self.paper = paper;
    }

    /// The page size in millimetres.
    pub fn size_mm(&self) -> (f32, f32) {
        self.paper.size_mm()
    }

    /// Adds an empty page after the last one; everything drawn from now on goes there.
    pub fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.current = self.pages.len() - 1;
    }

    /// Draws on page `index` (0-based) from now on, as for footers once every page is known.
    pub fn select_page(&mut self, index: usize) {
        self.current = index.min(self.pages.len() - 1);
    }

    /// Strokes a dashed line through `points`, like [`line`](Self::line), in a gray from 0.0
    /// (black) to 1.0 (white), with dashes and gaps of `dash_mm`: a second series that stays
    /// apart from a solid one when printed in black and white.
    pub fn dashed_line(
        &mut self,
        points: &[(f32, f32)],
        thickness_mm: f32,
        dash_mm: f32,
        gray: f32,
    ) {
        let [(x0, y0), rest @ ..] = points else {
            return;
        };
        if rest.is_empty() {
            return;
        }
        let content = self.page();
        content
            .save_state()
            .set_stroke_gray(gray.clamp(0.0, 1.0))
            .set_line_width(thickness_mm * PT_PER_MM)
            .set_dash_pattern([dash_mm * PT_PER_MM, dash_mm * PT_PER_MM], 0.0)
            .move_to(x0 * PT_PER_MM, y0 * PT_PER_MM);
        for (x, y) in rest {
            content.line_to(x * PT_PER_MM, y * PT_PER_MM);
        }
        content.stroke().restore_state();
    }

    /// How many pages the document has so far.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Writes one line of text in DejaVu Sans with its baseline starting at (`x_mm`, `y_mm`).
    ///
    /// Nothing is wrapped: use [`text_width`](Self::text_width) or [`wrap`](Self::wrap) to
    /// fit a line to the page. Control characters such as newlines are left out. A character
    /// the font lacks is drawn as an empty box but still comes back when the text is copied.
    pub fn text(&mut self, x_mm: f32, y_mm: f32, size_pt: f32, text: &str) {
        self.write_text(Weight::Regular, x_mm, y_mm, size_pt, text);
    }

    /// Writes one line of text in DejaVu Sans Bold, like [`text`](Self::text).
    pub fn bold_text(&mut self, x_mm: f32, y_mm: f32, size_pt: f32, text: &str) {
        self.write_text(Weight::Bold, x_mm, y_mm, size_pt, text);
    }

    /// The width in millimetres that [`text`](Self::text) will take for this string at this
    /// size, from the font's own advance widths (no kerning is applied, in measuring or in
    /// drawing).
    pub fn text_width(&self, text: &str, size_pt: f32) -> f32 {
        self.regular.width(text, size_pt)
    }

    /// The width in millimetres that [`bold_text`](Self::bold_text) will take.
    pub fn bold_text_width(&self, text: &str, size_pt: f32) -> f32 {
        self.bold.width(text, size_pt)
    }

    /// Breaks `text` into lines no wider than `max_width_mm` at `size_pt`, breaking at
    /// whitespace. A single word wider than the limit gets a line of its own rather than
    /// being cut.
    pub fn wrap(&self, text: &str, size_pt: f32, max_width_mm: f32, weight: Weight) -> Vec<String> {
        let font = self.font(weight);
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            if !line.is_empty() {
                let candidate = format!("{line} {word}");
                if font.width(&candidate, size_pt) <= max_width_mm {
                    line = candidate;
                    continue;
                }
                lines.push(std::mem::take(&mut line));
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// Strokes a line through `points` (in millimetres), `thickness_mm` wide, in black, with
    /// round joins and ends. Fewer than two points draw nothing.
    pub fn line(&mut self, points: &[(f32, f32)], thickness_mm: f32) {
        let [(x0, y0), rest @ ..] = points else {
            return;
        };
        if rest.is_empty() {
            return;
        }
        let content = self.page();
        content
            .save_state()
            .set_line_width(thickness_mm * PT_PER_MM)
            .set_line_cap(LineCapStyle::RoundCap)
            .set_line_join(LineJoinStyle::RoundJoin)
            .move_to(x0 * PT_PER_MM, y0 * PT_PER_MM);
        for (x, y) in rest {
            content.line_to(x * PT_PER_MM, y * PT_PER_MM);
        }
        content.stroke().restore_state();
    }

    /// Fills a rectangle whose bottom-left corner is (`x_mm`, `y_mm`) with a gray from 0.0
    /// (black) to 1.0 (white). Text drawn afterwards stays black.
    pub fn fill_rect(&mut self, x_mm: f32, y_mm: f32, width_mm: f32, height_mm: f32, gray: f32) {
        self.page()
            .save_state()
            .set_fill_gray(gray.clamp(0.0, 1.0))
            .rect(
                x_mm * PT_PER_MM,
                y_mm * PT_PER_MM,
                width_mm * PT_PER_MM,
                height_mm * PT_PER_MM,
            )
            .fill_nonzero()
            .restore_state();
    }

    /// Embeds the fonts, each cut down to the characters written, and returns the PDF file.
    pub fn finish(self) -> Vec<u8> {
        let mut next = Ref::new(1);
        let catalog = next.bump();
        let page_tree = next.bump();
        let info = next.bump();
        let pages: Vec<(Ref, Ref)> = self
            .pages
            .iter()
            .map(|_| (next.bump(), next.bump()))
            .collect();
        let fonts: Vec<(&FontInUse, FontRefs)> = [&self.regular, &self.bold]
            .into_iter()
            .filter(|font| font.used())
            .map(|font| (font, FontRefs::new(&mut next)))
            .collect();

        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(page_tree);
        pdf.pages(page_tree)
            .kids(pages.iter().map(|&(page, _)| page))
            .count(pages.len() as i32);
        pdf.document_info(info)
            .title(TextStr(&self.title))
            .producer(TextStr("Keel"));

        let (w, h) = self.paper.size_mm();
        let media_box = Rect::new(0.0, 0.0, w * PT_PER_MM, h * PT_PER_MM);
        for (content, &(page_id, content_id)) in self.pages.into_iter().zip(&pages) {
            let mut page = pdf.page(page_id);
            page.media_box(media_box)
                .parent(page_tree)
                .contents(content_id);
            let mut resources = page.resources();
            let mut font_names = resources.fonts();
            for (font, refs) in &fonts {
                font_names.pair(Name(font.resource), refs.type0);
            }
            font_names.finish();
            resources.finish();
            page.finish();
            pdf.stream(content_id, &deflate(&content.finish()))
                .filter(Filter::FlateDecode);
        }

        for (font, refs) in &fonts {
            write_font(&mut pdf, font, refs, self.subset_fonts);
        }
        pdf.finish()
    }

    fn write_text(&mut self, weight: Weight, x_mm: f32, y_mm: f32, size_pt: f32, text: &str) {
        let font = match weight {
            Weight::Regular => &mut self.regular,
            Weight::Bold => &mut self.bold,
        };
        let codes = font.encode(text);
        if codes.is_empty() {
            return;
        }
        let resource = font.resource;
        self.page()
            .begin_text()
            .set_font(Name(resource), size_pt)
            .next_line(x_mm * PT_PER_MM, y_mm * PT_PER_MM)
            .show(Str(&codes))
            .end_text();
    }

    fn font(&self, weight: Weight) -> &FontInUse {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    fn page(&mut self) -> &mut Content {
        let i = self.current.min(self.pages.len() - 1);
        &mut self.pages[i]
    }
}

/// The objects one embedded font is made of.
struct FontRefs {
    type0: Ref,
    cid_font: Ref,
    descriptor: Ref,
    program: Ref,
    to_unicode: Ref,
    cid_to_gid: Ref,
}

impl FontRefs {
    fn new(next: &mut Ref) -> FontRefs {
        FontRefs {
            type0: next.bump(),
            cid_font: next.bump(),
            descriptor: next.bump(),
            program: next.bump(),
            to_unicode: next.bump(),
            cid_to_gid: next.bump(),
        }
    }
}

const SYSTEM_INFO: SystemInfo = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

/// Writes `font` as a Type0 font over a CIDFontType2 with Identity-H encoding.
fn write_font(pdf: &mut Pdf, font: &FontInUse, refs: &FontRefs, subset: bool) {
    let subset_program = if subset {
        subsetter::subset(font.data, 0, &font.glyphs)
            .inspect_err(|error| {
                tracing::warn!(
                    %error,
                    font = font.postscript_name,
                    "font subsetting failed, embedding the whole face"
                );
            })
            .ok()
    } else {
        None
    };
    // A subset renumbers the glyphs; the whole face keeps its own ids. Either way each of
    // our codes maps to the glyph that draws its character.
    let glyph_ids = |renumber: &dyn Fn(u16) -> u16| -> Vec<u8> {
        font.codes
            .iter()
            .flat_map(|&(_, glyph)| renumber(glyph).to_be_bytes())
            .collect()
    };
    let (program, base_font, cid_to_gid): (&[u8], String, Vec<u8>) = match &subset_program {
        Some(program) => (
            program,
            format!("{}+{}", subset_tag(font), font.postscript_name),
            glyph_ids(&|glyph| font.glyphs.get(glyph).unwrap_or(0)),
        ),
        None => (
            font.data,
            font.postscript_name.to_owned(),
            glyph_ids(&|glyph| glyph),
        ),
    };
    let base_font = Name(base_font.as_bytes());
    let to_pdf_units = |v: f32| v * 1000.0 / font.units_per_em();

    pdf.type0_font(refs.type0)
        .base_font(base_font)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(refs.cid_font)
        .to_unicode(refs.to_unicode);

    let mut cid_font = pdf.cid_font(refs.cid_font);
    cid_font
        .subtype(CidFontType::Type2)
        .base_font(base_font)
        .system_info(SYSTEM_INFO)
        .font_descriptor(refs.descriptor)
        .cid_to_gid_map_stream(refs.cid_to_gid);
    cid_font.widths().consecutive(
        0,
        font.codes
            .iter()
            .map(|&(_, glyph)| to_pdf_units(f32::from(font.advance(glyph)))),
    );
    cid_font.finish();

    let face = &font.face;
    let bbox = face.global_bounding_box();
    let weight = face.weight().to_number();
    let mut flags = FontFlags::SYMBOLIC;
    flags.set(FontFlags::FIXED_PITCH, face.is_monospaced());
    flags.set(FontFlags::ITALIC, face.is_italic());
    pdf.font_descriptor(refs.descriptor)
        .name(base_font)
        .flags(flags)
        .bbox(Rect::new(
            to_pdf_units(f32::from(bbox.x_min)),
            to_pdf_units(f32::from(bbox.y_min)),
            to_pdf_units(f32::from(bbox.x_max)),
            to_pdf_units(f32::from(bbox.y_max)),
        ))
        .italic_angle(face.italic_angle())
        .ascent(to_pdf_units(f32::from(face.ascender())))
        .descent(to_pdf_units(f32::from(face.descender())))
        .cap_height(to_pdf_units(f32::from(
            face.capital_height().unwrap_or(face.ascender()),
        )))
        // PDF wants a dominant stem width the font does not record; this is the usual
        // estimate from the weight class.
        .stem_v(10.0 + 0.244 * (f32::from(weight) - 50.0))
        .font_file2(refs.program);

    pdf.stream(refs.program, &deflate(program))
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), program.len() as i32);

    pdf.stream(refs.cid_to_gid, &deflate(&cid_to_gid))
        .filter(Filter::FlateDecode);

    let mut cmap = UnicodeCmap::new(Name(b"Keel-UTF16"), SYSTEM_INFO);
    for (code, &(c, _)) in font.codes.iter().enumerate().skip(1) {
        cmap.pair(code as u16, c);
    }
    pdf.stream(refs.to_unicode, &deflate(&cmap.finish()))
        .filter(Filter::FlateDecode);
}

/// The six capital letters PDF asks to prefix a subset font's name with, so that two subsets
/// of one face in different files are not mistaken for each other. Derived from the glyphs
/// kept, so the same document always gives the same bytes.
fn subset_tag(font: &FontInUse) -> String {
    // FNV-1a: any stable hash will do.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let name = font.postscript_name.bytes();
    let glyphs = font.glyphs.remapped_gids().flat_map(u16::to_be_bytes);
    for byte in name.chain(glyphs) {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    (0..6)
        .map(|i| char::from(b'A' + ((hash >> (i * 5)) % 26) as u8))
        .collect()
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

#[cfg(test)]
mod tests;
