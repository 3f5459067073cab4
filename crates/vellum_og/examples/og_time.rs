//! Times rendering social cards:
//! `cargo run --release -p vellum_og --example og_time [N] [OUT.png] [--unique]`.
//!
//! By default the cards repeat their words (as a journal's cards do); with
//! `--unique` every word of every card is made up, so that the letters of
//! a line vary as in real text.

use std::time::Instant;

/// A made-up word of 3 to 10 letters, new for each `seed`.
fn word(seed: &mut u64) -> String {
    *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    let len = 3 + (*seed >> 60) as usize % 8;
    (0..len)
        .map(|k| {
            let bits = (*seed >> (k * 5 + 3)) & 31;
            char::from(b'a' + (bits % 26) as u8)
        })
        .collect()
}

fn sentence(seed: &mut u64, words: usize) -> String {
    (0..words).map(|_| word(seed)).collect::<Vec<_>>().join(" ")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let unique = args.iter().any(|a| a == "--unique");
    let mut positional = args.iter().filter(|a| !a.starts_with("--"));
    let n: usize = positional.next().and_then(|s| s.parse().ok()).unwrap_or(200);
    let out = positional.next();
    let keywords: Vec<String> = ["rust", "semiconductors", "supply chain", "TSMC"].map(String::from).to_vec();
    let mut seed = 42;
    let t = Instant::now();
    let mut bytes = 0;
    for i in 0..n {
        let (title, summary) = if unique {
            (sentence(&mut seed, 6), sentence(&mut seed, 18))
        } else {
            (
                format!("Chipmakers are moving packaging back onshore, note {i}"),
                "Advanced packaging, not lithography, is the bottleneck that decides who ships the next generation of accelerators.".to_owned(),
            )
        };
        let card = vellum_og::SocialCard {
            title: &title,
            summary: &summary,
            keywords: &keywords,
            site: "A tech journal",
        };
        match vellum_og::png(&card) {
            Ok(png) => {
                if i == 0
                    && let Some(out) = out
                {
                    let _ = std::fs::write(out, &png);
                }
                bytes += png.len();
            }
            Err(e) => eprintln!("{e}"),
        }
    }
    let el = t.elapsed();
    println!(
        "{n} cards: {el:?} ({:.3} ms each), {} KB each",
        el.as_secs_f64() * 1000.0 / n as f64,
        bytes / n / 1024
    );
}
