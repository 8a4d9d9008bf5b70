"""A worker's start-up error reaches the user as that error, not as a broken pool."""

from __future__ import annotations

import pytest

from kg.errors import WorkerError
from kg.publish.checking import checked


def test_a_worker_that_cannot_start_stops_the_build_with_its_reason() -> None:
    batches = [["<urn:a> <urn:b> <urn:c> ."]] * 3
    with pytest.raises(WorkerError, match="could not start: unknown SHACL engine 'nonesuch'"):
        list(checked(batches, lambda batch: batch, jobs=2, engine="nonesuch"))
