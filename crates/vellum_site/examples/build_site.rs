//! Build a vault's site without the CLI: `cargo run -p vellum_site --example
//! build_site -- VAULT OUT [--drafts] [--force]`. Prints the report.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(vault), Some(out)) = (args.first(), args.get(1)) else {
        return Err("usage: build_site VAULT OUT [--drafts] [--force]".into());
    };
    let vault = vellum_vault::load(std::path::Path::new(vault))?;
    let mut opts = vellum_site::BuildOptions::new(out);
    opts.include_drafts = args.iter().any(|a| a == "--drafts");
    opts.force = args.iter().any(|a| a == "--force");
    let report = vellum_site::build(&vault, &opts)?;
    eprintln!("{report:#?}");
    Ok(())
}
