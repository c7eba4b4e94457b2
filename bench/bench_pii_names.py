"""Benchmark of the person-name guard: recall, false refusals and time per note.

The corpus is ``tests/name_corpus.py`` (seeded; synthetic SSP notes from templates ×
a test name list written apart from the lexicon, about a fifth of the test names held
out of the lexicon) plus its hand-written notes. Prints, per group, how many notes
were refused, and the notes the guard got wrong (every name in them is made up), then
the time :func:`data.privacy.names.contains_person_name` and the whole PII guard
:func:`data.privacy.pii.find_pii` take per note (median of ``--reps`` passes over all
notes, GC off while timing; and a 280-character note, the longest a note may be).

Prints figures only. Run from the project root::

    .venv/bin/python bench/bench_pii_names.py [--seed 20260514] [--size 600] [--reps 5]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, Python puts bench/ on the path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import statistics
import time

from report import print_table, wall_times

from data.privacy.names import _lexicon, contains_person_name
from data.privacy.pii import find_pii
from tests.name_corpus import (
    HAND_WRITTEN_WITH_NAMES,
    HAND_WRITTEN_WITHOUT_NAMES,
    NamedNote,
    name_corpus,
)

LONG_NOTE = (
    "Samling av ca 25 ungdomar vid Gottsunda centrum och Valsätra under kvällen, lugnt men"
    " många mopeder; fältarna och Nattvandrarna pratade med flera grupper, 13–16 år, och"
    " polisen gjorde en kontroll vid Stenhagen centrum. Inga gripanden. Oro inför Valborg"
    " och lönehelgen, fler vuxna behövs i Sävja och Gränby."
)[:280]


def _share(found: int, total: int) -> str:
    return f"{found}/{total} ({found / total:.1%})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20260514)
    parser.add_argument("--size", type=int, default=600, help="notes with and without names")
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    lexicon = _lexicon()
    print(f"Lexicon: {len(lexicon.flags):,} names, read in {time.perf_counter() - started:.3f} s")

    corpus = name_corpus(seed=args.seed, size=args.size)
    known = [n for n in corpus.with_names if all(x.lower() in lexicon.flags for x in n.names)]
    unknown = [n for n in corpus.with_names if n not in known]

    def found(notes: list[NamedNote]) -> int:
        return sum(contains_person_name(note.text) for note in notes)

    refused = [text for text in corpus.without_names if contains_person_name(text)]
    hand_found = sum(map(contains_person_name, HAND_WRITTEN_WITH_NAMES))
    hand_refused = [t for t in HAND_WRITTEN_WITHOUT_NAMES if contains_person_name(t)]
    print(f"\nCorpus seed {args.seed}:")
    print_table(
        ("notes", "refused"),
        [
            ("with names (recall)", _share(found(list(corpus.with_names)), args.size)),
            ("  only names in the lexicon", _share(found(known), len(known))),
            ("  a name outside the lexicon", _share(found(unknown), len(unknown))),
            ("without names (false refusals)", _share(len(refused), args.size)),
            ("hand-written with names", _share(hand_found, len(HAND_WRITTEN_WITH_NAMES))),
            (
                "hand-written without names",
                _share(len(hand_refused), len(HAND_WRITTEN_WITHOUT_NAMES)),
            ),
        ],
    )
    missed = [n.text for n in corpus.with_names if not contains_person_name(n.text)]
    missed += [t for t in HAND_WRITTEN_WITH_NAMES if not contains_person_name(t)]
    print("\nMissed (synthetic names):" if missed else "\nMissed: none")
    for text in sorted(set(missed)):
        print(f"  {text}")
    print("Falsely refused:" if refused or hand_refused else "Falsely refused: none")
    for text in sorted(set(refused + hand_refused)):
        print(f"  {text}")

    notes = [n.text for n in corpus.with_names] + list(corpus.without_names)

    def per_note(check: object, texts: list[str]) -> str:
        passes = wall_times(lambda: [check(t) for t in texts], args.reps)  # type: ignore[operator]
        return f"{statistics.median(passes) / len(texts) * 1e6:,.1f} µs"

    print("\nTime per note (median of passes):")
    print_table(
        ("check", f"corpus ({len(notes)} notes)", "one 280-char note"),
        [
            (
                "contains_person_name",
                per_note(contains_person_name, notes),
                per_note(contains_person_name, [LONG_NOTE] * 200),
            ),
            (
                "find_pii (all kinds)",
                per_note(find_pii, notes),
                per_note(find_pii, [LONG_NOTE] * 200),
            ),
        ],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
