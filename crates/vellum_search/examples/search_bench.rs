//! Time the search index on a vault: cold build, warm queries, and the
//! incremental update after editing one note.
//!
//! ```sh
//! cargo run --release -p vellum_gen -- --notes 10000 --seed 1 /tmp/v10k
//! cargo run --release -p vellum_search --example search_bench -- /tmp/v10k [QUERY…]
//! ```
//!
//! It deletes `<vault>/.vellum/search/` first and appends a line to one note
//! (then restores it), so run it on a copy or a generated vault.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use vellum_search::{SearchIndex, index_dir};

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// User + system CPU time of the whole process so far (Linux; zero elsewhere),
/// steadier than wall time on a busy machine.
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the `(comm)`: state is field 3, utime 14, stime 15 (in clock ticks, 100 Hz).
    let after = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<u64> = after.split_whitespace().skip(11).take(2).filter_map(|f| f.parse().ok()).collect();
    Duration::from_millis(fields.iter().sum::<u64>() * 10)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().ok_or("usage: search_bench VAULT [QUERY…]")?);
    let mut queries: Vec<String> = args.collect();
    if queries.is_empty() {
        queries =
            ["kernel", "kernels", "\"open source\"", "tsmc OR quantum", "gpu AND -driver", "title:rust"]
                .map(str::to_owned)
                .to_vec();
    }
    let dir = index_dir(&root);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }

    let (t, c) = (Instant::now(), cpu());
    let vault = vellum_vault::load(&root)?;
    println!("load vault: {} notes in {} (cpu {})", vault.notes.len(), ms(t.elapsed()), ms(cpu() - c));

    let c = cpu();
    let (index, stats) = SearchIndex::open(&vault)?;
    let build_cpu = cpu() - c;
    println!(
        "cold build: {} notes in {} (cpu {}) ({stats:?})",
        stats.added,
        ms(stats.elapsed),
        ms(build_cpu)
    );
    drop(index);

    let c = cpu();
    let (index, stats) = SearchIndex::open(&vault)?;
    let open_cpu = cpu() - c;
    println!(
        "warm open (nothing changed): {} unchanged in {} (cpu {})",
        stats.unchanged,
        ms(stats.elapsed),
        ms(open_cpu)
    );

    for q in &queries {
        let _ = index.search(q, 10, true)?; // first run: page in the files
        let runs = 20u32;
        let t = Instant::now();
        let mut hits = Vec::new();
        for _ in 0..runs {
            hits = index.search(q, 10, true)?;
        }
        let each = t.elapsed() / runs;
        println!("query {q:<22} {:>3} hits, {} each", hits.len(), ms(each));
        if let Some(h) = hits.first() {
            println!("    1. {} ({:.2}): {}", h.path, h.score, h.snippet);
        }
    }
    drop(index);

    let note = vault.notes.get(vault.notes.len() / 2).ok_or("empty vault")?;
    let file = root.join(&note.path);
    let original = std::fs::read_to_string(&file)?;
    std::fs::write(&file, format!("{original}\nAn edit about zanzibar.\n"))?;
    let t = Instant::now();
    let edited = vellum_vault::load(&root)?;
    let reload = t.elapsed();
    let c = cpu();
    let result = SearchIndex::open(&edited);
    let inc_cpu = cpu() - c;
    std::fs::write(&file, original)?;
    let (index, stats) = result?;
    println!(
        "incremental after one edit: updated {} unchanged {} in {} (cpu {}; vault reload {})",
        stats.updated,
        stats.unchanged,
        ms(stats.elapsed),
        ms(inc_cpu),
        ms(reload)
    );
    println!(
        "zanzibar → {:?}",
        index.search("zanzibar", 3, true)?.iter().map(|h| &h.path).collect::<Vec<_>>()
    );
    let size: u64 = std::fs::read_dir(&dir)?.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum();
    println!("index size: {:.1} MB", size as f64 / 1e6);
    Ok(())
}
