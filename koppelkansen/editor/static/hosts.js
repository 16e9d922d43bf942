// Loaded before Decap: its GitHub backend asks www.githubstatus.com for GitHub's status after
// sign-in. That host is neither ours nor the Git host's API; the question is refused here, and
// Decap then assumes GitHub is up (docs-dev/editor.md).
(function () {
  "use strict";
  var refused = ["www.githubstatus.com"];
  var original = window.fetch;
  window.fetch = function (input, init) {
    var url = new URL(typeof input === "string" || input instanceof URL ? input : input.url,
                      document.baseURI);
    if (refused.indexOf(url.hostname) !== -1) {
      return Promise.reject(new TypeError("niet opgevraagd: " + url.hostname));
    }
    return original.call(this, input, init);
  };
})();
