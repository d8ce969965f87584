"""Content negotiation that reads ``application/problem+json`` in Accept as a JSON client."""

from rest_framework.negotiation import DefaultContentNegotiation

from infra.errors import PROBLEM_MEDIA_TYPE


class ProblemAwareNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, except that ``application/problem+json`` in Accept never causes a 406.

    A client that lists problem+json says how it reads errors, not what a success should be; it
    reads JSON, so the token is negotiated as ``application/json``, falling back to whatever the
    endpoint offers (Swagger UI's HTML). Errors are problem+json whatever Accept says. An Accept
    that names nothing the endpoint offers, and no wildcard (``text/html`` alone), is still a 406:
    a problem whose ``errors`` lists the media types offered.

    The answer is a function of the media type alone: parameters in Accept choose nothing (DRF
    would let ``application/json; indent=4`` re-indent the body), so every client asking for JSON
    gets the same bytes and the response cache holds one entry per media type, not one per
    spelling of Accept (see infra.caching.negotiated_media_type).
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        renderer, _ = super().select_renderer(request, renderers, format_suffix)
        return renderer, renderer.media_type

    def get_accept_list(self, request) -> list[str]:
        tokens = super().get_accept_list(request)
        if not any(_media_type(token) == PROBLEM_MEDIA_TYPE for token in tokens):
            return tokens
        mapped = [
            "application/json" if _media_type(token) == PROBLEM_MEDIA_TYPE else token
            for token in tokens
        ]
        return [*mapped, "*/*"]


def _media_type(token: str) -> str:
    return token.split(";", 1)[0].strip().lower()
