"""Take the metadata out of a JPEG picture without re-encoding it: camera, author, place and editing history."""

# APP1 holds EXIF (camera, author, GPS position) and XMP; APP13 holds Photoshop/IPTC captions and names;
# COM is free text. APP0 (JFIF), APP2 (colour profile) and APP14 (Adobe colour transform) stay: the
# picture needs them to look the same.
DROPPED = {0xE1, 0xED, 0xFE}
START_OF_SCAN = 0xDA
STANDALONE = {0x01, *range(0xD0, 0xD8)}


def _orientation(payload: bytes) -> int | None:
    """The EXIF orientation (1-8) in an APP1 segment's payload, if it has one."""
    tiff = payload[6:] if payload.startswith(b"Exif\0\0") else b""
    order = {b"II": "little", b"MM": "big"}.get(tiff[:2])
    if order is None or len(tiff) < 10:
        return None
    directory = int.from_bytes(tiff[4:8], order)
    count = int.from_bytes(tiff[directory : directory + 2], order)
    for start in range(directory + 2, directory + 2 + 12 * count, 12):
        entry = tiff[start : start + 12]
        if len(entry) == 12 and int.from_bytes(entry[:2], order) == 0x0112:
            return int.from_bytes(entry[8:10], order)
    return None


def _orientation_only(value: int) -> bytes:
    """An APP1 segment holding nothing but the orientation: a turned photo still shows upright."""
    entry = b"\x01\x12\x00\x03\x00\x00\x00\x01" + value.to_bytes(2, "big") + b"\x00\x00"
    payload = b"Exif\0\0MM\x00\x2a\x00\x00\x00\x08\x00\x01" + entry + b"\x00\x00\x00\x00"
    return b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload


def jpeg_without_metadata(data: bytes, *, keep_orientation: bool = False) -> bytes | None:
    """The same picture without metadata segments, or None when there were none (or it is not a JPEG we read).

    keep_orientation: keep the EXIF orientation (Word turns photos by it; PDF viewers ignore it).
    """
    if not data.startswith(b"\xff\xd8"):
        return None
    out, position, dropped = bytearray(b"\xff\xd8"), 2, False
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in STANDALONE:
            out += data[position : position + 2]
            position += 2
            continue
        if marker == START_OF_SCAN:
            out += data[position:]
            return bytes(out) if dropped else None
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        if length < 2 or position + 2 + length > len(data):
            return None
        if marker in DROPPED:
            dropped = True
            turned = _orientation(data[position + 4 : position + 2 + length]) if keep_orientation else None
            out += _orientation_only(turned) if turned and turned != 1 else b""
        else:
            out += data[position : position + 2 + length]
        position += 2 + length
    return None
