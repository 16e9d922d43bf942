"""Drawing a figure's scene as SVG, with lxml, so that no front-matter value can become markup.

On the site the SVG is inline, sized in ``em``, coloured through CSS classes (``pages.css``); for
the PDFs :func:`for_print` adds :data:`PRINT_STYLE` (fixed colours, the Inter font) to the SVG the
page holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree

from koppelkansen.figures.shapes import Box, Figure, Line, PageLink, Shape
from koppelkansen.pages.urls import page_url

SVG_NS = "http://www.w3.org/2000/svg"
_S = f"{{{SVG_NS}}}"
_NSMAP: Any = {None: SVG_NS}  # the default namespace (lxml's stubs only type prefixed ones)


#: How wide a figure is drawn on the site, in em (its user units are scaled to this).
SITE_WIDTH_EM = 48

#: Colours and font for the PDF (the site takes them from pages.css instead).
PRINT_STYLE = """
text { font-family: Inter; fill: #1b2a4a; }
.kk-fig-muted { fill: #5b6478; }
.kk-fig-band { fill: #e7efff; }
.kk-fig-band-alt { fill: #f1ebfb; }
.kk-fig-lane { fill: #f4f6fb; }
.kk-fig-grid { stroke: #d5d9e4; }
.kk-fig-box { fill: #ffffff; stroke: #2f3f9e; }
.kk-fig-box-strong { fill: #2f3f9e; stroke: #2f3f9e; }
.kk-fig-on-strong { fill: #ffffff; }
.kk-fig-line { stroke: #5b6478; fill: none; }
.kk-fig-mark-directieoverleg { fill: #2f3f9e; }
.kk-fig-mark-co-creatiesessie { fill: #1e6fd9; }
.kk-fig-mark-ontwerpatelier { fill: #2e9d5b; }
.kk-fig-mark-other { fill: #5b6478; }
.kk-fig-cell { fill: #e7efff; stroke: #d5d9e4; }
.kk-fig-cell-empty { fill: #ffffff; stroke: #d5d9e4; }
.kk-fig-link { fill: #2f3f9e; }
"""


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _shape(parent: etree._Element, shape: Shape) -> None:
    if isinstance(shape, Box):
        etree.SubElement(
            parent,
            _S + "rect",
            {
                "x": _num(shape.x),
                "y": _num(shape.y),
                "width": _num(shape.w),
                "height": _num(shape.h),
                "rx": _num(shape.rx),
                "class": shape.cls,
            },
        )
    elif isinstance(shape, Line):
        attrs = {
            "x1": _num(shape.x1),
            "y1": _num(shape.y1),
            "x2": _num(shape.x2),
            "y2": _num(shape.y2),
            "class": shape.cls,
            "stroke-width": "1.2",
        }
        if shape.dashed:
            attrs["stroke-dasharray"] = "4 3"
        etree.SubElement(parent, _S + "line", attrs)
    else:
        attrs = {"x": _num(shape.x), "y": _num(shape.y), "font-size": _num(shape.size)}
        if shape.cls:
            attrs["class"] = shape.cls
        if shape.weight:
            attrs["font-weight"] = shape.weight
        if shape.anchor != "start":
            attrs["text-anchor"] = shape.anchor
        el = etree.SubElement(parent, _S + "text", attrs)
        el.text = shape.text


def to_svg(figure: Figure, href: Callable[[str], str]) -> str:
    """The figure as one line of SVG markup; ``href`` turns a page's ``src_uri`` into a link."""
    svg = etree.Element(
        _S + "svg",
        {
            "viewBox": f"0 0 {_num(figure.width)} {_num(figure.height)}",
            "width": f"{SITE_WIDTH_EM}em",
            "height": f"{_num(figure.height / figure.width * SITE_WIDTH_EM)}em",
            "class": f"kk-fig kk-fig--{figure.name}",
            "aria-labelledby": f"kk-fig-{figure.name}-title kk-fig-{figure.name}-desc",
        },
        nsmap=_NSMAP,
    )
    etree.SubElement(svg, _S + "title", id=f"kk-fig-{figure.name}-title").text = figure.title
    etree.SubElement(svg, _S + "desc", id=f"kk-fig-{figure.name}-desc").text = figure.desc
    for item in figure.items:
        if isinstance(item, PageLink):
            a = etree.SubElement(
                svg,
                _S + "a",
                {
                    "href": href(item.src_uri),
                    "aria-label": item.label,
                    "class": f"kk-fig-a kk-fig-a--{item.kind}",
                },
            )
            etree.SubElement(a, _S + "title").text = item.label
            for shape in item.shapes:
                _shape(a, shape)
        else:
            _shape(svg, item)
    return etree.tostring(svg, encoding="unicode")


def site_html(figure: Figure, href: Callable[[str], str]) -> str:
    """The figure for a page: the SVG in a container that scrolls sideways on a narrow screen."""
    return (
        f'<figure class="kk-figure kk-figure--{figure.name}"><div class="kk-figure__scroll" '
        f'tabindex="0" role="group" aria-label="{_attr(figure.title)}">{to_svg(figure, href)}</div></figure>'
    )


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


_CAMEL = {"viewbox": "viewBox"}


def for_print(svg: etree._Element | str) -> str:
    """A figure's SVG (as the page has it) ready for Typst: fixed colours, Inter, no links.

    ``svg`` may come from an HTML parser, which lower-cases attribute names and drops the
    namespace; both are restored.
    """
    if isinstance(svg, str):
        svg = etree.fromstring(svg)
    out = etree.Element(_S + "svg", nsmap=_NSMAP)
    for name, value in svg.attrib.items():
        out.set(_CAMEL.get(str(name), str(name)), value)
    style = etree.SubElement(out, _S + "style")
    style.text = PRINT_STYLE

    def copy(src: etree._Element, dst: etree._Element) -> None:
        for child in src:
            if not isinstance(child.tag, str):
                continue
            tag = etree.QName(child).localname
            if tag in ("title", "desc") and src is not svg:
                continue  # link tooltips: nothing to hover in a PDF
            if tag == "a":
                copy(child, dst)
                continue
            el = etree.SubElement(dst, _S + tag, {str(k): str(v) for k, v in child.attrib.items()})
            el.text = child.text
            copy(child, el)

    copy(svg, out)
    width = re.sub(r"[^0-9.]", "", out.get("viewBox", "0 0 760 1").split()[2])
    out.set("width", width)
    out.set("height", out.get("viewBox", "0 0 760 1").split()[3])
    return etree.tostring(out, encoding="unicode")


def print_svg(figure: Figure) -> str:
    """A figure straight from the model for the PDF (the bundle's page 2)."""
    return for_print(to_svg(figure, lambda uri: page_url(uri) or "./"))
