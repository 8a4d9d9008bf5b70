"""Loading releases into SPARQL 1.1 triple stores (``trialkg load``): presets per store (:mod:`.stores`),
the Graph Store Protocol and SPARQL Update over HTTP (:mod:`.protocol`), full loads, deltas and the
final count (:mod:`.loader`). The query side is :mod:`kg.remote`."""
