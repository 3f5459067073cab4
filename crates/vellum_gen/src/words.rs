//! The vocabulary of generated notes. Any change here changes the vault a seed
//! gives, so [`crate::FORMAT`] goes up with it.

/// Who acts in a title.
pub(crate) const ACTORS: &[&str] = &[
    "Nvidia", "AMD", "Intel", "Arm", "TSMC", "Samsung", "Apple", "Google", "Microsoft", "Amazon",
    "Meta", "Mozilla", "Red Hat", "Canonical", "Debian", "Oracle", "IBM", "Qualcomm", "Broadcom",
    "Cloudflare", "Fastly", "GitHub", "GitLab", "JetBrains", "OpenAI", "Anthropic", "Mistral",
    "Hugging Face", "Valve", "Tesla", "Raspberry Pi", "SiFive", "The Rust Project", "The PSF",
    "The W3C", "The IETF", "The EU Commission", "The FTC", "Chipmakers", "Cloud Providers",
    "Browser Vendors", "Kernel Maintainers", "Startups", "Hyperscalers", "Regulators", "Node.js",
    "Deno", "PostgreSQL", "SQLite", "Redis", "Docker", "Kubernetes", "HashiCorp", "Vercel",
    "Netlify", "Stripe", "Framework", "System76", "Fedora", "Arch Linux", "Zig", "Godot",
    "Blender", "KDE", "GNOME", "FreeBSD", "OpenSSL", "curl", "Wikimedia", "Let's Encrypt",
];

/// What the actor does (title case, fits between actor and object).
pub(crate) const VERBS: &[&str] = &[
    "Open Sources", "Ships", "Drops", "Rewrites", "Acquires", "Delays", "Doubles Down on",
    "Rethinks", "Deprecates", "Standardizes", "Forks", "Relicenses", "Bets on", "Pauses",
    "Expands", "Audits", "Benchmarks", "Sandboxes", "Ports", "Unveils", "Retires", "Simplifies",
    "Hardens", "Accelerates", "Abandons", "Revives", "Bundles", "Unbundles", "Reprices", "Funds",
    "Splits", "Merges", "Stabilizes", "Publishes", "Licenses", "Opens Up", "Locks Down",
    "Measures", "Outsources", "Insources", "Trims", "Doubles",
];

/// What the actor acts on.
pub(crate) const OBJECTS: &[&str] = &[
    "GPU Kernel Modules", "WebGPU Support", "RISC-V Cores", "Memory-Safe Drivers",
    "the Build System", "Its Package Manager", "Async Runtimes", "the Linker", "Container Images",
    "the Scheduler", "Edge Functions", "Vector Search", "LLM Inference", "Code Signing", "Passkeys",
    "Secure Boot", "the Browser Engine", "Its Query Planner", "WASI Support", "C++ Modules",
    "Type Hints", "the GIL", "Borrow Checker Errors", "eBPF Tooling", "io_uring Support",
    "2nm Production", "HBM Supply", "Chiplet Designs", "Arm Servers", "Open Firmware",
    "the Display Stack", "Wayland Defaults", "PipeWire Audio", "Static Hosting",
    "Incremental Builds", "Its Plugin API", "the Language Server", "Telemetry Defaults",
    "Sovereign Cloud", "Data Residency", "Bug Bounties", "Build Attestations", "SBOM Rules",
    "Reproducible Builds", "Long-Term Support", "the Release Cadence", "Its Mobile SDK",
    "On-Device Models", "Quantized Weights", "Training Clusters", "Liquid Cooling",
    "Power Budgets", "Fab Capacity", "Export Controls", "App Store Rules", "Sideloading",
    "Repair Manuals", "Modular Laptops", "Open Hardware", "Key Transparency",
    "End-to-End Encryption", "Post-Quantum TLS", "Encrypted DNS", "QUIC", "IPv6",
    "Edge Caching", "Serverless Pricing", "Free Tiers", "Developer Previews", "the Design System",
    "Accessibility Audits", "Keyboard Navigation", "Cookie Banners", "Ad Tracking",
    "Search Rankings", "Columnar Storage", "Write-Ahead Logs", "Consensus Protocols",
    "Schema Migrations", "Feature Flags", "Tracing Pipelines", "Flaky Tests", "Fuzzing",
    "Unsafe Code Rules", "Its CLI", "Workspace Sync", "Offline Mode", "Its File Format",
];

/// Themes a note can be about instead of an actor's move.
pub(crate) const TOPICS: &[&str] = &[
    "Memory Safety", "Open Weights", "Platform Lock-In", "Developer Trust", "Vendor Neutrality",
    "the Cloud Bill", "Edge Computing", "Local-First Software", "Supply Chains", "AI Regulation",
    "Digital Markets", "Right to Repair", "Open Source Funding", "Maintainer Burnout",
    "Rust in the Kernel", "Python Packaging", "WebAssembly Components", "Static Typing",
    "Build Reproducibility", "Chip Sovereignty", "Data Gravity", "Compute Scarcity",
    "Interop Mandates", "Browser Diversity", "Small Models", "Energy Efficiency",
    "Latency Budgets", "Semantic Versioning", "Monorepos", "Zero Trust", "Passwordless Login",
    "the Fediverse", "Protocol Ossification", "Knowledge Graphs", "Personal Wikis",
    "Technical Debt", "Incident Reviews", "Platform Engineering", "Plain Text", "Slow Software",
];

/// Words after a topic: "Memory Safety, Revisited".
pub(crate) const TOPIC_AFTER: &[&str] =
    &["Revisited", "in Practice", "at Scale", "After the Hype", "Is Not Free", "Gets Real", "Reconsidered"];

/// Words before a topic: "The Case for Memory Safety".
pub(crate) const TOPIC_BEFORE: &[&str] =
    &["Notes on", "The Case for", "The Limits of", "Against", "Living with", "Measuring", "The Price of"];

/// Topic clusters: a primary tag and the tags that go with it. A note belongs to
/// one cluster; its tags, keywords and most links stay inside it.
pub(crate) const CLUSTERS: &[(&str, &[&str])] = &[
    ("hardware", &["semiconductors", "supply-chain", "hpc", "embedded"]),
    ("opensource", &["licensing", "community", "funding", "governance"]),
    ("linux", &["kernel", "desktop", "distros", "opensource"]),
    ("ai", &["llm", "inference", "training", "open-weights"]),
    ("security", &["supply-chain", "crypto", "privacy", "identity"]),
    ("rust", &["programming-languages", "memory-safety", "tooling", "kernel"]),
    ("python", &["programming-languages", "packaging", "tooling", "data"]),
    ("compilers", &["programming-languages", "performance", "tooling"]),
    ("databases", &["storage", "distributed-systems", "performance"]),
    ("networking", &["protocols", "edge", "performance", "standards"]),
    ("cloud", &["pricing", "edge", "distributed-systems", "platforms"]),
    ("mobile", &["platforms", "app-stores", "privacy"]),
    ("web", &["browsers", "standards", "accessibility", "wasm"]),
    ("policy", &["regulation", "antitrust", "export-controls"]),
    ("economics", &["pricing", "startups", "funding", "platforms"]),
    ("devtools", &["tooling", "testing", "build-systems", "observability"]),
    ("knowledge", &["pkm", "obsidian", "writing", "search"]),
    ("gaming", &["graphics", "platforms", "hardware"]),
];

/// How often each cluster is drawn, in the order of [`CLUSTERS`].
pub(crate) const CLUSTER_WEIGHTS: &[usize] = &[9, 8, 7, 10, 8, 6, 6, 3, 4, 3, 6, 3, 6, 4, 3, 5, 3, 2];

/// Keywords of the keyword row.
pub(crate) const KEYWORDS: &[&str] = &[
    "driver", "kernel", "gpu", "openness", "tooling", "latency", "throughput", "trust", "leverage",
    "roadmap", "abi", "api", "licensing", "governance", "funding", "adoption", "ecosystem",
    "lock-in", "portability", "safety", "soundness", "performance", "energy", "cost", "pricing",
    "margins", "supply", "demand", "capacity", "yield", "packaging", "binaries", "provenance",
    "signing", "sandboxing", "isolation", "encryption", "identity", "privacy", "tracking",
    "consent", "compliance", "regulation", "antitrust", "interop", "standards", "protocols",
    "caching", "indexing", "search", "ranking", "inference", "training", "quantization",
    "benchmarks", "evals", "datasets", "scheduling", "concurrency", "async", "allocation",
    "compatibility", "migration", "deprecation", "telemetry", "observability", "testing",
    "fuzzing", "incidents", "resilience", "scaling", "sharding", "replication", "consistency",
    "durability", "storage", "networking", "edge", "cdn", "dns", "tls", "browsers", "rendering",
    "accessibility", "ux", "onboarding", "docs", "community", "maintainers", "burnout", "hiring",
    "strategy", "moat", "platforms", "sideloading", "repairability", "firmware", "chiplets",
    "memory", "bandwidth", "thermals", "batteries", "wasm", "typing", "compilers", "linkers",
    "monorepos", "ci", "releases", "semver", "graphs", "notes", "backlinks", "markdown",
];

/// Labels of brain-dump items.
pub(crate) const LABELS: &[&str] = &[
    "Trust", "Tooling", "Signal", "Risk", "Cost", "Timing", "Leverage", "Adoption", "Ecosystem",
    "Talent", "Latency", "Security", "Moat", "Hype", "Debt", "Scale", "Incentives",
    "Open question", "Counterpoint", "Next step", "Analogy", "Metric",
];

/// Publishers of sources: name and the start of their URLs.
pub(crate) const PUBLISHERS: &[(&str, &str)] = &[
    ("LWN", "lwn.net/Articles"), ("Ars Technica", "arstechnica.com/gadgets"),
    ("The Register", "theregister.com"), ("ACM Queue", "queue.acm.org/detail"),
    ("arXiv", "arxiv.org/abs"), ("GitHub Blog", "github.blog"),
    ("Rust Blog", "blog.rust-lang.org"), ("Phoronix", "phoronix.com/news"),
    ("IEEE Spectrum", "spectrum.ieee.org"), ("The Verge", "theverge.com/tech"),
    ("Hacker News", "news.ycombinator.com/item"), ("Reuters", "reuters.com/technology"),
    ("Mozilla Hacks", "hacks.mozilla.org"), ("Cloudflare Blog", "blog.cloudflare.com"),
    ("Kernel Mailing List", "lore.kernel.org/lkml"), ("Chips and Cheese", "chipsandcheese.com"),
];

/// Verbs of source headlines.
pub(crate) const HEADLINE_VERBS: &[&str] =
    &["announces", "explains", "delays", "details", "benchmarks", "previews", "ships", "questions"];

/// Why a source matters.
pub(crate) const WHY: &[&str] = &[
    "The primary announcement, with the technical framing.",
    "Independent measurements instead of vendor numbers.",
    "The maintainers' own reasoning, trade-offs included.",
    "The clearest summary of the mailing-list thread.",
    "Shows the pricing model behind the headline.",
    "The original paper; the evaluation section is what counts.",
    "The counter-argument worth keeping next to the hype.",
    "A timeline of the decision, with links to the proposals.",
    "Adoption numbers nobody else published.",
];

/// Sentences of prose. Slots: `{a}` an actor, `{t}` a topic, `{o}` an object,
/// `{k}` and `{j}` keywords. A few hold non-ASCII characters on purpose.
pub(crate) const SENTENCES: &[&str] = &[
    "{a}'s move on {o} changed how people talk about {k}.",
    "It does not settle the question, but it moves the line between vendor and community.",
    "The real story is {k}, not the announcement.",
    "When developers trust the stack, they build on it, and the platform gets stronger.",
    "I keep returning to {t} because it shifts the incentives around {k}.",
    "The {k} numbers look fine alone and worse once {j} is counted.",
    "{a} has done this before: announce, stall, then ship quietly.",
    "What matters is whether {o} holds up under real workloads.",
    "The second-order effect lands on {j}, which the announcement never mentions.",
    "This is a bet that {k} turns into a commodity within five years.",
    "There is a future where {t} is the footnote and not the headline.",
    "The trade is plain: more {k}, less {j}.",
    "Rivals will copy the surface and miss the {k} underneath.",
    "In a year the interesting question is who maintains {o}.",
    "The migration path is the product; the rest is marketing.",
    "Small teams feel it first, because they cannot absorb the cost of {k}.",
    "The naïve reading is generosity — it is closer to a hedge.",
    "Good defaults beat good documentation, and {o} finally has both.",
    "It is a platform move dressed as a feature.",
    "The hard part of {o} is not the code; it is the review queue.",
    "A healthy ecosystem looks messy from outside.",
    "Incumbents can wait this out; challengers cannot.",
    "Regulators will read this as a {k} story even if engineers do not.",
    "Think of a café menu: the {k} prices are visible, the kitchen is not.",
    "If {k} gets cheaper, the bottleneck moves to {j}, and so does the margin.",
    "The cost curve for {k} bends, but slower than the slides say.",
    "Nobody budgets for {j} until it breaks.",
    "The benchmark is honest; the chart axis is not.",
];

/// Short lines of the signals list and the brain dump.
pub(crate) const SHORTS: &[&str] = &[
    "{a} moved first on {o}.",
    "{k} became a competitive signal.",
    "{o} has a clearer roadmap now.",
    "Community tooling can move faster with access.",
    "The gap between {k} and {j} narrowed.",
    "{t} is back on the agenda.",
    "Pricing for {k} changed quietly.",
    "Small teams lead adoption, not enterprises.",
    "Maintainers asked for funding, again.",
    "{a} published real numbers for once.",
    "Regulators are watching {k}.",
    "Benchmarks disagree on {j}.",
    "Migration guides came before the release.",
];

/// Inline claims.
pub(crate) const CLAIMS: &[&str] = &[
    "Control can be shared without losing the lead",
    "{k} is the real product here",
    "{t} rewards patience more than speed",
    "Defaults shape {k} more than features do",
    "Openness around {o} is a moat now",
    "The smallest players pay for {j}",
    "Trust compounds faster than {k}",
];

/// Reflective questions.
pub(crate) const QUESTIONS: &[&str] = &[
    "How far can a vendor open a critical layer without losing leverage?",
    "What would change my mind about {t}?",
    "Who pays for {k} when the subsidy ends?",
    "Is {o} a feature or a platform?",
    "What does {k} look like at ten times the scale?",
    "Which part of this still matters in five years?",
    "Where does the bottleneck go once {k} is solved?",
];

/// Aliases of piped wikilinks.
pub(crate) const ALIASES: &[&str] =
    &["this earlier note", "the previous round", "background", "the counter-case", "a related take", "that thread"];

/// Headings every note has, which heading links point at.
pub(crate) const LINKED_HEADINGS: &[&str] = &["signals", "my take"];

/// Languages of code blocks, with their weights in the list.
pub(crate) const CODE_LANGS: &[&str] = &["rust", "rust", "python", "python", "c", "toml"];

/// Code snippets per language.
pub(crate) fn snippets(lang: &str) -> &'static [&'static str] {
    match lang {
        "rust" => &[
            "fn mean(xs: &[f64]) -> Option<f64> {\n    if xs.is_empty() {\n        return None;\n    }\n    Some(xs.iter().sum::<f64>() / xs.len() as f64)\n}",
            "let mut seen = std::collections::HashSet::new();\nlet unique: Vec<_> = items.into_iter().filter(|x| seen.insert(x.clone())).collect();",
            "#[derive(Debug, Default)]\nstruct Budget {\n    spent_ms: u64,\n    limit_ms: u64,\n}\n\nimpl Budget {\n    fn left(&self) -> u64 {\n        self.limit_ms.saturating_sub(self.spent_ms)\n    }\n}",
            "match std::fs::read_to_string(path) {\n    Ok(text) => parse(&text),\n    Err(e) => eprintln!(\"cannot read {}: {e}\", path.display()),\n}",
        ],
        "python" => &[
            "def chunks(xs, n):\n    for i in range(0, len(xs), n):\n        yield xs[i:i + n]",
            "import json\n\nwith open(\"events.json\") as fh:\n    events = json.load(fh)\nprint(sum(e[\"ms\"] for e in events) / len(events))",
            "from collections import Counter\n\nwords = Counter(text.lower().split())\nfor word, n in words.most_common(5):\n    print(f\"{word:>12} {n}\")",
            "class Retry:\n    def __init__(self, times=3):\n        self.times = times\n\n    def __call__(self, fn):\n        def wrapped(*a, **kw):\n            for _ in range(self.times - 1):\n                try:\n                    return fn(*a, **kw)\n                except OSError:\n                    pass\n            return fn(*a, **kw)\n        return wrapped",
        ],
        "c" => &[
            "static size_t count_lines(const char *s) {\n    size_t n = 0;\n    while (*s)\n        n += *s++ == '\\n';\n    return n;\n}",
            "struct span { const char *start; size_t len; };\n\nstatic int span_eq(struct span a, struct span b) {\n    return a.len == b.len && memcmp(a.start, b.start, a.len) == 0;\n}",
            "for (int i = 0; i < argc; i++) {\n    if (strcmp(argv[i], \"--verbose\") == 0)\n        verbose = 1;\n}",
        ],
        _ => &[
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\nserde = { version = \"1\", features = [\"derive\"] }",
            "[profile.release]\nlto = \"thin\"\ncodegen-units = 4",
        ],
    }
}
