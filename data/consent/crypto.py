"""Encryption at rest of the case layer: every personal value is a Fernet token.

The key never lives in the database. It comes from ``SSP_CASE_KEYS`` (one or more
url-safe base64 Fernet keys separated by commas, the first one encrypts, every one
decrypts — how a key is rotated) or, when that is empty, from the file
``case.key`` in the instance folder, created ``0600`` on first use. A database dump or
a stolen database file alone holds only ciphertext.

Rotation (docs/sspf.md): put a new key first in ``SSP_CASE_KEYS`` with the old ones
after it, restart, run ``flask --app wsgi ssp rotate-case-key`` (re-encrypts every
token with the first key), then drop the old keys.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from data.storage.private_files import write_private

KEY_FILE: Final = "case.key"


class CaseKeyError(RuntimeError):
    """The case key is missing, malformed or does not open a stored value."""


@dataclass(frozen=True)
class CaseCipher:
    """Encrypts and decrypts the case layer's values with the configured keys."""

    keys: tuple[bytes, ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise CaseKeyError("Ingen nyckel för ärendeskiktet (SSP_CASE_KEYS).")
        try:
            for key in self.keys:
                Fernet(key)
        except (ValueError, TypeError) as error:
            msg = "SSP_CASE_KEYS: en nyckel är inte en giltig Fernet-nyckel (44 tecken base64)."
            raise CaseKeyError(msg) from error

    @property
    def _fernet(self) -> MultiFernet:
        return MultiFernet([Fernet(key) for key in self.keys])

    def encrypt(self, text: str) -> bytes:
        """``text`` as a Fernet token (random IV: equal texts give different tokens)."""
        return self._fernet.encrypt(text.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        """The text of ``token``; :class:`CaseKeyError` if no configured key opens it."""
        try:
            return self._fernet.decrypt(bytes(token)).decode("utf-8")
        except InvalidToken as error:
            msg = "Ett krypterat värde kunde inte öppnas med de konfigurerade nycklarna."
            raise CaseKeyError(msg) from error

    def encrypt_optional(self, text: str | None) -> bytes | None:
        """None and the empty text stay None; anything else is encrypted."""
        return self.encrypt(text) if text else None

    def decrypt_optional(self, token: bytes | None) -> str:
        """The text of ``token``, or the empty text for None."""
        return self.decrypt(token) if token is not None else ""

    def encrypt_list(self, values: Sequence[str]) -> bytes:
        """A list of texts as one token (JSON inside)."""
        return self.encrypt(json.dumps(list(values), ensure_ascii=False))

    def decrypt_list(self, token: bytes | None) -> list[str]:
        """The list of texts of ``token`` (empty for None)."""
        if token is None:
            return []
        values = json.loads(self.decrypt(token))
        return [str(value) for value in values]

    def encrypt_bytes(self, data: bytes) -> bytes:
        """A file's bytes as a token (the scanned consent form)."""
        return self._fernet.encrypt(data)

    def decrypt_bytes(self, token: bytes) -> bytes:
        """The bytes of a file token."""
        try:
            return self._fernet.decrypt(token)
        except InvalidToken as error:
            msg = "En krypterad fil kunde inte öppnas med de konfigurerade nycklarna."
            raise CaseKeyError(msg) from error

    def rotate(self, token: bytes) -> bytes:
        """``token`` re-encrypted with the first key (for key rotation)."""
        try:
            return self._fernet.rotate(bytes(token))
        except InvalidToken as error:
            raise CaseKeyError("Ett värde kunde inte roteras: okänd nyckel.") from error


def new_key() -> str:
    """A fresh Fernet key (url-safe base64 text)."""
    return Fernet.generate_key().decode("ascii")


def load_cipher(setting: str, instance_folder: Path) -> CaseCipher:
    """The cipher from ``SSP_CASE_KEYS`` (``setting``) or, when that is empty, the
    instance folder's ``case.key`` (created ``0600`` with a fresh key if absent)."""
    keys = [part.strip() for part in setting.split(",") if part.strip()]
    if not keys:
        path = instance_folder / KEY_FILE
        if not path.exists():
            write_private(path, new_key())
        keys = [line.strip() for line in path.read_text("ascii").splitlines() if line.strip()]
    return CaseCipher(tuple(key.encode("ascii") for key in keys))
