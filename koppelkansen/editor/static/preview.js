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
  var Page = createClass({
    render: function () {
      var data = this.props.entry.get("data");
      var status = data.get("status") || "";
      var title = data.get("title") || "";
      return h("div", {"data-md-color-scheme": "default", "data-md-color-primary": "indigo",
                       "data-md-color-accent": "indigo", className: "md-container"},
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
  new MutationObserver(function () {
    var toolbar = document.querySelector('[class*="-ToolbarContainer"]');
    var height = toolbar ? toolbar.offsetHeight + "px" : "";
    if (height && root.style.getPropertyValue("--kk-toolbar-h") !== height) {
      root.style.setProperty("--kk-toolbar-h", height);
    }
    var frames = document.querySelectorAll("iframe:not([title])");
    for (var f = 0; f < frames.length; f++) frames[f].title = "Voorbeeld van de pagina";
    var boxes = document.querySelectorAll('[contenteditable="true"][role="textbox"]:not([aria-label])');
    for (var b = 0; b < boxes.length; b++) boxes[b].setAttribute("aria-label", "Tekst");
  }).observe(document.body, {childList: true, subtree: true});
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
        "Je tekst in de editor is veilig; herstel wat hieronder staat en bewaar opnieuw.";
      var list = document.createElement("ul");
      for (var e = 0; e < errors.length; e++) {
        var item = document.createElement("li");
        item.textContent = errors[e];
        list.appendChild(item);
      }
      notice.appendChild(heading);
      notice.appendChild(list);
      // The editor starts below the notice (index.html reads --kk-notice-h): it covers nothing.
      root.style.setProperty("--kk-notice-h", notice.offsetHeight + "px");
    };
    var poll = function () {
      fetch(statusUrl, {cache: "no-store"}).then(function (r) {
        if (!r.ok) return null;
        return r.json();
      }).then(function (state) {
        if (!state) return;
        var lines = Array.isArray(state.fouten) ? state.fouten.map(String) : [];
        // The problems at their file and line (docs/x.md:12:3: fout: ...); the build's closing
        // lines (for the terminal) only when there is nothing else.
        var located = lines.filter(function (l) { return /^[^\s:]+:\d+:\d+: /.test(l); });
        show(located.length ? located : lines);
        setTimeout(poll, 1500);
      }, function () { setTimeout(poll, 5000); });
    };
    poll();
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
