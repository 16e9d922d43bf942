// Koppelkansen: the site search (docs-dev/search.md). Pagefind's index lives in pagefind/ of the
// site and is loaded from there when the dialog first opens; nothing comes from another host.
// Written by hand (no framework): the box in the header, Dutch labels, the filters, results built
// as DOM nodes (never as HTML from the index), and the word roots of koppelkansen/search/words.py.
(() => {
  "use strict";

  // --- koppelkansen/search/words.py, rule for rule (tests/test_search.py compares the two) ---
  const MARK = "qx";
  const SEPARABLE = ["aan", "af", "bij", "door", "in", "mee", "na", "om", "onder", "op", "over",
    "samen", "terug", "toe", "uit", "vast", "voor", "weg"];
  const ENDINGS = ["heden", "ingen", "etjes", "etje", "pjes", "pje", "ing", "jes", "en", "es", "je",
    "s", "e", "d", "t"];
  const FINAL = { v: "f", z: "s" };
  const SHORTEST = 3;
  const SHORTEST_HEAD = 2;
  const FORMS_FILE = "woordvormen.json";
  const WORD = /[^\P{L}]+(?:['’][^\P{L}]+)*/gu;
  const PARTICIPLE = new RegExp(`^(${SEPARABLE.join("|")})?ge(?=\\p{L}{2,}[dtn]$)`, "u");
  // The table of irregular forms (koppelkansen/search/forms.txt), {form: [lemma, ...]}, read
  // from the index's folder with the index.
  let forms = new Map();

  const fold = (word) =>
    word.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").replace(/['’]/g, "");

  const words = (text) => text.match(WORD) || [];

  const root = (word, participle = true) => {
    let w = fold(word);
    if (w.length < SHORTEST || !/^\p{L}+$/u.test(w)) return "";
    if (participle) w = w.replace(PARTICIPLE, "$1");
    let stripped = true;
    while (stripped) {
      stripped = false;
      for (const ending of ENDINGS) {
        if (w.endsWith(ending) && w.length - ending.length >= SHORTEST) {
          w = w.slice(0, -ending.length) + (ending === "heden" ? "heid" : "");
          const last = w.slice(-1);
          w = w.slice(0, -1) + (FINAL[last] || last);
          w = w.replace(/([^aeiou])\1$/, "$1");
          stripped = true;
          break;
        }
      }
    }
    w = w.replace(/([aeiou])\1/g, "$1");
    return w.replace(/([^aeiou])\1$/, "$1");
  };

  const lemmas = (folded) => {
    const found = [...(forms.get(folded) || [])];
    for (let cut = SHORTEST_HEAD; cut <= folded.length - SHORTEST; cut++) {
      const head = folded.slice(0, cut);
      const tail = folded.slice(cut);
      for (const lemma of [...(forms.get(tail) || []), ...(forms.get(`ge${tail}`) || [])]) {
        if (!found.includes(head + lemma)) found.push(head + lemma);
      }
    }
    return found;
  };

  const known = new Map(); // roots by word, for the excerpts (emptied with a new table)
  const roots = (word) => {
    if (known.has(word)) return known.get(word);
    const found = [...new Set([root(word), root(word, false)])].filter(Boolean);
    const w = fold(word);
    if (/^\p{L}+$/u.test(w)) {
      for (const lemma of lemmas(w)) {
        const r = root(lemma) || lemma;
        if (!found.includes(r)) found.push(r);
      }
    }
    known.set(word, found);
    return found;
  };

  const useForms = (table) => {
    forms = new Map(Object.entries(table));
    known.clear();
  };

  window.koppelkansenSearchWords = { fold, words, root, roots, MARK, useForms };

  // --- the dialog ----------------------------------------------------------------------------
  const dialog = document.getElementById("kk-search");
  const opener = document.querySelector(".kk-search__open");
  if (!dialog || !opener || typeof dialog.showModal !== "function") return;
  const form = dialog.querySelector(".kk-search__form");
  const input = dialog.querySelector(".kk-search__input");
  const status = dialog.querySelector(".kk-search__status");
  const list = dialog.querySelector(".kk-search__results");
  const selects = [...dialog.querySelectorAll("select[data-kk-filter]")];
  const siteRoot = new URL(`${dialog.dataset.kkSearchRoot || "."}/`, document.baseURI);
  const EXCERPT_WORDS = 30;
  const MAX_RESULTS = 30;

  const FILE_NOTICE =
    "Zoeken werkt niet in een kopie van de site die u rechtstreeks van schijf opent: de browser " +
    "laat de zoekindex dan niet laden. Open de site via een webserver (bijvoorbeeld met " +
    "'python3 -m http.server' in de map site/) of gebruik de navigatie.";
  const LOAD_FAILED = "De zoekindex kon niet worden geladen. Probeer het later opnieuw.";

  let pagefind = null;
  let loading = null;
  let unusable = location.protocol === "file:" ? FILE_NOTICE : "";

  const load = () => {
    if (unusable) return Promise.resolve(null);
    if (!loading) {
      const table = fetch(new URL(`pagefind/${FORMS_FILE}`, siteRoot).href).then((response) => {
        if (!response.ok) throw new Error(`${FORMS_FILE}: ${response.status}`);
        return response.json();
      });
      loading = Promise.all([import(new URL("pagefind/pagefind.js", siteRoot).href), table])
        .then(async ([module, formsTable]) => {
          useForms(formsTable);
          await module.options({ baseUrl: "/", excerptLength: EXCERPT_WORDS });
          await module.init();
          pagefind = module;
          await fillFilters();
          return module;
        })
        .catch(() => {
          unusable = location.protocol === "file:" ? FILE_NOTICE : LOAD_FAILED;
          return null;
        });
    }
    return loading;
  };

  const fillFilters = async () => {
    const available = await pagefind.filters();
    for (const select of selects) {
      const values = Object.keys(available[select.dataset.kkFilter] || {}).sort((a, b) =>
        a.localeCompare(b, "nl"));
      for (const value of values) {
        const option = document.createElement("option");
        option.value = value;
        option.textContent = value;
        select.append(option);
      }
    }
  };

  const chosenFilters = () => {
    const filters = {};
    for (const select of selects) if (select.value) filters[select.dataset.kkFilter] = select.value;
    return filters;
  };

  // A page found only through a lemma of the table (schreef → schrijven) ranks below one that
  // holds the word or its own root.
  const LEMMA_SCORE = 0.5;

  // One query word's pages: the word as typed (Pagefind's own stemming and prefix match) and its
  // roots (the roots the index holds); the best score of any.
  const wordResults = async (word, filters) => {
    const asked = [[word, 1]];
    const own = [root(word), root(word, false)];
    for (const r of roots(word)) asked.push([r + MARK, own.includes(r) ? 1 : LEMMA_SCORE]);
    const found = new Map();
    for (const [query, weight] of asked) {
      const search = await pagefind.search(query, { filters });
      for (const result of search.results) {
        const best = found.get(result.id);
        const score = result.score * weight;
        if (!best || best.score < score) found.set(result.id, { result, score });
      }
    }
    return found;
  };

  const search = async (query, filters) => {
    const typed = words(query);
    if (typed.length === 0) {
      if (Object.keys(filters).length === 0) return null;
      return (await pagefind.search(null, { filters })).results.map((r) => ({ result: r, score: 0 }));
    }
    let combined = null;
    for (const word of typed) {
      const found = await wordResults(word, filters);
      const next = new Map();
      for (const [id, { result, score }] of found) {
        if (combined === null) next.set(id, { result, score });
        else if (combined.has(id)) {
          next.set(id, { result, score: combined.get(id).score + score });
        }
      }
      combined = next;
    }
    return [...combined.values()].sort((a, b) => b.score - a.score);
  };

  // The page's own text (Pagefind's content ends with the roots the index added) around the
  // first word that matches the query, with every matching word marked.
  const excerpt = (content, typed) => {
    const all = content.split(/\s+/).filter(Boolean);
    const cut = all.findIndex((w) => w.endsWith(MARK) && /^\p{L}+$/u.test(w));
    const text = cut >= 0 ? all.slice(0, cut) : all;
    const asked = new Set(typed.flatMap(roots));
    const folded = typed.map(fold);
    const matches = (token) => words(token).some((w) => {
      const f = fold(w);
      return roots(w).some((r) => asked.has(r)) ||
        folded.some((q) => q.length >= SHORTEST && f.startsWith(q)) || folded.includes(f);
    });
    const first = Math.max(0, text.findIndex(matches));
    const start = Math.max(0, first - 8);
    const part = text.slice(start, start + EXCERPT_WORDS);
    const paragraph = document.createElement("p");
    paragraph.className = "kk-search__excerpt";
    if (start > 0) paragraph.append("… ");
    part.forEach((token, index) => {
      if (index > 0) paragraph.append(" ");
      if (matches(token)) {
        const mark = document.createElement("mark");
        mark.textContent = token;
        paragraph.append(mark);
      } else {
        paragraph.append(token);
      }
    });
    if (start + EXCERPT_WORDS < text.length) paragraph.append(" …");
    return paragraph;
  };

  const resultItem = (data, typed) => {
    const item = document.createElement("li");
    item.className = "kk-search__result";
    const link = document.createElement("a");
    link.className = "kk-search__result-link";
    link.href = new URL(String(data.url || "").replace(/^\/+/, ""), siteRoot).href;
    link.textContent = (data.meta && data.meta.title) || data.url;
    item.append(link);
    item.append(excerpt(String(data.content || ""), typed));
    const facts = document.createElement("p");
    facts.className = "kk-search__facts";
    const meta = data.meta || {};
    if (meta.status) {
      const badge = document.createElement("span");
      const key = /^[a-z-]+$/.test(meta.statuskey || "") ? meta.statuskey : "onbekend";
      badge.className = `kk-badge kk-badge--${key}`;
      badge.textContent = `Status: ${meta.status}`;
      facts.append(badge);
    }
    for (const [label, value] of [["Soort", meta.soort], ["Casusgebied", meta.casusgebied]]) {
      if (!value) continue;
      const fact = document.createElement("span");
      fact.className = "kk-search__fact";
      fact.textContent = `${label}: ${value}`;
      facts.append(fact);
    }
    item.append(facts);
    return item;
  };

  let generation = 0;
  const update = async () => {
    const mine = ++generation;
    const query = input.value.trim();
    const filters = chosenFilters();
    const module = await load();
    if (mine !== generation) return;
    if (!module) {
      list.replaceChildren();
      status.textContent = unusable;
      return;
    }
    const found = await search(query, filters);
    if (mine !== generation) return;
    if (found === null) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    const shown = found.slice(0, MAX_RESULTS);
    const data = await Promise.all(shown.map((entry) => entry.result.data()));
    if (mine !== generation) return;
    const typed = words(query);
    list.replaceChildren(...data.map((d) => resultItem(d, typed)));
    const count = found.length;
    const what = query ? ` voor ‘${query}’` : "";
    status.textContent =
      count === 0 ? `Geen resultaten${what}.` :
      count === 1 ? `1 resultaat${what}.` :
      count > shown.length ? `${count} resultaten${what}; de eerste ${shown.length} staan hieronder.` :
      `${count} resultaten${what}.`;
  };

  let timer = 0;
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(update, 120);
  };

  const open = () => {
    if (!dialog.open) dialog.showModal();
    input.focus();
    input.select();
    load().then(() => {
      if (unusable) status.textContent = unusable;
    });
  };

  opener.hidden = false;
  opener.addEventListener("click", open);
  dialog.querySelector("[data-kk-search-close]").addEventListener("click", () => dialog.close());
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close(); // a click on the backdrop
  });
  dialog.addEventListener("close", () => opener.focus());
  input.addEventListener("input", later);
  selects.forEach((select) => select.addEventListener("change", update));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    update();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || dialog.open || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target instanceof HTMLElement &&
        (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    event.preventDefault();
    open();
  });
})();
