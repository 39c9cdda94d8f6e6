"""Exceptions of the atlas and the problem records they carry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the inputs, located as precisely as it can be.

    Parameters
    ----------
    file
        Path of the input file, relative to the data folder where possible.
    feature
        Id of the entry (feature, quote, claim, document) the problem is in, or ``""``.
    field
        Name of the field, or ``""`` when the entry as a whole is wrong.
    message
        What is wrong, with the bad value and what was expected.
    """

    file: str
    feature: str
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.feature:
            where += f": '{self.feature}'"
        if self.field:
            where += f": {self.field}"
        return f"{where}: {self.message}"


class GeoError(Exception):
    """Base class of every error the atlas raises on purpose."""


class InputError(GeoError, ValueError):
    """Inputs that cannot be built; carries every problem found in one pass."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sorted(set(problems))
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the inputs"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))


class CorpusError(InputError):
    """A document or quote is missing, changed or does not say what we cite."""


class CatalogError(InputError):
    """A catalogue entry is malformed, inconsistent or physically implausible."""


class LayerError(GeoError, ValueError):
    """Layers on disk are missing, stale or do not follow the rules they were written by."""


class FetchError(GeoError):
    """A network fetch failed in a way the caller must know about."""


class Problems:
    """Collects problems while validating, so that all of them are reported at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, file: str, feature: str, field: str, message: str) -> None:
        self.items.append(Problem(file, feature, field, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self, kind: type[InputError] = InputError) -> None:
        if self.items:
            raise kind(self.items)
