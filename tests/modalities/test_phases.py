"""Grouping by treatment phase: one helper, used by disorder pages and plans alike."""

from types import SimpleNamespace

from modalities.models import TreatmentPhase, by_phase


def test_items_are_grouped_in_treatment_order_with_every_phase_present():
    items = [SimpleNamespace(phase="integration", n=1), SimpleNamespace(phase="preparation", n=2)]
    grouped = by_phase(items)
    assert list(grouped) == ["preparation", "medication_session", "integration"]
    assert [[i.n for i in grouped[phase]] for phase in grouped] == [[2], [], [1]]


def test_the_phase_can_be_read_any_way():
    grouped = by_phase(["a", "b"], phase_of=lambda item: TreatmentPhase.MEDICATION_SESSION)
    assert grouped["medication_session"] == ["a", "b"]
