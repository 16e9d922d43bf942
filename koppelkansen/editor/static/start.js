// Starts the editor once our page format is registered (index.html loads this module after
// decap-cms.js; frontmatter.js set CMS_MANUAL_INIT, so Decap waits for it). The parser is the
// yaml package's own browser build (the version Decap bundles), copied to admin/yaml/ by the build.
import { YAML } from "./yaml/index.js";

window.CMS.registerCustomFormat(
  "kk-frontmatter",
  "md",
  window.kkFrontmatter.make(function (text) { return YAML.parse(text); })
);
window.CMS.init();
