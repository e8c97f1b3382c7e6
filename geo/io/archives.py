"""Safety checks on .zip/.kmz archives before anything is unpacked from them.

Refuses members whose path would land outside the archive's folder ("zip slip"), archives that
expand beyond a size limit ("zip bombs") and archives with too many members.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from geo.errors import DataError
from geo.settings import MAX_ARCHIVE_MEMBERS, MAX_COMPRESSION_RATIO, MAX_UNPACKED_BYTES

__all__ = ["MAX_UNPACKED_BYTES", "MAX_MEMBERS", "MAX_COMPRESSION_RATIO", "check_archive"]

#: Most members an archive may hold.
MAX_MEMBERS = MAX_ARCHIVE_MEMBERS
#: Members this small are not judged by their ratio (a 1 kB file of spaces compresses 100× harmlessly).
_RATIO_FLOOR_BYTES = 1024**2


def check_archive(
    path: Path,
    *,
    max_bytes: int = MAX_UNPACKED_BYTES,
    max_members: int = MAX_MEMBERS,
    max_ratio: float = MAX_COMPRESSION_RATIO,
) -> list[zipfile.ZipInfo]:
    """Return the members of the archive at ``path`` after refusing an unsafe one, from its directory
    alone (nothing is unpacked): a member escaping the folder, a total size over ``max_bytes``, more than
    ``max_members`` members, or a compression ratio over ``max_ratio`` (a zip bomb).

    Raises :class:`DataError` naming the file and the offending member, size or count (and what to
    do), or for a broken archive.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise DataError(
            f"{path.name}: tệp nén hỏng ({exc}). Nén lại các tệp rồi thử lần nữa.",
            f"{path.name}: broken archive ({exc}). Zip the files again and retry.",
        ) from exc
    for member in members:
        parts = PurePosixPath(member.filename.replace("\\", "/")).parts
        if member.filename.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            raise DataError(
                f"{path.name}: tệp nén chứa đường dẫn ra ngoài thư mục ({member.filename!r}); từ chối đọc.",
                f"{path.name}: the archive has a member escaping its folder ({member.filename!r}); refused.",
            )
    total = sum(m.file_size for m in members)
    if total > max_bytes or len(members) > max_members:
        raise DataError(
            f"{path.name}: tệp nén giải ra {total / 1024**2:.0f} MB, {len(members)} tệp — quá giới hạn "
            f"{max_bytes / 1024**2:.0f} MB / {max_members} tệp; từ chối đọc. Chỉ nén các tệp của một lớp.",
            f"{path.name}: the archive expands to {total / 1024**2:.0f} MB, {len(members)} files — over the "
            f"{max_bytes / 1024**2:.0f} MB / {max_members} files limit; refused. Zip one layer's files only.",
        )
    for member in members:
        if member.file_size > _RATIO_FLOOR_BYTES and member.file_size > max_ratio * max(
            member.compress_size, 1
        ):
            ratio = member.file_size / max(member.compress_size, 1)
            raise DataError(
                f"{path.name}: tệp {member.filename!r} trong tệp nén bị nén {ratio:.0f} lần (giới hạn "
                f"{max_ratio:.0f}) — có thể là tệp nén độc hại (zip bomb); từ chối giải nén.",
                f"{path.name}: the member {member.filename!r} is compressed {ratio:.0f}× "
                f"(limit {max_ratio:.0f}×) "
                "— likely a zip bomb; refused before unpacking.",
            )
    return members
