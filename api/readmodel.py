"""The read model: the content rows the resource documents are built from, held per version.

A list or detail of a resource (compounds, mechanisms, disorders, modalities, guidance, profile
factors, safety statements, references) is a document built by plain functions (api.documents)
over these rows, instead of model instances and DRF serializers: profiled, those were most of
a cold answer's time (a disorder's detail: 10 ms of CPU and 8 queries, 60 % of it turning
prefetched rows into model instances, the rest DRF's serializers).

What is held is rows, not answers: each table's columns as the database returned them
(``values()``), in the order the database sorts them, with the many-to-many links as lists of
ids. Every document is still built for each request from them; the response cache
(infra.caching) is what keeps answers.

Each process loads every table once per content version, with a fixed number of queries
whatever the amount of content, on the first request that needs them; one load at a time per
process (a lock), as a load is a few milliseconds at today's size. A load is used only if the
content version did not change while it ran (read before and after, like a sequence lock: every
content write bumps the version, see content.signals), and only if every link in it points at a
row it holds; otherwise it is tried again, and after ``ATTEMPTS`` the request is answered the
slower way, from the database, as before.

The model is kept for the version it was loaded under and for the version the request that
loaded it had read, which may be older (a process reads the version from memory for up to
CONTENT_VERSION_MAX_STALENESS): a request under that older version is answered from the newer
rows, as a query would have answered it.
"""

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import models
from django.urls import get_script_prefix, reverse

from compounds.models import Compound, CompoundCode, CompoundMechanism, Mechanism
from content.models import ContentVersion
from disorders.models import Disorder, DisorderCode, ProfileFactor
from evidence.models import Reference
from guidance.models import Guidance, SafetyStatement
from modalities.models import Modality

# Loads tried per request before it is answered from the database instead.
ATTEMPTS = 3

# Each table: its model and the rows the API shows (guidance: published only).
TABLES: dict[str, models.QuerySet] = {
    "reference": Reference.objects.in_citation_order(),
    "compound": Compound.objects.all(),
    "mechanism": Mechanism.objects.all(),
    "compound_mechanism": CompoundMechanism.objects.all(),
    "disorder": Disorder.objects.all(),
    "profile_factor": ProfileFactor.objects.all(),
    "modality": Modality.objects.all(),
    "guidance": Guidance.objects.published(),
    "safety_statement": SafetyStatement.objects.all(),
    "compound_code": CompoundCode.objects.all(),
    "disorder_code": DisorderCode.objects.all(),
}
# The detail view of each table that has one, by slug.
DETAIL_VIEWS = {
    "compound": "compound-detail",
    "mechanism": "mechanism-detail",
    "disorder": "disorder-detail",
    "profile_factor": "profilefactor-detail",
    "modality": "modality-detail",
    "guidance": "guidance-detail",
    "safety_statement": "safetystatement-detail",
}
# The many-to-many fields to references, by table.
CITING = {
    "compound": ("references", "plasticity_window_references"),
    "mechanism": ("references",),
    "compound_mechanism": ("references",),
    "disorder": ("habitual_patterns_references", "plasticity_risk_references", "references"),
    "profile_factor": ("references",),
    "modality": ("references",),
    "guidance": ("references",),
    "safety_statement": ("references",),
}
# Foreign keys each table's rows hold, and the table they point at (checked on every load).
LINKS = {
    "compound_mechanism": {"compound_id": "compound", "mechanism_id": "mechanism"},
    "disorder": {"parent_id": "disorder"},
    "guidance": {
        "disorder_id": "disorder",
        "compound_id": "compound",
        "profile_factor_id": "profile_factor",
        "modality_id": "modality",
    },
    "safety_statement": {
        "disorder_id": "disorder",
        "compound_id": "compound",
        "profile_factor_id": "profile_factor",
    },
    "compound_code": {"compound_id": "compound"},
    "disorder_code": {"disorder_id": "disorder"},
}


class Torn(Exception):
    """A load saw the content change under it."""


@dataclass
class Table:
    """One table's rows: by id, in the database's order, and by slug where they have one."""

    rows: dict[int, dict]
    order: list[int]
    by_slug: dict[str, int] = field(default_factory=dict)

    def in_order(self) -> Iterable[dict]:
        return (self.rows[pk] for pk in self.order)


@dataclass
class ReadModel:
    """Every table's rows under one content version."""

    token: str
    script_prefix: str
    tables: dict[str, Table]
    # (table, field) -> owner id -> reference ids, in citation order.
    cites: dict[tuple[str, str], dict[int, list[int]]]
    tokens: set[str] = field(default_factory=set)
    # Groupings of the rows that documents derive once (api.documents), by name.
    derived: dict = field(default_factory=dict)

    def list_path(self, basename: str) -> str:
        """The path of a resource's list by its basename (``disorder``), reversed once."""
        key = ("list_path", basename)
        found = self.derived.get(key)
        if found is None:
            found = self.derived[key] = reverse(f"{basename}-list")
        return found

    def grouped(self, table: str, column: str) -> dict:
        """The rows of ``table`` by their value of ``column``, each group in the table's order
        (made on first use, then kept with the rows)."""
        key = (table, column)
        found = self.derived.get(key)
        if found is None:
            found = {}
            for row in self.tables[table].in_order():
                found.setdefault(row[column], []).append(row)
            self.derived[key] = found
        return found


def _load_table(name: str, queryset: models.QuerySet) -> Table:
    columns = [f.attname for f in queryset.model._meta.concrete_fields]
    rows: dict[int, dict] = {}
    order: list[int] = []
    for row in queryset.values(*columns):
        rows[row["id"]] = row
        order.append(row["id"])
    table = Table(rows, order)
    view = DETAIL_VIEWS.get(name)
    if view is not None:
        for row in rows.values():
            table.by_slug[row["slug"]] = row["id"]
            row["_path"] = reverse(view, kwargs={"slug": row["slug"]})
    return table


def _load_cites(name: str, model: type[models.Model], position: dict[int, int]) -> dict:
    loaded = {}
    for attribute in CITING[name]:
        through = model._meta.get_field(attribute).remote_field.through
        owner = next(
            f.attname
            for f in through._meta.concrete_fields
            if f.is_relation and f.related_model is model
        )
        target = next(
            f.attname
            for f in through._meta.concrete_fields
            if f.is_relation and f.related_model is Reference
        )
        by_owner: dict[int, list[int]] = {}
        for owner_id, reference_id in through.objects.values_list(owner, target):
            if reference_id not in position:
                raise Torn(f"{name}.{attribute} cites a reference not loaded")
            by_owner.setdefault(owner_id, []).append(reference_id)
        for cited in by_owner.values():
            cited.sort(key=position.__getitem__)
        loaded[(name, attribute)] = by_owner
    return loaded


def _version() -> str | None:
    return ContentVersion.objects.filter(pk=1).values_list("token", flat=True).first()


def load() -> ReadModel:
    """Load every table once, consistently (see the module's docstring); raises Torn if the
    content changed while it ran."""
    before = _version()
    tables = {name: _load_table(name, queryset) for name, queryset in TABLES.items()}
    position = {pk: i for i, pk in enumerate(tables["reference"].order)}
    cites = {}
    for name in CITING:
        cites.update(_load_cites(name, TABLES[name].model, position))
    for name, links in LINKS.items():
        for row in tables[name].rows.values():
            for column, target in links.items():
                if row[column] is not None and row[column] not in tables[target].rows:
                    raise Torn(f"{name}.{column} points at a row not loaded")
    after = _version()
    if before is None or before != after:
        raise Torn("the content version changed during the load")
    return ReadModel(after, get_script_prefix(), tables, cites, {after})


_lock = threading.Lock()
_current: ReadModel | None = None


def read_model(token: str) -> ReadModel | None:
    """The rows for content version ``token``: held, or loaded now (one load at a time); None if
    no consistent load succeeded (the caller answers from the database)."""
    global _current
    held = _current
    prefix = get_script_prefix()
    if held is not None and token in held.tokens and held.script_prefix == prefix:
        return held
    with _lock:
        held = _current
        if held is not None and token in held.tokens and held.script_prefix == prefix:
            return held
        for _ in range(ATTEMPTS):
            try:
                loaded = load()
            except Torn:
                continue
            if held is not None and held.token == loaded.token:
                loaded.tokens |= held.tokens
            loaded.tokens.add(token)
            _current = loaded
            return loaded
    return None


# The tables of the models a query may name by slug (api.serializers.recommendation_query).
MODEL_TABLES = {Compound: "compound", Disorder: "disorder", ProfileFactor: "profile_factor"}


def held_instance(model: ReadModel | None, cls: type[models.Model], slug: str):
    """A new instance of the row of ``cls`` with this slug, made from the held row as a query
    would have made it; None where there is no read model, or no such row in it."""
    if model is None or cls not in MODEL_TABLES:
        return None
    table = model.tables[MODEL_TABLES[cls]]
    pk = table.by_slug.get(slug)
    if pk is None:
        return None
    return instance_from_row(cls, table.rows[pk])


def instance_from_row(cls: type[models.Model], row: dict, columns: Sequence[str] = ()):
    """A model instance made from a held row, as a query of these columns (default: all) would
    have made it."""
    columns = columns or [f.attname for f in cls._meta.concrete_fields]
    return cls.from_db("default", columns, tuple(row[c] for c in columns))


def forget() -> None:
    """Drop the held rows (tests; the next request loads them again)."""
    global _current
    _current = None
