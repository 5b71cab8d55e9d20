"""The moderation table: every move of a product's status, who may make it, and its name."""

from collections.abc import Mapping
from dataclasses import dataclass

from nongsan.catalog.models import Product

Status = Product.Status


class By:
    OWNER = "owner"  # the shop's seller (or the field agent helping them)
    OPERATOR = "operator"  # the operator of the product's marketplace


@dataclass(frozen=True)
class Action:
    by: str
    sources: frozenset[str]
    target: str
    needs_reason: bool = False


# A refused request goes back to draft with the reason, to be fixed and sent again; a hidden
# product comes back only through the operator, or through the seller asking for a new review.
ACTIONS: Mapping[str, Action] = {
    "submit": Action(By.OWNER, frozenset({Status.DRAFT, Status.HIDDEN}), Status.PENDING),
    "withdraw": Action(By.OWNER, frozenset({Status.PENDING, Status.PUBLISHED}), Status.DRAFT),
    "approve": Action(By.OPERATOR, frozenset({Status.PENDING}), Status.PUBLISHED),
    "refuse": Action(By.OPERATOR, frozenset({Status.PENDING}), Status.DRAFT, needs_reason=True),
    "hide": Action(By.OPERATOR, frozenset({Status.PUBLISHED}), Status.HIDDEN, needs_reason=True),
    "restore": Action(By.OPERATOR, frozenset({Status.HIDDEN}), Status.PUBLISHED),
}


def allowed(source: str, target: str) -> dict[str, Action]:
    """The actions (by who makes them) that move a product from `source` to `target`."""
    return {
        action.by: action
        for action in ACTIONS.values()
        if source in action.sources and action.target == target
    }


def actions_for(status: str, by: str) -> list[str]:
    return [
        name for name, action in ACTIONS.items() if action.by == by and status in action.sources
    ]
