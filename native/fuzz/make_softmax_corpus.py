#!/usr/bin/env python3
"""Writes the seed inputs of fuzz_softmax.c into native/fuzz/softmax_corpus (standard library only).

Each seed spells out the leading fields of one softmax call as fuzz_softmax.c decodes them (operation, element type,
shape, target kind, options) and ends in bytes from a seeded generator for the data, so that libFuzzer starts from
every entry, target kind, reduction and option family instead of finding them by chance. The seeds are the same on
every run (fixed generator seeds).
"""
import os
import random
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "softmax_corpus")

F32, F64, F16, BF16 = range(4)
FORWARD, BACKWARD, FORWARD_BACKWARD = range(3)
TYPES = ["f32", "f64", "f16", "bf16"]
OPERATIONS = ["forward", "backward", "forward_backward"]


def call(type_, operation, rows=3, classes=5, spatial=None, kind=0, reduction=0, options=True, gamma=0, alpha=0,
         smoothing=None, poly=None, ignore=None, flsd=False, class_alpha=False, weights=False, grad_out=False,
         alias=1, large=None, seed=0):
    """The bytes of one call; the indices are into fuzz_softmax.c's tables (row_table, class_table, ...)."""
    b = [type_ + 4 * operation]
    if large is not None:
        b += [216 + large]  # large_shapes[(216 + large) % 9]: large in 0..8 picks shape (216 + large) % 9
    elif spatial is None:
        b += [1, rows, classes]  # shape_byte 1: no spatial byte
    else:
        b += [4, rows, classes, spatial]  # shape_byte % 4 == 0: a spatial index follows
    b += [kind]
    if not options:
        b += [0]  # options NULL
        b += [1, 0 if weights else 1, 0 if grad_out else 1]
        b += [alias, 8, 0, 0, 0, 0, 0]
        return b + tail(seed)
    b += [1]
    b += [1 if flsd else 0]
    if not flsd:
        b += [gamma]
    b += [alpha, reduction, 0]
    extras = (1 if smoothing is not None else 0) | (2 if poly is not None else 0) | (4 if ignore is not None else 0)
    b += [extras]
    if smoothing is not None:
        b += [smoothing]
    if poly is not None:
        b += [poly]
    if ignore is not None:
        b += [ignore]
    b += [0]  # struct_size: this header's
    b += [1 if class_alpha else 0]
    b += [1, 0 if weights else 1, 0 if grad_out else 1]
    b += [alias, 8, 0, 0, 0, 0, 0]  # alias % 3 != 0: no aliasing unless asked; aligned, canaries on both sides
    return b + tail(seed)


def tail(seed):
    """Data bytes: fill modes that mostly give valid values (mode % 8 == 1 picks from the valid part of a table)."""
    generator = random.Random(seed)
    out = []
    for _ in range(6):  # class alpha mode, then each buffer: mode, seed (4 bytes), constant, pokes
        out += [1 + 8 * generator.randrange(4)] + [generator.randrange(256) for _ in range(5)] + [0]
    out += [generator.randrange(256) for _ in range(16)]
    return out


def seeds():
    result = {}
    for type_ in range(4):
        for operation in range(3):
            name = f"{OPERATIONS[operation]}_{TYPES[type_]}"
            result[f"{name}_index32"] = call(type_, operation, seed=type_ * 3 + operation)
            result[f"{name}_index64_ignore_mean"] = call(type_, operation, kind=1, reduction=2, ignore=0,
                                                         seed=100 + type_ * 3 + operation)
            result[f"{name}_probabilities_smoothing"] = call(type_, operation, kind=2, smoothing=1, rows=5,
                                                             classes=9, seed=200 + type_ * 3 + operation)
    # Options and shapes, one family each.
    result["spatial_index_weighted_mean"] = call(F32, FORWARD_BACKWARD, spatial=3, reduction=4, weights=True, seed=1)
    result["spatial_probabilities_backward"] = call(F64, BACKWARD, spatial=2, kind=2, grad_out=True, seed=2)
    result["class_alpha_weighted_mean"] = call(F32, FORWARD, reduction=4, class_alpha=True, weights=True, seed=3)
    result["flsd53_poly"] = call(F64, FORWARD_BACKWARD, flsd=True, poly=1, seed=4)
    result["poly_negative"] = call(F32, FORWARD, poly=2, seed=5)
    result["normalized_sum"] = call(BF16, BACKWARD, reduction=3, grad_out=True, seed=6)
    result["sum_no_alpha_cross_entropy"] = call(F16, FORWARD_BACKWARD, reduction=1, gamma=1, alpha=5, seed=7)
    result["options_null"] = call(F32, FORWARD_BACKWARD, options=False, seed=8)
    result["no_rows_mean"] = call(F64, FORWARD, rows=0, reduction=2, seed=9)
    result["one_class"] = call(F32, BACKWARD, classes=0, seed=10)
    result["large_rows_threads"] = call(F32, FORWARD_BACKWARD, large=1, seed=11)  # 16384 x 8
    result["large_spatial_threads"] = call(F16, BACKWARD, large=5, seed=12)  # 64 x 4 x 512
    result["in_place_gradient"] = call(F32, BACKWARD, alias=0, seed=13)  # grad_logits over logits
    # Multi-operation inputs: a setting, then calls under it.
    result["threads_then_calls"] = [12, 1] + call(F64, FORWARD, large=3, seed=14)  # 2048 x 64
    result["isa_then_calls"] = [13, 0] + call(F32, FORWARD_BACKWARD, kind=2, seed=15)
    for name in list(result):
        if name in ("threads_then_calls", "isa_then_calls"):
            result[name] = [1] + result[name] + call(F16, BACKWARD, seed=16)
        else:
            result[name] = [0] + result[name]
    return result


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        os.remove(os.path.join(OUT, name))
    for name, data in sorted(seeds().items()):
        with open(os.path.join(OUT, name), "wb") as file:
            file.write(struct.pack(f"{len(data)}B", *data))
    print(f"wrote {len(seeds())} seeds into {OUT}")


if __name__ == "__main__":
    main()
