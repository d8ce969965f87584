"""Load the article's structured content from YAML fixtures, idempotently and without ever
silently overwriting a row an editor changed in admin.

Each fixture file maps onto one model through a :class:`Spec` declared by the app that owns the
model. Rows are matched by natural key (slug, seed number or DOI). For every row the loader keeps
a fingerprint of what it last wrote (:class:`content.models.LoadedEntry`); a row whose current
values no longer match that fingerprint was changed by somebody else, and is reported and left as
it is unless the caller asks to overwrite.
"""

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.module_loading import import_string

from content.models import LoadedEntry, statements_of, valid_slugs
from content.review import content_write


@dataclass(frozen=True)
class ForeignKey:
    """A fixture key naming a related row by its natural key (a slug unless told otherwise)."""

    field: str
    lookup: str = "slug"


@dataclass(frozen=True)
class Child:
    """A list nested inside each entry whose items are rows of another model."""

    key: str
    parent_field: str
    spec: "Spec"


@dataclass(frozen=True)
class Spec:
    """How entries of one fixture (or one nested list) map onto one model."""

    model: type[models.Model]
    key: tuple[str, ...] = ("slug",)
    fields: tuple[str, ...] = ()
    text_lists: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    citations: tuple[str, ...] = ()
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    identify: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    children: tuple[Child, ...] = ()
    # Called on each row the loader creates (not on updates): state that is not the fixture's to
    # manage afterwards, such as a guidance row's publication.
    on_create: Callable[[models.Model], None] | None = None
    # Rules of the model's own that need its references too (values and resolved citations in,
    # problems out), such as how guidance may be graded.
    check: Callable[[dict[str, Any], dict[str, list[models.Model]]], list[str]] | None = None

    def __post_init__(self) -> None:
        """Each cited statement the spec loads brings who states it: its provenance is a field
        and its locator a list of lines, in the fixture as on the model."""
        fields, text_lists = list(self.fields), list(self.text_lists)
        for statement in statements_of(self.model):
            if statement.text in fields:
                fields += [f for f in (statement.provenance,) if f not in fields]
                text_lists += [f for f in (statement.locator,) if f not in text_lists]
        object.__setattr__(self, "fields", tuple(fields))
        object.__setattr__(self, "text_lists", tuple(text_lists))

    @property
    def label(self) -> str:
        """Return the model label LoadedEntry rows use, e.g. 'compounds.compound'."""
        return self.model._meta.label_lower

    def accepted_keys(self) -> set[str]:
        """Return every key an entry of this spec may have."""
        return (
            set(self.key)
            | set(self.fields)
            | set(self.text_lists)
            | {fk.field for fk in self.foreign_keys}
            | set(self.citations)
            | {child.key for child in self.children}
        )


def codes_child(model: type[models.Model], parent_field: str) -> Child:
    """The ``codes:`` list of an entry: its standard codes (content.codes), keyed by system and
    code."""
    return Child(
        key="codes",
        parent_field=parent_field,
        spec=Spec(model=model, key=("system", "code"), fields=("display", "match", "source")),
    )


@dataclass(frozen=True)
class CitationSource:
    """How other fixtures cite rows of a file's model, declared by the app that owns the model.

    ``tokens`` gives the values a row can be cited by (None values are skipped), ``normalize``
    turns a token written in a fixture into the same form, and ``hint`` tells an author what to
    cite when a token matches nothing.
    """

    tokens: Callable[[models.Model], Iterable[Any]]
    normalize: Callable[[Any], Any] = lambda token: token
    hint: str = ""


@dataclass(frozen=True)
class ContentFile:
    """One YAML file in the fixtures folder and the spec its entries follow.

    A file with a ``citation_source`` holds the rows that the files after it cite (references).
    """

    name: str
    spec: Spec
    citation_source: CitationSource | None = None


class _CitationIndex:
    """Resolves citation tokens to rows of the citable model, read once per load."""

    def __init__(self, model: type[models.Model], source: CitationSource):
        self.model = model
        self.source = source
        self._rows: dict[Any, models.Model] | None = None

    def resolve(self, token: Any) -> models.Model | None:
        if self._rows is None:
            self._rows = {}
            for row in self.model.objects.all():
                for value in self.source.tokens(row):
                    if value is not None:
                        self._rows[self.source.normalize(value)] = row
        return self._rows.get(self.source.normalize(token))


class ContentError(Exception):
    """A fixture that cannot be loaded; carries every problem found, each naming file and entry."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class FileReport:
    """What loading one file did."""

    name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    overwritten: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


@dataclass
class LoadReport:
    """What a whole load did, file by file."""

    files: list[FileReport] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Return whether the load wrote anything."""
        return any(f.created or f.updated or f.overwritten for f in self.files)

    @property
    def kept(self) -> list[str]:
        """Return every row left alone because somebody changed it since the last load."""
        return [item for f in self.files for item in f.kept]


LOADER_USERNAME = "content-loader"


def loader_user():
    """The account the loader's changes are attributed to in each row's history (it cannot log
    in)."""
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username=LOADER_USERNAME, defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def load_content(
    files: Iterable[ContentFile], directory: Path, *, overwrite: bool = False, dry_run: bool = False
) -> LoadReport:
    """Load every file in order inside one transaction and return what changed.

    Raises :class:`ContentError` (and writes nothing) if any entry fails validation, naming every
    problem of every file. With
    ``overwrite`` rows changed by editors are replaced by the fixture; with ``dry_run`` the
    transaction is rolled back after the report is built. Every change is recorded in the rows'
    history as made by the ``content-loader`` account.
    """
    report = LoadReport()
    citations: _CitationIndex | None = None
    problems: list[str] = []
    with transaction.atomic():
        user = loader_user()
        for content_file in files:
            loader = _FileLoader(
                content_file, directory, overwrite=overwrite, user=user, citations=citations
            )
            report.files.append(loader.load())
            problems += loader.problems
            if content_file.citation_source is not None:
                citations = _CitationIndex(content_file.spec.model, content_file.citation_source)
        if problems:
            raise ContentError(problems)
        if dry_run:
            transaction.set_rollback(True)
    return report


class _FileLoader:
    """Loads the entries of one file; collects every problem before giving up on the file."""

    def __init__(
        self,
        content_file: ContentFile,
        directory: Path,
        *,
        overwrite: bool,
        user=None,
        citations: _CitationIndex | None = None,
    ):
        self.file = content_file
        self.citations = citations
        self.user = user
        self.path = directory / content_file.name
        self.overwrite = overwrite
        self.report = FileReport(content_file.name)
        self.problems: list[str] = []

    def load(self) -> FileReport:
        entries = self._read()
        for index, entry in enumerate(entries, start=1):
            self._load_entry(self.file.spec, entry, label=f"entry {index}", parent=None)
        return self.report

    def _read(self) -> list[dict[str, Any]]:
        try:
            data = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ContentError([f"{self.path}: file not found"]) from None
        except yaml.YAMLError as exc:
            raise ContentError([f"{self.path}: not valid YAML: {exc}"]) from None
        if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
            raise ContentError([f"{self.path}: expected a list of entries (mappings)"])
        return data

    def _problem(self, label: str, message: str) -> None:
        self.problems.append(f"{self.path.name}, {label}: {message}")

    def _load_entry(
        self, spec: Spec, raw: dict[str, Any], *, label: str, parent: tuple[str, Any] | None
    ) -> None:
        try:
            entry = spec.prepare(dict(raw)) if spec.prepare else dict(raw)
        except (ValueError, TypeError, KeyError) as exc:
            self._problem(label, str(exc))
            return
        label = _describe(spec, entry, label)
        unknown = set(entry) - spec.accepted_keys()
        if unknown:
            self._problem(
                label,
                f"unknown field(s) {', '.join(sorted(unknown))}; "
                f"accepted: {', '.join(sorted(spec.accepted_keys()))}",
            )
            return
        values, problems = self._resolve(spec, entry)
        if parent:
            values[parent[0]] = parent[1]
        citations, citation_problems = self._resolve_citations(spec, entry)
        problems += citation_problems
        try:
            lookup = spec.identify(values) if spec.identify else _lookup(spec, values, parent)
        except ValueError as exc:
            problems.append(str(exc))
        if problems:
            for message in problems:
                self._problem(label, message)
            return
        # A statement that misstates its source is reported, but the row is still written inside
        # the load's transaction (which the problem rolls back), so that the entries and files
        # after it are checked against it too and one run reports every problem.
        rules = _statement_problems(spec, values, citations)
        if spec.check and not rules:
            rules += spec.check(values, citations)
        for message in rules:
            self._problem(label, message)

        instance = self._save(spec, lookup, values, citations, label)
        if instance is None:
            return
        for child in spec.children:
            for index, item in enumerate(entry.get(child.key) or [], start=1):
                if not isinstance(item, dict):
                    self._problem(label, f"{child.key} item {index} is not a mapping")
                    continue
                self._load_entry(
                    child.spec,
                    item,
                    label=f"{label}, {child.key} item {index}",
                    parent=(child.parent_field, instance),
                )

    def _resolve(self, spec: Spec, entry: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """Map fixture keys to model field values; name every dangling slug."""
        values: dict[str, Any] = {}
        problems: list[str] = []
        for name in (*spec.key, *spec.fields):
            if name in {fk.field for fk in spec.foreign_keys}:
                continue
            values[name] = entry[name] if name in entry else _default(spec.model, name)
        for name in spec.text_lists:
            items = entry.get(name) or []
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                problems.append(f"{name} must be a list of strings")
                continue
            values[name] = "\n".join(item.strip() for item in items)
        for fk in spec.foreign_keys:
            target = entry.get(fk.field)
            if target is None:
                values[fk.field] = None
                continue
            related = spec.model._meta.get_field(fk.field).related_model
            try:
                values[fk.field] = related.objects.get(**{fk.lookup: target})
            except related.DoesNotExist:
                known = (
                    valid_slugs(related)
                    if fk.lookup == "slug"
                    else related.objects.order_by(fk.lookup).values_list(fk.lookup, flat=True)
                )
                problems.append(
                    f"unknown {fk.field} {target!r}; known: {', '.join(map(str, known))}"
                )
        return values, problems

    def _resolve_citations(
        self, spec: Spec, entry: dict[str, Any]
    ) -> tuple[dict[str, list[models.Model]], list[str]]:
        """Turn lists of citation tokens into rows; name each one not found."""
        resolved: dict[str, list[models.Model]] = {}
        problems: list[str] = []
        if spec.citations and self.citations is None:
            return resolved, [
                "cites sources, but no file loaded before it declares a citation source"
            ]
        for name in spec.citations:
            tokens = entry.get(name) or []
            if not isinstance(tokens, list):
                problems.append(f"{name} must be a list of citation tokens")
                continue
            rows = []
            for token in tokens:
                row = self.citations.resolve(token)
                if row is None:
                    hint = f" ({self.citations.source.hint})" if self.citations.source.hint else ""
                    problems.append(f"{name}: no reference {token!r}{hint}")
                else:
                    rows.append(row)
            resolved[name] = rows
        return resolved, problems

    def _last_written_by_loader(self, instance: models.Model) -> bool:
        """Whether nobody but the loader has changed the row since it last wrote it.

        The fingerprint no longer matching is then not an editor's change but the fixtures'
        format growing (a field added to a spec); the row's history tells the two apart.
        """
        return self.user is not None and _last_written_by(instance) == self.user.pk

    def _save(
        self,
        spec: Spec,
        lookup: dict[str, Any],
        values: dict[str, Any],
        citations: dict[str, list[models.Model]],
        label: str,
    ) -> models.Model | None:
        key = _key_string(lookup)
        desired = _fingerprint(spec, values, citations)
        # Lock the row (on PostgreSQL) until the load commits, so an editor's save cannot slip in
        # between comparing it with the last load and writing over it.
        record = LoadedEntry.objects.filter(model=spec.label, key=key).first()
        instance = spec.model.objects.select_for_update().filter(**lookup).first()

        if instance is None:
            if record is not None and not self.overwrite:
                self.report.kept.append(f"{spec.label} {key} (deleted since the last load)")
                return None
            instance = spec.model()
            outcome = "overwritten" if record is not None else "created"
        else:
            current = _fingerprint(
                spec, _current_values(spec, instance), _current_citations(spec, instance)
            )
            if current == desired:
                _remember(spec, key, desired, record)
                self.report.unchanged += 1
                return instance
            if record is not None and (
                record.fingerprint == current or self._last_written_by_loader(instance)
            ):
                outcome = "updated"
            elif self.overwrite:
                outcome = "overwritten"
            else:
                self.report.kept.append(f"{spec.label} {key} (changed since the last load)")
                return instance

        changed = [name for name, value in values.items() if getattr(instance, name, None) != value]
        for name in changed:
            setattr(instance, name, values[name])
        creating = instance.pk is None
        if creating and spec.on_create:
            spec.on_create(instance)
        try:
            instance.full_clean()
        except ValidationError as exc:
            self._problem(label, _validation_message(exc))
            return None
        cited = {
            name: refs
            for name, refs in citations.items()
            if creating or {r.pk for r in getattr(instance, name).all()} != {r.pk for r in refs}
        }
        if creating or changed or cited:
            # One history entry for the row and its references, attributed to the loader.
            content_write(
                instance,
                user=self.user,
                reason=f"load_content: {self.file.name}",
                # Write only what differs, so a concurrent edit to another column survives.
                update_fields=None if creating else [*changed, "updated_at"],
                save_m2m=lambda: [
                    getattr(instance, name).set(refs) for name, refs in cited.items()
                ],
            )
        _remember(spec, key, desired, record)
        if outcome == "created":
            self.report.created += 1
        elif outcome == "updated":
            self.report.updated += 1
        else:
            self.report.overwritten.append(f"{spec.label} {key}")
        return instance


def _last_written_by(instance: models.Model):
    """Return the id of the user whose change is the row's latest history entry, if it has any."""
    history = getattr(instance, "history", None)
    latest = history.order_by("-history_date", "-history_id").first() if history else None
    return latest.history_user_id if latest else None


def _describe(spec: Spec, entry: dict[str, Any], label: str) -> str:
    """Name an entry by its position and its key, e.g. "entry 3 (slug 'ketamine')"."""
    parts = [f"{k} {entry[k]!r}" for k in spec.key if entry.get(k) is not None]
    return f"{label} ({', '.join(parts)})" if parts else label


def _lookup(spec: Spec, values: dict[str, Any], parent: tuple[str, Any] | None) -> dict[str, Any]:
    """Return the natural-key filter for an entry, its parent included for nested rows."""
    missing = [k for k in spec.key if values.get(k) in (None, "")]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    lookup = {k: values[k] for k in spec.key}
    if parent:
        lookup[parent[0]] = parent[1]
    return lookup


def _default(model: type[models.Model], name: str) -> Any:
    return model._meta.get_field(name).get_default()


def _statement_problems(
    spec: Spec, values: dict[str, Any], citations: dict[str, list[models.Model]]
) -> list[str]:
    """Name every statement that lacks a reference or misstates who states it (the model's
    STATEMENTS, checked by settings.CONTENT_STATEMENT_CHECK), and every empty required list."""
    problems = []
    check = import_string(settings.CONTENT_STATEMENT_CHECK)
    for statement in statements_of(spec.model):
        text, refs_field = values.get(statement.text), statement.references
        if refs_field not in citations or statement.text not in values:
            continue
        if text and not citations[refs_field]:
            problems.append(f"{statement.text} has no reference in {refs_field}")
            continue
        problems += [
            f"{statement.text}: {problem}"
            for problem in check(
                text=text,
                provenance=values.get(statement.provenance, ""),
                locator=values.get(statement.locator, ""),
                references=citations[refs_field],
            )
        ]
    for name, refs in citations.items():
        if not spec.model._meta.get_field(name).blank and not refs:
            problems.append(f"{name} needs at least one reference")
    return problems


def _current_values(spec: Spec, instance: models.Model) -> dict[str, Any]:
    names = (*spec.key, *spec.fields, *spec.text_lists)
    values = {name: getattr(instance, name) for name in names}
    for fk in spec.foreign_keys:
        values[fk.field] = getattr(instance, fk.field)
    return values


def _current_citations(spec: Spec, instance: models.Model) -> dict[str, list[models.Model]]:
    return {name: list(getattr(instance, name).all()) for name in spec.citations}


def _fingerprint(
    spec: Spec, values: dict[str, Any], citations: dict[str, list[models.Model]]
) -> str:
    """Hash the values the spec manages, with related rows by natural key, in a stable form."""
    fk_lookups = {fk.field: fk.lookup for fk in spec.foreign_keys}
    canonical: dict[str, Any] = {}
    for name in (*spec.key, *spec.fields, *spec.text_lists, *fk_lookups):
        value = values.get(name)
        if name in fk_lookups and value is not None:
            value = getattr(value, fk_lookups[name])
        canonical[name] = value
    for name in spec.citations:
        canonical[name] = sorted(ref.natural_key() for ref in citations.get(name, []))
    encoded = json.dumps(canonical, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


def _key_string(lookup: dict[str, Any]) -> str:
    parts = []
    for name, value in sorted(lookup.items()):
        if isinstance(value, models.Model):
            value = getattr(value, "slug", value.pk)
        parts.append(f"{name.removesuffix('__iexact')}={value}")
    return ",".join(parts)


def _remember(spec: Spec, key: str, fingerprint: str, record: LoadedEntry | None) -> None:
    if record is None:
        LoadedEntry.objects.create(model=spec.label, key=key, fingerprint=fingerprint)
    elif record.fingerprint != fingerprint:
        record.fingerprint = fingerprint
        record.save(update_fields=["fingerprint", "loaded_at"])


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)
