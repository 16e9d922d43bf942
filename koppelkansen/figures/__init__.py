"""Figures computed from the page model: timeline, programme and koppelkansen matrix.

One source, two outputs. Each figure is first a small scene (:class:`~koppelkansen.figures.shapes.Figure`: boxes, texts, lines
and links to pages, in user units) computed from a checked :class:`~koppelkansen.pages.model.Corpus`.
:func:`~koppelkansen.figures.svg.to_svg` draws a scene as SVG with lxml, so no front-matter value can become markup:

* on the site the SVG is inline, sized in ``em``, coloured through CSS classes whose colours are
  Material's custom properties (``pages.css``), so it follows the light and dark palette;
* in the PDFs the converter (``pdf/htmltypst.py``) takes that same SVG from the page and adds
  :data:`~koppelkansen.figures.svg.PRINT_STYLE` (fixed colours, the Inter font) with :func:`~koppelkansen.figures.svg.for_print`, then Typst
  ``image()``-s it inside an unbreakable block.

Every link is an SVG ``<a>`` with an ``aria-label`` and a ``<title>`` (keyboard and screen readers
reach it). Nothing here knows about MkDocs.
"""
