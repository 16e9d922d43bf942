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
  new MutationObserver(function () {
    var frames = document.querySelectorAll("iframe:not([title])");
    for (var f = 0; f < frames.length; f++) frames[f].title = "Voorbeeld van de pagina";
    var boxes = document.querySelectorAll('[contenteditable="true"][role="textbox"]:not([aria-label])');
    for (var b = 0; b < boxes.length; b++) boxes[b].setAttribute("aria-label", "Tekst");
  }).observe(document.body, {childList: true, subtree: true});
  var names = JSON.parse(document.getElementById("kk-collections").textContent);
  for (var j = 0; j < names.length; j++) {
    CMS.registerPreviewTemplate(names[j], Page);
  }
})();
