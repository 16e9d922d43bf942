"""What is computed from the whole set of pages: overviews per case area, learning round, theme
and organisation (:mod:`.compute`), rendered as Markdown by :mod:`.render` with the templates in
``overviews/templates/*.md.j2``."""
