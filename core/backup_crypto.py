"""Encryption of backup archives: AES-256-GCM in chunks (the STREAM construction), so an archive of
any size is written and read without holding it in memory.

Layout: MAGIC, a header (scrypt salt, nonce prefix, chunk size), then chunks, each a 4-byte length
and the chunk's ciphertext with its tag. Each chunk's nonce is the prefix, its number and a flag
set only on the last chunk, and every chunk authenticates the header: a changed, reordered,
dropped or appended chunk, a cut-short file and a wrong key all fail to decrypt. The key is derived
from BACKUP_KEY (any passphrase) with scrypt and the archive's own salt."""

import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"OURPLACE-BACKUP-AESGCM-1\n"
CHUNK_SIZE = 1024 * 1024
_HEADER = struct.Struct(">16s7sI")  # salt, nonce prefix, chunk size
_LENGTH = struct.Struct(">I")
TAG_BYTES = 16


class BackupDecryptError(Exception):
    """The archive cannot be decrypted: wrong key, or a damaged or cut-short file."""


def derive_key(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode("utf-8"))


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I?", counter, last)


class EncryptingWriter:
    """A write-only file object: what is written goes to `raw` encrypted. close() writes the last
    chunk (it does not close `raw`)."""

    def __init__(self, raw, passphrase: str, chunk_size: int = CHUNK_SIZE):
        salt, prefix = os.urandom(16), os.urandom(7)
        self._header = MAGIC + _HEADER.pack(salt, prefix, chunk_size)
        raw.write(self._header)
        self._raw, self._prefix, self._chunk_size = raw, prefix, chunk_size
        self._aead = AESGCM(derive_key(passphrase, salt))
        self._buffer = bytearray()
        self._counter = 0
        self.closed = False

    def _emit(self, data: bytes, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._counter, last), data, self._header)
        self._raw.write(_LENGTH.pack(len(sealed)) + sealed)
        self._counter += 1

    def write(self, data) -> int:
        self._buffer += data
        # Keep at least one byte back, so the last chunk is never empty of what follows.
        while len(self._buffer) > self._chunk_size:
            self._emit(bytes(self._buffer[: self._chunk_size]), last=False)
            del self._buffer[: self._chunk_size]
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if not self.closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
            self.closed = True


class DecryptingReader:
    """A read-only file object giving back what EncryptingWriter was given; raises
    BackupDecryptError on a wrong key or any damage, and at the end if the last chunk is missing."""

    def __init__(self, raw, passphrase: str):
        magic = raw.read(len(MAGIC))
        if magic != MAGIC:
            raise BackupDecryptError("This is not an encrypted Our Place backup.")
        header = raw.read(_HEADER.size)
        if len(header) != _HEADER.size:
            raise BackupDecryptError("The backup is cut short (its header is incomplete).")
        salt, prefix, self._chunk_size = _HEADER.unpack(header)
        self._header = magic + header
        self._raw, self._prefix = raw, prefix
        self._aead = AESGCM(derive_key(passphrase, salt))
        self._buffer = b""
        self._counter = 0
        self._finished = False

    def _next_chunk(self) -> bytes:
        length = self._raw.read(_LENGTH.size)
        if len(length) != _LENGTH.size:
            raise BackupDecryptError("The backup is cut short: its last part is missing.")
        (size,) = _LENGTH.unpack(length)
        if size > self._chunk_size + TAG_BYTES:
            raise BackupDecryptError("The backup is damaged (a part has an impossible length).")
        sealed = self._raw.read(size)
        if len(sealed) != size:
            raise BackupDecryptError("The backup is cut short: its last part is missing.")
        for last in (False, True):
            try:
                data = self._aead.decrypt(
                    _nonce(self._prefix, self._counter, last), sealed, self._header
                )
            except InvalidTag:
                continue
            self._counter += 1
            if last:
                self._finished = True
                if self._raw.read(1):
                    raise BackupDecryptError("The backup is damaged (data after its end).")
            return data
        if self._counter == 0:
            raise BackupDecryptError(
                "The backup cannot be decrypted with this BACKUP_KEY: the key is wrong (or the "
                "file is damaged)."
            )
        raise BackupDecryptError(f"The backup is damaged (part {self._counter + 1} fails).")

    def read(self, size: int = -1) -> bytes:
        while (size < 0 or len(self._buffer) < size) and not self._finished:
            self._buffer += self._next_chunk()
        if size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def close(self) -> None:
        pass
