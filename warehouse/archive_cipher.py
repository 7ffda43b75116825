"""The archive encrypted at rest: AES-256-GCM in chunks, streamed.

An encrypted archived copy is

    MAGIC (8 bytes) | key id (8) | salt (16) | chunk 0 | chunk 1 | ... | last chunk

Each chunk is CHUNK bytes of the content (the last one shorter, possibly
empty) sealed with AES-GCM, its 16-byte tag appended. The file's key is derived
from the archive key and a random salt of its own (HKDF-SHA256), so nonces
(the chunk's number) never repeat under one key. Every chunk's associated data
holds the header, the content's SHA-256 (the copy's name), the chunk's number
and whether it is the last: chunks cannot be reordered, dropped, cut off, or
moved to another content's name without the tag failing.

The archive key is 32 random bytes written as 64 hexadecimal digits, read from
`DIPROM_ARCHIVE_KEY_FILE` (a file of mode 0600) or `DIPROM_ARCHIVE_KEY`.
It is never logged, never on a command line; the key id in each file is an
HMAC of a fixed text under the key, and says nothing of it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"DIPRAE01"
KEY_ID_BYTES, SALT_BYTES, TAG_BYTES = 8, 16, 16
HEADER_BYTES = len(MAGIC) + KEY_ID_BYTES + SALT_BYTES
CHUNK = 1 << 20
KEY_FILE_VARIABLE, KEY_VARIABLE = "DIPROM_ARCHIVE_KEY_FILE", "DIPROM_ARCHIVE_KEY"


class ArchiveKeyError(Exception):
    """The archive key is configured wrongly (a message for people, no stack trace needed)."""


class TamperedArchive(Exception):
    """An encrypted archived copy does not decrypt to the content its name says."""


@dataclass(frozen=True)
class ArchiveKey:
    secret: bytes = field(repr=False)

    @classmethod
    def from_text(cls, text: str, where: str) -> ArchiveKey:
        text = text.strip()
        try:
            secret = bytes.fromhex(text)
        except ValueError:
            secret = b""
        if len(secret) != 32:
            raise ArchiveKeyError(
                f"คีย์เข้ารหัสคลังสำเนาใน {where} ต้องเป็นเลขฐานสิบหก 64 หลัก (สร้างด้วย python -m warehouse.archive_keys new-key FILE) · "
                f"the archive key in {where} must be 64 hexadecimal digits (make one with python -m warehouse.archive_keys new-key FILE)"
            )
        return cls(secret)

    @classmethod
    def from_file(cls, path: Path) -> ArchiveKey:
        try:
            info = path.stat()
        except OSError as error:
            raise ArchiveKeyError(f"อ่านไฟล์คีย์ {path} ไม่ได้ · cannot read the archive key file {path}: {error.strerror}") from None
        if stat.S_IMODE(info.st_mode) & 0o077:
            raise ArchiveKeyError(
                f"ไฟล์คีย์ {path} ต้องอ่านได้เฉพาะเจ้าของ (chmod 600) · the archive key file {path} must be readable by its owner only "
                f"(mode {stat.S_IMODE(info.st_mode):03o}; run chmod 600 {path})"
            )
        return cls.from_text(path.read_text(encoding="ascii", errors="replace"), str(path))

    @property
    def key_id(self) -> bytes:
        return hmac.new(self.secret, b"diprom archive key id", hashlib.sha256).digest()[:KEY_ID_BYTES]

    @property
    def fingerprint(self) -> str:
        return self.key_id.hex()

    def _file_cipher(self, salt: bytes, sha256: str) -> AESGCM:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"diprom archive v1 " + sha256.encode("ascii"))
        return AESGCM(derived.derive(self.secret))


def key_from_environment(environ=os.environ) -> ArchiveKey | None:
    """The configured archive key, or None: then the archive is written as plain copies, as before."""
    key_file = environ.get(KEY_FILE_VARIABLE)
    if key_file:
        return ArchiveKey.from_file(Path(key_file))
    key_text = environ.get(KEY_VARIABLE)
    if key_text:
        return ArchiveKey.from_text(key_text, KEY_VARIABLE)
    return None


def new_key_text() -> str:
    return secrets.token_hex(32)


def _associated_data(header: bytes, sha256: str, index: int, last: bool) -> bytes:
    return header + bytes.fromhex(sha256) + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


def _nonce(index: int) -> bytes:
    return index.to_bytes(12, "big")


def encrypt_chunks(chunks: Iterator[bytes], key: ArchiveKey, sha256: str) -> Iterator[bytes]:
    """The encrypted copy of a content given as chunks of any size, as it is produced.
    Holds at most two chunks of CHUNK bytes in memory."""
    salt = secrets.token_bytes(SALT_BYTES)
    header = MAGIC + key.key_id + salt
    cipher = key._file_cipher(salt, sha256)
    yield header
    pending, index = b"", 0
    for piece in chunks:
        pending += piece
        while len(pending) > CHUNK:  # strictly more: the last chunk is only known at the end
            block, pending = pending[:CHUNK], pending[CHUNK:]
            yield cipher.encrypt(_nonce(index), block, _associated_data(header, sha256, index, last=False))
            index += 1
    yield cipher.encrypt(_nonce(index), pending, _associated_data(header, sha256, index, last=True))


def key_id_of(path: Path) -> bytes:
    with open(path, "rb") as handle:
        header = handle.read(HEADER_BYTES)
    if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
        raise TamperedArchive(_refused(path, "its header is not an archive cipher header"))
    return header[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES]


def decrypt_chunks(handle: BinaryIO, keys: list[ArchiveKey], sha256: str, name: str) -> Iterator[bytes]:
    """The content of an encrypted copy, chunk by chunk, each authenticated before it is given.
    `keys`: the keys it may be under (two while a rotation is under way)."""
    header = handle.read(HEADER_BYTES)
    if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
        raise TamperedArchive(_refused(name, "its header is not an archive cipher header"))
    key_id, salt = header[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES], header[len(MAGIC) + KEY_ID_BYTES :]
    key = next((k for k in keys if hmac.compare_digest(k.key_id, key_id)), None)
    if key is None:
        raise ArchiveKeyError(
            f"สำเนา {name} เข้ารหัสด้วยคีย์อื่น ({key_id.hex()}) · {name} was encrypted under another archive key "
            f"(key id {key_id.hex()}; the configured key is {', '.join(k.fingerprint for k in keys) or 'none'})"
        )
    cipher = key._file_cipher(salt, sha256)
    digest = hashlib.sha256()
    index = 0
    block = handle.read(CHUNK + TAG_BYTES)
    while True:
        following = handle.read(CHUNK + TAG_BYTES) if len(block) == CHUNK + TAG_BYTES else b""
        last = not following
        try:
            plain = cipher.decrypt(_nonce(index), block, _associated_data(header, sha256, index, last))
        except InvalidTag:
            raise TamperedArchive(_refused(name, f"chunk {index} fails its authentication tag")) from None
        digest.update(plain)
        yield plain
        if last:
            break
        block, index = following, index + 1
    if digest.hexdigest() != sha256:  # cannot happen without the key; checked all the same
        raise TamperedArchive(_refused(name, "its content does not have the SHA-256 of its name"))


def plaintext_size(encrypted_size: int) -> int:
    """The content's size from its encrypted copy's size (every chunk but the last is full)."""
    body = encrypted_size - HEADER_BYTES
    chunks = max(1, -(-body // (CHUNK + TAG_BYTES)))
    return body - chunks * TAG_BYTES


def _refused(name, reason: str) -> str:
    return (
        f"สำเนาในคลัง {name} ถูกแก้ไขหรือเสียหาย จึงไม่อ่าน ({reason}) · the archived copy {name} was altered or damaged and is refused: {reason}"
    )
