"""``trialkg serve``: a release as a SPARQL endpoint, dereferenceable IRIs, canned queries, downloads
and a home page. Start with :mod:`kg.serve.app`. (Kept import-free: every query worker process
imports this package.)"""
