"""Publishing: records in, a release directory out.

``build`` runs the stages; ``spool`` keeps one row per study (kept in the release as ``studies.sqlite``
for the next build to reuse); ``checking`` validates batches in worker processes; ``provenance`` says
where each study came from and what may be reused; ``dumps`` and ``jsonld`` write the Turtle,
N-Triples, N-Quads and JSON-LD dumps; ``finish`` indexes and describes the release (``statistics``,
``void``) and compares it with the previous one (``delta``); ``workers`` starts the worker processes
and ties them to the build; ``release`` is the layout and the atomic, resumable writing of the directory.
"""
