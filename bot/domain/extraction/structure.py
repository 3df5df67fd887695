"""The body as a tree of numbered items, sub-items and paragraphs.

Marker kinds have a fixed depth (I. > 1. > 1.1. > a) > (1) > - > +), so a
"-" list in the preamble does not swallow the numbered items after it. An
unmarked paragraph inside the items continues the item before it, unless it
gives a task of its own ("Thủ trưởng các cơ quan ... phối hợp ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.domain.extraction.assignment import parse_assignment

_MARKERS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(r"^(?:[IVX]{1,4})\.\s+")),
    (2, re.compile(r"^(?:\d{1,2}\.\s+|Điều\s+\d{1,2}\.\s*)")),
    (3, re.compile(r"^\d{1,2}\.\d{1,2}\.?\s+")),
    (4, re.compile(r"^[a-zđ]\)\s+")),
    (5, re.compile(r"^\(\d{1,2}\)\s+|^\([a-zđ]\)\s+|^\d{1,2}\)\s+")),
    (6, re.compile(r"^-\s*")),
    (7, re.compile(r"^\+\s*")),
)
ITEM_RANKS = (1, 2)


@dataclass
class Node:
    rank: int  # 0: an unmarked paragraph
    text: str  # without its marker
    children: list[Node] = field(default_factory=list)
    more: list[str] = field(default_factory=list)  # continuation paragraphs

    def own_text(self) -> str:
        return " ".join([self.text, *self.more])

    def full_text(self) -> str:
        return " ".join([self.own_text(), *(child.full_text() for child in self.children)])


def marker_rank(paragraph: str) -> tuple[int, str]:
    """The marker's depth (0 for none) and the paragraph without it."""
    for rank, pattern in _MARKERS:
        match = pattern.match(paragraph)
        if match:
            return rank, paragraph[match.end() :]
    return 0, paragraph


@dataclass
class Body:
    preamble: list[str]
    roots: list[Node]
    numbered: bool  # False: a letter without numbered items


def build_body(paragraphs: list[str]) -> Body:
    ranked = [marker_rank(p) for p in paragraphs]
    first_item = next((i for i, (rank, _) in enumerate(ranked) if rank in ITEM_RANKS), None)
    if first_item is None:
        return Body([], _flat(ranked), numbered=False)
    preamble = paragraphs[:first_item]
    return Body(preamble, _numbered(ranked[first_item:]), numbered=True)


def _numbered(ranked: list[tuple[int, str]]) -> list[Node]:
    roots: list[Node] = []
    stack: list[Node] = []
    for rank, text in ranked:
        if rank == 0:
            if stack and not _gives_own_task(text):
                stack[-1].more.append(text)
                continue
            node = Node(0, text)
            roots.append(node)
            stack = [node]
            continue
        node = Node(rank, text)
        while stack and stack[-1].rank >= rank and stack[-1].rank != 0:
            stack.pop()
        if stack and stack[-1].rank == 0 and not _introduces(stack[-1]):
            stack = []
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


def _flat(ranked: list[tuple[int, str]]) -> list[Node]:
    """Without numbered items: paragraphs are tasks; a bullet list belongs to the
    paragraph that introduces it with ":"."""
    roots: list[Node] = []
    for rank, text in ranked:
        parent = roots[-1] if roots else None
        if rank and parent is not None and _introduces(parent):
            parent.children.append(Node(rank, text))
        else:
            roots.append(Node(rank, text))
    return roots


def _introduces(node: Node) -> bool:
    return node.rank == 0 and (node.text.rstrip().endswith(":") or bool(node.children))


def _gives_own_task(text: str) -> bool:
    assignment = parse_assignment(text)
    return assignment is not None and (assignment.explicit or _closing(text))


def _closing(text: str) -> bool:
    return "./." in text
