"""trialkg: ClinicalTrials.gov records as a validated, well-linked RDF knowledge graph."""

__version__ = "0.1.0"
