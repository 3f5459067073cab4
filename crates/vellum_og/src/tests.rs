use super::*;

fn title_metrics() -> Metrics {
    Metrics::new(&fonts().bold, TITLE_SIZE)
}

fn card<'a>(title: &'a str, summary: &'a str, keywords: &'a [String]) -> SocialCard<'a> {
    SocialCard { title, summary, keywords, site: "A journal" }
}

/// The text of every `<text>` element of `svg`, in order.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text ")
        .skip(1)
        .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0.to_owned()))
        .collect()
}

#[test]
fn the_bundled_fonts_load_and_measure() {
    let f = fonts();
    assert_eq!(f.db.len(), 2, "regular and bold, nothing from the system");
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
fn text_is_escaped_into_the_svg() {
    let kw = vec!["<b>&".to_owned()];
    let svg = svg(&card("Tom & \"Jerry\" <script>alert('x')</script>", "a < b", &kw));
    assert!(!svg.contains("<script>"), "{svg}");
    assert!(svg.contains("Tom &amp; &quot;Jerry&quot;"), "{svg}");
    assert!(svg.contains("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;"), "{svg}");
    assert!(svg.contains("&lt;b&gt;&amp;"), "{svg}");
    // It parses back.
    assert!(png(&card("Tom & <Jerry>", "a < b", &kw)).is_ok());
}

#[test]
fn a_huge_title_is_bounded() {
    let title = "word ".repeat(2_000_000);
    let summary = "y".repeat(10 << 20);
    let kw: Vec<String> = (0..10_000).map(|i| format!("k{i}")).collect();
    let started = std::time::Instant::now();
    let svg = svg(&card(&title, &summary, &kw));
    assert!(svg.len() < 8_000, "{}", svg.len());
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let t = texts(&svg);
    assert!(t.len() <= TITLE_LINES + SUMMARY_LINES + KEYWORDS + 1, "{t:?}");
}

#[test]
fn control_characters_and_odd_space_do_not_reach_the_svg() {
    let svg = svg(&card("a\u{0}b", "line\none\ttwo", &[]));
    assert!(!svg.contains('\u{0}'));
    // The title cannot be drawn: the site's title stands in for it.
    assert_eq!(texts(&svg).first().map(String::as_str), Some("A journal"));
    assert!(texts(&svg).contains(&"line one two".to_owned()));
}

#[test]
fn text_the_font_cannot_draw_is_left_off() {
    let kw = vec!["日本".to_owned(), "rust".to_owned()];
    let svg = svg(&card("漢字のタイトル", "说明", &kw));
    let t = texts(&svg);
    assert_eq!(t, ["A journal", "rust"], "{svg}");
    assert!(png(&card("漢字のタイトル", "说明", &kw)).is_ok());
}

#[test]
fn cards_are_pngs_of_the_stated_size_with_ink_on_them() {
    let kw = vec!["semiconductors".to_owned(), "supply chain".to_owned()];
    let bytes =
        png(&card("Chipmakers move packaging onshore", "Packaging is the bottleneck.", &kw)).expect("drawn");
    let decoder = ::png::Decoder::new(std::io::Cursor::new(&bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
    assert_eq!(info.color_type, ::png::ColorType::Rgb);
    let pixels = &buf[..info.buffer_size()];
    let background = [0xfb, 0xfa, 0xf7];
    let inked = pixels.chunks_exact(3).filter(|p| *p != background).count();
    let total = (WIDTH * HEIGHT) as usize;
    assert!(inked > total / 50 && inked < total / 2, "{inked} of {total} pixels drawn");
    // Dark pixels: the title's ink.
    assert!(pixels.chunks_exact(3).any(|p| p.iter().all(|&c| c < 0x40)));
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
