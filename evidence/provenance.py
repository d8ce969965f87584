"""Who says each statement, checked against the article itself.

A statement whose provenance is ``article`` quotes, in its locator, the article's own sentences
verbatim (one per line, from ``data/article-sentences.json``, a copy of the article's sentences
with the references each cites, ranges expanded), and may cite only references those sentences
cite (and the article). A ``cited_source`` statement names, line by line, the cited reference and
the part of it that supports the claim (``[N] ...``); an ``editorial`` one gives the reasoning.
The content loader and the admin forms both run :func:`statement_problems`.
"""

import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from content.models import Provenance
from evidence.models import ARTICLE_DOI, Reference

SENTENCES_FILE = Path(__file__).with_name("data") / "article-sentences.json"
CITED_LINE = re.compile(r"^\[(?P<token>[^\]]+)\] +\S")
CITATION_GROUP = re.compile(r"\(([0-9][0-9, ]*)\)")


def restore_ranges(sentence: str, refs: frozenset[int]) -> str:
    """Put back the en dashes the article's text lost in citation ranges.

    The source text prints "(5-7)" as "(57)", which reads as a citation of reference 57. A digit
    run that is not itself a cited number is read as the range its cited numbers make: "(57)"
    with refs 5, 6, 7 is "(5-7)" (with an en dash); "(23, 3437)" with 23 and 34 to 37 is
    "(23, 34-37)".
    """

    def number(token: str) -> str:
        if int(token) in refs:
            return token
        for cut in range(1, len(token)):
            first, last = int(token[:cut]), int(token[cut:])
            if token[cut] != "0" and first < last and set(range(first, last + 1)) <= refs:
                return f"{first}\u2013{last}"
        return token

    def group(match: re.Match) -> str:
        return "(" + ", ".join(number(t.strip()) for t in match[1].split(",")) + ")"

    return CITATION_GROUP.sub(group, sentence)


@cache
def article_sentences() -> dict[str, frozenset[int]]:
    """Return every sentence of the article's body, its citation ranges restored (as the
    published article prints them), with the seed numbers it cites."""
    rows = json.loads(SENTENCES_FILE.read_text(encoding="utf-8"))
    return {
        restore_ranges(row["sentence"], frozenset(row["refs"])): frozenset(row["refs"])
        for row in rows
    }


def _token(reference: Reference) -> str:
    return str(reference.seed_number) if reference.seed_number is not None else reference.doi


def statement_problems(
    *, text: str, provenance: str, locator: str, references: Iterable[Reference]
) -> list[str]:
    """Return what is wrong with who a statement says states it; empty when nothing is.

    Every message names the problem in words an editor can act on: the sentence not found, or
    the reference the quoted sentences do not cite.
    """
    if not text:
        return []
    if provenance not in Provenance.values:
        valid = ", ".join(Provenance.values)
        return [f"provenance {provenance!r} is not one of {valid}"]
    lines = [line.strip() for line in locator.splitlines() if line.strip()]
    if not lines:
        return [f"a statement with provenance {provenance!r} needs a locator"]
    references = list(references)
    if provenance == Provenance.ARTICLE:
        return _article_problems(lines, references)
    if provenance == Provenance.CITED_SOURCE:
        return _cited_source_problems(lines, references)
    return []


def _article_problems(lines: list[str], references: list[Reference]) -> list[str]:
    sentences = article_sentences()
    problems, cited = [], set()
    for line in lines:
        if line not in sentences:
            problems.append(f"the locator quotes a sentence that is not in the article: {line!r}")
        else:
            cited |= sentences[line]
    if problems:
        return problems
    for reference in references:
        if reference.seed_number is None:
            if reference.doi != ARTICLE_DOI:
                problems.append(
                    f"reference {reference.doi} is outside the article; a statement the article "
                    "makes cites the article or its numbered references"
                )
        elif reference.seed_number not in cited:
            problems.append(
                f"reference {reference.seed_number} is not cited by the quoted sentence(s), "
                f"which cite {', '.join(map(str, sorted(cited))) or 'nothing'}"
            )
    return problems


def _cited_source_problems(lines: list[str], references: list[Reference]) -> list[str]:
    tokens = {_token(reference) for reference in references}
    problems = []
    for line in lines:
        match = CITED_LINE.match(line)
        if match is None:
            problems.append(
                f"a cited_source locator line starts with the reference it quotes, e.g. "
                f"'[75] title or summary line'; got {line!r}"
            )
        elif match["token"] not in tokens:
            problems.append(
                f"the locator names reference {match['token']}, which the statement does not cite"
            )
    return problems
