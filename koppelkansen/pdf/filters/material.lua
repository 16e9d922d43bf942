--[[
Koppelkansen: pandoc Lua filter from MkDocs/Material HTML to Typst for the PDF bundle.

The input is one HTML document with one <div class="kk-page"> per site page (see convert.py).
Every page becomes a marker line followed by its Typst; Python splits the output on the markers.
What the filter cannot place is reported on stderr as "KKPROBLEM<TAB>page-key<TAB>message" and the
element is dropped; Python turns these lines into a failed build naming the Markdown page.

Typst helpers used here (kk-link, kk-image, kk-admonition, kk-tab) live in templates/report.typ.
]]

local json = pandoc.json
local media = {}
do
  local path = os.getenv("KK_PDF_MEDIA")
  if path then
    local f = assert(io.open(path, "r"))
    media = json.decode(f:read("a"))
    f:close()
  end
end
local site_url = os.getenv("KK_PDF_SITE_URL") or ""

local page_key, page_url = nil, nil

local function problem(message)
  io.stderr:write("KKPROBLEM\t" .. (page_key or "?") .. "\t" .. message:gsub("[\t\n]", " ") .. "\n")
end

-- A Typst string literal.
local function tstr(s)
  return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub("\n", "\\n") .. '"'
end

local function typst_inlines(inlines)
  local out = pandoc.write(pandoc.Pandoc({ pandoc.Plain(inlines) }), "typst")
  return (out:gsub("%s+$", ""))
end

-- Key of a site page from its URL ("casussen/amstelstad/plan/"); the same as convert.page_key().
local function key_for(url)
  return "p-" .. url:gsub("[^%w%-_]", ".")
end

local function anchor_label(key, anchor)
  return key .. "--" .. anchor:gsub("[^%w%-_]", ".")
end

-- Resolve "../a/b/#x" against the current page's URL: returns site path and fragment.
local function resolve(href)
  local path, frag = href:match("^([^#]*)#?(.*)$")
  local parts = {}
  if path == "" then
    path = page_url
  else
    for seg in page_url:gmatch("[^/]+") do parts[#parts + 1] = seg end
    -- page_url always ends with "/" for pages (use_directory_urls) or is a file path
    if page_url ~= "" and not page_url:match("/$") then table.remove(parts) end
    for seg in path:gmatch("[^/]+") do
      if seg == ".." then
        if #parts == 0 then return nil, frag end
        table.remove(parts)
      elseif seg ~= "." then
        parts[#parts + 1] = seg
      end
    end
    local joined = table.concat(parts, "/")
    if path:match("/$") and joined ~= "" then joined = joined .. "/" end
    path = joined
  end
  return path, frag
end

local function is_page_path(path)
  return path == "" or path:match("/$") or path:match("%.html$")
end

local function Link(el)
  if el.classes:includes("headerlink") or el.classes:includes("footnote-backref") then
    return {}
  end
  local target = el.target
  if target:match("^[%a][%w+.-]*:") then
    if target:match("^file:") then
      problem("de link naar '" .. target .. "' wijst naar een bestand op een computer; verwijs naar een pagina van de site of een webadres")
      return el.content
    end
    return nil -- http(s), mailto: as written
  end
  local path, frag = resolve(target)
  if path == nil then
    problem("de link '" .. target .. "' wijst buiten de site")
    return el.content
  end
  -- Without a site_url there is no published page to point at: the text stays, unlinked.
  local url = site_url ~= "" and (site_url .. path .. (frag ~= "" and ("#" .. frag) or "")) or ""
  local label = ""
  if is_page_path(path) then
    local page = path:gsub("index%.html$", "")
    local key = key_for(page)
    label = frag ~= "" and anchor_label(key, frag) or key
  end
  local out = { pandoc.RawInline("typst", "#kk-link(" .. tstr(label) .. ", " .. tstr(url) .. ")[") }
  for _, inline in ipairs(el.content) do out[#out + 1] = inline end
  out[#out + 1] = pandoc.RawInline("typst", "]")
  return out
end

local function image_call(el)
  if el.src:match("^[%a][%w+.-]*:") then
    problem("de afbeelding '" .. el.src .. "' staat niet in de site; zet het bestand in docs/ en verwijs er relatief naar")
    return nil
  end
  local path = resolve(el.src)
  local file = path and media[path]
  if file == nil then
    problem("de afbeelding '" .. el.src .. "' bestaat niet; controleer de bestandsnaam en de map")
    return nil
  end
  local alt = pandoc.utils.stringify(el.caption)
  if alt == "" then alt = el.attributes["alt"] or "" end
  if alt == "" then
    problem("de afbeelding '" .. el.src .. "' heeft geen alt-tekst; schrijf ![korte beschrijving](" .. el.src .. ")")
    return nil
  end
  -- image() is written here, not inside a template helper, so that a Typst error about the image
  -- points into this page's file (and so names the page).
  return "image(" .. tstr(file) .. ", alt: " .. tstr(alt) .. ")"
end

local function Image(el)
  local call = image_call(el)
  if call == nil then return {} end
  return pandoc.RawInline("typst", "#kk-image(" .. call .. ")")
end

local function raw(el)
  if el.format == "html" then
    local text = el.text
    if text:match("^%s*<!%-%-") then return {} end
    local tag = text:match("^%s*</?([%w%-]+)") or text:sub(1, 30)
    if text:match("^%s*</") then return {} end -- the closing tag of an element already reported
    problem("het HTML-element <" .. tag .. "> kan niet in de PDF worden gezet; laat het weg of vervang het door tekst met een link")
    return {}
  end
end

local function Header(el)
  if el.identifier ~= "" then
    el.identifier = anchor_label(page_key, el.identifier)
  end
  if el.level == 1 then el.level = 2 end
  return el
end

-- Blocks with a title: Material admonitions and (converted) details.
local function titled(kind, title_inlines, body, tag)
  local out = { pandoc.RawBlock("typst", "#kk-admonition(" .. tstr(kind) .. ", [" .. typst_inlines(title_inlines) .. "])[") }
  for _, b in ipairs(body) do out[#out + 1] = b end
  out[#out + 1] = pandoc.RawBlock("typst", "]")
  return out
end

local ADMONITION_KINDS = {
  "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important", "success",
  "check", "done", "question", "help", "faq", "warning", "caution", "attention", "failure", "fail",
  "missing", "danger", "error", "bug", "example", "quote", "cite",
}

local function kind_of(classes)
  for _, c in ipairs(classes) do
    for _, k in ipairs(ADMONITION_KINDS) do
      if c == k then return k end
    end
  end
  return "note"
end

local function Div(el)
  local c = el.classes
  if c:includes("admonition") then
    local title, body = {}, {}
    for i, b in ipairs(el.content) do
      if i == 1 and (b.t == "Para" or b.t == "Plain") then title = b.content else body[#body + 1] = b end
    end
    return titled(kind_of(c), title, body)
  elseif c:includes("kk-details") then
    local title, body = {}, {}
    for _, b in ipairs(el.content) do
      if b.t == "Div" and b.classes:includes("kk-summary") then
        title = pandoc.utils.blocks_to_inlines(b.content)
      else
        body[#body + 1] = b
      end
    end
    return titled(kind_of(c), title, body)
  elseif c:includes("tabbed-set") then
    local labels, blocks = {}, {}
    for _, child in ipairs(el.content) do
      if child.t == "Div" and child.classes:includes("tabbed-labels") then
        for _, l in ipairs(child.content) do
          if l.t == "Div" and l.classes:includes("kk-tab-label") then
            labels[#labels + 1] = pandoc.utils.blocks_to_inlines(l.content)
          end
        end
      elseif child.t == "Div" and child.classes:includes("tabbed-content") then
        for _, b in ipairs(child.content) do
          if b.t == "Div" and b.classes:includes("tabbed-block") then blocks[#blocks + 1] = b.content end
        end
      end
    end
    local out = {}
    for i, body in ipairs(blocks) do
      out[#out + 1] = pandoc.RawBlock("typst", "#kk-tab([" .. typst_inlines(labels[i] or {}) .. "])[")
      for _, b in ipairs(body) do out[#out + 1] = b end
      out[#out + 1] = pandoc.RawBlock("typst", "]")
    end
    return out
  elseif c:includes("highlight") or c:includes("highlighttable") then
    return el.content
  elseif c:includes("footnote") then
    return {} -- collected before the walk
  end
  return nil
end

local function Para(el)
  -- An image on its own line is a figure-like block.
  if #el.content == 1 and el.content[1].t == "Image" then
    local call = image_call(el.content[1])
    if call == nil then return {} end
    return pandoc.RawBlock("typst", "#kk-figure(" .. call .. ")")
  end
end

-- Column widths from the longest cell text per column, so that tables fill the text width without
-- squeezing their widest column.
local function Table(el)
  local n = #el.colspecs
  if n == 0 then return nil end
  local longest = {}
  for i = 1, n do longest[i] = 4 end
  local function measure(rows)
    for _, row in ipairs(rows) do
      for i, cell in ipairs(row.cells) do
        if i <= n then
          local len = utf8.len(pandoc.utils.stringify(cell.contents)) or 0
          if len > longest[i] then longest[i] = len end
        end
      end
    end
  end
  measure(el.head.rows)
  for _, body in ipairs(el.bodies) do measure(body.body) end
  local total = 0
  for i = 1, n do longest[i] = math.min(longest[i], 50); total = total + longest[i] end
  for i = 1, n do
    local align = el.colspecs[i][1]
    if align == "AlignDefault" then align = "AlignLeft" end
    el.colspecs[i] = { align, longest[i] / total }
  end
  return el
end

local function collect_footnotes(blocks)
  local notes = {}
  for _, b in ipairs(blocks) do
    if b.t == "Div" and b.classes:includes("footnote") then
      for _, inner in ipairs(b.content) do
        if inner.t == "OrderedList" then
          for i, item in ipairs(inner.content) do
            notes[tostring(inner.start + i - 1)] = item
          end
        end
      end
    end
  end
  return notes
end

local function page_filter(notes)
  local function Superscript(el)
    if #el.content == 1 and el.content[1].t == "Link" and el.content[1].classes:includes("footnote-ref") then
      local n = pandoc.utils.stringify(el.content[1].content)
      local body = notes[n]
      if body == nil then
        problem("voetnoot " .. n .. " heeft geen tekst")
        return {}
      end
      -- The note's first paragraph runs on from its number.
      local blocks = pandoc.Blocks(body)
      -- The list item comes wrapped in a Div carrying its id (fn:…), unique per page only.
      while #blocks == 1 and blocks[1].t == "Div" do blocks = blocks[1].content end
      if #blocks > 0 and blocks[1].t == "Para" then blocks[1] = pandoc.Plain(blocks[1].content) end
      local last = blocks[#blocks]
      if last and (last.t == "Plain" or last.t == "Para") then
        local inl = last.content
        while #inl > 0 and (inl[#inl].t == "Space" or (inl[#inl].t == "Str" and inl[#inl].text:match("^[%s\194\160]*$"))) do
          inl:remove(#inl)
        end
      end
      return pandoc.Note(blocks)
    end
  end
  -- Separate passes, in this order: pandoc walks inlines before blocks within one pass.
  return {
    { Superscript = Superscript },
    { RawBlock = raw, RawInline = raw },
    { Link = Link },
    { Para = Para },
    { Image = Image, Header = Header, Table = Table },
    { Div = Div },
  }
end

local function walk_page(blocks, notes)
  local doc = pandoc.Pandoc(blocks)
  for _, f in ipairs(page_filter(notes)) do
    doc = doc:walk(f)
  end
  return doc.blocks
end

function Pandoc(doc)
  local out = {}
  for _, block in ipairs(doc.blocks) do
    if block.t == "Div" and block.classes:includes("kk-page") then
      page_key = block.attributes["key"]
      page_url = block.attributes["url"] or ""
      out[#out + 1] = pandoc.RawBlock("typst", "//KKPAGE " .. page_key)
      -- The page's first level-1 heading is the chapter title the template sets.
      local blocks = {}
      local dropped = false
      for _, b in ipairs(block.content) do
        if not dropped and b.t == "Header" and b.level == 1 then
          dropped = true
        else
          blocks[#blocks + 1] = b
        end
      end
      local notes = collect_footnotes(blocks)
      for _, b in ipairs(walk_page(blocks, notes)) do out[#out + 1] = b end
    end
  end
  return pandoc.Pandoc(out, doc.meta)
end
