"""Report texts as the scenario format cites them: a title and numbered body paragraphs.

A paragraph anchor (``report#3``) counts a report's body paragraphs from 1,
the headline excluded (see the README, "The Niger scenario and its
sources").  :func:`read_report` reads plain text or HTML and numbers the
paragraphs that way; :func:`sentences` splits a paragraph into sentences
without breaking at abbreviations such as ``U.S.``.

Examples
--------
>>> report = parse_report("Troops leave\\n\\nSome 200 troops left Gao. They went home.")
>>> report.title, report.paragraphs
('Troops leave', ('Some 200 troops left Gao. They went home.',))
>>> sentences(report.paragraphs[0])
['Some 200 troops left Gao.', 'They went home.']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .errors import ScenarioError

#: A first block at most this many words long, not ending a sentence, is a headline.
HEADLINE_MAX_WORDS = 25
#: A title taken from a first sentence is cut (at a word) after this many characters.
TITLE_MAX_CHARS = 150
_ABBREVIATIONS = frozenset(
    (
        *("mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "st", "no", "vs"),
        *("etc", "approx", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov"),
        *("dec", "corp", "inc", "ltd", "co", "jr", "sr", "gov", "sen", "rep"),
    )
)
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*\s+")
_BLOCK_TAGS = {"p", "h1", "title"}
_SKIPPED_TAGS = {"script", "style", "nav", "header", "footer", "aside", "noscript", "template"}


@dataclass(frozen=True)
class Report:
    """A report's title and its body paragraphs (``paragraphs[0]`` is ``#1``)."""

    path: Path | None
    title: str
    paragraphs: tuple[str, ...]
    headline: bool


def sentences(paragraph: str) -> list[str]:
    """The sentences of a paragraph, in order; abbreviations (``U.S.``, ``Gen.``) do not end one."""
    out, start = [], 0
    for match in _SENTENCE_END.finditer(paragraph):
        before = paragraph[start : match.start() + 1].split()
        word = before[-1].rstrip(".").lower() if before else ""
        following = paragraph[match.end() : match.end() + 1]
        initials = re.fullmatch(r"(?:[a-z]\.)*[a-z]", word) is not None
        if word in _ABBREVIATIONS or initials or not following or following.islower():
            continue
        out.append(paragraph[start : match.end()].strip())
        start = match.end()
    if paragraph[start:].strip():
        out.append(paragraph[start:].strip())
    return out


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _is_headline(block: str, others: int) -> bool:
    words = block.split()
    return others > 0 and len(words) <= HEADLINE_MAX_WORDS and not re.search(r"[.!?…][\"”’')]*$", block)


def _title_from(text: str) -> str:
    first = sentences(text)[0] if text else ""
    if len(first) <= TITLE_MAX_CHARS:
        return first
    return first[:TITLE_MAX_CHARS].rsplit(" ", 1)[0] + " …"


def parse_report(text: str, path: Path | None = None) -> Report:
    """A plain-text report: paragraphs are blocks between blank lines, or lines when there are none.

    The first block is the headline when it is short and ends no sentence;
    the title is the headline, or else the first sentence of the first line.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if re.search(r"\S[^\S\n]*\n[^\S\n]*\n+[^\S\n]*\S", text):
        blocks = [_clean(block) for block in re.split(r"\n[^\S\n]*\n", text)]
    else:
        blocks = [_clean(line) for line in text.split("\n")]
    blocks = [block for block in blocks if block]
    if not blocks:
        return Report(path, "", (), False)
    headline = _is_headline(blocks[0], len(blocks) - 1)
    if headline:
        return Report(path, blocks[0], tuple(blocks[1:]), True)
    first_line = next(line for line in text.split("\n") if line.strip())
    return Report(path, _title_from(_clean(first_line)), tuple(blocks), False)


class _HTMLText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.open: list[str] = []
        self.skipping = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS and not self.skipping:
            self.open.append(tag)
            self.text = []
        elif tag == "br":
            self.text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS and self.open and self.open[-1] == tag:
            self.open.pop()
            self.blocks.append((tag, _clean("".join(self.text))))
            self.text = []

    def handle_data(self, data: str) -> None:
        if self.open and not self.skipping:
            self.text.append(data)


def parse_html(text: str, path: Path | None = None) -> Report:
    """An HTML report: its ``<p>`` elements are the paragraphs, its ``<h1>`` (or ``<title>``) the headline."""
    parser = _HTMLText()
    parser.feed(text)
    parser.close()
    paragraphs = tuple(block for tag, block in parser.blocks if tag == "p" and block)
    heading = next((block for tag, block in parser.blocks if tag == "h1" and block), None)
    heading = heading or next((block for tag, block in parser.blocks if tag == "title" and block), None)
    if not paragraphs:
        stripped = re.sub(r"<[^>]+>", "\n", text)
        return parse_report(stripped, path)
    title = heading or _title_from(paragraphs[0])
    return Report(path, title, paragraphs, heading is not None)


def read_report(path: str | Path, *, max_bytes: int = 5_000_000) -> Report:
    """Read a report file, plain text or HTML (by its name or its first tag).

    Raises
    ------
    ScenarioError
        For a missing, binary, oversized or non-UTF-8 file, or one with no text.
    """
    path = Path(path)
    if not path.is_file():
        raise ScenarioError.single(path, 0, "", "no such file; check the path and the current folder")
    data = path.read_bytes()
    if len(data) > max_bytes:
        raise ScenarioError.single(
            path, 0, "", f"the file is {len(data):,} bytes; reports are at most {max_bytes:,}"
        )
    if b"\x00" in data:
        raise ScenarioError.single(path, 1, "", "this is a binary file; give the report as text or HTML")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ScenarioError.single(path, line, "", "the file is not UTF-8 text; save it as UTF-8") from None
    is_html = path.suffix.lower() in (".html", ".htm") or re.match(r"\s*<(!doctype|html|p|h1)\b", text, re.I)
    report = parse_html(text, path) if is_html else parse_report(text, path)
    if not report.paragraphs:
        raise ScenarioError.single(path, 1, "", "no paragraphs of text found")
    return report
