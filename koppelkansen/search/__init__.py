"""Site search (issue 32): a Pagefind index built from the rendered pages, with Dutch word roots
so that every form of a word finds the pages that hold the others (:mod:`.words`, mirrored in
``docs/assets/javascripts/search.js``), built as a stage of the build (:mod:`.index`)."""
