//! The notes of a generated vault: who they are (title, dates, cluster) and
//! their text.

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::date::Day;
use crate::rng::Rng;
use crate::words;

/// Note sizes in bytes at quantiles (per million): a piecewise-linear inverse
/// distribution giving notes of about 1 to 20 KB, median about 4 KB.
const SIZES: &[(usize, usize)] = &[
    (0, 900),
    (50_000, 1500),
    (250_000, 2700),
    (500_000, 4000),
    (750_000, 5800),
    (900_000, 8600),
    (970_000, 12_500),
    (995_000, 17_500),
    (1_000_000, 20_000),
];

/// What one note is, decided before any text is written (links need every
/// title first).
#[derive(Debug, Clone)]
pub(crate) struct Meta {
    pub title: String,
    /// The actor of the title, if it has one.
    pub actor: Option<&'static str>,
    /// The object or topic of the title.
    pub phrase: &'static str,
    pub created: Day,
    pub updated: Day,
    pub note_id: String,
    pub cluster: usize,
    /// Vault-relative path.
    pub path: String,
}

/// Everything needed to write the notes of one vault.
#[derive(Debug)]
pub(crate) struct Journal {
    pub rng: Rng,
    pub notes: Vec<Meta>,
    /// Titles that links point at but no note has.
    ghosts: Vec<String>,
    by_cluster: Vec<Vec<usize>>,
    cluster_keywords: Vec<Vec<&'static str>>,
    /// Pools of filled sentences: drawing from a pool is cheaper than filling
    /// a template for every sentence of every note.
    sentences: Vec<String>,
    shorts: Vec<String>,
    claims: Vec<String>,
    questions: Vec<String>,
    /// Attachment file names notes may embed.
    attachments: Vec<String>,
}

/// `Title Like This` → `title-like-this`: lowercase ASCII letters and digits,
/// every other run as one `-`. Titles are kept unique under it.
pub(crate) fn slug(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// A phrase as it reads inside a sentence: `Its CLI` → `its CLI`.
fn inside(phrase: &str) -> String {
    match phrase.strip_prefix("Its ") {
        Some(rest) => format!("its {rest}"),
        None => phrase.to_owned(),
    }
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// Fill the slots of a template from the vocabulary.
fn fill(rng: &mut Rng, template: &str) -> String {
    if !template.contains('{') {
        return template.to_owned();
    }
    let mut out = template.to_owned();
    for (slot, value) in [
        ("{a}", (*rng.pick(words::ACTORS)).to_owned()),
        ("{t}", (*rng.pick(words::TOPICS)).to_owned()),
        ("{o}", inside(rng.pick::<&str>(words::OBJECTS))),
        ("{k}", (*rng.pick(words::KEYWORDS)).to_owned()),
        ("{j}", (*rng.pick(words::KEYWORDS)).to_owned()),
    ] {
        out = out.replace(slot, &value);
    }
    capitalized(&out)
}

/// One candidate title, its actor and its object or topic.
fn title(rng: &mut Rng) -> (String, Option<&'static str>, &'static str) {
    let form = rng.below(1000);
    if form < 720 {
        let (a, v, o) = (*rng.pick(words::ACTORS), *rng.pick(words::VERBS), *rng.pick(words::OBJECTS));
        let mut t = format!("{a} {v} {o}");
        if rng.chance(80) {
            let _ = write!(t, " with {}", rng.pick(words::ACTORS));
        }
        return (t, Some(a), o);
    }
    let topic = *rng.pick(words::TOPICS);
    if form < 820 {
        (format!("{} {}", capitalized(topic), rng.pick(words::TOPIC_AFTER)), None, topic)
    } else if form < 910 {
        let a = *rng.pick(words::ACTORS);
        (format!("{a} and {topic}"), Some(a), topic)
    } else {
        (format!("{} {topic}", rng.pick(words::TOPIC_BEFORE)), None, topic)
    }
}

fn target_size(rng: &mut Rng) -> usize {
    let r = rng.below(1_000_000);
    for pair in SIZES.windows(2) {
        let ((p0, s0), (p1, s1)) = (pair[0], pair[1]);
        if r < p1 {
            return s0 + (s1 - s0) * (r - p0) / (p1 - p0);
        }
    }
    SIZES[SIZES.len() - 1].1
}

impl Journal {
    /// Decide every note of a vault of `notes` notes.
    pub(crate) fn new(notes: usize, seed: u64, subfolders_per_mille: u32, attachments: Vec<String>) -> Self {
        let mut rng = Rng::new(seed);
        let sentences = pool_from(&mut rng, words::SENTENCES, 4000);
        let shorts = pool_from(&mut rng, words::SHORTS, 1000);
        let claims = pool_from(&mut rng, words::CLAIMS, 500);
        let questions = pool_from(&mut rng, words::QUESTIONS, 300);
        let cluster_keywords = words::CLUSTERS.iter().map(|_| rng.sample(words::KEYWORDS, 14)).collect();

        let mut seen: HashSet<String> = HashSet::with_capacity(notes + notes / 16 + 64);
        let mut titles = Vec::with_capacity(notes);
        for i in 0..notes {
            let mut chosen = None;
            for attempt in 0..30 {
                let (mut t, actor, phrase) = title(&mut rng);
                if attempt >= 20 {
                    let _ = write!(t, " Part {}", attempt - 18);
                }
                if seen.insert(slug(&t)) {
                    chosen = Some((t, actor, phrase));
                    break;
                }
            }
            let (t, actor, phrase) = chosen.unwrap_or_else(|| {
                let (t, actor, phrase) = title(&mut rng);
                let t = format!("{t} Note {i}");
                seen.insert(slug(&t));
                (t, actor, phrase)
            });
            titles.push((t, actor, phrase));
        }
        let mut ghosts = Vec::new();
        while ghosts.len() < (notes / 20).max(40) {
            let (t, _, _) = title(&mut rng);
            if seen.insert(slug(&t)) {
                ghosts.push(t);
            }
        }

        // Dates spread over ten years or more, at most 99 notes a day (the
        // two digits of `note_id`).
        let end = Day::from_ymd(2025, 12, 31);
        let updated_cap = Day::from_ymd(2026, 3, 31);
        let days = (notes / 20 + 1).max(3653);
        let start = end.0 - (days as i64 - 1);
        let mut offsets: Vec<usize> = (0..notes).map(|_| rng.below(days)).collect();
        offsets.sort_unstable();
        let mut per_day = vec![0u8; days];
        let total_weight: usize = words::CLUSTER_WEIGHTS.iter().sum();
        let mut metas = Vec::with_capacity(notes);
        for ((t, actor, phrase), mut off) in titles.into_iter().zip(offsets) {
            while per_day[off] >= 99 {
                off = (off + 1) % days;
            }
            per_day[off] += 1;
            let created = Day(start + off as i64);
            let (y, m, d) = created.ymd();
            let note_id = format!("{:02}{m:02}{d:02}TJ{:02}", y % 100, per_day[off]);
            let updated = if rng.chance(300) {
                created
            } else {
                Day((created.0 + rng.between(1, 1200) as i64).min(updated_cap.0).max(created.0))
            };
            let mut w = rng.below(total_weight);
            let mut cluster = 0;
            while w >= words::CLUSTER_WEIGHTS[cluster] {
                w -= words::CLUSTER_WEIGHTS[cluster];
                cluster += 1;
            }
            let path =
                if rng.chance(subfolders_per_mille) { format!("{y}/{t}.md") } else { format!("{t}.md") };
            metas.push(Meta { title: t, actor, phrase, created, updated, note_id, cluster, path });
        }
        let mut by_cluster = vec![Vec::new(); words::CLUSTERS.len()];
        for (i, m) in metas.iter().enumerate() {
            by_cluster[m.cluster].push(i);
        }
        Self {
            rng,
            notes: metas,
            ghosts,
            by_cluster,
            cluster_keywords,
            sentences,
            shorts,
            claims,
            questions,
            attachments,
        }
    }

    /// The title a link from note `i` points at: about 5 % unwritten, else a
    /// note of the same cluster (three in five) or any note, older notes
    /// drawn more often (they collect links, as hubs do).
    fn link_target(&mut self, i: usize) -> String {
        let r = self.rng.below(1000);
        if r < 50 {
            return self.rng.pick(&self.ghosts).clone();
        }
        for _ in 0..4 {
            let j = if r < 620 {
                let pool = &self.by_cluster[self.notes[i].cluster];
                let u = self.rng.below(pool.len());
                pool[u * u / pool.len()]
            } else {
                let u = self.rng.below(self.notes.len());
                u * u / self.notes.len()
            };
            if j != i {
                return self.notes[j].title.clone();
            }
        }
        self.rng.pick(&self.ghosts).clone()
    }

    /// A wikilink in one of its forms.
    fn wikilink(&mut self, i: usize) -> String {
        let target = self.link_target(i);
        let form = self.rng.below(100);
        let heading = *self.rng.pick(words::LINKED_HEADINGS);
        let alias = *self.rng.pick(words::ALIASES);
        match form {
            0..55 => format!("[[{target}]]"),
            55..80 => format!("[[{target}|{alias}]]"),
            80..95 => format!("[[{target}#{heading}]]"),
            _ => format!("[[{target}#{heading}|{alias}]]"),
        }
    }

    /// A paragraph of `n` sentences, `links` of them turned into links, and
    /// sometimes an inline tag at its end.
    fn paragraph(&mut self, i: usize, n: usize, links: usize, tags: &[String]) -> String {
        let mut sentences: Vec<String> = (0..n).map(|_| self.rng.pick(&self.sentences).clone()).collect();
        for _ in 0..links {
            let k = self.rng.below(sentences.len());
            let form = self.rng.below(3);
            let link = self.wikilink(i);
            sentences[k] = match form {
                0 => format!("This ties into {link}."),
                1 => format!("{}, as in {link}.", sentences[k].trim_end_matches(['.', '?'])),
                _ => format!("{link} has the earlier angle."),
            };
        }
        if !tags.is_empty() && self.rng.chance(250) {
            sentences.push(format!("#{}", self.rng.pick(tags)));
        }
        sentences.join(" ")
    }

    /// The text of note `i`.
    pub(crate) fn render(&mut self, i: usize) -> String {
        let meta = self.notes[i].clone();
        let (primary, related) = words::CLUSTERS[meta.cluster];
        let target = target_size(&mut self.rng);
        let small = target < 2200;
        let rng = &mut self.rng;

        let mut topic_tags = vec![primary.to_owned()];
        let k = rng.between(1, related.len().min(3));
        topic_tags.extend(rng.sample(related, k).into_iter().map(str::to_owned));
        let keyword_count = rng.between(3, 6);
        let keywords = rng.sample(&self.cluster_keywords[meta.cluster], keyword_count);
        let code_per_mille = 150 + (target * 1000 / 40_000).min(500) as u32;
        let langs: Vec<&str> = if rng.chance(code_per_mille) {
            let n = 1 + usize::from(target > 7000) + usize::from(target > 13_000);
            (0..n).map(|_| *rng.pick(words::CODE_LANGS)).collect()
        } else {
            Vec::new()
        };
        if let Some(lang) = langs.first() {
            let nested = format!("lang/{lang}");
            if !topic_tags.contains(&nested) {
                topic_tags.push(nested);
            }
        }
        let (year, month, _) = meta.created.ymd();
        let draft = rng.chance(100);
        let description = match meta.actor {
            Some(a) => {
                let owner = if a.ends_with('s') { format!("{a}'") } else { format!("{a}'s") };
                format!("{owner} move on {} shifts the {} story.", inside(meta.phrase), keywords[0])
            }
            None => format!("Why {} keeps coming back in the {} debate.", meta.phrase, keywords[0]),
        };

        let mut out = String::with_capacity(target + 2048);
        let _ = write!(out, "---\ntitle: {}\ntags:\n  - tech-journal\n", meta.title);
        for t in &topic_tags {
            let _ = writeln!(out, "  - {t}");
        }
        let _ = writeln!(out, "  - {year}\nkeywords:");
        for k in &keywords {
            let _ = writeln!(out, "  - {k}");
        }
        let _ = write!(
            out,
            "draft: {draft}\ndescription: {description}\ncreated: {}\nupdated: {}\nnote_id: {}\n\
             cssclasses:\n  - tech-journal\n---\n\n# {}\n\n<div class=\"keyword-row\">\n",
            meta.created.iso(),
            meta.updated.iso(),
            meta.note_id,
            meta.title
        );
        for k in &keywords {
            let _ = writeln!(out, "  <span class=\"inline-keyword\">{k}</span>");
        }
        out.push_str("</div>\n\n");
        let n = if small { 1 } else { self.rng.between(2, 3) };
        let intro = self.paragraph(i, n, 1, &topic_tags);
        let rng = &mut self.rng;
        let _ = write!(
            out,
            "{intro}\n\n{} <span class=\"inline-claim\">{}</span>.\n\n\
             > [!note] Core claim\n> {}\n\n> [!question] Reflective question\n> {}\n\n## signals\n",
            rng.pick(&self.sentences),
            rng.pick(&self.claims),
            rng.pick(&self.sentences),
            rng.pick(&self.questions),
        );
        for _ in 0..(if small { 2 } else { rng.between(3, 6) }) {
            let _ = writeln!(out, "- {}", rng.pick(&self.shorts));
        }

        let tail = self.tail(i, &meta, &topic_tags, small, year, month);

        // `## my take`: paragraphs (and code blocks, an embed) up to the size.
        out.push_str("\n## my take\n");
        let mut budget = target.saturating_sub(out.len() + tail.len());
        let estimate = (budget / 450).max(1);
        let mut code_at: Vec<(usize, &str)> =
            langs.iter().map(|&l| (self.rng.below(estimate + 1), l)).collect();
        code_at.sort_by_key(|&(p, _)| p);
        let mut parts: Vec<String> = Vec::new();
        let mut p = 0;
        loop {
            let links = if self.rng.chance(600) { 1 } else { self.rng.between(0, 2) };
            let n = self.rng.between(2, 6);
            let para = self.paragraph(i, n, links, &topic_tags);
            budget = budget.saturating_sub(para.len() + 2);
            parts.push(para);
            for &(_, lang) in code_at.iter().filter(|&&(at, _)| at == p) {
                let block = format!("```{lang}\n{}\n```", self.rng.pick(words::snippets(lang)));
                budget = budget.saturating_sub(block.len() + 2);
                parts.push(block);
            }
            p += 1;
            if budget == 0 {
                break;
            }
        }
        if self.rng.chance(80) {
            let at = self.rng.below(parts.len() + 1);
            let embed = format!("![[{}]]", self.link_target(i));
            parts.insert(at, embed);
        }
        if !self.attachments.is_empty() && self.rng.chance(60) {
            let at = self.rng.below(parts.len() + 1);
            let file = self.rng.pick(&self.attachments).clone();
            let embed =
                if self.rng.chance(500) { format!("![[{file}|480]]") } else { format!("![[{file}]]") };
            parts.insert(at, embed);
        }
        out.push_str(&parts.join("\n\n"));
        out.push_str("\n\n");
        out.push_str(&tail);
        out
    }

    /// Brain dump, sources and linkage tree: the end of a note.
    fn tail(
        &mut self,
        i: usize,
        meta: &Meta,
        topic_tags: &[String],
        small: bool,
        year: i64,
        month: u32,
    ) -> String {
        let mut tail = String::from("<ul class=\"brain-dump\">\n");
        let n = if small { 2 } else { self.rng.between(3, 6) };
        for label in self.rng.sample(words::LABELS, n) {
            let _ = writeln!(tail, "  <li><strong>{label}:</strong> {}</li>", self.rng.pick(&self.shorts));
        }
        tail.push_str("</ul>\n\n## sources\n");
        let sources = if small { 1 } else { self.rng.between(1, 3) };
        for s in 0..sources {
            let (publisher, site) = *self.rng.pick(words::PUBLISHERS);
            let verb = *self.rng.pick(words::HEADLINE_VERBS);
            let headline = format!("{} {verb} {}", meta.actor.unwrap_or(publisher), inside(meta.phrase));
            if s > 0 {
                tail.push('\n');
            }
            let _ = write!(
                tail,
                "> [!ref] {publisher} - {headline}\n> https://{site}/{year}/{month:02}/{}/\n> Why it matters: {}\n",
                slug(&headline),
                self.rng.pick(words::WHY)
            );
        }
        tail.push_str(
            "\n## linkage\n<div class=\"linkage-tree\">\n  <div class=\"linkage-tree-title\">linkage tree</div>\n  \
             <ul>\n    <li>tags\n      <ul>\n",
        );
        for t in topic_tags {
            let _ = writeln!(tail, "        <li>#{t}</li>");
        }
        tail.push_str("      </ul>\n    </li>\n    <li>related\n      <ul>\n");
        let n = if small { 2 } else { self.rng.between(2, 6) };
        let mut related: Vec<String> = Vec::with_capacity(n);
        for _ in 0..n {
            let t = self.link_target(i);
            if !related.contains(&t) {
                related.push(t);
            }
        }
        for t in &related {
            let _ = writeln!(tail, "        <li>[[{t}]]</li>");
        }
        tail.push_str("      </ul>\n    </li>\n  </ul>\n</div>\n");
        // A lone `#` after the linkage tree, as real notes sometimes end.
        if self.rng.chance(250) {
            tail.push_str("\n#\n");
        }
        tail
    }
}

/// `n` sentences filled from randomly drawn templates.
fn pool_from(rng: &mut Rng, templates: &[&str], n: usize) -> Vec<String> {
    (0..n)
        .map(|_| {
            let t = *rng.pick(templates);
            fill(rng, t)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{slug, target_size};
    use crate::rng::Rng;

    #[test]
    fn slugs() {
        assert_eq!(slug("Let's Encrypt Ships QUIC"), "let-s-encrypt-ships-quic");
        assert_eq!(slug("  C++ Modules!  "), "c-modules");
    }

    #[test]
    fn sizes_stay_in_range() {
        let mut rng = Rng::new(3);
        let mut sizes: Vec<usize> = (0..10_000).map(|_| target_size(&mut rng)).collect();
        sizes.sort_unstable();
        assert!(sizes[0] >= 900 && sizes[sizes.len() - 1] <= 20_000);
        let median = sizes[sizes.len() / 2];
        assert!((3500..4500).contains(&median), "{median}");
    }
}
