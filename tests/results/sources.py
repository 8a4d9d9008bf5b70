"""An independent reading of posted results straight from the source files, with ``json`` and ``xml.etree``.

Deliberately not through ``kg.sources`` or the mapping: the rows the three contract queries must give
(``queries/outcome-measurements.rq``, ``adverse-events.rq``, ``participant-flow.rq``; DESIGN.md, "Posted
results"), read from the registry's own text. Cells are as the source gives them, absent cells empty.
Decisions we follow (they are the data contract's, not code we reuse):

- legacy XML text is stripped and inner runs of whitespace count as one space (as for ``trial-summary``);
  blank text is absent, in both formats;
- legacy XML labels become API v2 codes by upper case with spaces and hyphens as ``_``
  (``Other Pre-specified`` -> ``OTHER_PRE_SPECIFIED``, ``Count of Participants`` -> ``COUNT_OF_PARTICIPANTS``);
- a pre-2017 XML ``measure_list`` starts with the ``Number of Participants`` analysed, which is no measurement
  (API v2 has it as denominators); its categories (``sub_title``) have no class;
- legacy XML's ``Total`` category of the reported events holds the groups' totals, not events; an event
  without its own ``vocab`` has the list's ``default_vocab``.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

Row = tuple[str, ...]
OUTCOME_COLUMNS = [
    "nct_id",
    "outcome_type",
    "outcome_title",
    "param_type",
    "unit",
    "group_id",
    "group_title",
    "class_title",
    "category_title",
    "value",
    "spread",
    "lower_limit",
    "upper_limit",
]
EVENT_COLUMNS = [
    "nct_id",
    "event_kind",
    "term",
    "organ_system",
    "source_vocabulary",
    "group_id",
    "group_title",
    "num_affected",
    "num_at_risk",
    "num_events",
]
FLOW_COLUMNS = ["nct_id", "period", "milestone", "group_id", "group_title", "num_subjects"]


class Tables:
    """The expected rows of the three queries for one record, as multisets."""

    def __init__(self) -> None:
        self.outcomes: Counter[Row] = Counter()
        self.events: Counter[Row] = Counter()
        self.flow: Counter[Row] = Counter()


def _s(value: Any) -> str:
    """A JSON cell: text as given (blank is absent), numbers as their decimal digits."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    return str(value)


def _list(obj: Any, key: str) -> list[dict[str, Any]]:
    value = obj.get(key) if isinstance(obj, dict) else None
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def read_json(path: Path) -> tuple[str, Tables]:
    study = json.loads(path.read_text(encoding="utf-8"))
    nct = study["protocolSection"]["identificationModule"]["nctId"]
    tables = Tables()
    results = study.get("resultsSection") or {}
    for m in _list(results.get("outcomeMeasuresModule"), "outcomeMeasures"):
        titles = {g.get("id"): _s(g.get("title")) for g in _list(m, "groups")}
        head = (nct, _s(m.get("type")), _s(m.get("title")), _s(m.get("paramType")), _s(m.get("unitOfMeasure")))
        for c in _list(m, "classes"):
            for k in _list(c, "categories"):
                for x in _list(k, "measurements"):
                    g = x.get("groupId") or ""
                    cells = (_s(c.get("title")), _s(k.get("title")), _s(x.get("value")), _s(x.get("spread")))
                    limits = (_s(x.get("lowerLimit")), _s(x.get("upperLimit")))
                    tables.outcomes[(*head, g, titles.get(g, ""), *cells, *limits)] += 1
    events = results.get("adverseEventsModule") or {}
    titles = {g.get("id"): _s(g.get("title")) for g in _list(events, "eventGroups")}
    for kind, key in (("SERIOUS", "seriousEvents"), ("OTHER", "otherEvents")):
        for e in _list(events, key):
            head = (nct, kind, _s(e.get("term")), _s(e.get("organSystem")), _s(e.get("sourceVocabulary")))
            for s in _list(e, "stats"):
                g = s.get("groupId") or ""
                counts = (_s(s.get("numAffected")), _s(s.get("numAtRisk")), _s(s.get("numEvents")))
                tables.events[(*head, g, titles.get(g, ""), *counts)] += 1
    flow = results.get("participantFlowModule") or {}
    titles = {g.get("id"): _s(g.get("title")) for g in _list(flow, "groups")}
    for p in _list(flow, "periods"):
        for m in _list(p, "milestones"):
            for a in _list(m, "achievements"):
                if a.get("numSubjects") is None:
                    continue
                g = a.get("groupId") or ""
                row = (nct, _s(p.get("title")), _s(m.get("type")), g, titles.get(g, ""), _s(a.get("numSubjects")))
                tables.flow[row] += 1
    return nct, tables


def _one(text: str | None) -> str:
    return " ".join((text or "").split())


def _t(elem: ET.Element | None, path: str) -> str:
    found = elem.find(path) if elem is not None else None
    return _one(found.text) if found is not None else ""


def _a(elem: ET.Element, name: str) -> str:
    return _one(elem.get(name))


def xml_code(label: str) -> str:
    return re.sub(r"[\s-]+", "_", label.strip()).upper()


def _titles(node: ET.Element | None) -> dict[str, str]:
    return {g.get("group_id", ""): _t(g, "title") for g in node.findall("group_list/group")} if node is not None else {}


def read_xml(path: Path) -> tuple[str, Tables]:
    root = ET.parse(path).getroot()
    nct = _t(root, "id_info/nct_id")
    tables = Tables()
    results = root.find("clinical_results")
    if results is None:
        return nct, tables
    for o in results.findall("outcome_list/outcome"):
        measure = o.find("measure")
        if measure is None:
            old = o.findall("measure_list/measure")
            measure = old[1] if len(old) > 1 else None
        if measure is None:
            continue
        titles = _titles(o)
        param = _t(measure, "param")
        head = (nct, xml_code(_t(o, "type")), _t(o, "title"), xml_code(param) if param else "", _t(measure, "units"))
        if measure.find("class_list") is not None:
            cells = [
                (_t(c, "title"), _t(k, "title"), m)
                for c in measure.findall("class_list/class")
                for k in c.findall("category_list/category")
                for m in k.findall("measurement_list/measurement")
            ]
        else:
            cells = [
                ("", _t(k, "sub_title"), m)
                for k in measure.findall("category_list/category")
                for m in k.findall("measurement_list/measurement")
            ]
        for class_title, category_title, m in cells:
            g = m.get("group_id", "")
            values = (_a(m, "value"), _a(m, "spread"), _a(m, "lower_limit"), _a(m, "upper_limit"))
            tables.outcomes[(*head, g, titles.get(g, ""), class_title, category_title, *values)] += 1
    events = results.find("reported_events")
    titles = _titles(events)
    for kind, tag in (("SERIOUS", "serious_events"), ("OTHER", "other_events")):
        node = events.find(tag) if events is not None else None
        if node is None:
            continue
        default = _t(node, "default_vocab")
        for category in node.findall("category_list/category"):
            organ = _t(category, "title")
            if organ == "Total":
                continue
            for e in category.findall("event_list/event"):
                sub = e.find("sub_title")
                vocab = (_a(sub, "vocab") if sub is not None else "") or default
                head = (nct, kind, _t(e, "sub_title"), organ, vocab)
                for c in e.findall("counts"):
                    g = c.get("group_id", "")
                    counts = (_a(c, "subjects_affected"), _a(c, "subjects_at_risk"), _a(c, "events"))
                    tables.events[(*head, g, titles.get(g, ""), *counts)] += 1
    flow = results.find("participant_flow")
    titles = _titles(flow)
    for p in flow.findall("period_list/period") if flow is not None else []:
        for m in p.findall("milestone_list/milestone"):
            for c in m.findall("participants_list/participants"):
                g = c.get("group_id", "")
                tables.flow[(nct, _t(p, "title"), _t(m, "title"), g, titles.get(g, ""), _a(c, "count"))] += 1
    return nct, tables


def has_results(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    return '"resultsSection"' in text if path.suffix == ".json" else "<clinical_results>" in text
