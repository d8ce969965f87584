"""What EHRs tell this service back: feedback on the CDS Hooks cards clinicians saw."""

from django.db import models


class CardOutcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    OVERRIDDEN = "overridden", "Overridden"


class CardFeedback(models.Model):
    """One card's outcome, as a CDS client reports it to ``/cds-services/{id}/feedback``: which
    card, accepted or overridden, and the clinician's reason and comment for an override."""

    service = models.CharField(max_length=60)
    card = models.UUIDField(help_text="The card's uuid, as this service issued it.")
    outcome = models.CharField(max_length=10, choices=CardOutcome.choices)
    outcome_at = models.DateTimeField(help_text="When the clinician acted (the client's clock).")
    override_reason = models.CharField(max_length=60, blank=True)
    user_comment = models.TextField(blank=True)
    accepted_suggestions = models.JSONField(default=list, blank=True)
    client = models.CharField(
        max_length=300,
        blank=True,
        help_text="The JWT issuer that reported it; empty if unauthenticated.",
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = "card feedback"
        verbose_name_plural = "card feedback"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=CardOutcome.values),
                name="cardfeedback_outcome_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service}: card {self.card} {self.outcome}"
