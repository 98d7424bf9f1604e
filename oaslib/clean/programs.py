"""Which sheets are the same program, and what to call it.

Sheets of one program share their texts: the same summary or objectives
appear, word for word, on the sheets of every member state and year the
program runs in. Sheets are linked through such shared fingerprints (and
through equal names) with a union-find, which stays linear in the number of
sheets. A sheet without a name takes its program's name from a linked sheet,
else from a title found in its own text.
"""
from __future__ import annotations

import hashlib
import re

from .countries import fold

FINGERPRINT_WORDS = 24

#: every byte but a-z and 0-9 -> a space
_NOT_WORD = bytes(b if chr(b) in "abcdefghijklmnopqrstuvwxyz0123456789" else 32 for b in range(256))


def _words(text: str) -> list[str]:
    """The runs of a-z and 0-9 in folded ``text`` (what
    ``re.findall("[a-z0-9]+")`` gives), at C speed: any other character,
    a non-ASCII one encoded as "?", becomes a space. The regex cost as much
    as reading a sheet's donors and dates together."""
    return text.encode("ascii", "replace").translate(_NOT_WORD).decode("ascii").split()


def fingerprint(text: str | None, words: int = FINGERPRINT_WORDS, least: int = 12) -> str | None:
    """The first words of a text, folded: equal for the same text printed
    by two PDFs, whatever their line breaks, accents or punctuation. None
    for a text of fewer than ``least`` words (too short to tell a program
    by)."""
    if not text:
        return None
    # the first words only: fold and scan a prefix that holds them (a word
    # more, so the last one is whole), the whole text when it does not
    cut = words * 16
    ws = _words(fold(text[:cut])) if len(text) > cut else []
    if len(ws) <= words:
        ws = _words(fold(text))
    if len(ws) < min(words, least):
        return None
    return " ".join(ws[:words])


def name_key(name: str | None) -> str | None:
    if not name:
        return None
    ws = _words(fold(name))
    return " ".join(ws) if len(ws) >= 2 else None


class _UnionFind:
    def __init__(self, n):
        self.parent = list(range(n))

    def find(self, i):
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def program_keys(sheet: dict) -> dict[str, str]:
    """What links a sheet to the other sheets of its program: its name and
    the first words of its summary and of its objectives, where it has them.
    Computed once per sheet where the sheet is read (in a worker process
    for a large folder), not again when the sheets are linked."""
    keys = {"n": name_key(sheet.get("name")), "s": fingerprint(sheet.get("summary")),
            "o": fingerprint(sheet.get("objectives"))}
    return {kind: k for kind, k in keys.items() if k is not None}


def link_programs(keys: list[dict[str, str]]) -> list[int]:
    """Cluster index (the first sheet of its cluster) for every sheet,
    from each sheet's ``program_keys``."""
    uf = _UnionFind(len(keys))
    first_with: dict[str, int] = {}
    for i, sheet_keys in enumerate(keys):
        for kind, k in sheet_keys.items():
            key = kind + ":" + k
            if key in first_with:
                uf.union(first_with[key], i)
            else:
                first_with[key] = i
    return [uf.find(i) for i in range(len(keys))]


def program_id(keys: list[str]) -> str:
    """A stable id from the cluster's smallest fingerprint."""
    return "P" + hashlib.sha1(min(keys).encode()).hexdigest()[:8]


# --------------------------------------------------------- names from text

_KEYWORDS = r"(?:Program|Programme|Project|Mechanism|Network|System|Observatory|Initiative|Strategy|Plan)"
_CONNECT = r"(?:of|for|to|in|and|the|on|against|de|del|la|el|y|para)"
_CAPWORD = r"(?:[A-Z][\w\-’']*|\(\d{4}\)|\d{3,4}|[A-Z]{2,})"
_TITLE = re.compile(
    rf"(?:^|[\s(,])(?:the\s+)?((?:{_CAPWORD}\s+)(?:(?:{_CAPWORD}|{_CONNECT})\s+)*?{_KEYWORDS}s?)"
    rf"(?:\s+\(([A-Z][A-Za-z]{{1,9}})\))?")
_TITLE_KW_FIRST = re.compile(
    rf"\b((?:Program|Programme|Project)\s+(?:to|for|of)\s+(?:(?:{_CAPWORD}|{_CONNECT})\s+)*?{_CAPWORD})\s+\(([A-Z][A-Za-z]{{1,9}})\)")
_QUOTED = re.compile(r"[“\"]([^”\"]{10,140})[”\"]\s+(?:project|program|programme|initiative)", re.I)
_GENERIC = {"the program", "the project", "this program", "program", "project"}


def name_from_text(*texts: str | None) -> str | None:
    """A program title the texts give: a quoted project title, or a
    capitalised phrase ending in Program/Project/System… (with its acronym).
    Titles with an acronym and named programs/projects rank first."""
    best = None
    for text in (t for t in texts if t):
        first_sentence_end = (re.search(r"[.;:](?:\s|$)", text) or re.search(r"$", text)).end()
        cands = []
        for m in _QUOTED.finditer(text):
            cands.append((6, m.start(), m.group(1).strip()))
        for rx in (_TITLE, _TITLE_KW_FIRST):
            for m in rx.finditer(text):
                title = m.group(1).strip()
                title = re.sub(r"^(?:(?:The|Through|Within|In|Under|By|Or|And|With|For)\s+)+(?:the\s+)?", "", title)
                if fold(title) in _GENERIC or len(title.split()) < 2:
                    continue
                named = re.search(r"Program|Project", title) is not None
                # a summary opens with the program's own name; others it cites come later
                score = ((2 if m.group(2) else 0) + (3 if named else 2)
                         + (2 if named and m.start() < first_sentence_end else 0))
                shown = f"{title} ({m.group(2)})" if m.group(2) else title
                cands.append((score, m.start(), shown))
        if cands:
            score, _, title = max(cands, key=lambda c: (c[0], -c[1]))
            if best is None or score > best[0]:
                best = (score, title)
        if best and best[0] >= 5:
            break
    if best:
        return best[1]
    return _frequent_phrase(" ".join(t for t in texts if t))


_PHRASE = re.compile(r"(?<![.:;]\s)(?<!^)\b([A-Z][a-z]+(?:\s+(?:of\s+|for\s+|the\s+)*[A-Z][a-z]+)+)")
_NOT_A_PROGRAM = re.compile(r"Department|Secretariat|Organization|Commission|Committee|Ministry|"
                            r"Office|Council|Court|Member|States|Americas|Republic|Nations|Union", re.I)


def _frequent_phrase(text: str) -> str | None:
    """Last resort: the capitalised phrase the texts repeat most (a program
    that is never named still names what it builds, e.g. "… Units")."""
    counts: dict[str, int] = {}
    for m in _PHRASE.finditer(text):
        p = m.group(1)
        if _NOT_A_PROGRAM.search(p) or find_country(p):
            continue
        counts[p] = counts.get(p, 0) + 1
    if not counts:
        return None
    phrase, n = max(counts.items(), key=lambda kv: (kv[1], len(kv[0])))
    return phrase if n >= 2 else None


def find_country(text: str) -> bool:
    from .countries import find_mentions
    return bool(find_mentions(text))
