"""Streams whose length every reading of ISO 32000 agrees on: no stream's data ends in a CR.

ISO 32000-1 7.3.8.1 puts an end-of-line marker (CR LF or LF) between a stream's data and
``endstream``, not counted in ``/Length``. Typst writes ``<data>\\nendstream``; when the data's
last byte is a carriage return (about one compressed stream in 256: the last byte of a Flate
stream is part of its Adler-32 checksum) the bytes read ``…\\r\\nendstream``, and a reader that
takes CR LF as the marker finds the data one byte shorter than ``/Length`` (veraPDF-like
validators flag PDFA2A-STREAM-LENGTH-001). Recompressing cannot help (the checksum is of the
decoded data), so such a stream gets an ``/ASCII85Decode`` filter in front of its own: its data
then ends in ``~>``, the decoded bytes are the same, and ASCII85 is allowed in PDF/A-2 and
PDF/UA-1. The stream grows by a quarter; only the few that need it change.

Typst writes a classic cross-reference table and no object streams; the file is rewritten with
new offsets. Anything else (an xref stream, an incremental update, a stream dictionary we do not
recognise) is left as it is; the archival tests (tests/pdfvalidation.py) would then fail.
"""

from __future__ import annotations

import base64
import re

_CR_END = re.compile(rb"\r\nendstream\b")
_OBJECT = re.compile(rb"(\d+) (\d+) obj\b")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_HEAD = re.compile(rb"xref\r?\n0 (\d+)\r?\n")
_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])\r?\n")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?![\d.\s]*R\b)")
_FILTER_NAME = re.compile(rb"/Filter\s*(/[^\s/\[\]<>()]+)")
_FILTER_ARRAY = re.compile(rb"/Filter\s*\[")
_PARMS_ARRAY = re.compile(rb"/DecodeParms\s*\[")
_PARMS_DICT = re.compile(rb"/DecodeParms\s*<<")


def _ascii85(data: bytes) -> bytes:
    return base64.a85encode(data) + b"~>"


def _matching_dict_end(text: bytes, start: int) -> int:
    """The index after the ``>>`` closing the ``<<`` at ``start`` (-1 when unbalanced)."""
    depth, at = 0, start
    while at < len(text) - 1:
        pair = text[at : at + 2]
        if pair == b"<<":
            depth, at = depth + 1, at + 2
        elif pair == b">>":
            depth, at = depth - 1, at + 2
            if depth == 0:
                return at
        else:
            at += 1
    return -1


def _rewrite_stream(obj: bytes) -> bytes | None:
    """The object with its stream data wrapped in ASCII85 when that data ends in a CR; None when
    it needs nothing or is not a stream we can rewrite safely."""
    head = obj.find(b"stream")
    if head < 0 or b"endstream" not in obj[head + 6 :]:
        return None
    dictionary = obj[:head]
    if dictionary.count(b"/Length") != 1 or b"/Metadata" in dictionary:
        return None
    length = _LENGTH.search(dictionary)
    if length is None or dictionary.count(b"/Filter") > 1 or dictionary.count(b"/DecodeParms") > 1:
        return None
    eol = 2 if obj[head + 6 : head + 8] == b"\r\n" else 1
    begin = head + 6 + eol
    data = obj[begin : begin + int(length.group(1))]
    if len(data) != int(length.group(1)) or not data.endswith(b"\r"):
        return None
    rest = obj[begin + len(data) :]
    if not re.match(rb"\s*endstream\b", rest):
        return None
    new_data = _ascii85(data)
    parms_dict = _PARMS_DICT.search(dictionary)
    if parms_dict is not None:
        start = parms_dict.end() - 2
        end = _matching_dict_end(dictionary, start)
        if end < 0:
            return None
        dictionary = (
            dictionary[:start] + b"[null " + dictionary[start:end] + b"]" + dictionary[end:]
        )
    else:
        parms_array = _PARMS_ARRAY.search(dictionary)
        if parms_array is not None:
            at = parms_array.end()
            dictionary = dictionary[:at] + b"null " + dictionary[at:]
    filter_array = _FILTER_ARRAY.search(dictionary)
    filter_name = _FILTER_NAME.search(dictionary)
    if filter_array is not None:
        at = filter_array.end()
        dictionary = dictionary[:at] + b"/ASCII85Decode " + dictionary[at:]
    elif filter_name is not None:
        dictionary = (
            dictionary[: filter_name.start()]
            + b"/Filter[/ASCII85Decode"
            + filter_name.group(1)
            + b"]"
            + dictionary[filter_name.end() :]
        )
    else:
        close = dictionary.rfind(b">>")
        if close < 0:
            return None
        dictionary = dictionary[:close] + b"/Filter/ASCII85Decode" + dictionary[close:]
    length = _LENGTH.search(dictionary)
    assert length is not None
    dictionary = (
        dictionary[: length.start(1)] + str(len(new_data)).encode() + dictionary[length.end(1) :]
    )
    return dictionary + b"stream\n" + new_data + b"\nendstream" + rest.split(b"endstream", 1)[1]


def fix_stream_ends(pdf: bytes) -> bytes:
    """``pdf`` with no stream whose data ends in a CR (see the module); unchanged when none does
    or when the file is not laid out as Typst writes it."""
    if not _CR_END.search(pdf):
        return pdf
    tail = _STARTXREF.search(pdf[-64:])
    if tail is None:
        return pdf
    xref_at = int(tail.group(1))
    head = _XREF_HEAD.match(pdf, xref_at)
    if head is None or pdf.count(b"startxref") != 1:
        return pdf
    count = int(head.group(1))
    entries: list[tuple[int, int, bool]] = []
    at = head.end()
    for _ in range(count):
        entry = _ENTRY.match(pdf, at)
        if entry is None:
            return pdf
        entries.append((int(entry.group(1)), int(entry.group(2)), entry.group(3) == b"n"))
        at = entry.end()
    trailer = pdf[at : pdf.rfind(b"startxref")]
    used = sorted((offset, number) for number, (offset, _, n) in enumerate(entries) if n)
    if not used or any(not _OBJECT.match(pdf, offset) for offset, _ in used):
        return pdf
    ends = [offset for offset, _ in used[1:]] + [xref_at]
    out = bytearray(pdf[: used[0][0]])
    offsets: dict[int, int] = {}
    changed = False
    for (offset, number), end in zip(used, ends, strict=True):
        obj = pdf[offset:end]
        rewritten = _rewrite_stream(obj)
        if rewritten is not None:
            obj, changed = rewritten, True
        offsets[number] = len(out)
        out += obj
    if not changed:
        return pdf
    new_xref = len(out)
    out += b"xref\n0 %d\n" % count
    for number, (offset, generation, in_use) in enumerate(entries):
        if in_use:
            out += b"%010d %05d n\r\n" % (offsets[number], generation)
        else:
            out += b"%010d %05d f\r\n" % (offset, generation)
    out += trailer
    out += b"startxref\n%d\n%%%%EOF" % new_xref
    return bytes(out)
