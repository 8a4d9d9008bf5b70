"""SHACL validation of trialkg data: the engine (:mod:`.engine`), the reports (:mod:`.report`) and the
ontology documentation page (:mod:`.ontology_doc`).

``Validator().validate_ntriples(lines)`` validates one batch of studies (their own and shared triples);
reports of batches merge into the report of the whole graph. ``validate_path`` is ``trialkg validate``.
"""

from kg.validation.engine import Validator
from kg.validation.engines import validate_path
from kg.validation.results import Report, Result

__all__ = ["Report", "Result", "Validator", "validate_path"]
