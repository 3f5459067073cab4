// vellum serve: reload on change, swap stylesheets, show note errors.
// Injected by the preview server only; never part of a built site.
(() => {
  const es = new EventSource("/__vellum/events");
  let box = null;
  const show = (text) => {
    if (!text) {
      if (box) { box.remove(); box = null; }
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = "vellum-error-overlay";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
        "background:#1e1e1e;color:#f5f5f5;border-top:4px solid #e5484d;padding:1rem 1.25rem;" +
        "font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;box-shadow:0 -4px 24px #0008";
      const close = document.createElement("button");
      close.textContent = "×";
      close.title = "Hide (the last good page is shown)";
      close.style.cssText = "float:right;background:none;border:0;color:inherit;font-size:20px;cursor:pointer";
      close.onclick = () => { box.remove(); box = null; };
      const head = document.createElement("strong");
      head.textContent = "vellum: a note has errors; the last good version is shown";
      const pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:.75rem 0 0";
      box.append(close, head, pre);
      document.body.append(box);
    }
    box.querySelector("pre").textContent = text;
  };
  es.addEventListener("reload", () => location.reload());
  es.addEventListener("css", () => {
    for (const l of document.querySelectorAll('link[rel="stylesheet"]')) {
      const u = new URL(l.href, location.href);
      u.searchParams.set("v", Date.now().toString());
      l.href = u.href;
    }
  });
  es.addEventListener("errors", (e) => {
    try { show(JSON.parse(e.data).text); } catch (_) { /* ignore a bad message */ }
  });
})();
