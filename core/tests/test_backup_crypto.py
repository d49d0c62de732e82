"""The backup archive's encryption (core/backup_crypto.py) over several chunks: it gives back what
was written, and a wrong key, a dropped last chunk and a changed byte are each refused."""

import io

import pytest

from core.backup_crypto import BackupDecryptError, DecryptingReader, EncryptingWriter

DATA = bytes(range(256)) * 40  # 10,240 bytes: eleven chunks of 1,000


def _sealed(key="the key") -> bytes:
    out = io.BytesIO()
    writer = EncryptingWriter(out, key, chunk_size=1000)
    for start in range(0, len(DATA), 777):  # writes that straddle chunk boundaries
        writer.write(DATA[start : start + 777])
    writer.close()
    return out.getvalue()


def _open(sealed: bytes, key="the key") -> bytes:
    reader = DecryptingReader(io.BytesIO(sealed), key)
    return b"".join(iter(lambda: reader.read(333), b""))


def test_round_trip_over_many_chunks():
    sealed = _sealed()
    assert DATA[:64] not in sealed
    assert _open(sealed) == DATA


def test_wrong_key_refused():
    with pytest.raises(BackupDecryptError, match="the key is wrong"):
        _open(_sealed(), key="another key")


def test_dropped_last_chunk_refused():
    sealed = _sealed()
    last = 4 + 240 + 16  # length prefix, 240 bytes left over, tag
    with pytest.raises(BackupDecryptError, match="cut short"):
        _open(sealed[:-last])


def test_changed_byte_refused():
    sealed = bytearray(_sealed())
    sealed[len(sealed) // 2] ^= 1
    with pytest.raises(BackupDecryptError, match="damaged"):
        _open(bytes(sealed))


def test_deploy_check_warns_when_backups_would_be_refused(settings):
    from core.backups import check_backup_key

    settings.BACKUP_ALLOW_UNENCRYPTED = False
    settings.BACKUP_KEY = ""
    assert [w.id for w in check_backup_key()] == ["core.W101"]
    settings.BACKUP_KEY = "a long passphrase"
    assert check_backup_key() == []
