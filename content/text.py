"""Helpers for content text: names inside sentences, and fields filled in one item per line."""


def in_sentence(name: str) -> str:
    """Return a name as written inside a sentence: 'Alcohol use disorder' -> 'alcohol use
    disorder', while acronyms keep their capitals ('PTSD', 'SSRIs')."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def lines(text: str) -> list[str]:
    """Split a one-item-per-line text field into its non-empty, stripped items."""
    return [line.strip() for line in text.splitlines() if line.strip()]
