"""The feedback loop's writes, one function per action: a 👎 queues an answer
for review, a 👍 that leaves no 👎 takes it back out, an admin records the
correct answer, and recorded answers are exported to the regression file."""
from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kiki.errors import InvalidInput
from kiki.models import Message, Rating

from . import regressions
from .models import ORGS, Review


def _reading(message: Message) -> str:
    # The engine returns its reading with each answer and keeps it with the plan.
    reading = (message.plan or {}).get("reading") if isinstance(message.plan, dict) else None
    return reading if isinstance(reading, str) else ""


@transaction.atomic
def rating_changed(rating: Rating) -> Review | None:
    """Keep the queue in step with an answer's ratings: a 👎 queues it (once),
    and a pending review whose 👎s were all taken back leaves the queue."""
    message = rating.message
    downs = list(message.ratings.filter(score__lt=0).order_by("created", "pk").values_list("comment", flat=True))
    review = Review.objects.select_for_update().filter(message=message).first()
    if not downs:
        if review is not None and review.status == Review.PENDING:
            review.delete()
        return None
    complaint = "\n".join(c for c in downs if c)
    if review is None:
        return Review.objects.create(
            message=message, question=message.question, reading=_reading(message), plan=message.plan or {},
            answer=message.answer, sources=message.sources or [], channel=message.channel,
            asker=message.asker, complaint=complaint)
    if review.complaint != complaint:
        review.complaint = complaint
        review.save(update_fields=["complaint"])
    return review


def _clean_keys(keys) -> list[str]:
    if isinstance(keys, str):
        keys = keys.replace(",", " ").split()
    out = []
    for k in keys or []:
        k = str(k).strip()
        if k and k not in out:
            out.append(k)
    return out


def apply_answer(review: Review, *, by: str, org: str = "synthetic", expected_keys=(),
                 expected_number: int | None = None, unanswerable: bool = False, note: str = "") -> Review:
    """Set the correct answer on `review` without saving it, checked against the
    regression file's contract; raises InvalidInput naming the bad field."""
    if org not in dict(ORGS):
        raise InvalidInput(f"org must be one of {', '.join(dict(ORGS))}, not {org!r}", code="bad_regression")
    review.org = org
    review.expected_keys = _clean_keys(expected_keys)
    review.expected_number = expected_number
    review.unanswerable = bool(unanswerable)
    review.note = (note or "").strip()
    review.recorded_by = by
    review.recorded_at = timezone.localdate()
    regressions.check_line(regression_line(review))
    return review


def record_answer(review: Review, **answer) -> Review:
    """Store the correct answer for a reviewed question (see apply_answer for
    the fields). Raises InvalidInput naming the bad field; nothing is saved then."""
    apply_answer(review, **answer)
    review.status = Review.RECORDED
    review.save()
    return review


def regression_line(review: Review) -> dict:
    """The review as one line of the regression file (see feedback.regressions)."""
    recorded = review.recorded_at or date.today()
    return {"id": review.regression_id, "org": review.org, "question": review.question,
            "asker": review.asker or None, "expected_keys": list(review.expected_keys or []),
            "expected_number": review.expected_number, "unanswerable": bool(review.unanswerable),
            "note": review.note or "", "recorded_by": review.recorded_by or "",
            "recorded_at": recorded.isoformat()}


def export_regressions(reviews=None, path=None) -> int:
    """Write recorded reviews (all of them by default) into the regression file;
    reviews without a recorded answer are refused by name. Returns how many lines were written."""
    reviews = list(Review.objects.filter(status=Review.RECORDED) if reviews is None else reviews)
    waiting = [r for r in reviews if r.status != Review.RECORDED]
    if waiting:
        raise InvalidInput("no correct answer recorded yet for: "
                           + "; ".join(repr(r.question[:60]) for r in waiting), code="not_recorded")
    n = regressions.merge(path or settings.KIKI_REGRESSIONS_FILE, [regression_line(r) for r in reviews])
    Review.objects.filter(pk__in=[r.pk for r in reviews]).update(exported_at=timezone.now())
    return n
