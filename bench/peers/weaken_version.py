"""Marks one version requirement of an ELF shared library weak, in place.

TorchSharp's libLibTorchSharp.so is linked by a newer g++ than Debian 12's libstdc++, so it asks for GLIBCXX_3.4.32,
although the only symbol of that version it names is a marker no code calls (``std::ios_base_library_init``). The
dynamic loader refuses a library whose version requirement is missing unless the requirement is weak
(VER_FLG_WEAK), so the benchmark sets that flag on its own copy: ``weaken_version.py LIBRARY VERSION``.
"""

import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def weaken(image: bytearray, version: bytes) -> int:
    """Sets VER_FLG_WEAK on every requirement of ``version`` in a little-endian ELF64 image; returns how many."""
    if image[:4] != b"\x7fELF" or image[4] != 2 or image[5] != 1:
        raise ValueError("not a little-endian 64-bit ELF file")
    section_offset, = struct.unpack_from("<Q", image, 0x28)
    entry_size, count = struct.unpack_from("<HH", image, 0x3A)
    # (sh_name, sh_type, sh_flags, sh_addr, sh_offset, sh_size, sh_link, sh_info, sh_addralign, sh_entsize)
    sections = [struct.unpack_from("<IIQQQQIIQQ", image, section_offset + i * entry_size) for i in range(count)]
    weakened = 0
    for section in sections:
        if section[1] != SHT_GNU_VERNEED:
            continue
        strings = sections[section[6]][4]
        need = section[4]
        for _ in range(section[7]):  # sh_info: the number of Verneed entries
            _, aux_count, _, aux, next_need = struct.unpack_from("<HHIII", image, need)
            entry = need + aux
            for _ in range(aux_count):
                _, flags, _, name, next_aux = struct.unpack_from("<IHHII", image, entry)
                start = strings + name
                if bytes(image[start:image.index(0, start)]) == version:
                    struct.pack_into("<H", image, entry + 4, flags | VER_FLG_WEAK)
                    weakened += 1
                entry += next_aux
            need += next_need
    return weakened


def main() -> None:
    path, version = sys.argv[1], sys.argv[2]
    with open(path, "rb") as file:
        image = bytearray(file.read())
    if weaken(image, version.encode()) == 0:
        print(f"{path} does not require {version}: left as it is", file=sys.stderr)
        return
    with open(path, "wb") as file:
        file.write(image)


if __name__ == "__main__":
    main()
