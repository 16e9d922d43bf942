/* Koppelkansen: printing shows every tab under its label and every <details> opened
   (the print styles are in ../stylesheets/koppelkansen.css). */
(function () {
  function labelTabs() {
    document.querySelectorAll(".tabbed-set").forEach(function (set) {
      var labels = set.querySelectorAll(".tabbed-labels > label");
      set.querySelectorAll(".tabbed-content > .tabbed-block").forEach(function (block, i) {
        if (labels[i]) block.setAttribute("data-tab-label", labels[i].textContent.trim());
      });
    });
  }
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (details) {
      details.open = true;
      opened.push(details);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (details) { details.open = false; });
    opened = [];
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", labelTabs);
  else labelTabs();
})();
