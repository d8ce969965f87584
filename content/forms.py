"""Admin forms shared by every content model."""

from django import forms
from django.conf import settings
from django.utils.module_loading import import_string

from content.models import statements_of


class CitedModelForm(forms.ModelForm):
    """A model form that refuses a statement saved without a reference, or with a provenance and
    locator that misstate who states it.

    Reads the model's ``STATEMENTS``, the same declaration the content loader checks, and runs the
    same check (``settings.CONTENT_STATEMENT_CHECK``), so admin and fixtures enforce one rule.
    """

    def clean(self):
        cleaned = super().clean()
        check = import_string(settings.CONTENT_STATEMENT_CHECK)
        for statement in statements_of(self._meta.model):
            if statement.text not in self.fields or statement.references not in self.fields:
                continue
            text, references = cleaned.get(statement.text), cleaned.get(statement.references)
            if text and not references:
                label = self.fields[statement.text].label or statement.text
                self.add_error(statement.references, f"Cite at least one reference for “{label}”.")
                continue
            if statement.provenance not in self.fields:
                continue
            for problem in check(
                text=text or "",
                provenance=cleaned.get(statement.provenance) or "",
                locator=cleaned.get(statement.locator) or "",
                references=list(references or []),
            ):
                field = statement.provenance if "provenance" in problem else statement.locator
                self.add_error(field if field in self.fields else None, problem)
        return cleaned
