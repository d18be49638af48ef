"""Themes: the theme labels of a corpus -> splits of the flattened "Autres thématiques" rows.

Input: the main-theme paths (level 1, 2, 3) of every record of a build. Output: for a row such
as ``Santé Accès aux soins Hôpitaux 2`` the theme path and the priority, or None where the row
cannot be split without guessing (no split, or more than one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from . import names

_PRIORITY = re.compile(r"^(?P<rest>.*?)\s+(?P<priority>\d+)$")


@dataclass(frozen=True)
class ThemeRow:
    """One "Autres thématiques" row; ``path`` is empty when it could not be split."""

    raw: str
    path: tuple[str, ...]
    priority: int | None


class ThemeVocabulary:
    """The labels of each theme level met in a corpus, and the known paths."""

    def __init__(self, paths: Iterable[tuple[str, ...]]) -> None:
        self.paths = {tuple(p) for p in paths if p}
        self.levels: list[dict[str, str]] = [{}, {}, {}]
        for path in sorted(self.paths):
            for level, label in enumerate(path[:3]):
                self.levels[level].setdefault(names.fold(label), label)
        self._rows: dict[str, ThemeRow] = {}  # the same rows come back in many records

    def split(self, raw: str) -> ThemeRow:
        row = self._rows.get(raw)
        if row is None:
            row = self._rows[raw] = self._split(raw)
        return row

    def _split(self, raw: str) -> ThemeRow:
        match = _PRIORITY.match(raw)
        text, priority = (match["rest"], int(match["priority"])) if match else (raw, None)
        splits = self._splits(names.fold(text), 0)
        unique = {tuple(s) for s in splits}
        if len(unique) != 1:
            return ThemeRow(raw, (), priority)
        return ThemeRow(raw, next(iter(unique)), priority)

    def _splits(self, folded: str, level: int) -> list[list[str]]:
        if not folded:
            return [[]]
        if level >= len(self.levels):
            return []
        found = []
        for key, label in self.levels[level].items():
            if folded == key:
                found.append([label])
            elif folded.startswith(key + " "):
                found.extend([label, *rest] for rest in self._splits(folded[len(key) + 1:], level + 1) if rest)
        return found
