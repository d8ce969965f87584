"""Admin forms shared by every content model."""

from django import forms


class CitedModelForm(forms.ModelForm):
    """A model form that refuses a statement saved without a reference.

    Reads the model's ``CITED_FIELDS`` ({text field: references field}), the same declaration the
    content loader checks, so admin and fixtures enforce one rule.
    """

    def clean(self):
        cleaned = super().clean()
        for text_field, refs_field in getattr(self._meta.model, "CITED_FIELDS", {}).items():
            if text_field not in self.fields or refs_field not in self.fields:
                continue
            if cleaned.get(text_field) and not cleaned.get(refs_field):
                label = self.fields[text_field].label or text_field
                self.add_error(refs_field, f"Cite at least one reference for “{label}”.")
        return cleaned
