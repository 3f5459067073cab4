use super::*;

fn title_metrics() -> Metrics {
    Metrics::new(&fonts().bold, TITLE_SIZE)
}

fn card<'a>(title: &'a str, summary: &'a str, keywords: &'a [String]) -> SocialCard<'a> {
    SocialCard { title, summary, keywords, site: "A journal" }
}

/// The decoded card: its size and RGB pixels.
fn decode(bytes: &[u8]) -> ((u32, u32), Vec<u8>) {
    let mut decoder = ::png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(::png::Transformations::EXPAND);
    let mut reader = decoder.read_info().expect("a PNG");
    assert_eq!(reader.info().color_type, ::png::ColorType::Indexed, "a palette image");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    assert_eq!(info.color_type, ::png::ColorType::Rgb, "the palette expands to opaque RGB");
    buf.truncate(info.buffer_size());
    ((info.width, info.height), buf)
}

#[test]
fn the_bundled_fonts_load_and_measure() {
    let m = title_metrics();
    assert!(m.covers('A') && m.covers('é') && m.covers('Ж') && m.covers('…'));
    assert!(!m.covers('漢'), "no CJK glyphs are bundled");
    let w = m.width("Hello");
    assert!(w > 100.0 && w < 200.0, "{w}");
    assert!(m.width("WWWW") > m.width("iiii"), "advances are the font's, not a guess");
}

#[test]
fn short_text_stays_on_one_line() {
    let m = title_metrics();
    assert_eq!(wrap(&m, "A short title", 1000.0, 3), ["A short title"]);
    assert!(wrap(&m, "", 1000.0, 3).is_empty());
}

#[test]
fn long_text_wraps_at_words_within_the_width() {
    let m = title_metrics();
    let text = "The quick brown fox jumps over the lazy dog and keeps running far away";
    let lines = wrap(&m, text, 500.0, 10);
    assert!(lines.len() > 2, "{lines:?}");
    for l in &lines {
        assert!(m.width(l) <= 500.0, "{l}");
        assert!(!l.starts_with(' ') && !l.ends_with(' '), "{l:?}");
    }
    assert_eq!(lines.join(" "), text, "nothing lost, words whole");
}

#[test]
fn text_past_the_last_line_ends_in_an_ellipsis() {
    let m = title_metrics();
    let text = "one two three four five six seven eight nine ten eleven twelve thirteen";
    let lines = wrap(&m, text, 300.0, 2);
    assert_eq!(lines.len(), 2);
    assert!(lines[1].ends_with('…'), "{lines:?}");
    assert!(m.width(&lines[1]) <= 300.0);
}

#[test]
fn a_word_wider_than_a_line_is_broken() {
    let m = title_metrics();
    let word = "x".repeat(200);
    let lines = wrap(&m, &word, 400.0, 3);
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().all(|l| m.width(l) <= 400.0), "{lines:?}");
    assert!(lines[2].ends_with('…'));
}

#[test]
fn markup_in_text_is_drawn_as_text() {
    let kw = vec!["<b>&".to_owned()];
    let c = card("Tom & \"Jerry\" <script>alert('x')</script>", "a < b", &kw);
    let l = layout(&c);
    let t = l.texts();
    assert_eq!(t, ["Tom & \"Jerry\"", "<script>alert('x')</script>", "a < b", "<b>&", "A journal"]);
    assert!(png(&c).is_ok());
}

#[test]
fn a_huge_title_is_bounded() {
    let title = "word ".repeat(2_000_000);
    let summary = "y".repeat(10 << 20);
    let kw: Vec<String> = (0..10_000).map(|i| format!("k{i}")).collect();
    let started = std::time::Instant::now();
    let c = card(&title, &summary, &kw);
    let l = layout(&c);
    let t = l.texts();
    assert!(t.len() <= TITLE_LINES + SUMMARY_LINES + KEYWORDS + 1, "{t:?}");
    assert!(t.iter().all(|line| line.chars().count() < 200), "{t:?}");
    assert!(png(&c).is_ok());
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn control_characters_and_odd_space_are_not_drawn() {
    let l = layout(&card("a\u{0}b", "line\none\ttwo", &[]));
    // The title cannot be drawn: the site's title stands in for it.
    assert_eq!(l.texts(), ["A journal", "line one two"]);
}

#[test]
fn text_the_font_cannot_draw_is_left_off() {
    let kw = vec!["日本".to_owned(), "rust".to_owned()];
    let c = card("漢字のタイトル", "说明", &kw);
    assert_eq!(layout(&c).texts(), ["A journal", "rust"]);
    assert!(png(&c).is_ok());
}

#[test]
fn shapes_stay_on_the_card() {
    let kw: Vec<String> =
        ["semiconductors", "supply chain", "TSMC", "packaging", "CoWoS", "HBM"].map(String::from).to_vec();
    let long = "Advanced packaging is the bottleneck that decides who ships ".repeat(4);
    let l = layout(&card(&long, &long, &kw));
    let (w, h) = (WIDTH as f32, HEIGHT as f32);
    for s in &l.shapes {
        match s {
            Shape::Band { x, y, width, height } => assert!(x + width <= w && y + height <= h, "{s:?}"),
            Shape::Pill { x, y, width, text } => {
                assert!(x + width <= w - MARGIN && y + PILL_HEIGHT <= h, "{s:?}");
                let inside = Style::Keyword.metrics().width(text) + 2.0 * PILL_PAD;
                assert!(inside <= *width && *width < inside + 0.25, "{s:?}");
            }
            Shape::Text { x, y, style, text } => {
                let right = x + style.metrics().width(text);
                assert!(right <= w - MARGIN + 0.5 && *y < h - MARGIN + 10.0, "{s:?}");
            }
        }
    }
}

#[test]
fn cards_are_pngs_of_the_stated_size_with_ink_on_them() {
    let kw = vec!["semiconductors".to_owned(), "supply chain".to_owned()];
    let bytes =
        png(&card("Chipmakers move packaging onshore", "Packaging is the bottleneck.", &kw)).expect("drawn");
    let (size, pixels) = decode(&bytes);
    assert_eq!(size, (WIDTH, HEIGHT));
    let background = [0xfb, 0xfa, 0xf7];
    let inked = pixels.chunks_exact(3).filter(|p| *p != background).count();
    let total = (WIDTH * HEIGHT) as usize;
    assert!(inked > total / 50 && inked < total / 2, "{inked} of {total} pixels drawn");
    // Dark pixels: the title's ink.
    assert!(pixels.chunks_exact(3).any(|p| p.iter().all(|&c| c < 0x40)));
    // The band across the top, and anti-aliased edges: blends, not two colours.
    assert_eq!(&pixels[..3], &BAND);
    let mut colours: Vec<&[u8]> = pixels.chunks_exact(3).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(colours.len() > 30, "{} colours", colours.len());
}

#[test]
fn glyph_masks_are_solid_inside_and_kept_per_half_pixel() {
    // A glyph's pen position picks its mask by half pixels, so spacing
    // follows the font's advances instead of snapping to whole pixels.
    let a = mask(MaskKey::Glyph { style: Style::Title, glyph: 36, quarter: 0 });
    let b = mask(MaskKey::Glyph { style: Style::Title, glyph: 36, quarter: 2 });
    let (a, b) = (a.expect("ink"), b.expect("ink"));
    assert!(a.pixels.contains(&Ramp::Ink.index(LEVELS)), "solid inside, in the title's ink");
    assert_ne!(a.pixels, b.pixels, "half a pixel to the right is another mask");
    assert!(level(0) == 0 && level(255) == LEVELS && level(128) > 0 && level(128) < LEVELS);
}

#[test]
fn the_same_card_gives_the_same_bytes() {
    let kw = vec!["a".to_owned()];
    let c = card("Same", "same", &kw);
    assert_eq!(png(&c).expect("drawn"), png(&c).expect("drawn"));
    assert_ne!(png(&c).expect("drawn"), png(&card("Other", "same", &kw)).expect("drawn"));
}

#[test]
fn an_empty_card_still_draws() {
    let bytes = png(&SocialCard { title: "", summary: "", keywords: &[], site: "" }).expect("drawn");
    assert!(bytes.starts_with(b"\x89PNG"));
}

/// The card's pixels as palette indices, read back from its PNG.
fn indices(bytes: &[u8]) -> Vec<u8> {
    let decoder = ::png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    buf.truncate(info.buffer_size());
    buf
}

/// The card drawn whole onto a canvas (rows led by filter bytes), every
/// mask in full, without the encoder.
fn canvas(card: &SocialCard<'_>) -> Vec<u8> {
    let mut canvas = vec![0; STRIDE * HEIGHT as usize];
    for p in place(&layout(card)) {
        p.stamp(&mut canvas, p.y.0..p.y.1);
    }
    canvas
}

/// The card's pixels drawn straight onto a canvas, without the encoder.
fn drawn(card: &SocialCard<'_>) -> Vec<u8> {
    canvas(card).chunks(STRIDE).flat_map(|row| row[1..].to_vec()).collect()
}

/// The zlib stream of a PNG's pixels (its IDAT chunks, joined).
fn idat(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut at = 8;
    while at + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as usize;
        if &bytes[at + 4..at + 8] == b"IDAT" {
            out.extend_from_slice(&bytes[at + 8..at + 8 + len]);
        }
        at += 12 + len;
    }
    out
}

#[test]
fn the_png_holds_exactly_the_pixels_drawn() {
    // Pills under their keywords (masks that meet), glyphs alone, glyphs
    // drawn again on the same card and in the next card (rows encoded
    // before), a word broken across lines, and an empty card.
    let keywords: Vec<String> = ["rust", "AV", "supply chain", "ffi", "Ж", "x"].map(String::from).to_vec();
    let cards = [
        card(
            "Chipmakers are moving packaging back onshore",
            "Advanced packaging decides who ships.",
            &keywords,
        ),
        card("Chipmakers are moving packaging back onshore, again", "", &keywords[1..]),
        card("AVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAV", "Tj fj yj", &[]),
        card("", "", &[]),
    ];
    for c in &cards {
        let bytes = png(c).expect("a card");
        assert_eq!(indices(&bytes), drawn(c), "{:?}", c.title);
        // The PNG decoder skips the zlib checksum; an independent inflater
        // checks it (the encoder computes it without reading the card).
        let z = fdeflate::decompress_to_vec(&idat(&bytes)).expect("a valid zlib stream, checksum included");
        assert_eq!(z, canvas(c), "{:?}", c.title);
    }
}

#[test]
fn a_words_rows_joined_from_its_glyphs_decode_to_its_pixels() {
    // Glyphs alone, glyphs whose boxes meet (kerning pairs, `fj`), a letter
    // again in the word, and a half-pixel start.
    for (style, half, text) in [
        (Style::Title, false, "Chipmakers"),
        (Style::Title, true, "AVAVTjfjyy"),
        (Style::Summary, true, "bookkeeping"),
        (Style::Site, false, "x"),
    ] {
        let w = word(style, half, text).expect("a word with ink");
        // Each row on its own line of a stream, after a zero, as the card
        // writes a mask that is alone.
        let mut z = zlib::Stream::new(STRIDE, Vec::new());
        let mut expected = Vec::new();
        for r in 0..w.height {
            z.zeros(1);
            assert!(z.row(w.rows(), r), "{text}: row {r} written from its code");
            z.zeros(STRIDE - 1 - w.width);
            expected.push(0);
            expected.extend_from_slice(&w.pixels[r * w.width..][..w.width]);
            expected.resize(expected.len() + STRIDE - 1 - w.width, 0);
        }
        let decoded = fdeflate::decompress_to_vec(&z.finish()).expect("a valid zlib stream");
        assert_eq!(decoded, expected, "{text}");
    }
}

#[test]
fn the_zlib_stream_round_trips_through_an_independent_decoder() {
    let keywords: Vec<String> = vec!["one".into(), "two".into()];
    let c = card("A title", "A summary", &keywords);
    let canvas = canvas(&c);
    let z = zlib::compress(&canvas, STRIDE);
    assert_eq!(fdeflate::decompress_to_vec(&z).expect("valid zlib"), canvas);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    #[test]
    fn any_card_decodes_to_the_pixels_drawn(
        title in "[A-Za-z0-9 ÄéЖ.,'()…-]{0,120}",
        summary in "[a-z AVfjTy]{0,200}",
        keywords in proptest::collection::vec("[a-zA-Z ]{1,14}", 0..7),
    ) {
        let c = card(&title, &summary, &keywords);
        let bytes = png(&c).expect("a card");
        proptest::prop_assert_eq!(indices(&bytes), drawn(&c));
        proptest::prop_assert_eq!(fdeflate::decompress_to_vec(&idat(&bytes)).ok(), Some(canvas(&c)));
    }
}
