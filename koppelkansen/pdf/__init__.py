"""The PDF plan bundle: rendered page HTML → Typst markup → Typst → PDF, without MkDocs.

:mod:`.bundles` chooses the PDFs and their chapters, :mod:`.convert` (with :mod:`.htmltypst` and
:mod:`.typstsyntax`) turns a page's HTML into Typst markup, :mod:`.typeset` caches, typesets and
writes the PDFs, :mod:`.worker` is where Typst runs and :mod:`.typsterrors` turns its errors into
Dutch messages at the author's line; :mod:`.site` starts the PDFs of one build and
:mod:`.downloads` is what the site shows of them.
"""
