// The editor's local server for `make schrijven` (docs-dev/editor.md): decap-server's git mode
// (drafts, review states, `cms/...` branches) mounted behind a guard, in one process that listens
// only on 127.0.0.1. decap-server's own entry point is not used: it reads a `.env` from its
// working directory, answers any 127.0.0.1/localhost origin (CORS) and any Host, needs no secret
// and writes anywhere in the checkout. Here a request reaches it only when
//   - its Host is 127.0.0.1:<port> or localhost:<port> (no DNS rebinding),
//   - its Origin is the live preview's (the editor's page; KK_ORIGINS),
//   - its path holds the secret of this run (KK_SECRET, made by koppelkansen/editor/local.py
//     and served to the editor page only, in its config.yml),
//   - every path in it is a page (.md) or a medium below docs/ (no dot folders, no link out).
// Everything is configured by the environment that local.py sets (started with a clean
// environment in an empty working directory); nothing in the checkout configures it.
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const env = process.env;
const port = parseInt(env.KK_PORT || "", 10);
const secret = env.KK_SECRET || "";
const origins = (env.KK_ORIGINS || "").split(" ").filter(Boolean);
const repo = fs.realpathSync(env.GIT_REPO_DIRECTORY || "");
const decap = env.KK_DECAP_SERVER || "";
if (!port || secret.length < 32 || !origins.length || !decap) {
  console.error("localserver.js: KK_PORT, KK_SECRET, KK_ORIGINS en KK_DECAP_SERVER ontbreken.");
  process.exit(2);
}
const express = require(require.resolve("express", { paths: [decap] }));
const { registerLocalGit } = require(path.join(decap, "dist", "middlewares.js"));

const DOCS = "docs";
const PAGE = /\.md$/;
const MEDIA = /\.(png|jpe?g|gif|webp|avif|svg|pdf)$/i;
const API = "/api/v1/";
const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

function sameSecret(given) {
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

// The real path of `rel` (repository-relative), following every link of the part that exists.
function realTarget(rel) {
  let existing = path.resolve(repo, rel);
  const missing = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(existing), ...missing);
    } catch (e) {
      if (e.code !== "ENOENT" || existing === path.dirname(existing)) throw e;
      missing.unshift(path.basename(existing));
      existing = path.dirname(existing);
    }
  }
}

// Why `rel` is refused, or null. `kind`: "read" (a folder or file to read), "write" (a file).
function refusal(rel, kind) {
  if (typeof rel !== "string" || rel === "") return "geen pad";
  const parts = rel.split(/[\\/]/);
  if (path.isAbsolute(rel) || parts[0] !== DOCS) return `${rel}: niet onder ${DOCS}/`;
  if (parts.some(p => p === ".." || p === "." || p.startsWith("."))) {
    return `${rel}: verborgen map of '..'`;
  }
  if (kind === "write" && !(PAGE.test(rel) || MEDIA.test(rel))) {
    return `${rel}: alleen pagina's (.md) en afbeeldingen`;
  }
  let real;
  try {
    real = realTarget(rel);
  } catch (e) {
    return `${rel}: onleesbaar`;
  }
  const docs = fs.realpathSync(path.join(repo, DOCS));
  if (real !== docs && !real.startsWith(docs + path.sep)) return `${rel}: wijst buiten ${DOCS}/`;
  return null;
}

// The actions of decap-server's git mode that the editor sends; anything else is refused.
const ACTIONS = new Set([
  "info", "entriesByFolder", "entriesByFiles", "getEntry", "unpublishedEntries",
  "unpublishedEntry", "unpublishedEntryDataFile", "unpublishedEntryMediaFile",
  "deleteUnpublishedEntry", "persistEntry", "updateUnpublishedEntryStatus",
  "publishUnpublishedEntry", "getMedia", "getMediaFile", "persistMedia", "deleteFile",
  "deleteFiles", "getDeployPreview",
]);

// What a medium's first bytes must be (a file is judged by its content, not its name).
const MAGIC = {
  png: [[0, "\x89PNG\r\n\x1a\n"]],
  jpg: [[0, "\xff\xd8\xff"]],
  jpeg: [[0, "\xff\xd8\xff"]],
  gif: [[0, "GIF8"]],
  webp: [[0, "RIFF"], [8, "WEBP"]],
  avif: [[4, "ftyp"]],
  pdf: [[0, "%PDF-"]],
};
// What makes an SVG a document that runs (on the site's origin, next to the editor).
const ACTIVE_SVG = /<\s*(script|foreignObject|iframe|embed|object|handler|listener)\b|\son[a-z]+\s*=|javascript:|<!ENTITY|(href|src)\s*=\s*["']?\s*data:/i;

// Why the uploaded `content` (base64) of `rel` is refused, or null.
function mediumRefusal(rel, content, encoding) {
  if (!MEDIA.test(rel)) return null;
  if (typeof content !== "string" || (encoding && encoding !== "base64")) {
    return `${rel}: geen inhoud`;
  }
  const data = Buffer.from(content, "base64");
  const ext = rel.split(".").pop().toLowerCase();
  if (ext === "svg") {
    const text = data.toString("utf8");
    if (!/<svg[\s>]/i.test(text)) return `${rel}: dit is geen SVG-afbeelding`;
    if (ACTIVE_SVG.test(text)) {
      return `${rel}: deze SVG bevat script, een link naar script of ingesloten inhoud; ` +
        "die wordt niet op de site gezet. Sla de tekening opnieuw op als gewone SVG of als PNG";
    }
    return null;
  }
  const ok = (MAGIC[ext] || []).every(([at, sig]) =>
    data.subarray(at, at + sig.length).equals(Buffer.from(sig, "latin1")));
  return ok ? null : `${rel}: de inhoud is geen .${ext}-bestand; kies het bestand opnieuw`;
}

// Every uploaded medium of a request: [path, content, encoding].
function media(body) {
  const p = (body && body.params) || {};
  const found = [];
  if (body && body.action === "persistMedia" && p.asset) {
    found.push([p.asset.path, p.asset.content, p.asset.encoding]);
  }
  if (body && body.action === "persistEntry") {
    (p.assets || []).forEach(a => a && found.push([a.path, a.content, a.encoding]));
  }
  return found;
}

// Every path a request names, with what is done to it.
function paths(body) {
  const p = (body && body.params) || {};
  const found = [];
  const read = v => found.push([v, "read"]);
  const write = v => found.push([v, "write"]);
  const file = f => {
    if (!f) return;
    write(f.path);
    if (f.newPath !== undefined) write(f.newPath);
  };
  switch (body && body.action) {
    case "entriesByFolder":
      read(p.folder);
      break;
    case "entriesByFiles":
      (p.files || []).forEach(f => read(f && f.path));
      break;
    case "getEntry":
    case "getMediaFile":
    case "unpublishedEntryDataFile":
    case "unpublishedEntryMediaFile":
      read(p.path);
      break;
    case "getMedia":
      read(p.mediaFolder);
      break;
    case "persistEntry":
      file(p.entry);
      (p.dataFiles || []).forEach(file);
      (p.assets || []).forEach(a => write(a && a.path));
      break;
    case "persistMedia":
      write(p.asset && p.asset.path);
      break;
    case "deleteFile":
      write(p.path);
      break;
    case "deleteFiles":
      (p.paths || []).forEach(write);
      break;
    default:
      break;
  }
  return found;
}

function refuse(res, status, why) {
  res.status(status).type("application/json").send(JSON.stringify({ error: why }));
}

const app = express();
app.disable("x-powered-by");
app.set("env", "production");  // Express's own error page: no stack trace
app.use((req, res, next) => {
  if (!hosts.has(req.headers.host || "")) return refuse(res, 421, "onbekende Host");
  const origin = req.headers.origin || "";
  if (!origins.includes(origin)) return refuse(res, 403, "onbekende Origin");
  const url = req.url.split("?")[0];
  if (!url.startsWith(API) || !sameSecret(url.slice(API.length))) {
    return refuse(res, 403, "geen of een verkeerd geheim");
  }
  res.set("Access-Control-Allow-Origin", origin);
  res.set("Vary", "Origin");
  if (req.method === "OPTIONS") {
    res.set("Access-Control-Allow-Methods", "POST");
    res.set("Access-Control-Allow-Headers", "Content-Type");
    return res.status(204).end();
  }
  if (req.method !== "POST") return refuse(res, 405, "alleen POST");
  req.url = "/api/v1";
  next();
});
app.use(express.json({ limit: "50mb" }));
app.use((req, res, next) => {
  const action = req.body && req.body.action;
  if (!ACTIONS.has(action)) return refuse(res, 403, `geweigerd: onbekende actie ${action}`);
  for (const [rel, kind] of paths(req.body)) {
    const why = refusal(rel, kind);
    if (why) return refuse(res, 403, `geweigerd: ${why}`);
  }
  for (const [rel, content, encoding] of media(req.body)) {
    const why = mediumRefusal(rel, content, encoding);
    if (why) return refuse(res, 403, `geweigerd: ${why}`);
  }
  next();
});
// A body too large or not JSON: a short answer, never Express's page with a stack trace.
app.use((err, req, res, next) => {
  if (res.headersSent) return next(err);
  const large = err && err.type === "entity.too.large";
  refuse(res, large ? 413 : 400, large ? "te groot (hoogstens 50 MB)" : "geen geldige JSON");
});

(async () => {
  await registerLocalGit(app, { logLevel: env.KK_LOG_LEVEL || "warn" });
  app.listen(port, "127.0.0.1", () => {
    console.log(`klaar op 127.0.0.1:${port}`);
  });
})().catch(e => {
  console.error(`De editorserver start niet: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
