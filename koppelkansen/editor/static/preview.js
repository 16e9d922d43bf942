// The editor's preview as the site shows a page: the site's own stylesheets (Material's and ours,
// listed by the build in <meta name="kk-preview-style">), the page header with its status badge,
// the title as heading and the text in Material's typeset column. Nothing from another host.
(function () {
  "use strict";
  var CMS = window.CMS, h = window.h, createClass = window.createClass;
  var metas = document.querySelectorAll('meta[name="kk-preview-style"]');
  for (var i = 0; i < metas.length; i++) {
    CMS.registerPreviewStyle(new URL(metas[i].content, document.baseURI).href);
  }
  CMS.registerPreviewStyle(
    ':root{--md-text-font:"Inter";--md-code-font:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace}' +
    'body{margin:0;font-family:"Inter",-apple-system,BlinkMacSystemFont,Helvetica,Arial,sans-serif}',
    {raw: true});
  var labels = JSON.parse(document.getElementById("kk-status-labels").textContent);
  // An image in the text is written as a path from the page's own folder (../../assets/...), as
  // the build wants it; the preview frame would resolve it from /admin/. It is shown from the
  // site instead: every such path climbs to docs/, which is the site's root.
  var siteRoot = new URL("../", document.baseURI);
  var showImages = function (root) {
    if (!root) return;
    var images = root.querySelectorAll("img[src]");
    for (var i = 0; i < images.length; i++) {
      var src = images[i].getAttribute("src");
      if (/^(\.\.\/)+[^/]/.test(src)) {
        var url = new URL(src.replace(/^(\.\.\/)+/, ""), siteRoot).href;
        if (images[i].src !== url) images[i].src = url;
      }
    }
  };
  var Page = createClass({
    componentDidMount: function () { showImages(this.root); },
    componentDidUpdate: function () { showImages(this.root); },
    render: function () {
      var self = this;
      var data = this.props.entry.get("data");
      var status = data.get("status") || "";
      var title = data.get("title") || "";
      return h("div", {"data-md-color-scheme": "default", "data-md-color-primary": "indigo",
                       "data-md-color-accent": "indigo", className: "md-container",
                       ref: function (el) { self.root = el; }},
        h("main", {className: "md-main"},
          h("div", {className: "md-main__inner md-grid"},
            h("div", {className: "md-content"},
              h("article", {className: "md-content__inner md-typeset"},
                status ? h("div", {className: "kk-page-status"},
                  h("span", {className: "kk-badge kk-badge--" + status},
                    "Status: " + (labels[status] || status))) : null,
                /^\s*# /.test(data.get("body") || "") ? null : h("h1", {}, title),
                this.props.widgetFor("body"))))));
    }
  });
  // Names Decap leaves out (axe: frame-title, aria-input-field-name): the preview frame and the
  // text field of the markdown widget, which its label does not reach (not a form control).
  // Below 800 px the toolbar wraps onto more lines than Decap's fixed 66 px: the form starts
  // below it (index.html reads --kk-toolbar-h), so no field is under the toolbar.
  var root = document.documentElement;
  var measure = function () {
    var toolbar = document.querySelector('[class*="-ToolbarContainer"]');
    var height = toolbar ? toolbar.offsetHeight + "px" : "";
    if (height && root.style.getPropertyValue("--kk-toolbar-h") !== height) {
      root.style.setProperty("--kk-toolbar-h", height);
    }
    var frames = document.querySelectorAll("iframe:not([title])");
    for (var f = 0; f < frames.length; f++) frames[f].title = "Voorbeeld van de pagina";
    var boxes = document.querySelectorAll('[contenteditable="true"][role="textbox"]:not([aria-label])');
    for (var b = 0; b < boxes.length; b++) boxes[b].setAttribute("aria-label", "Tekst");
  };
  new MutationObserver(measure).observe(document.body, {childList: true, subtree: true});
  window.addEventListener("resize", measure);  // a phone turned: the toolbar wraps otherwise
  // The live preview's build state (make schrijven only: the page names the file): a failed
  // build is a notice in the page's flow, above the editor, that covers nothing and goes away
  // after the next good build. Nothing is reloaded: what is typed in any tab stays.
  var statusUrl = JSON.parse(document.getElementById("kk-build-status").textContent);
  if (statusUrl) {
    var notice = document.createElement("div");
    notice.id = "kk-bouwstatus";
    notice.setAttribute("role", "status");
    notice.hidden = true;
    document.body.insertBefore(notice, document.body.firstChild);
    var shown = "";
    // The page titles by path below docs/ (the "Invoegen" list, written by the same build).
    var titles = {};
    var insertList = JSON.parse(document.getElementById("kk-insert").textContent);
    var readTitles = function () {
      if (!insertList) return Promise.resolve();
      return fetch(insertList.lijst, {cache: "no-store"}).then(function (r) { return r.json(); })
        .then(function (list) {
          titles = {};
          (list.paginas || []).forEach(function (p) { titles[p.pad] = p.titel; });
        }, function () {});
    };
    // A problem as the author can act on it in the editor: which page (its title and file),
    // which line, and the build's own Dutch fix. Lines meant for a terminal are left out.
    var LOCATED = /^(docs\/[^:]+?):(\d+):\d+: (fout|waarschuwing): ([\s\S]*)$/;
    var untitled = false;
    var explain = function (line) {
      var m = LOCATED.exec(line);
      if (!m) return line;
      var title = titles[m[1].replace(/^docs\//, "")];
      if (!title) untitled = true;
      var page = title ? "Pagina \u2018" + title + "\u2019 (" + m[1] + ")" : m[1];
      var where = m[2] === "1" ? "" : ", regel " + m[2];
      return page + where + ": " + m[4];
    };
    var show = function (errors) {
      var key = errors.join("\n");
      if (key === shown) return;
      shown = key;
      notice.textContent = "";
      notice.hidden = errors.length === 0;
      if (!errors.length) {
        root.style.setProperty("--kk-notice-h", "0px");
        return;
      }
      var heading = document.createElement("strong");
      heading.textContent = "De site is na je laatste bewaarde wijziging niet gebouwd. " +
        "Je tekst in de editor is veilig. Open de pagina die hieronder staat, herstel op de " +
        "genoemde regel wat er staat (regels bovenaan het bestand zijn de velden van het " +
        "formulier) en bewaar opnieuw.";
      var list = document.createElement("ul");
      untitled = false;
      for (var e = 0; e < errors.length; e++) {
        var item = document.createElement("li");
        item.textContent = explain(errors[e]);
        list.appendChild(item);
      }
      notice.appendChild(heading);
      notice.appendChild(list);
      // The list of titles was not there (a rebuild in progress): asked again at the next poll.
      if (untitled) shown = "";
      // The editor starts below the notice (index.html reads --kk-notice-h): it covers nothing.
      root.style.setProperty("--kk-notice-h", notice.offsetHeight + "px");
    };
    var good = false;  // the last state seen was a good build
    var poll = function () {
      fetch(statusUrl, {cache: "no-store"}).then(function (r) {
        if (!r.ok) return null;
        return r.json();
      }).then(function (state) {
        if (!state) return;
        var lines = Array.isArray(state.fouten) ? state.fouten.map(String) : [];
        // The problems at their file and line (docs/x.md:12:3: fout: ...); without them, the
        // build's other lines, but not its advice for the terminal ('make check') or the
        // live preview's browser tab.
        var located = lines.filter(function (l) { return LOCATED.test(l); });
        var other = lines.filter(function (l) {
          return !/make [a-z]|de browser toont/i.test(l);
        });
        if (lines.length && !located.length && !other.length) {
          other = ["De site kon niet worden gebouwd. Bewaar de pagina opnieuw; blijft deze " +
                   "melding staan, stuur haar dan naar het kernteam."];
        }
        var next = function () { show(located.length ? located : other); };
        if (!lines.length) {
          // A good build: its list of titles is in the site now. Read while it is there, so
          // that a later failed build (which leaves no list behind) still names its pages.
          if (!good) readTitles();
          good = true;
        } else {
          good = false;
        }
        if (located.length && lines.join("\n") !== shown) readTitles().then(next); else next();
        setTimeout(poll, 1500);
      }, function () { setTimeout(poll, 5000); });
    };
    poll();
  }
  // How many folders the open page is below docs/ (from the address: the collection, and the
  // entry's slug, or a new entry's path template); -1 when no page is open.
  var depths = JSON.parse(document.getElementById("kk-depths").textContent);
  var depth = function () {
    var m = /^#\/collections\/([^/]+)\/(entries\/(.+)|new)/.exec(location.hash);
    if (!m) return -1;
    var d = depths[decodeURIComponent(m[1])] || [0, 0, -1];
    if (d[2] >= 0) return d[2];
    if (m[3] === undefined) return d[0] + d[1];
    return d[0] + decodeURIComponent(m[3].split("?")[0]).split("/").length - 1;
  };
  var fromPage = function (below) { return new Array(depth() + 1).join("../") + below; };
  // Decap's "Kopieer pad" (media library) copies the repository path, docs/assets/...; pasted
  // into a page's text it becomes the path from the page's own folder, which the build accepts
  // and the preview shows. Only a paste that is nothing but such a path is changed.
  var rewriting = false;
  document.addEventListener("paste", function (event) {
    if (rewriting || depth() < 0) return;
    var editor = event.target && event.target.closest && event.target.closest("[data-slate-editor]");
    var text = event.clipboardData && event.clipboardData.getData("text/plain");
    var m = editor && text && /^\s*\/?docs\/([^\s()<>]+)\s*$/.exec(text);
    if (!m) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    var data = new DataTransfer();
    data.setData("text/plain", fromPage(m[1]));
    rewriting = true;
    try {
      editor.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                         cancelable: true}));
    } finally {
      rewriting = false;
    }
  }, true);
  // "Invoegen" (make schrijven): a link to another page or an image, chosen from a list, with
  // the path from this page's own folder (what the build accepts; the preview maps images to
  // the media folder). The raw text field has no toolbar of its own. The text goes in where the
  // cursor was, as a paste (the editor takes it in as if typed).
  var insert = JSON.parse(document.getElementById("kk-insert").textContent);
  if (insert) {
    var saved = null;
    document.addEventListener("selectionchange", function () {
      var sel = window.getSelection();
      if (!sel || !sel.rangeCount) return;
      var node = sel.anchorNode;
      var el = node && (node.nodeType === 1 ? node : node.parentElement);
      if (el && el.closest("[data-slate-editor]")) saved = sel.getRangeAt(0).cloneRange();
    });
    var put = function (text) {
      var editor = document.querySelector("[data-slate-editor]");
      if (!editor) return;
      editor.focus();
      var sel = window.getSelection();
      var range = saved && editor.contains(saved.startContainer) ? saved : null;
      if (!range) {  // no cursor in the text yet: at its end
        range = document.createRange();
        range.selectNodeContents(editor);
        range.collapse(false);
      }
      sel.removeAllRanges();
      sel.addRange(range);
      // The editor takes the new cursor in on "selectionchange", a moment later.
      setTimeout(function () {
        var data = new DataTransfer();
        data.setData("text/plain", text);
        editor.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                           cancelable: true}));
      }, 50);
    };
    var fill = function (select, items, first) {
      fetch(insert.lijst, {cache: "no-store"}).then(function (r) { return r.json(); })
        .then(function (list) {
          var chosen = select.value;
          select.textContent = "";
          select.appendChild(new Option(first, ""));
          items(list).forEach(function (item) { select.appendChild(new Option(item[0], item[1])); });
          select.value = chosen;
        });
    };
    var makeSelect = function (label, first, items, text) {
      var select = document.createElement("select");
      select.setAttribute("aria-label", label);
      select.appendChild(new Option(first, ""));
      var refresh = function () { fill(select, items, first); };
      select.addEventListener("focus", refresh);
      select.addEventListener("mousedown", refresh);
      select.addEventListener("change", function () {
        if (!select.value) return;
        var option = select.options[select.selectedIndex];
        put(text(fromPage(select.value), option.textContent));
        select.value = "";
      });
      refresh();
      return select;
    };
    var addBar = function () {
      var editor = document.querySelector("[data-slate-editor]");
      if (!editor || document.getElementById("kk-invoegen")) return;
      var bar = document.createElement("div");
      bar.id = "kk-invoegen";
      bar.setAttribute("role", "group");
      bar.setAttribute("aria-label", "Invoegen in de tekst");
      var label = document.createElement("span");
      label.textContent = "Invoegen:";
      bar.appendChild(label);
      bar.appendChild(makeSelect("Link naar een pagina invoegen", "Link naar een pagina…",
        function (l) { return l.paginas.map(function (p) { return [p.titel, p.pad]; }); },
        function (path, title) { return "[" + title.replace(/[\[\]]/g, "") + "](" + path + ")"; }));
      bar.appendChild(makeSelect("Afbeelding invoegen", "Afbeelding…",
        function (l) { return l.afbeeldingen.map(function (a) { return [a.split("/").pop(), a]; }); },
        function (path) { return "![Beschrijf hier wat de afbeelding laat zien](" + path + ")"; }));
      var widget = editor.closest('[class*="-ControlContainer"]') || editor.parentElement;
      widget.parentElement.insertBefore(bar, widget);
    };
    new MutationObserver(addBar).observe(document.body, {childList: true, subtree: true});
  }
  // A new, empty page has nothing saved yet: Decap's "Wijzigingen opgeslagen" badge is hidden
  // there (index.html, .kk-nieuw) until the page is saved and has its own address.
  var markNew = function () {
    root.classList.toggle("kk-nieuw", /\/new(\?|$)/.test(location.hash));
  };
  window.addEventListener("hashchange", markNew);
  markNew();
  var names = JSON.parse(document.getElementById("kk-collections").textContent);
  for (var j = 0; j < names.length; j++) {
    CMS.registerPreviewTemplate(names[j], Page);
  }
})();
