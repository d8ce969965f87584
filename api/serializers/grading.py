"""How the grading of guidance is shown (guidance/grading.py holds the rules)."""

from rest_framework import serializers

from guidance.grading import Certainty


class CertaintyField(serializers.ChoiceField):
    """A GRADE certainty; null for a good practice statement, which GRADE does not rate."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "GRADE certainty of the evidence (high, moderate, low, very_low); null for a good "
            "practice statement.",
        )
        super().__init__(choices=Certainty.choices, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None
