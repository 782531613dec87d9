"""Declarative workflows: the states a record moves through, and for each step the states it may be
taken from, the state it leads to, who may take it, whether it needs a comment, and the guards and
effects that make it particular. The engine (core.procedures.engine) is the only code that runs them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .engine import Advance

Guard = Callable[["Advance"], None]
Effect = Callable[["Advance"], None]


class LevelChoices(models.TextChoices):
    """The administrative level a signature is given at (分级签字). One person signs one level of a case."""

    VILLAGE = "village", "village"
    TOWNSHIP = "township", "township"
    COUNTY = "county", "county"


@dataclass(frozen=True)
class Transition:
    """One step: from any of `sources` to `target`, by a user with `capability`.

    `level` is the level the signature is given at ("" for a proposal or a withdrawal, which are not a
    level's signature). `reject_target` lets the step be signed with a REJECT decision, which needs a
    reason and leads there instead. Guards raise ValidationError before anything is written; effects
    run after the sign-off is written and may add to the fields the engine writes on the record."""

    sources: frozenset[str]
    target: str
    capability: str = ""
    comment_required: bool = False
    comment_message: Any = None
    level: str = ""
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()
    reject_target: str = ""
    reject_effects: tuple[Effect, ...] = ()


def transition_map(sources_by_target: dict[str, Iterable[str]], **common: Any) -> dict[str, Transition]:
    """A status map written target-first ({to: {from, ...}}) as transitions named by their target: the
    shape of a plain status lifecycle (household status, project lifecycle)."""
    return {
        target: Transition(frozenset(sources), target, **common)
        for target, sources in sources_by_target.items()
    }


@dataclass(frozen=True)
class Workflow:
    """A procedure over one model: its transitions keyed by step, and how the record and its sign-offs
    are stored. `step_field` names the step in error messages and forms ("step", "stage", or "status"
    for a plain status lifecycle, whose steps are named by their target state)."""

    name: str
    model: type[models.Model]
    transitions: dict[str, Transition]
    state_labels: type[models.TextChoices]
    step_labels: type[models.TextChoices]
    state_field: str = "state"
    step_field: str = "step"
    # sign-offs: the model, its foreign key to the record, its step column, the record's related name
    signoff_model: type[models.Model] | None = None
    signoff_parent: str = "procedure"
    signoff_step: str = "step"
    signoffs: str = "signoffs"
    select_related: tuple[str, ...] = ()
    # how a record reads its state and which columns a target state writes (default: state_field)
    state_of: Callable[[Any], str] | None = None
    state_values: Callable[[str, Advance], dict[str, Any]] | None = None
    # extra columns of a sign-off row (from/to state, a decision, the signer's name ...)
    signoff_values: Callable[[Advance], dict[str, Any]] | None = None
    guards: tuple[Guard, ...] = field(default=())

    def state(self, obj: Any) -> str:
        return self.state_of(obj) if self.state_of else getattr(obj, self.state_field)

    def rule(self, step: str) -> Transition:
        rule = self.transitions.get(step)
        if rule is None:
            raise ValidationError({self.step_field: _("Unknown step.")})
        return rule

    def can(self, obj: Any, step: str) -> bool:
        rule = self.transitions.get(step)
        return rule is not None and self.state(obj) in rule.sources

    def next_steps(self, obj: Any) -> list[str]:
        return [step for step in self.transitions if self.can(obj, step)]

    def level_of(self, step: str) -> str:
        rule = self.transitions.get(step)
        return rule.level if rule else ""

    def check(self, obj: Any, step: str) -> Transition:
        """The one check that `step` may be taken from the record's current state: its rule, or the
        one message (raised by every workflow: procedures, household status, project lifecycle)."""
        rule = self.rule(step)
        if not self.can(obj, step):
            raise self.refused(obj, step)
        return rule

    def refused(self, obj: Any, step: str) -> ValidationError:
        """The one message for a step that does not follow the current state (no skipping)."""
        return ValidationError(
            {
                self.step_field: _(
                    "“%(step)s” cannot follow “%(state)s”: steps cannot be skipped. Next: %(next)s."
                )
                % {
                    "step": _label(self.step_labels, step),
                    "state": _label(self.state_labels, self.state(obj)),
                    "next": "、".join(_label(self.step_labels, s) for s in self.next_steps(obj))
                    or _("nothing"),
                }
            }
        )


def _label(choices: type[models.TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value
