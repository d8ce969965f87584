"""Query-string rules every API view shares: only the parameters it documents, each once."""

import re

from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from api.exceptions import invalid

# Characters no query value or path slug may contain (NUL and the other C0 controls but tab,
# newline and carriage return, and DEL): the one definition, as a regex and as an OpenAPI pattern.
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
CONTROL_CHARACTERS = re.compile(f"[{_CONTROL}]")
NO_CONTROL_CHARACTERS_PATTERN = f"^[^{_CONTROL}]*$"


def check_query_parameters(
    request: Request,
    accepted: set[str],
    *,
    may_be_empty: frozenset[str] = frozenset(),
    repeatable: frozenset[str] = frozenset(),
    formats: tuple[str, ...] = ("json",),
) -> None:
    """Reject unknown, repeated, empty and malformed query parameters, naming the valid ones
    (in the message, and as the problem's ``valid`` list).

    A parameter in ``repeatable`` (a list, such as ``profile``) may be given several times.
    """
    errors = {}
    accepted = sorted(accepted | {"format"})
    for name in request.query_params:
        values = request.query_params.getlist(name)
        if name not in accepted:
            errors[name] = [
                invalid(f"Unknown parameter; accepted: {', '.join(accepted)}.", accepted)
            ]
        elif len(values) > 1 and name not in repeatable:
            errors[name] = [invalid("Given more than once; give it once.")]
        elif not all(v.strip() for v in values) and name not in may_be_empty:
            errors[name] = [invalid("Empty; give a value or leave the parameter out.")]
        elif any(CONTROL_CHARACTERS.search(value) for value in values):
            errors[name] = [invalid("Contains a control character (such as NUL); remove it.")]
        elif name == "format" and values[0] not in formats:
            errors[name] = [
                invalid(f"Unknown format {values[0]!r}; valid: {', '.join(formats)}.", formats)
            ]
    if errors:
        raise ValidationError(errors)


class StrictQueryMixin:
    """Check the query string before anything else, content negotiation included, so every
    bad parameter is a 400 that names the valid ones. Methods a view does not serve are left to
    DRF's 405."""

    query_parameters: frozenset[str] = frozenset()
    may_be_empty: frozenset[str] = frozenset()
    repeatable: frozenset[str] = frozenset()
    formats: tuple[str, ...] = ("json",)

    def accepted_query_parameters(self) -> set[str]:
        return set(self.query_parameters)

    def serves(self, request: Request) -> bool:
        return hasattr(self, request.method.lower())

    def initial(self, request: Request, *args, **kwargs) -> None:
        if self.serves(request):
            check_query_parameters(
                request,
                self.accepted_query_parameters(),
                may_be_empty=self.may_be_empty,
                repeatable=self.repeatable,
                formats=self.formats,
            )
        super().initial(request, *args, **kwargs)
