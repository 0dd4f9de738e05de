"""A small HTML subset (what templates/documents use) turned into fpdf2 blocks. Worker only.

Why not fpdf2's write_html: its table cells take one plain string (no <br>, no <b>), and its
layout is slower. Here the template's HTML (autoescaped by Jinja2, so a visitor's `<script>` is
text) is parsed with the standard library, every text run is escaped for fpdf2's markdown, and
<b> becomes a markdown marker: bold and line breaks work in paragraphs and table cells alike.

Supported: h1 h2 h3 p (class="small") ul ol li b strong br table thead tbody tr th td
(width="NN%" on the first row, align, colspan).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

MARKERS = ("**", "__", "~~", "--")
_SPACES = re.compile(r"[ \t\r\n\f]+")  # HTML whitespace; keeps U+00A0 and U+202F
BLOCKS = {"h1", "h2", "h3", "p", "li"}


def md_escape(text: str) -> str:
    """Escape data for fpdf2's markdown: backslashes, emphasis markers, link syntax."""
    text = text.replace("\\", "\\\\")
    for marker in MARKERS:
        text = text.replace(marker, "\\" + marker)
    return text.replace("](", "] (")  # "[x](y)" would become a link


def needs_markdown(text: str) -> bool:
    """fpdf2 parses markdown character by character: skip it for text with nothing to parse."""
    return "\\" in text or any(marker in text for marker in MARKERS)


@dataclass
class Cell:
    text: str = ""
    header: bool = False
    align: str | None = None
    colspan: int = 1
    width: float | None = None


@dataclass
class Table:
    rows: list[list[Cell]] = field(default_factory=list)
    head_rows: int = 0


@dataclass
class Block:
    kind: str  # h1 h2 h3 p li table
    text: str = ""
    small: bool = False
    bullet: str = ""
    depth: int = 0
    table: Table | None = None


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._block: Block | None = None
        self._table: Table | None = None
        self._cell: Cell | None = None
        self._in_head = False
        self._lists: list[list[int | None]] = []  # [counter] for ol, [None] for ul

    def _sink(self) -> Cell | Block | None:
        return self._cell if self._cell is not None else self._block

    def _append(self, text: str) -> None:
        sink = self._sink()
        if sink is not None:
            sink.text += text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in BLOCKS and self._table is None:
            self._block = Block(kind=tag, small="small" in (a.get("class") or ""), depth=len(self._lists))
            if tag == "li" and self._lists:
                counter = self._lists[-1]
                if counter[0] is None:
                    self._block.bullet = "\u2022"
                else:
                    counter[0] += 1
                    self._block.bullet = f"{counter[0]}."
        elif tag in ("ul", "ol"):
            self._lists.append([None if tag == "ul" else 0])
        elif tag in ("b", "strong"):
            self._append("**")
        elif tag == "br":
            self._append("\n")
        elif tag == "table":
            self._table = Table()
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self._table is not None:
            self._table.rows.append([])
            self._table.head_rows += self._in_head
        elif tag in ("td", "th") and self._table is not None:
            width = a.get("width")
            self._cell = Cell(
                header=tag == "th",
                align=(a.get("align") or None),
                colspan=int(a.get("colspan") or 1),
                width=float(width.rstrip("%")) if width else None,
            )

    def handle_endtag(self, tag: str) -> None:
        if tag in ("b", "strong"):
            self._append("**")
        elif tag in BLOCKS and self._block is not None and self._table is None:
            self._block.text = _tidy(self._block.text)
            self.blocks.append(self._block)
            self._block = None
        elif tag in ("ul", "ol") and self._lists:
            self._lists.pop()
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None and self._table is not None:
            self._cell.text = _tidy(self._cell.text)
            self._table.rows[-1].append(self._cell)
            self._cell = None
        elif tag == "table" and self._table is not None:
            self.blocks.append(Block(kind="table", table=self._table))
            self._table = None

    def handle_data(self, data: str) -> None:
        self._append(md_escape(_SPACES.sub(" ", data)))


def _tidy(text: str) -> str:
    """Trim the spaces HTML would not show, around line breaks and at the ends."""
    return "\n".join(line.strip(" ") for line in text.split("\n")).strip()


def parse(markup: str) -> list[Block]:
    parser = _Parser()
    parser.feed(markup)
    parser.close()
    return parser.blocks
