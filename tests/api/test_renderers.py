"""The API's JSON is DRF's, byte for byte, though orjson encodes it (api.renderers).

Every endpoint the API root lists, with the first details of each list, is served twice: once
as configured and once with DRF's own JSONRenderer in its place; the bodies must be identical.
Then arbitrary values of every kind a view can hand the renderer (nested, non-ASCII, U+2028,
dates and times, decimals, UUIDs, lazy strings, integers past 64 bits, integer keys) render to
the same bytes, or fail the same way, with both renderers.
"""

import datetime
import decimal
import uuid

import pytest
from django.utils.functional import lazy
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer

from api.renderers import OrjsonRenderer
from content.versioning import content_version_get

ROOT = "/api/v1/"
# Not JSON documents of this renderer: the schema (drf-spectacular's renderers), the docs pages
# (HTML), FHIR and CDS Hooks (plain Django responses of their own media types).
ELSEWHERE = {"schema", "docs", "redoc", "fhir", "cds-services"}


def both(client, monkeypatch, url: str) -> tuple[bytes, bytes]:
    """``url``'s body as served, and as DRF's JSONRenderer would have rendered it."""
    served = client.get(url)
    assert served.status_code == 200, (url, served.content[:300])
    with monkeypatch.context() as patch:
        patch.setattr(OrjsonRenderer, "render", JSONRenderer.render)
        drf = client.get(url)
    return served.content, drf.content


@pytest.mark.django_db
def test_every_endpoint_serves_what_drf_s_renderer_would(client, monkeypatch, settings):
    settings.API_CACHE = False
    root = client.get(ROOT).json()
    urls = [
        link.removeprefix("http://testserver")
        for name, link in root.items()
        if name not in ELSEWHERE and isinstance(link, str)
    ]
    urls.remove("/api/v1/changes/")  # needs the version of the client's copy
    urls.append(f"/api/v1/changes/?since={content_version_get().token}")
    urls += [
        "/api/v1/recommendations/?disorder=ptsd&compound=mdma",
        "/api/v1/recommendations/?disorder=alcohol-use-disorder&compound=ketamine",
    ]
    urls.remove("/api/v1/recommendations/")  # needs a disorder and a compound (above)
    checked = 0
    for url in urls:
        served, drf = both(client, monkeypatch, url)
        assert served == drf, url
        checked += 1
        body = client.get(url).json()
        for item in (body.get("results") or [])[:3] if isinstance(body, dict) else []:
            if isinstance(item, dict) and isinstance(item.get("url"), str):
                served, drf = both(client, monkeypatch, item["url"])
                assert served == drf, item["url"]
                checked += 1
    assert checked > 30  # every list and its details, not an empty loop


class Colour(str):
    """A str subclass, as Django's SafeString and TextChoices members are."""


lazy_text = lazy(lambda text: text, str)

SPECIAL = ["\u2028", "\u2029", "\x00", '"', "\\", "é", "ω", "💊", "\t", "\ud800"]
TEXT = st.lists(st.sampled_from(SPECIAL) | st.characters(codec="utf-8"), max_size=8).map("".join)
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),  # beyond 64 bits too: orjson refuses, DRF renders
    TEXT,
    TEXT.map(Colour),
    TEXT.map(lazy_text),
    st.datetimes(timezones=st.sampled_from([None, datetime.UTC])),
    st.dates(),
    st.times(),
    st.timedeltas(),
    st.decimals(places=4),
    st.sampled_from([decimal.Decimal("Infinity"), decimal.Decimal("NaN")]),
    st.uuids(),
)
VALUES = st.recursive(
    LEAVES,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=4).map(tuple),
        st.dictionaries(st.one_of(TEXT, st.integers(-5, 5)), children, max_size=4),
    ),
    max_leaves=20,
)


def outcome(renderer, value):
    try:
        return renderer.render(value)
    except Exception as error:  # the same failure is part of the same behaviour
        return type(error)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_any_value_renders_to_drf_s_bytes(value):
    assert outcome(OrjsonRenderer(), value) == outcome(JSONRenderer(), value)


def test_the_javascript_line_separators_are_escaped():
    assert OrjsonRenderer().render({"a": "x\u2028y\u2029"}) == b'{"a":"x\\u2028y\\u2029"}'


def test_without_strict_json_drf_s_renderer_writes_nan(monkeypatch):
    monkeypatch.setattr(JSONRenderer, "strict", False)  # STRICT_JSON, read when DRF is imported
    assert OrjsonRenderer().render({"a": float("nan")}) == b'{"a":NaN}'


def test_a_lone_surrogate_fails_as_drf_fails():
    with pytest.raises(UnicodeEncodeError):
        OrjsonRenderer().render({"a": "\ud800"})


def test_uuids_decimals_and_times_are_spelled_as_drf_spells_them():
    value = {
        "id": uuid.UUID(int=1),
        "amount": decimal.Decimal("1.50"),
        "at": datetime.datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.UTC),
    }
    assert OrjsonRenderer().render(value) == JSONRenderer().render(value)
    assert b'"at":"2025-01-02T03:04:05.678901Z"' in OrjsonRenderer().render(value)
