"""Helpers for text fields that editors fill in one item per line."""


def lines(text: str) -> list[str]:
    """Split a one-item-per-line text field into its non-empty, stripped items."""
    return [line.strip() for line in text.splitlines() if line.strip()]
