"""An independent check of secondary suppression: linear programs (SciPy's HiGHS) that
compute what an attacker who knows every margin of a table exactly can infer about a
hidden cell, and a brute-force search for hypercubes. Shared by the unit property
tests and the integration tests on the demo data."""

from __future__ import annotations

import itertools

import numpy as np
from scipy.optimize import linprog


def line_constraints(values: np.ndarray, hidden: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every line sum of the table (sums along one axis; all other margins follow from
    them) as equations over the hidden cells, with the published cells moved right."""
    index = {int(c): n for n, c in enumerate(np.flatnonzero(hidden.ravel()))}
    rows, right = [], []
    flat = np.arange(values.size).reshape(values.shape)
    for axis in range(values.ndim):
        lines = np.moveaxis(flat, axis, -1).reshape(-1, values.shape[axis])
        for line in lines:
            row = np.zeros(len(index))
            rest = 0.0
            for cell in line:
                if int(cell) in index:
                    row[index[int(cell)]] = 1.0
                else:
                    rest += float(values.ravel()[cell])
            if row.any():
                rows.append(row)
                right.append(float(values.ravel()[line].sum()) - rest)
    return np.array(rows), np.array(right)


def exact_model_interval_nd(
    values: np.ndarray, hidden: np.ndarray, primary: np.ndarray, k: int, cell: int
) -> tuple[float, float]:
    """Independent LP: the attacker's range for ``cell`` knowing every margin exactly,
    every published cell, primary cells in [1, k−1] and other hidden cells ≥ k."""
    flat_hidden = np.flatnonzero(hidden.ravel())
    bounds = [(1, k - 1) if primary.ravel()[c] else (k, None) for c in flat_hidden]
    objective = np.zeros(len(flat_hidden))
    objective[int(np.flatnonzero(flat_hidden == cell)[0])] = 1.0
    a_eq, b_eq = line_constraints(values, hidden)
    low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    assert low.status == 0 and high.status == 0
    return float(low.fun), float(-high.fun)


def some_hypercube_moves(
    values: np.ndarray, primary: np.ndarray, k: int, cell: tuple[int, ...], shift: int
) -> bool:
    """Brute force: does any hypercube through ``cell`` let it move by ``shift`` with
    every other corner staying within its label (whether hidden yet or not)?"""
    others = [[i for i in range(n) if i != cell[a]] for a, n in enumerate(values.shape)]
    for partner in itertools.product(*others):
        fits = True
        for pattern in itertools.product((0, 1), repeat=values.ndim):
            if not any(pattern):
                continue
            corner = tuple(
                p if bit else c for p, c, bit in zip(partner, cell, pattern, strict=True)
            )
            value = int(values[corner])
            moved = value + (shift if sum(pattern) % 2 == 0 else -shift)
            fits = 1 <= moved <= k - 1 if primary[corner] else value >= k and moved >= k
            if not fits:
                break
        if fits:
            return True
    return False
