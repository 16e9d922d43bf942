// The editor's page format, "kk-frontmatter" (docs-dev/editor.md, "Front matter as the editor
// writes it"): a page is read with the YAML parser Decap itself uses (yaml 1.10, passed in by
// start.js; the same files in Node for tests/test_editor_format.py) and written back in the
// project's one style, so that reading and writing an unchanged page gives the same bytes and a
// save changes only the lines the author changed:
//
//   - keys in the form's order (the templates' order), keys the form does not know after them
//     in alphabetical order; two-space indentation for an object (period:);
//   - a list of plain words on one line, [a, b]; never a line folded, however long;
//   - text without quotes where both YAML 1.1 (the site's strict reader) and YAML 1.2 (Decap)
//     read it back as the same text, else in double quotes with escapes (Off, 12:30, 1_000,
//     0b101, 2018, a value with ": " or an invisible line break such as U+0085).
//
// Plain script: a classic <script> in /admin/ (window.kkFrontmatter), a CommonJS module in Node.
(function (root) {
  "use strict";
  // YAML 1.1 and 1.2 words for yes/no/null, and the merge and value keys of 1.1.
  var RESERVED = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|<<|=)$/;
  // Anything either version may read as a number: ints in any base, with _, in sixties, floats.
  var NUMBER = /^[-+]?(0[bB][0-9a-fA-F_]*|0[oO][0-7_]*|0[xX][0-9a-fA-F_]*|[0-9][0-9_]*(:[0-5]?[0-9])*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9][0-9_]*([eE][-+]?[0-9]+)?|\.(inf|Inf|INF|nan|NaN|NAN))$/;
  // A first character with a meaning in YAML, or a space.
  var INDICATOR = /^[-?:,\[\]{}#&*!|>'"%@`<\s]/;
  // Characters never written bare: control characters (C0, DEL, C1 with U+0085), line and
  // paragraph separators, the byte order mark, non-characters, lone surrogates.
  var UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(^|[^\ud800-\udbff])[\udc00-\udfff]/;

  function plain(text, inFlow) {
    if (text === "" || INDICATOR.test(text) || /\s$/.test(text)) return false;
    if (RESERVED.test(text) || NUMBER.test(text) || UNPRINTABLE.test(text)) return false;
    if (/: |:$| #/.test(text)) return false;
    if (inFlow && /[,\[\]{}]/.test(text)) return false;
    return true;
  }

  function hex(code) {
    return ("0000" + code.toString(16).toUpperCase()).slice(-4);
  }

  // Double quotes: \ and " escaped, every unprintable character as \uXXXX (a lone surrogate,
  // which no file can hold, as U+FFFD); the rest as it is.
  function quote(text) {
    var out = '"';
    for (var i = 0; i < text.length; i++) {
      var ch = text.charAt(i), code = text.charCodeAt(i);
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
        var next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) { out += ch + text.charAt(i + 1); i++; continue; }
      }
      if (ch === '"' || ch === "\\") out += "\\" + ch;
      else if (ch === "\n") out += "\\n";
      else if (ch === "\t") out += "\\t";
      else if (code >= 0xd800 && code <= 0xdfff) out += "\\uFFFD";
      else if (UNPRINTABLE.test(ch)) out += "\\u" + hex(code);
      else out += ch;
    }
    return out + '"';
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value) &&
      !(value instanceof Date);
  }

  function scalar(value, inFlow) {
    if (value === null || value === undefined) return "null";
    if (typeof value === "boolean") return value ? "true" : "false";
    if (typeof value === "number") return isFinite(value) ? String(value) : quote(String(value));
    if (value instanceof Date) return quote(value.toISOString());
    var text = String(value);
    return plain(text, inFlow) ? text : quote(text);
  }

  function isScalar(value) {
    return !isObject(value) && !Array.isArray(value);
  }

  function key(name) {
    return plain(name, true) ? name : quote(name);
  }

  // `name: value` lines at `indent`; an object below its key, a list of words on one line.
  function entry(lines, indent, name, value) {
    var head = indent + key(name) + ":";
    if (isObject(value)) {
      var keys = Object.keys(value).filter(function (k) { return value[k] !== undefined; });
      if (!keys.length) { lines.push(head + " {}"); return; }
      lines.push(head);
      keys.forEach(function (k) { entry(lines, indent + "  ", k, value[k]); });
      return;
    }
    if (Array.isArray(value)) {
      if (value.every(isScalar)) {
        lines.push(head + " [" + value.map(function (v) { return scalar(v, true); }).join(", ") + "]");
        return;
      }
      lines.push(head);
      value.forEach(function (item) { listItem(lines, indent + "  ", item); });
      return;
    }
    lines.push(head + " " + scalar(value, false));
  }

  function listItem(lines, indent, item) {
    if (isObject(item)) {
      var inner = [];
      Object.keys(item).forEach(function (k) {
        if (item[k] !== undefined) entry(inner, indent + "  ", k, item[k]);
      });
      if (!inner.length) { lines.push(indent + "- {}"); return; }
      inner[0] = indent + "- " + inner[0].slice(indent.length + 2);
      Array.prototype.push.apply(lines, inner);
    } else if (Array.isArray(item)) {
      if (item.every(isScalar)) {
        lines.push(indent + "- [" + item.map(function (v) { return scalar(v, true); }).join(", ") + "]");
      } else {
        lines.push(indent + "-");
        item.forEach(function (sub) { listItem(lines, indent + "  ", sub); });
      }
    } else {
      lines.push(indent + "- " + scalar(item, false));
    }
  }

  // The front matter of `data` (without body), keys in `order` first.
  function frontMatter(data, order) {
    var known = (order || []).filter(function (k) {
      return k !== "body" && Object.prototype.hasOwnProperty.call(data, k) && data[k] !== undefined;
    });
    var rest = Object.keys(data).filter(function (k) {
      return k !== "body" && known.indexOf(k) < 0 && data[k] !== undefined;
    }).sort();
    var lines = [];
    known.concat(rest).forEach(function (k) { entry(lines, "", k, data[k]); });
    return lines;
  }

  var OPEN = /^---[ \t]*\r?\n/;
  var CLOSE = /^---[ \t]*(\r?\n|$)/m;

  function make(parse) {
    return {
      // {front-matter keys..., body}: the body is everything after the closing line, as it is.
      fromFile: function (content) {
        var open = OPEN.exec(content);
        if (!open) return {body: content};
        var rest = content.slice(open[0].length);
        var close = CLOSE.exec(rest);
        if (!close) return {body: content};
        var data = parse(rest.slice(0, close.index)) || {};
        if (!isObject(data)) throw new Error("De front matter is geen lijst van 'sleutel: waarde'.");
        var body = rest.slice(close.index + close[0].length);
        var result = {};
        Object.keys(data).forEach(function (k) { result[k] = data[k]; });
        result.body = body;
        return result;
      },
      toFile: function (data, sortedKeys) {
        var body = data.body === undefined || data.body === null ? "" : String(data.body);
        var lines = frontMatter(data, sortedKeys);
        if (!lines.length) return body;
        return "---\n" + lines.join("\n") + "\n---\n" + body;
      }
    };
  }

  var api = {make: make, quote: quote, plain: plain};
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.kkFrontmatter = api;
    // Decap starts in start.js, after this format is registered.
    root.CMS_MANUAL_INIT = true;
  }
})(typeof window !== "undefined" ? window : this);
