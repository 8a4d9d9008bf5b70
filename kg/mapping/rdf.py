"""A :class:`~kg.model.Study` as RDF, following DESIGN.md: IRIs under ``{base}trial/{NCT id}`` for the
study and its parts, shared nodes for organisations, conditions, intervention concepts, countries
and MeSH descriptors, reused vocabularies where a term fits and ``tkg:`` terms elsewhere.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pyoxigraph import NamedNode

from kg.codes import INTERVENTION_TYPE
from kg.iris import Iris, bio2rdf, identifiers_org, part, pubmed, registry_page
from kg.iris import mesh as mesh_iri
from kg.linking.affiliations import is_position
from kg.linking.countries import iso_code
from kg.linking.lexicon import CLOSE, Lexicon, OrgEntry, default_lexicon, name_key
from kg.linking.names import heading_ancestors, intervention_key, intervention_mesh, registry_mesh, resolve_ui
from kg.linking.orgs import OrgResolver
from kg.linking.placeholders import is_placeholder
from kg.mapping.namespaces import DCTERMS, DEFAULT_BASE, GEO, RDF, RDFS, SCHEMA, SKOS, TKG
from kg.mapping.results import map_results
from kg.mapping.terms import Triples, boolean, decimal, duration, english, integer
from kg.model import Contact, DateStruct, Location, MeshTerm, Organization, Study
from kg.naming import slug

#: The kinds of :class:`~kg.model.RelatedStudy` that the study page lists as "Related Clinical Trials" and
#: "More Related Trials": the website's recommendations (tkg:websiteRecommendation), not the registry's.
WEBSITE_RECOMMENDATIONS = frozenset({"related", "more-related"})

STUDY_CLASSES = {
    "INTERVENTIONAL": (TKG.InterventionalStudy, SCHEMA.MedicalTrial),
    "OBSERVATIONAL": (TKG.ObservationalStudy, SCHEMA.MedicalObservationalStudy),
    "EXPANDED_ACCESS": (TKG.ExpandedAccessStudy, SCHEMA.MedicalStudy),
}


class Mapper:
    """Maps studies to triples under one base IRI."""

    def __init__(
        self, base: str = DEFAULT_BASE, *, lexicon: Lexicon | None = None, contact_details: bool = False
    ) -> None:
        #: MeSH names, ROR organisations and mappings (kg.linking.lexicon); default: the shipped ones.
        self.lexicon = lexicon if lexicon is not None else _default_lexicon()
        #: Publish contacts' e-mail addresses and telephone numbers (personal data: off by default).
        self.contact_details = contact_details
        self.orgs = OrgResolver(self.lexicon)
        self.iris = Iris(base)
        self.base = self.iris.base

    def study_iri(self, nct_id: str) -> NamedNode:
        return NamedNode(self.iris.study(nct_id))

    def org_iri(self, name: str, country: str | None = None) -> NamedNode:
        """The shared node of an organisation mention (kg.linking.orgs: normalised key, lexicon variants,
        the country of a site or of the ROR entry the name links to)."""
        return self._org_node(name, country)[0]

    def _org_node(self, name: str, country: str | None) -> tuple[NamedNode, OrgEntry | None]:
        node = self.orgs.node(name, country)
        return NamedNode(self.iris.org(slug(node.key or name), node.country)), node.ror

    def map(self, study: Study) -> Triples:
        t = Triples()
        s = self.study_iri(study.nct_id)
        self._identity(t, s, study)
        self._status(t, s, study)
        self._sponsors(t, s, study)
        self._descriptions(t, s, study)
        self._design(t, s, study)
        self._arms_and_interventions(t, s, study)
        self._outcomes_and_eligibility(t, s, study)
        self._people_and_places(t, s, study)
        self._references(t, s, study)
        self._mesh(t, s, study)
        map_results(t, s, study, contact_details=self.contact_details)  # after the arms and outcomes it links to
        return t

    # -- the study itself -------------------------------------------------------------------------
    def _identity(self, t: Triples, s: NamedNode, st: Study) -> None:
        t.add(s, RDF.type, TKG.ClinicalStudy)
        for cls in STUDY_CLASSES.get(st.design.study_type or "", (None, SCHEMA.MedicalStudy)):
            t.add(s, RDF.type, cls)
        t.add(s, DCTERMS.identifier, st.nct_id)
        t.add(s, SCHEMA.name, english(st.brief_title))  # free text from the registry: @en (kg.mapping.terms.english)
        t.add(s, TKG.officialTitle, english(st.official_title))
        t.add(s, TKG.acronym, st.acronym)
        t.add(s, SCHEMA.url, NamedNode(registry_page(st.nct_id)))
        t.add(s, RDFS.seeAlso, NamedNode(identifiers_org(st.nct_id)))
        t.add(s, RDFS.seeAlso, NamedNode(bio2rdf(st.nct_id)))
        t.add(s, TKG.orgStudyId, st.org_study_id)
        for i, sid in enumerate(st.secondary_ids, 1):
            node = NamedNode(part(s.value, "identifier", i))
            t.add(s, TKG.secondaryIdentifier, node)
            t.add(node, RDF.type, TKG.SecondaryIdentifier)
            t.add(node, DCTERMS.identifier, sid.id)
            t.code(node, TKG.identifierType, "secondary-id-type", sid.type)
            t.add(node, TKG.identifierDomain, sid.domain)
            t.add(node, SCHEMA.url, _iri(sid.link))
        for alias in st.nct_aliases:
            t.add(s, TKG.nctIdAlias, alias)
        for rel in st.related_studies:
            if rel.kind in WEBSITE_RECOMMENDATIONS:  # the website's suggestions, not relations the registry states
                t.add(s, TKG.websiteRecommendation, self.study_iri(rel.nct_id))
            elif rel.kind != "alias":
                t.add(s, TKG.relatedStudy, self.study_iri(rel.nct_id))

    def _status(self, t: Triples, s: NamedNode, st: Study) -> None:
        t.code(s, TKG.overallStatus, "status", st.overall_status)
        t.code(s, TKG.lastKnownStatus, "status", st.last_known_status)
        t.add(s, TKG.whyStopped, english(st.why_stopped))
        t.registry_date(s, TKG.statusVerifiedDate, st.status_verified_date)
        for prop, type_prop, value in (
            (TKG.startDate, TKG.startDateType, st.start_date),
            (TKG.primaryCompletionDate, TKG.primaryCompletionDateType, st.primary_completion_date),
            (TKG.completionDate, TKG.completionDateType, st.completion_date),
            (TKG.firstPostedDate, None, st.first_posted),
            (TKG.lastUpdatePostedDate, None, st.last_update_posted),
        ):
            self._date_struct(t, s, prop, type_prop, value)
        t.registry_date(s, DCTERMS.dateSubmitted, st.first_submitted)
        t.registry_date(s, TKG.lastUpdateSubmittedDate, st.last_update_submitted)
        for prop, flag in (
            (TKG.hasExpandedAccess, st.has_expanded_access),
            (TKG.hasDataMonitoringCommittee, st.has_dmc),
            (TKG.isFdaRegulatedDrug, st.is_fda_regulated_drug),
            (TKG.isFdaRegulatedDevice, st.is_fda_regulated_device),
            (TKG.hasResults, st.has_results),
        ):
            t.add(s, prop, boolean(flag) if flag is not None else None)
        if st.results:
            r = NamedNode(part(s.value, "results"))
            t.add(s, TKG.resultsSummary, r)
            t.add(r, RDF.type, TKG.ResultsSummary)
            t.registry_date(r, TKG.resultsFirstPostedDate, st.results.first_posted)
            t.add(r, TKG.outcomeMeasureCount, integer(st.results.outcome_measure_count))
            t.add(r, TKG.groupCount, integer(st.results.group_count))
            t.add(r, TKG.seriousAdverseEventCount, integer(st.results.serious_adverse_event_count))
            t.add(r, TKG.otherAdverseEventCount, integer(st.results.other_adverse_event_count))

    def _date_struct(
        self, t: Triples, s: NamedNode, prop: NamedNode, type_prop: NamedNode | None, value: DateStruct | None
    ) -> None:
        if value is None:
            return
        t.registry_date(s, prop, value.date)
        if type_prop is not None:
            t.code(s, type_prop, "date-type", value.type)

    def _sponsors(self, t: Triples, s: NamedNode, st: Study) -> None:
        if st.lead_sponsor:
            org = self._org(t, st.lead_sponsor.name)
            t.add(s, TKG.leadSponsor, org)
            self._sponsor_role(
                t, s, NamedNode(part(s.value, "sponsor", "lead")), TKG.LeadSponsorRole, org, st.lead_sponsor
            )
        for i, collab in enumerate(st.collaborators, 1):
            org = self._org(t, collab.name)
            t.add(s, TKG.collaborator, org)
            role = NamedNode(part(s.value, "sponsor", f"collaborator-{i}"))
            self._sponsor_role(t, s, role, TKG.CollaboratorRole, org, collab)
        rp = st.responsible_party
        if rp:
            node = NamedNode(part(s.value, "responsible-party"))
            t.add(s, TKG.responsibleParty, node)
            t.add(node, RDF.type, TKG.ResponsibleParty)
            t.code(node, TKG.responsiblePartyType, "responsible-party-type", rp.type)
            t.add(node, SCHEMA.name, rp.investigator_name)
            t.add(node, SCHEMA.jobTitle, english(rp.investigator_title))
            t.add(node, TKG.affiliationName, rp.investigator_affiliation)
            if rp.investigator_affiliation and not is_position(rp.investigator_affiliation):  # "Professor"
                t.add(node, TKG.affiliation, self._org(t, rp.investigator_affiliation))

    def _sponsor_role(
        self, t: Triples, s: NamedNode, role: NamedNode, cls: NamedNode, org: NamedNode, given: Organization
    ) -> None:
        t.add(s, TKG.sponsorRole, role)
        t.add(role, RDF.type, cls)
        t.add(role, TKG.organization, org)
        t.add(role, SCHEMA.name, given.name)
        t.code(role, TKG.agencyClass, "sponsor-class", given.org_class)

    def _org(self, t: Triples, name: str, country: str | None = None) -> NamedNode:
        org, ror = self._org_node(name, country)
        t.add(org, RDF.type, SCHEMA.Organization, shared=True)
        t.add(org, SCHEMA.name, name.strip(), shared=True)  # skos:prefLabel, altLabel: kg.linking.labels
        if ror is not None:
            t.add(org, SCHEMA.sameAs, NamedNode(ror.ror), shared=True)
        return org

    # -- descriptions and design ------------------------------------------------------------------
    def _descriptions(self, t: Triples, s: NamedNode, st: Study) -> None:
        t.add(s, DCTERMS.abstract, english(st.brief_summary))
        t.add(s, DCTERMS.description, english(st.detailed_description))
        registry = registry_mesh(st.condition_mesh, self.lexicon)
        for name in st.conditions:
            t.add(s, TKG.conditionName, english(name))
            node = NamedNode(self.iris.condition(slug(name)))
            t.add(s, TKG.condition, node)
            t.add(node, RDF.type, TKG.Condition, shared=True)
            t.add(node, RDFS.label, english(name.strip()), shared=True)
            # the condition as stated -> MeSH: the record's own heading of that name, else the lexicon
            hit = (registry[name_key(name)][0], SKOS.exactMatch.value) if name_key(name) in registry else None
            hit = hit or self.lexicon.mesh_match(name)
            if hit:
                match = SKOS.closeMatch if hit[1] == CLOSE else SKOS.exactMatch
                t.add(node, match, NamedNode(mesh_iri(hit[0])), shared=True)
        for keyword in st.keywords:
            t.add(s, SCHEMA.keywords, english(keyword))
        t.code(s, TKG.ipdSharing, "ipd-sharing", st.ipd_sharing)
        t.add(s, TKG.ipdDescription, english(st.ipd_description))
        for link in st.see_also:
            t.add(s, RDFS.seeAlso, _iri(link.url))

    def _design(self, t: Triples, s: NamedNode, st: Study) -> None:
        d = st.design
        t.code(s, TKG.studyType, "study-type", d.study_type)
        t.add(s, TKG.patientRegistry, boolean(d.patient_registry) if d.patient_registry is not None else None)
        for phase in d.phases:
            t.code(s, TKG.phase, "phase", phase)
        t.code(s, TKG.allocation, "allocation", d.allocation)
        t.code(s, TKG.interventionModel, "intervention-model", d.intervention_model)
        t.add(s, TKG.interventionModelDescription, english(d.intervention_model_description))
        t.code(s, TKG.primaryPurpose, "purpose", d.primary_purpose)
        for model in d.observational_models:
            t.code(s, TKG.observationalModel, "observational-model", model)
        for perspective in d.time_perspectives:
            t.code(s, TKG.timePerspective, "time-perspective", perspective)
        t.code(s, TKG.masking, "masking", d.masking)
        t.add(s, TKG.maskingDescription, english(d.masking_description))
        for who in d.who_masked:
            t.code(s, TKG.whoMasked, "who-masked", who)
        t.add(s, TKG.enrollment, integer(d.enrollment) if d.enrollment is not None else None)
        t.code(s, TKG.enrollmentType, "date-type", d.enrollment_type)
        t.add(s, TKG.targetDuration, d.target_duration)
        t.code(s, TKG.biospecRetention, "biospec-retention", d.biospec_retention)
        t.add(s, TKG.biospecDescription, english(d.biospec_description))

    def _arms_and_interventions(self, t: Triples, s: NamedNode, st: Study) -> None:
        by_label: dict[str, NamedNode] = {}
        iv_mesh = registry_mesh(st.intervention_mesh, self.lexicon)
        for i, arm in enumerate(st.arm_groups, 1):
            node = NamedNode(part(s.value, "arm", i))
            by_label.setdefault(arm.label, node)
            t.add(s, TKG.arm, node)
            t.add(node, RDF.type, TKG.Arm)
            t.add(node, RDFS.label, english(arm.label))
            t.code(node, TKG.armType, "arm-type", arm.type)
            t.add(node, DCTERMS.description, english(arm.description))
        for i, iv in enumerate(st.interventions, 1):
            node = NamedNode(part(s.value, "intervention", i))
            t.add(s, TKG.intervention, node)
            t.add(node, RDF.type, TKG.StudyIntervention)
            t.add(node, SCHEMA.name, english(iv.name))
            t.code(node, TKG.interventionType, "intervention-type", iv.type)
            t.add(node, DCTERMS.description, english(iv.description))
            for other in iv.other_names:
                t.add(node, SKOS.altLabel, english(other))
            for label in iv.arm_group_labels:
                if label in by_label:
                    t.add(by_label[label], TKG.armIntervention, node)
            mesh = intervention_mesh(iv, iv_mesh, self.lexicon)
            concept = NamedNode(self.iris.intervention(slug(intervention_key(mesh[1] if mesh else iv.name))))
            t.add(node, TKG.interventionConcept, concept)
            t.add(concept, RDF.type, TKG.Intervention, shared=True)
            t.add(concept, RDFS.label, english(iv.name.strip()), shared=True)
            for other in iv.other_names:
                t.add(concept, SKOS.altLabel, english(other.strip()), shared=True)
            if mesh:
                t.add(concept, SKOS.exactMatch, NamedNode(mesh_iri(mesh[0])), shared=True)
        # API v2 also names each arm's interventions as "Type: Name"; link those the list above lacks.
        names = {(iv.type, iv.name): i for i, iv in enumerate(st.interventions, 1)}
        for i, arm in enumerate(st.arm_groups, 1):
            node = NamedNode(part(s.value, "arm", i))
            for ref in arm.intervention_names:
                kind, _, name = ref.partition(": ")
                code = next((c for c, label in INTERVENTION_TYPE.items() if label == kind), None)
                if (code, name) in names:
                    t.add(node, TKG.armIntervention, NamedNode(part(s.value, "intervention", names[(code, name)])))

    def _outcomes_and_eligibility(self, t: Triples, s: NamedNode, st: Study) -> None:
        counters: dict[str, int] = {}
        for outcome in st.outcomes:
            counters[outcome.kind] = counters.get(outcome.kind, 0) + 1
            node = NamedNode(part(s.value, "outcome", f"{outcome.kind.lower()}-{counters[outcome.kind]}"))
            t.add(s, TKG.outcome, node)
            t.add(node, RDF.type, TKG.Outcome)
            t.code(node, TKG.outcomeKind, "outcome-kind", outcome.kind)
            t.add(node, TKG.measure, english(outcome.measure))
            t.add(node, DCTERMS.description, english(outcome.description))
            t.add(node, TKG.timeFrame, english(outcome.time_frame))
        e = st.eligibility
        node = NamedNode(part(s.value, "eligibility"))
        t.add(s, TKG.eligibility, node)
        t.add(node, RDF.type, TKG.Eligibility)
        t.add(node, TKG.criteria, english(e.criteria))
        t.add(node, TKG.healthyVolunteers, boolean(e.healthy_volunteers) if e.healthy_volunteers is not None else None)
        t.code(node, TKG.sex, "sex", e.sex)
        t.add(node, TKG.genderBased, boolean(e.gender_based) if e.gender_based is not None else None)
        t.add(node, TKG.genderDescription, english(e.gender_description))
        t.add(node, TKG.minimumAge, e.minimum_age)  # as written ("18 Years"), and as an xsd:duration ("P18Y")
        t.add(node, TKG.minimumAgeDuration, duration(e.minimum_age))
        t.add(node, TKG.maximumAge, e.maximum_age)
        t.add(node, TKG.maximumAgeDuration, duration(e.maximum_age))
        for age in e.std_ages:
            t.code(node, TKG.stdAge, "std-age", age)
        t.add(node, TKG.studyPopulation, english(e.study_population))
        t.code(node, TKG.samplingMethod, "sampling-method", e.sampling_method)

    # -- people, places, references ---------------------------------------------------------------
    def _people_and_places(self, t: Triples, s: NamedNode, st: Study) -> None:
        for i, contact in enumerate(st.central_contacts, 1):
            self._contact(t, s, TKG.centralContact, NamedNode(part(s.value, "contact", i)), contact)
        for i, official in enumerate(st.officials, 1):
            node = NamedNode(part(s.value, "official", i))
            t.add(s, TKG.official, node)
            t.add(node, RDF.type, TKG.Official)
            t.add(node, SCHEMA.name, official.name)
            t.code(node, TKG.role, "role", official.role)
            t.add(node, TKG.affiliationName, official.affiliation)
            if official.affiliation and not is_position(official.affiliation):  # "Professor" is no organisation
                t.add(node, TKG.affiliation, self._org(t, official.affiliation))
        for i, location in enumerate(st.locations, 1):
            self._site(t, s, NamedNode(part(s.value, "site", i)), location)
        for name in st.countries:
            t.add(s, TKG.listedCountryName, name)

    def _contact(self, t: Triples, owner: NamedNode, prop: NamedNode, node: NamedNode, c: Contact) -> None:
        t.add(owner, prop, node)
        t.add(node, RDF.type, TKG.Contact)
        t.add(node, SCHEMA.name, c.name)
        t.code(node, TKG.role, "role", c.role)
        if self.contact_details:  # personal data: only on request (build --contact-details)
            t.add(node, SCHEMA.telephone, f"{c.phone} ext {c.phone_ext}" if c.phone and c.phone_ext else c.phone)
            t.add(node, SCHEMA.email, c.email)

    def _site(self, t: Triples, s: NamedNode, node: NamedNode, loc: Location) -> None:
        t.add(s, TKG.site, node)
        t.add(node, RDF.type, TKG.Site)
        t.add(node, SCHEMA.name, loc.facility)
        if loc.facility and not is_placeholder(loc.facility):  # "Research Site" is no institution (see there)
            t.add(node, TKG.facility, self._org(t, loc.facility, iso_code(loc.country)))
        t.code(node, TKG.recruitmentStatus, "status", loc.status)
        t.add(node, SCHEMA.addressLocality, loc.city)
        t.add(node, SCHEMA.addressRegion, loc.state)
        t.add(node, SCHEMA.postalCode, loc.zip)
        t.add(node, SCHEMA.addressCountry, loc.country)
        code = iso_code(loc.country)
        if code:
            country = NamedNode(self.iris.country(code))
            t.add(node, TKG.country, country)
            t.add(country, RDF.type, SCHEMA.Country, shared=True)
            t.add(country, DCTERMS.identifier, code, shared=True)
            t.add(country, SCHEMA.name, loc.country, shared=True)
        if loc.lat is not None and loc.lon is not None:
            t.add(node, GEO.lat, decimal(loc.lat))
            t.add(node, GEO.long, decimal(loc.lon))
        for j, contact in enumerate(loc.contacts, 1):
            self._contact(t, node, TKG.siteContact, NamedNode(part(node.value, "contact", j)), contact)

    def _references(self, t: Triples, s: NamedNode, st: Study) -> None:
        for i, ref in enumerate(st.references, 1):
            node = NamedNode(part(s.value, "reference", i))
            t.add(s, TKG.reference, node)
            t.add(node, RDF.type, TKG.Reference)
            t.add(node, DCTERMS.bibliographicCitation, ref.citation)
            t.code(node, TKG.referenceType, "reference-type", ref.type)
            if ref.pmid and ref.pmid.strip().isdigit():
                t.add(node, TKG.pubmed, NamedNode(pubmed(ref.pmid)))

    def _mesh(self, t: Triples, s: NamedNode, st: Study) -> None:
        lex = self.lexicon  # legacy XML gives no ancestors: those of its headings, as the registry gives them
        condition_ancestors = st.condition_mesh_ancestors + heading_ancestors(st.condition_mesh, "condition", lex)
        intervention_ancestors = st.intervention_mesh_ancestors + heading_ancestors(
            st.intervention_mesh, "intervention", lex
        )
        for prop, terms in (
            (TKG.conditionMesh, st.condition_mesh),
            (TKG.conditionMeshAncestor, condition_ancestors),
            (TKG.interventionMesh, st.intervention_mesh),
            (TKG.interventionMeshAncestor, intervention_ancestors),
        ):
            for term in terms:
                node = self._mesh_node(t, term)
                if node is not None:
                    t.add(s, prop, node)

    def _mesh_node(self, t: Triples, term: MeshTerm) -> NamedNode | None:
        ui = resolve_ui(term, self.lexicon)  # legacy XML gives headings only: the lexicon knows some
        if not ui:
            return None
        node = NamedNode(mesh_iri(ui))
        t.add(node, RDFS.label, english(term.term), shared=True)
        for parent in sorted(self.lexicon.broader(ui)):  # only where a lexicon gives tree numbers
            t.add(node, SKOS.broader, NamedNode(mesh_iri(parent)), shared=True)
        return node


@lru_cache(maxsize=1)
def _default_lexicon() -> Lexicon:
    return default_lexicon()


_DOT_SEGMENT = re.compile(r"/\.\.?(?:/|$)")


def _iri(value: str | None) -> NamedNode | None:
    """A link as an IRI, or ``None`` where it is not one. Punctuation that ends the sentence a link
    stood in is dropped; an IRI with dot segments is refused, since Turtle parsers resolve those away
    (``…/overview/.`` would be one IRI in N-Triples and another in Turtle)."""
    if not value:
        return None
    value = value.strip().rstrip(".,;:")
    if any(c in value for c in ' <>"{}|\\^`') or _DOT_SEGMENT.search(value.split("?")[0]):
        return None
    try:
        return NamedNode(value)
    except ValueError:
        return None
