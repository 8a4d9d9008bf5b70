"""pySHACL's default messages, for results of shapes that have no sh:message.

The text comes from pySHACL's own constraint components (``make_generic_messages``), given the same
shapes graph and an rdflib graph of the batch, so that it reads exactly as pySHACL's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import rdflib

from kg.validation.shapes_model import SH, Shape
from kg.validation.terms import Term, to_rdflib

#: A component (N-Triples syntax) -> the parameter pySHACL keys it by, where the two differ.
_PARAMETER = {
    "QualifiedMinCountConstraintComponent": SH.qualifiedValueShape,
    "QualifiedMaxCountConstraintComponent": SH.qualifiedValueShape,
    "QualifiedValueShapeConstraintComponent": SH.qualifiedValueShape,
    "SPARQLConstraintComponent": SH.sparql,
}


class GenericMessages:
    """Builds pySHACL's shapes graph only when a message is first needed (the trialkg shapes all have one)."""

    def __init__(self, shapes: rdflib.Graph) -> None:
        self.shapes = shapes
        self._graph: Any = None
        self._components: dict[tuple[str, str], Any] = {}

    def message(
        self, shape: Shape, component: str, focus: Term, value: Term | None, data: Callable[[], rdflib.Graph]
    ) -> str:
        found = self._component(shape, component)
        messages = found.make_generic_messages(data(), to_rdflib(focus), None if value is None else to_rdflib(value))
        return min((str(m) for m in messages), default="")

    def _component(self, shape: Shape, component: str) -> Any:
        key = (shape.n3, component)
        found = self._components.get(key)
        if found is None:
            from pyshacl.constraints import CONSTRAINT_PARAMETERS_MAP
            from pyshacl.shapes_graph import ShapesGraph

            if self._graph is None:
                self._graph = ShapesGraph(self.shapes)
                self._graph.shapes  # noqa: B018 - reads every shape (lookups need it)
            name = component.rsplit("#", 1)[-1].rstrip(">")
            parameter = _PARAMETER.get(name) or next(
                p for p, cls in CONSTRAINT_PARAMETERS_MAP.items() if cls.constraint_name() == name
            )
            pyshacl_shape = self._graph.lookup_shape_from_node(shape.node)
            found = self._components[key] = CONSTRAINT_PARAMETERS_MAP[parameter](pyshacl_shape)
        return found
