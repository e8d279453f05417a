"""PATCH bodies: a field left out keeps its value; `null` clears a field only where an empty
value is allowed.

A field that must always hold a value is typed ``X | NotNull = None``: it may be left out, but
an explicit ``null`` is refused with a 422 (instead of reaching a NOT NULL column, a 500), and
the OpenAPI schema shows it as not nullable. Fields typed ``X | None`` may be cleared."""

from __future__ import annotations

from typing import Annotated, Any, cast, get_args, get_origin

from pydantic import BaseModel, model_validator
from pydantic.json_schema import SkipJsonSchema

__all__ = ["NotNull", "PatchModel", "patch_models"]

NotNull = SkipJsonSchema[None]
"""In ``X | NotNull = None``: optional in a PATCH, but never `null`."""


_MARKER: type = cast("type", SkipJsonSchema)  # generic only to the type checker


def _refuses_null(annotation: Any) -> bool:
    for arg in get_args(annotation):
        if get_origin(arg) is Annotated and any(
            isinstance(meta, _MARKER) for meta in get_args(arg)[1:]
        ):
            return True
    return False


class PatchModel(BaseModel):
    @classmethod
    def not_null_fields(cls) -> list[str]:
        """The fields typed ``X | NotNull`` (for the OpenAPI document: not nullable)."""
        return [n for n, f in cls.model_fields.items() if _refuses_null(f.annotation)]

    @model_validator(mode="after")
    def _no_null_where_a_value_is_required(self) -> PatchModel:
        fields = type(self).model_fields
        refused = sorted(
            name
            for name in self.model_fields_set
            if getattr(self, name) is None and _refuses_null(fields[name].annotation)
        )
        if refused:
            raise ValueError(
                f"{', '.join(refused)} cannot be null: leave the field out to keep its value"
            )
        return self


def patch_models() -> list[type[PatchModel]]:
    """Every PATCH body model defined so far (its module imported)."""
    found: list[type[PatchModel]] = []
    pending = list(PatchModel.__subclasses__())
    while pending:
        model = pending.pop()
        found.append(model)
        pending += model.__subclasses__()
    return found
