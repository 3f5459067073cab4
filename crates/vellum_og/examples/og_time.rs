//! Times rendering social cards: `cargo run --release -p vellum_og --example og_time [N]`.

use std::time::Instant;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(200);
    let keywords: Vec<String> = ["rust", "semiconductors", "supply chain", "TSMC"].map(String::from).to_vec();
    let t = Instant::now();
    let mut bytes = 0;
    for i in 0..n {
        let title = format!("Chipmakers are moving packaging back onshore, note {i}");
        let card = vellum_og::SocialCard {
            title: &title,
            summary: "Advanced packaging, not lithography, is the bottleneck that decides who ships the next generation of accelerators.",
            keywords: &keywords,
            site: "A tech journal",
        };
        match vellum_og::png(&card) {
            Ok(png) => {
                if i == 0
                    && let Some(out) = std::env::args().nth(2)
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
        "{n} cards: {el:?} ({:.2} ms each), {} KB each",
        el.as_secs_f64() * 1000.0 / n as f64,
        bytes / n / 1024
    );
}
