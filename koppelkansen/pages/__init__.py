"""Reading the docs folder: strict YAML, pages with their folder defaults, the one page model,
the vocabulary, dates, URLs and the pages' dates from git. The first stage; it imports no other."""
