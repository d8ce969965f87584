"""Reads of medication classes by the slugs clients name them with."""

from medications.models import Medication, MedicationClass


def medication_slugs() -> tuple[list[str], list[str]]:
    """Every slug ``medications=`` accepts, sorted: the classes', and their members' that are not
    also a class's."""
    classes = list(MedicationClass.objects.order_by("slug").values_list("slug", flat=True))
    members = Medication.objects.exclude(slug__in=classes).order_by("slug")
    return classes, list(members.values_list("slug", flat=True))


def medications_by_slug(slugs: list[str]) -> dict[str, MedicationClass]:
    """The medication class each slug names, by the class's slug or one of its members'; a class
    slug wins over a member's of the same spelling. Unknown slugs are left out."""
    found = {row.slug: row for row in MedicationClass.objects.filter(slug__in=slugs)}
    rest = [slug for slug in slugs if slug not in found]
    if rest:
        for member in Medication.objects.filter(slug__in=rest).select_related("medication_class"):
            found[member.slug] = member.medication_class
    return found
