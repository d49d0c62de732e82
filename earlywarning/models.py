"""The latest early-warning score of each area: recomputed nightly and when its inputs change
(``earlywarning.services.warnings_recompute``), read by the round's list, My work, My areas and
the area page, so none of them computes a score while a person waits."""

from django.db import models


class AreaWarning(models.Model):
    area = models.OneToOneField("programmes.Area", on_delete=models.CASCADE, related_name="warning")
    score = models.PositiveSmallIntegerField(default=0)
    flagged = models.BooleanField(default=False)
    # [{"signal": name, "points": n, "reason": "no contact for 41 days"}, ...], worst first.
    reasons = models.JSONField(default=list, blank=True)
    as_of = models.DateField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-score", "area__reference"]
        indexes = [models.Index(fields=["-score"], name="areawarning_score")]

    def __str__(self):
        return f"{self.area_id}: {self.score}"
