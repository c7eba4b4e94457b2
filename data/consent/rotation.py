"""Key rotation of the case layer: every token re-encrypted with the first key.

Run after a new key was put first in ``SSP_CASE_KEYS`` (the old ones after it): every
``*_enc`` column of every case-layer table and every encrypted form file is rotated in
one unit of work; afterwards the old keys can be dropped (docs/sspf.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from data.access.audit import Actor, record
from data.consent.crypto import CaseCipher
from data.consent.files import form_path
from data.storage.consent_models import (
    SspfChild,
    SspfConsent,
    SspfMeeting,
    SspfNetworkMeeting,
    SspfObservation,
    SspfParty,
    SspfPlanItem,
)
from data.storage.models import Base
from data.storage.private_files import write_private

ENCRYPTED_MODELS: tuple[type[Base], ...] = (
    SspfChild,
    SspfConsent,
    SspfParty,
    SspfObservation,
    SspfMeeting,
    SspfPlanItem,
    SspfNetworkMeeting,
)
"""The case-layer tables with ``*_enc`` columns."""


@dataclass(frozen=True, slots=True)
class RotationCounts:
    """How many stored values and form files were re-encrypted."""

    values: int
    files: int


def encrypted_columns(model: type[Base]) -> tuple[str, ...]:
    """The names of ``model``'s encrypted columns (``*_enc``)."""
    return tuple(
        column.key for column in inspect(model).column_attrs if column.key.endswith("_enc")
    )


def rotate_case_key(
    session: Session, cipher: CaseCipher, instance_folder: Path, actor: Actor
) -> RotationCounts:
    """Re-encrypt every case-layer token and form file with the cipher's first key.

    Values change in ``session`` (the caller commits); a form file is replaced
    atomically (written beside it, then renamed), so a failed commit leaves files
    under the new key, which the configured keys still open. Refuses (CaseKeyError)
    a token no configured key opens, before anything is written back."""
    values = 0
    for model in ENCRYPTED_MODELS:
        columns = encrypted_columns(model)
        for row in session.scalars(select(model)):
            for name in columns:
                token = getattr(row, name)
                if token is not None:
                    setattr(row, name, cipher.rotate(token))
                    values += 1
    files = 0
    names = session.scalars(
        select(SspfConsent.form_file).where(SspfConsent.form_file.is_not(None))
    ).all()
    for form_name in names:
        path = form_path(instance_folder, str(form_name))
        if not path.exists():
            continue
        rotated = cipher.rotate(path.read_bytes())
        fresh = path.with_name(path.name + ".new")
        write_private(fresh, rotated)
        os.replace(fresh, path)
        files += 1
    record(session, "sspf.key_rotated", actor=actor, details={"values": values, "files": files})
    session.flush()
    return RotationCounts(values, files)
