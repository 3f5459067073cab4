/* vellum default theme: site search, link previews and graphs.
   Plain JavaScript, no libraries, no requests but to this site's own JSON files. */
(function () {
  "use strict";

  var body = document.body;
  var base = body.getAttribute("data-base") || "/";

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function cssVar(name, fallback) {
    var v = getComputedStyle(document.documentElement).getPropertyValue(name);
    return (v && v.trim()) || fallback;
  }

  /* The words the script shows, in the site's language: the build writes
     them into <script id="vellum-strings"> (JSON) on every page. `{name}`
     placeholders are filled from `values`. */
  var strings = null;
  function str(key, values) {
    if (!strings) {
      var el = document.getElementById("vellum-strings");
      try { strings = JSON.parse(el ? el.textContent : "{}"); } catch (e) { strings = {}; }
    }
    var s = typeof strings[key] === "string" ? strings[key] : key;
    return s.replace(/\{(\w+)\}/g, function (m, k) { return values && k in values ? String(values[k]) : m; });
  }

  var jsonCache = {};
  function fetchJson(url) {
    if (!jsonCache[url]) {
      jsonCache[url] = fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error(url + ": " + r.status);
        return r.json();
      });
    }
    return jsonCache[url];
  }

  /* ---------------------------------------------------------------- search */

  var TOKEN_SPLIT = /[^\p{L}\p{N}]+/u;
  /* Runs of Han, Hiragana, Katakana and Hangul: scripts written without
     spaces between words (Korean puts particles on its words). The ranges
     are `vellum_syntax::script::is_cjk`'s, so the page and
     `vellum search` find the same words. */
  var CJK_RUN = /[\u1100-\u11FF\u2E80-\u2FDF\u3005\u3007\u3021-\u3029\u3038-\u303B\u3041-\u309F\u30A0-\u30FA\u30FC-\u30FF\u3130-\u318F\u31F0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uA960-\uA97F\uAC00-\uD7FF\uF900-\uFAFF\uFF66-\uFF9F\u{20000}-\u{323AF}]+/gu;

  /* The query's words, lowercased: split on non-letters; inside a word, a
     CJK run becomes its overlapping pairs of characters (a lone character
     stays itself), so "数据库" looks for "数据" and "据库" and finds the
     word inside any sentence. Each token must occur in a note. */
  function tokenize(q) {
    var out = [];
    function add(t) { if (t && out.indexOf(t) === -1) out.push(t); }
    q.toLowerCase().split(TOKEN_SPLIT).forEach(function (word) {
      var last = 0, m;
      CJK_RUN.lastIndex = 0;
      while ((m = CJK_RUN.exec(word)) !== null) {
        add(word.slice(last, m.index));
        var chars = Array.from(m[0]);
        if (chars.length === 1) add(chars[0]);
        for (var i = 0; i + 1 < chars.length; i++) add(chars[i] + chars[i + 1]);
        last = m.index + m[0].length;
      }
      add(word.slice(last));
    });
    return out;
  }

  /* The query's words joined by single spaces: a title holding them all in
     a row ranks first. */
  function phraseOf(q) {
    return q.toLowerCase().split(TOKEN_SPLIT).filter(function (t) { return t.length > 0; }).join(" ");
  }

  var searchDocs = null;
  function loadIndex() {
    if (!searchDocs) {
      searchDocs = fetchJson(body.getAttribute("data-search-index")).then(function (idx) {
        /* Version 2 lists shards of {docs}; version 1 held the docs itself. */
        if (!idx.shards) return idx.docs || [];
        return Promise.all(idx.shards.map(fetchJson)).then(function (parts) {
          return [].concat.apply([], parts.map(function (p) { return p.docs || []; }));
        });
      }).then(function (docs) {
        return docs.map(function (d) {
          return {
            url: d.u, title: d.t, description: d.d || "", tags: d.g || [], body: d.b || "", draft: !!d.x,
            lt: d.t.toLowerCase(), ld: (d.d || "").toLowerCase(), lg: (d.g || []).join(" ").toLowerCase(),
            lb: (d.b || "").toLowerCase()
          };
        });
      });
    }
    return searchDocs;
  }

  function countOf(hay, needle, max) {
    var n = 0, i = hay.indexOf(needle);
    while (i !== -1 && n < max) { n++; i = hay.indexOf(needle, i + needle.length); }
    return n;
  }

  function wordStart(hay, needle) {
    var i = hay.indexOf(needle);
    while (i !== -1) {
      if (i === 0 || TOKEN_SPLIT.test(hay.charAt(i - 1))) return true;
      i = hay.indexOf(needle, i + 1);
    }
    return false;
  }

  /* Every token must match somewhere; title hits weigh most, then tags,
     then the description, then the body. */
  function score(doc, tokens, phrase) {
    var total = 0;
    for (var k = 0; k < tokens.length; k++) {
      var t = tokens[k], s = 0;
      if (doc.lt.indexOf(t) !== -1) s += wordStart(doc.lt, t) ? 12 : 6;
      if (doc.lg.indexOf(t) !== -1) s += wordStart(doc.lg, t) ? 8 : 4;
      if (doc.ld.indexOf(t) !== -1) s += 3;
      s += countOf(doc.lb, t, 5);
      if (s === 0) return 0;
      total += s;
    }
    if (doc.lt.indexOf(phrase) !== -1) total += 10;
    return total;
  }

  function search(q, limit) {
    var tokens = tokenize(q);
    if (!tokens.length) return Promise.resolve({ tokens: tokens, hits: [] });
    var phrase = phraseOf(q);
    return loadIndex().then(function (docs) {
      var hits = [];
      for (var i = 0; i < docs.length; i++) {
        var s = score(docs[i], tokens, phrase);
        if (s > 0) hits.push({ doc: docs[i], score: s });
      }
      hits.sort(function (a, b) { return b.score - a.score || a.doc.title.localeCompare(b.doc.title); });
      return { tokens: tokens, hits: hits.slice(0, limit) };
    });
  }

  function regexEscape(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  /* `text` escaped, every occurrence of a token in <mark>. Tokens may
     overlap (the pairs of a CJK word do): the matches are looked for at
     every position and joined into one mark per stretch. */
  function highlight(text, tokens) {
    if (!tokens.length) return escapeHtml(text);
    var re = new RegExp("(?=(" + tokens.slice().sort(function (a, b) { return b.length - a.length; }).map(regexEscape).join("|") + "))", "giu");
    var spans = [], m;
    while ((m = re.exec(text)) !== null) {
      var end = m.index + m[1].length;
      var prev = spans[spans.length - 1];
      if (prev && m.index <= prev[1]) prev[1] = Math.max(prev[1], end);
      else spans.push([m.index, end]);
      re.lastIndex = m.index + 1;
    }
    var out = "", last = 0;
    spans.forEach(function (sp) {
      out += escapeHtml(text.slice(last, sp[0])) + "<mark>" + escapeHtml(text.slice(sp[0], sp[1])) + "</mark>";
      last = sp[1];
    });
    return out + escapeHtml(text.slice(last));
  }

  function snippet(doc, tokens) {
    var best = -1;
    for (var k = 0; k < tokens.length; k++) {
      var i = doc.lb.indexOf(tokens[k]);
      if (i !== -1 && (best === -1 || i < best)) best = i;
    }
    if (best === -1) return highlight(doc.description || doc.body.slice(0, 160), tokens);
    var start = Math.max(0, best - 60);
    var sp = doc.body.lastIndexOf(" ", start);
    if (start > 0 && sp > best - 90) start = sp + 1;
    var end = Math.min(doc.body.length, start + 180);
    var text = (start > 0 ? "…" : "") + doc.body.slice(start, end) + (end < doc.body.length ? "…" : "");
    return highlight(text, tokens);
  }

  function hitHtml(hit, tokens) {
    var d = hit.doc;
    return '<li class="search-hit"><a href="' + escapeHtml(d.url) + '">' + highlight(d.title, tokens) + "</a>" +
      (d.draft ? ' <span class="badge badge-draft">' + escapeHtml(str("draft")) + "</span>" : "") +
      "<p>" + snippet(d, tokens) + "</p></li>";
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function setupHeaderSearch(form) {
    var input = form.querySelector("input[name=q]");
    var drop = form.querySelector(".search-dropdown");
    if (!input || !drop) return;
    var active = -1;
    function close() { drop.hidden = true; active = -1; }
    function mark() {
      var items = drop.querySelectorAll(".search-hit");
      for (var i = 0; i < items.length; i++) items[i].classList.toggle("active", i === active);
    }
    var run = debounce(function () {
      var q = input.value;
      if (!q.trim()) { close(); return; }
      search(q, 8).then(function (res) {
        if (input.value !== q) return;
        drop.innerHTML = res.hits.length
          ? "<ol>" + res.hits.map(function (h) { return hitHtml(h, res.tokens); }).join("") + "</ol>"
          : '<p class="search-empty">' + escapeHtml(str("search_none")) + "</p>";
        active = -1;
        drop.hidden = false;
      }).catch(close);
    }, 120);
    input.addEventListener("input", run);
    input.addEventListener("focus", function () { loadIndex(); if (input.value.trim()) run(); });
    input.addEventListener("keydown", function (e) {
      var items = drop.querySelectorAll(".search-hit");
      if (e.key === "ArrowDown" && items.length) { active = (active + 1) % items.length; mark(); e.preventDefault(); }
      else if (e.key === "ArrowUp" && items.length) { active = (active - 1 + items.length) % items.length; mark(); e.preventDefault(); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter" && active >= 0 && items[active]) {
        var a = items[active].querySelector("a");
        if (a) { e.preventDefault(); window.location.href = a.href; }
      }
    });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) close(); });
  }

  function setupSearchPage() {
    var input = document.getElementById("search-page-input");
    var list = document.querySelector(".search-page-results");
    var status = document.querySelector(".search-status");
    if (!input || !list) return;
    function show(q) {
      if (!q.trim()) { list.innerHTML = ""; if (status) status.textContent = ""; return; }
      search(q, 50).then(function (res) {
        list.innerHTML = res.hits.map(function (h) { return hitHtml(h, res.tokens); }).join("");
        var n = res.hits.length;
        if (status) status.textContent = n ? str(n === 1 ? "search_found_one" : "search_found", { count: n }) : str("search_none");
      }).catch(function () { if (status) status.textContent = str("search_failed"); });
    }
    var q = new URLSearchParams(window.location.search).get("q") || "";
    input.value = q;
    var headerInput = document.querySelector(".search-box input[name=q]");
    if (headerInput) headerInput.value = q;
    show(q);
    input.addEventListener("input", debounce(function () {
      var url = new URL(window.location.href);
      if (input.value) url.searchParams.set("q", input.value); else url.searchParams.delete("q");
      history.replaceState(null, "", url);
      show(input.value);
    }, 120));
    input.focus();
  }

  /* -------------------------------------------------------------- previews */

  var previewBox = null, previewTimer = null;
  function hidePreview() {
    clearTimeout(previewTimer);
    if (previewBox) previewBox.hidden = true;
  }

  function showPreview(a, html) {
    if (!previewBox) {
      previewBox = document.createElement("div");
      previewBox.className = "link-preview";
      previewBox.setAttribute("role", "tooltip");
      document.body.appendChild(previewBox);
    }
    previewBox.innerHTML = html;
    previewBox.hidden = false;
    var r = a.getBoundingClientRect();
    var width = previewBox.offsetWidth;
    var left = Math.max(8, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - width - 8));
    var top = window.scrollY + r.bottom + 6;
    if (r.bottom + previewBox.offsetHeight + 12 > window.innerHeight) top = window.scrollY + r.top - previewBox.offsetHeight - 6;
    previewBox.style.left = left + "px";
    previewBox.style.top = top + "px";
  }

  function previewFor(a) {
    if (a.classList.contains("unwritten")) {
      return Promise.resolve("<strong>" + escapeHtml(a.textContent) + "</strong><p>" + escapeHtml(str("preview_not_written")) + "</p>");
    }
    var url;
    try { url = new URL(a.href, window.location.href); } catch (e) { return Promise.resolve(null); }
    if (url.origin !== window.location.origin || url.pathname.indexOf(base) !== 0) return Promise.resolve(null);
    if (url.pathname === window.location.pathname) return Promise.resolve(null);
    return fetchJson(body.getAttribute("data-previews")).then(function (map) {
      var p = map[url.pathname] || map[decodeURI(url.pathname)];
      if (!p) return null;
      return "<strong>" + escapeHtml(p.title) + (p.draft ? ' <span class="badge badge-draft">' + escapeHtml(str("draft")) + "</span>" : "") + "</strong>" +
        (p.description ? "<p>" + escapeHtml(p.description) + "</p>" : "") +
        (p.core_claim ? '<p class="preview-claim">' + escapeHtml(p.core_claim) + "</p>" : "");
    });
  }

  function setupPreviews() {
    var main = document.getElementById("main");
    if (!main || !window.matchMedia("(hover: hover)").matches) return;
    function enter(e) {
      var a = e.target.closest && e.target.closest("a[href]");
      if (!a || !main.contains(a)) return;
      clearTimeout(previewTimer);
      previewTimer = setTimeout(function () {
        previewFor(a).then(function (html) { if (html) showPreview(a, html); }).catch(function () {});
      }, 250);
    }
    main.addEventListener("mouseover", enter);
    main.addEventListener("focusin", enter);
    main.addEventListener("mouseout", hidePreview);
    main.addEventListener("focusout", hidePreview);
    window.addEventListener("scroll", hidePreview, { passive: true });
  }

  /* ---------------------------------------------------------------- graphs */

  var MAX_NODES = 1500;

  function prepareGraph(data) {
    var nodes = (data.nodes || []).map(function (n) { return { id: n.id, title: n.title, url: n.url, kind: n.kind, current: !!n.current, degree: 0 }; });
    var byId = {};
    nodes.forEach(function (n) { byId[n.id] = n; });
    var edges = [];
    (data.edges || []).forEach(function (e) {
      var s = byId[e.source], t = byId[e.target];
      if (s && t && s !== t) { edges.push({ s: s, t: t }); s.degree++; t.degree++; }
    });
    var note = "";
    if (nodes.length > MAX_NODES) {
      var keep = nodes.slice().sort(function (a, b) { return b.degree - a.degree; }).slice(0, MAX_NODES);
      var kept = new Set(keep);
      note = str("graph_shows", { shown: MAX_NODES, count: nodes.length });
      nodes = keep;
      edges = edges.filter(function (e) { return kept.has(e.s) && kept.has(e.t); });
    }
    /* Deterministic start: a spiral. */
    nodes.forEach(function (n, i) {
      var a = i * 2.399963, r = 12 * Math.sqrt(i + 1);
      n.x = Math.cos(a) * r; n.y = Math.sin(a) * r; n.vx = 0; n.vy = 0;
      if (n.current) { n.x = 0; n.y = 0; }
    });
    return { nodes: nodes, edges: edges, note: note };
  }

  function tick(g, alpha) {
    var nodes = g.nodes, n = nodes.length, i, j, a, b, dx, dy, d2, f;
    var repulse = 900;
    for (i = 0; i < n; i++) {
      a = nodes[i];
      for (j = i + 1; j < n; j++) {
        b = nodes[j];
        dx = a.x - b.x; dy = a.y - b.y; d2 = dx * dx + dy * dy + 0.01;
        if (d2 > 90000) continue;
        f = repulse * alpha / d2;
        a.vx += dx * f; a.vy += dy * f; b.vx -= dx * f; b.vy -= dy * f;
      }
    }
    g.edges.forEach(function (e) {
      dx = e.t.x - e.s.x; dy = e.t.y - e.s.y;
      var d = Math.sqrt(dx * dx + dy * dy) || 1;
      f = (d - 50) / d * 0.08 * alpha;
      e.s.vx += dx * f; e.s.vy += dy * f; e.t.vx -= dx * f; e.t.vy -= dy * f;
    });
    for (i = 0; i < n; i++) {
      a = nodes[i];
      a.vx -= a.x * 0.01 * alpha; a.vy -= a.y * 0.01 * alpha;
      if (a.current) { a.x = 0; a.y = 0; a.vx = 0; a.vy = 0; continue; }
      a.vx *= 0.6; a.vy *= 0.6;
      a.x += Math.max(-20, Math.min(20, a.vx)); a.y += Math.max(-20, Math.min(20, a.vy));
    }
  }

  function drawGraph(canvas, g, view, hover, labels) {
    var dpr = window.devicePixelRatio || 1;
    var w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
    }
    var ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.translate(w / 2 + view.x, h / 2 + view.y);
    ctx.scale(view.k, view.k);
    var fg = cssVar("--fg", "#222"), muted = cssVar("--fg-muted", "#888"), border = cssVar("--border", "#ccc");
    var accent = cssVar("--accent", "#2f5fb3"), draft = cssVar("--draft", "#b4540a"), bg = cssVar("--bg", "#fff");
    ctx.lineWidth = 1 / view.k;
    ctx.strokeStyle = border;
    ctx.beginPath();
    g.edges.forEach(function (e) {
      ctx.moveTo(e.s.x, e.s.y); ctx.lineTo(e.t.x, e.t.y);
    });
    ctx.stroke();
    if (hover) {
      ctx.strokeStyle = accent; ctx.lineWidth = 2 / view.k; ctx.beginPath();
      g.edges.forEach(function (e) {
        if (e.s === hover || e.t === hover) { ctx.moveTo(e.s.x, e.s.y); ctx.lineTo(e.t.x, e.t.y); }
      });
      ctx.stroke();
    }
    g.nodes.forEach(function (n) {
      var r = radius(n);
      ctx.beginPath();
      ctx.arc(n.x, n.y, r, 0, Math.PI * 2);
      if (n.kind === "unwritten") {
        ctx.fillStyle = bg; ctx.fill();
        ctx.lineWidth = 1.5 / view.k; ctx.strokeStyle = muted; ctx.stroke();
      } else {
        ctx.fillStyle = n.current || n === hover ? accent : n.kind === "draft" ? draft : fg;
        ctx.fill();
      }
    });
    ctx.font = 12 / view.k + "px system-ui, sans-serif";
    ctx.textAlign = "center";
    g.nodes.forEach(function (n) {
      if (!(labels || n === hover || n.current || view.k > 1.6)) return;
      ctx.fillStyle = n.kind === "unwritten" ? muted : fg;
      ctx.fillText(n.title, n.x, n.y - radius(n) - 4 / view.k);
    });
  }

  function radius(n) { return (n.current ? 6 : 3.5) + Math.min(6, Math.sqrt(n.degree)); }

  function setupGraph(canvas) {
    var src = canvas.getAttribute("data-graph-source");
    var load;
    if (src === "local-graph") {
      var el = document.getElementById("local-graph");
      try { load = Promise.resolve(JSON.parse(el ? el.textContent : "{}")); } catch (e) { return; }
    } else {
      load = fetchJson(src);
    }
    load.then(function (data) {
      var g = prepareGraph(data);
      var local = src === "local-graph";
      if (local && g.nodes.length <= 1) {
        var section = canvas.closest(".local-graph");
        if (section) section.hidden = true;
        return;
      }
      if (g.note) {
        var p = document.createElement("p");
        p.className = "page-meta"; p.textContent = g.note;
        canvas.parentNode.insertBefore(p, canvas.nextSibling);
      }
      var view = { x: 0, y: 0, k: 1 }, hover = null, alpha = 1, frame = null;
      var labels = local || g.nodes.length <= 40;
      function redraw() { drawGraph(canvas, g, view, hover, labels); }
      function step() {
        for (var i = 0; i < 3 && alpha > 0.02; i++) { tick(g, alpha); alpha *= 0.985; }
        redraw();
        frame = alpha > 0.02 ? requestAnimationFrame(step) : null;
      }
      /* Settle a large graph before the first frame, so the page does not churn. */
      var warm = g.nodes.length > 300 ? 60 : 0;
      for (var i = 0; i < warm; i++) { tick(g, alpha); alpha *= 0.97; }
      step();
      function toGraph(ev) {
        var r = canvas.getBoundingClientRect();
        return { x: (ev.clientX - r.left - r.width / 2 - view.x) / view.k, y: (ev.clientY - r.top - r.height / 2 - view.y) / view.k };
      }
      function nodeAt(ev) {
        var p = toGraph(ev), best = null, bestD = (10 / view.k) * (10 / view.k);
        g.nodes.forEach(function (n) {
          var dx = n.x - p.x, dy = n.y - p.y, d = dx * dx + dy * dy;
          if (d < bestD + radius(n) * radius(n)) { best = n; bestD = d; }
        });
        return best;
      }
      var drag = null;
      canvas.addEventListener("pointerdown", function (ev) {
        drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, moved: false };
        canvas.setPointerCapture(ev.pointerId);
      });
      canvas.addEventListener("pointermove", function (ev) {
        if (drag) {
          var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
          if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
          view.x = drag.vx + dx; view.y = drag.vy + dy;
          redraw();
          return;
        }
        var n = nodeAt(ev);
        if (n !== hover) {
          hover = n;
          canvas.style.cursor = n ? "pointer" : "grab";
          canvas.title = n ? n.title : "";
          if (!frame) redraw();
        }
      });
      canvas.addEventListener("pointerup", function (ev) {
        var wasDrag = drag && drag.moved;
        drag = null;
        if (!wasDrag) {
          var n = nodeAt(ev);
          if (n && n.url && !n.current) window.location.href = n.url;
        }
      });
      canvas.addEventListener("pointerleave", function () { if (hover) { hover = null; if (!frame) redraw(); } });
      canvas.addEventListener("wheel", function (ev) {
        ev.preventDefault();
        var r = canvas.getBoundingClientRect();
        var mx = ev.clientX - r.left - r.width / 2, my = ev.clientY - r.top - r.height / 2;
        var k = Math.max(0.2, Math.min(6, view.k * Math.exp(-ev.deltaY * 0.0015)));
        view.x = mx - (mx - view.x) * (k / view.k);
        view.y = my - (my - view.y) * (k / view.k);
        view.k = k;
        if (!frame) redraw();
      }, { passive: false });
      window.addEventListener("resize", debounce(redraw, 100));
      if (window.matchMedia) {
        var mq = window.matchMedia("(prefers-color-scheme: dark)");
        if (mq.addEventListener) mq.addEventListener("change", redraw);
      }
    }).catch(function () {});
  }

  /* --------------------------------------------------------------- explorer */

  /* The folder tree is one file per build (explorer.html); each page has an
     empty <nav data-explorer> with a link to the root folder's page, which
     the tree replaces. The current page is marked and its folders opened. */
  function setupExplorer(nav) {
    var url = nav.getAttribute("data-explorer");
    var current = nav.getAttribute("data-current");
    if (!url) return;
    fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.text();
    }).then(function (html) {
      nav.innerHTML = html;
      var here = null;
      var links = nav.querySelectorAll("a[href]");
      for (var i = 0; i < links.length; i++) {
        if (links[i].getAttribute("href") === current) { here = links[i]; break; }
      }
      var folders = nav.querySelectorAll("details[data-url]");
      for (var j = 0; j < folders.length; j++) {
        if (folders[j].getAttribute("data-url") === current) { here = here || folders[j]; folders[j].open = true; }
      }
      if (here) {
        if (here.tagName === "A") here.setAttribute("aria-current", "page");
        for (var el = here.parentElement; el && el !== nav; el = el.parentElement) {
          if (el.tagName === "DETAILS") el.open = true;
        }
      }
      nav.classList.add("is-loaded");
    }).catch(function () {});
  }

  /* ------------------------------------------------------------------ start */

  function start() {
    var forms = document.querySelectorAll(".search-box");
    for (var i = 0; i < forms.length; i++) setupHeaderSearch(forms[i]);
    if (body.classList.contains("page-search")) setupSearchPage();
    setupPreviews();
    var navs = document.querySelectorAll("nav[data-explorer]");
    for (var k = 0; k < navs.length; k++) setupExplorer(navs[k]);
    var canvases = document.querySelectorAll("canvas.graph-canvas");
    for (var j = 0; j < canvases.length; j++) setupGraph(canvases[j]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
