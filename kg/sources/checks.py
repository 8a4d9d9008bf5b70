"""The shape of every parsed record, checked in one place whatever its format, before it is mapped.

Parsers turn source syntax into a :class:`~kg.model.Study`; this module makes sure what they built is
what the model promises, so that no odd value of one record can reach the mapping (or crash it):

- every field holds the type its annotation names (``str``, ``int``, ``list[str]``, a part ...);
  numbers are finite, ``bool`` is not an ``int``, text is valid Unicode (no lone surrogates);
- coded fields hold a code of their enumeration (:data:`ENUM_FIELDS`, the enumerations of :mod:`kg.codes`);
- dates exist (``2020-02-29``, ``2020-02`` or ``2020``: no 13th month, no 30 February);
- NCT ids are ``NCT`` and eight digits, the study's own and every id it names; MeSH UIs are UIs.

:func:`check` raises :class:`~kg.errors.RecordError` naming the field (a path such as
``design.phases[1]``) and the value at fault; the reader turns it into a quarantined record.
"""

from __future__ import annotations

import calendar
import dataclasses
import math
import re
import types
import typing
from collections.abc import Callable
from typing import Any

from kg import model, results_model
from kg.codes import ENUMS
from kg.errors import RecordError

NCT_ID = re.compile(r"NCT\d{8}")
MESH_UI = re.compile(r"\s*[DC]\d{1,9}\s*")  # a descriptor or supplementary concept, as the registry pads it
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")

#: The enumeration (a name of :data:`kg.codes.ENUMS`) of each coded field, list fields' items included.
ENUM_FIELDS: dict[tuple[type, str], str] = {
    (model.Study, "overall_status"): "status",
    (model.Study, "last_known_status"): "status",
    (model.Study, "ipd_sharing"): "ipd-sharing",
    (model.DateStruct, "type"): "date-type",
    (model.Organization, "org_class"): "sponsor-class",
    (model.SecondaryId, "type"): "secondary-id-type",
    (model.ResponsibleParty, "type"): "responsible-party-type",
    (model.ArmGroup, "type"): "arm-type",
    (model.Intervention, "type"): "intervention-type",
    (model.Eligibility, "sex"): "sex",
    (model.Eligibility, "std_ages"): "std-age",
    (model.Eligibility, "sampling_method"): "sampling-method",
    (model.Contact, "role"): "role",
    (model.Official, "role"): "role",
    (model.Location, "status"): "status",
    (model.Reference, "type"): "reference-type",
    (model.Design, "study_type"): "study-type",
    (model.Design, "phases"): "phase",
    (model.Design, "allocation"): "allocation",
    (model.Design, "intervention_model"): "intervention-model",
    (model.Design, "primary_purpose"): "purpose",
    (model.Design, "observational_models"): "observational-model",
    (model.Design, "time_perspectives"): "time-perspective",
    (model.Design, "masking"): "masking",
    (model.Design, "who_masked"): "who-masked",
    (model.Design, "enrollment_type"): "date-type",
    (model.Design, "biospec_retention"): "biospec-retention",
    (results_model.OutcomeMeasure, "type"): "outcome-type",
    (results_model.OutcomeMeasure, "param_type"): "param-type",
    (results_model.OutcomeMeasure, "reporting_status"): "reporting-status",
    (results_model.BaselineMeasure, "param_type"): "param-type",
    (results_model.BaselineMeasure, "dispersion_type"): "dispersion-type",
    (results_model.Analysis, "dispersion_type"): "analysis-dispersion-type",
    (results_model.Analysis, "ci_sides"): "ci-sides",
    (results_model.Analysis, "non_inferiority_type"): "non-inferiority-type",
    (results_model.AdverseEvent, "assessment_type"): "assessment-type",
    (results_model.MoreInfo, "restriction_type"): "restriction-type",
}

#: Fields that hold a registry date.
DATE_FIELDS: set[tuple[type, str]] = {
    (model.DateStruct, "date"),
    (model.Study, "status_verified_date"),
    (model.Study, "first_submitted"),
    (model.Study, "last_update_submitted"),
    (model.Study, "version_holder"),
    (model.ResultsSummary, "first_posted"),
}

#: Fields that hold NCT ids (a list field: each of its items).
NCT_FIELDS: set[tuple[type, str]] = {
    (model.Study, "nct_id"),
    (model.Study, "nct_aliases"),
    (model.RelatedStudy, "nct_id"),
}


def check(study: model.Study) -> None:
    """Raise :class:`RecordError` for the first value of ``study`` that is not of the model's shape.

    A compiled check (:func:`_compiled`, closures made once per model class) answers for the great
    majority of records that are fine; only a record that fails it is walked again to say where."""
    if not _compiled(model.Study)(study):
        _check_part(study, "")
        raise RecordError("a value of the wrong shape")  # not reached: the walk names the field


Check = Callable[[Any], bool]
_COMPILED: dict[type, Check] = {}


def _compiled(owner: type) -> Check:
    """Whether an instance of the model class ``owner`` is of the model's shape, every field checked."""
    if owner not in _COMPILED:
        _COMPILED[owner] = lambda part: _COMPILED[owner](part)  # a class that holds itself (none does yet)
        fields = [(name, _compile(hint, _meaning(owner, name))) for name, hint in _hints(owner).items()]
        _COMPILED[owner] = lambda part: all(ok(getattr(part, name)) for name, ok in fields)
    return _COMPILED[owner]


def _meaning(owner: type, name: str) -> Callable[[str], bool] | None:
    enum = ENUM_FIELDS.get((owner, name))
    if enum is not None:
        return ENUMS[enum].__contains__
    if (owner, name) in DATE_FIELDS:
        return is_date
    if (owner, name) == (model.MeshTerm, "ui"):
        return lambda value: MESH_UI.fullmatch(value) is not None
    if (owner, name) in NCT_FIELDS:
        return lambda value: NCT_ID.fullmatch(value) is not None
    return None


def _compile(hint: Any, meaning: Callable[[str], bool] | None) -> Check:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = _compile(next(h for h in typing.get_args(hint) if h is not type(None)), meaning)
        return lambda value: value is None or inner(value)
    if origin is list:
        (item_hint,) = typing.get_args(hint)
        item = _compile(item_hint, meaning)
        return lambda value: type(value) is list and all(map(item, value))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        part = _compiled(hint)
        return lambda value: isinstance(value, hint) and part(value)
    if hint is str:
        return lambda value: type(value) is str and _unicode(value) and (meaning is None or meaning(value))
    return lambda value: _is_scalar(value, hint)


def _unicode(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_date(text: str) -> bool:
    """Whether ``text`` is a date that exists: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``."""
    match = _DATE.fullmatch(text)
    if match is None:
        return False
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is None:
        return True
    if not 1 <= month <= 12:
        return False
    return day is None or 1 <= day <= calendar.monthrange(year or 1, month)[1]


def _check_part(part: Any, path: str) -> None:
    owner = type(part)
    for name, hint in _hints(owner).items():
        where = f"{path}.{name}" if path else name
        value = getattr(part, name)
        _check_value(value, hint, where)
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        for index, item in enumerate(values):
            at = f"{where}[{index}]" if isinstance(value, list) else where
            _check_meaning(owner, name, item, at)


def _check_meaning(owner: type, name: str, value: Any, where: str) -> None:
    if not isinstance(value, str):
        return
    enum = ENUM_FIELDS.get((owner, name))
    if enum is not None and value not in ENUMS[enum]:
        raise RecordError(f"{where}: {_show(value)} is not a {enum} code (one of {', '.join(ENUMS[enum])})")
    if (owner, name) in DATE_FIELDS and not is_date(value):
        raise RecordError(f"{where}: {_show(value)} is not a date that exists (YYYY-MM-DD, YYYY-MM or YYYY)")
    if (owner, name) == (model.MeshTerm, "ui") and not MESH_UI.fullmatch(value):
        raise RecordError(f"{where}: {_show(value)} is not a MeSH UI (e.g. D001249 or D000001249)")
    if (owner, name) in NCT_FIELDS and not NCT_ID.fullmatch(value):
        raise RecordError(f"{where}: {_show(value)} is not an NCT id (NCT and eight digits, e.g. NCT04282928)")


def _check_value(value: Any, hint: Any, where: str) -> None:
    """``value`` is of type ``hint`` (a model annotation), recursively; else a :class:`RecordError`."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return
        hint = next(h for h in options if h is not type(None))
        origin = typing.get_origin(hint)
    if origin is list:
        if not isinstance(value, list):
            raise RecordError(f"{where}: expected a list, got {_show(value)}")
        (item,) = typing.get_args(hint)
        for index, element in enumerate(value):
            _check_value(element, item, f"{where}[{index}]")
        return
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(value, hint):
            raise RecordError(f"{where}: expected {hint.__name__}, got {_show(value)}")
        _check_part(value, where)
        return
    if not _is_scalar(value, hint):
        raise RecordError(f"{where}: expected {getattr(hint, '__name__', hint)}, got {_show(value)}")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate (JSON "\ud800"): no RDF literal can hold it
            raise RecordError(f"{where}: text that is not valid Unicode (a lone surrogate): {_show(value)}") from None


def _is_scalar(value: Any, hint: Any) -> bool:
    if hint is str:
        return isinstance(value, str)
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return isinstance(value, hint)


def _show(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:80]}{'...' if len(text) > 80 else ''}"


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(owner: type) -> dict[str, Any]:
    """The annotations of a model class, resolved once."""
    if owner not in _HINTS:
        _HINTS[owner] = typing.get_type_hints(owner, vars(model))
    return _HINTS[owner]
