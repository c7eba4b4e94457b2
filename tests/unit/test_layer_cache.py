"""The per-process cache of encoded layers: built once, old versions dropped."""

from __future__ import annotations

import gzip

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from dashboard.state import AppState


def make_state() -> AppState:
    engine = create_engine("sqlite://")
    return AppState(engine=engine, sessions=sessionmaker(bind=engine))


def test_layer_is_built_once_per_key() -> None:
    state = make_state()
    calls: list[int] = []

    def build() -> bytes:
        calls.append(1)
        return b'{"type":"FeatureCollection","features":[]}'

    first = state.layer(("0380", "custom", 1, ()), build)
    second = state.layer(("0380", "custom", 1, ()), build)
    assert calls == [1]
    assert first is second
    assert gzip.decompress(first.gzipped) == first.body
    assert len(first.etag) == 32


def test_a_new_areas_version_evicts_older_layers() -> None:
    state = make_state()
    state.layer(("0380", "custom", 1, ()), lambda: b"a")
    state.layer(("0191", "custom", 1, ()), lambda: b"b")
    state.layer(("0380", "custom", 2, ()), lambda: b"c")
    assert list(state.geojson) == [("0380", "custom", 2, ())]
