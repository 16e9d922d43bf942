"""Versions for the directors: the tags (:mod:`.tags`), what changed between two sets of pages
(:mod:`.diff`), the change pages (:mod:`.changepages`), the cache between builds (:mod:`.cache`),
each version's PDFs (:mod:`.pdfs`) and what the site shows of it all (:mod:`.site`)."""
