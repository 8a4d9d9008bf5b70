"""Mapping: a :class:`~kg.model.Study` to RDF triples, with stable IRIs and no blank nodes."""
