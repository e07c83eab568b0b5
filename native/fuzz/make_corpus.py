#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_focal.c (native/fuzz/corpus/): small inputs that exercise every operation and
element type, reductions, weights and per-class alpha, NULL options, aliasing, a pooled size, invalid arguments and
the settings and message functions. Each file is named after what it decodes to. Run from anywhere:

    python3 native/fuzz/make_corpus.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
TYPES = ["f32", "f64", "f16", "bf16"]
OPERATIONS = ["forward", "backward", "forward_backward"]

# Indices into the tables of fuzz_focal.c.
SMALL_SIZES = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 511, 512,
               513, 1000, 1023, 1024, 1025, 4095, 16383, 16384, 16385, 32769]
GAMMA = {2.0: 0, 0.0: 1, 0.5: 3, 1.5: 5, 0.7: 10, "huge": 18, "nan": 21, "negative": 23}
ALPHA = {0.25: 0, -1.0: 5, 1.0: 3, "nan": 9}
NORMALIZER = {1.0: 0, 0.0: 1, 3.5: 11}
CLASS_COUNTS = {1: 0, 2: 2, 3: 3, 7: 4, 80: 5, 0: 7}


def size_byte(n):
    if n == "large":
        return bytes([240])  # 240 % 8 = 0: 131071
    return bytes([SMALL_SIZES.index(n)])


def fill(mode=5, seed=1, constant=0, pokes=()):
    out = bytes([mode]) + struct.pack("<I", seed) + bytes([constant, len(pokes)])
    for index, which in pokes:
        out += struct.pack("<I", index) + bytes([which])
    return out


def focal(type_, operation, n=257, options=True, gamma=2.0, alpha=0.25, reduction=0, normalizer=1.0,
          classes=None, weights=False, grad_out=False, alias=0, alias_elements=0, alias_index=None, x=None, y=None, w=None,
          g=None):
    kind = TYPES.index(type_) + 4 * OPERATIONS.index(operation)
    out = bytes([kind]) + size_byte(n)
    if options:
        out += bytes([1, GAMMA[gamma], ALPHA[alpha], reduction, NORMALIZER[normalizer], 0])
        out += bytes([1, CLASS_COUNTS[classes]]) if classes is not None else bytes([0])
    else:
        out += bytes([0])
    out += bytes([1, 0 if weights else 1, 0 if grad_out else 1])       # nulls, weights, grad_out
    out += bytes([alias, alias_elements & 0xff, 1])                        # layout: alias, shift, no byte shift
    if alias_index is not None:
        out += struct.pack("<I", alias_index)                             # where a reduced output goes
    out += struct.pack("<HH", 0x5555, 0x0001)                             # flush against the trailing guard pages
    if options and classes is not None:
        out += bytes([1])                                                 # class alpha: valid values
    out += x or fill(5, 11)
    if operation == "backward" and grad_out:
        out += g or fill(5, 13)
    if options and weights:
        out += w or fill(5, 17)
    out += y or fill(5, 19)
    out += bytes([1, 0])                                                  # n = 0 pointers; cross-check ISA cap 0
    return out


def program(*operations):
    return bytes([len(operations) - 1]) + b"".join(operations)


def main():
    corpus = os.path.join(HERE, "corpus")
    os.makedirs(corpus, exist_ok=True)
    seeds = {}
    for type_ in TYPES:
        for operation in OPERATIONS:
            name = f"{operation}_{type_}"
            seeds[f"{name}_none"] = program(focal(type_, operation))
            seeds[f"{name}_mean_weights_classes"] = program(
                focal(type_, operation, n=513, reduction=2, classes=3, weights=True, grad_out=True, gamma=1.5))
            seeds[f"{name}_null_options_n0"] = program(focal(type_, operation, n=0, options=False))
    for operation in OPERATIONS:
        seeds[f"{operation}_f32_pooled"] = program(focal("f32", operation, n="large", weights=True, classes=7))
        seeds[f"{operation}_f64_in_place"] = program(focal("f64", operation, n=65, alias=6 if operation != "backward" else 8))
        seeds[f"{operation}_f32_shifted_overlap"] = program(focal("f32", operation, n=64, alias=11, alias_elements=3))
        seeds[f"{operation}_f16_normalized"] = program(focal("f16", operation, n=33, reduction=3, normalizer=3.5))
        seeds[f"{operation}_bf16_weighted_mean"] = program(focal("bf16", operation, n=129, reduction=4, weights=True))
    seeds["forward_backward_f32_loss_in_grad"] = program(focal("f32", "forward_backward", n=16, reduction=1, alias=13,
                                                                    alias_index=5))
    seeds["forward_f32_out_over_weights"] = program(focal("f32", "forward", n=16, weights=True, alias=12))
    seeds["backward_f32_grad_in_place_over_grad_out"] = program(focal("f32", "backward", n=17, grad_out=True, alias=10))
    seeds["forward_f32_bad_target"] = program(focal("f32", "forward", n=8, y=fill(5, 19, 0, [(3, 18)])))
    seeds["forward_f64_bad_weight"] = program(focal("f64", "forward", n=8, weights=True, w=fill(5, 17, 0, [(5, 13)])))
    seeds["forward_f32_bad_gamma"] = program(focal("f32", "forward", n=8, gamma="nan"))
    seeds["forward_f32_bad_alpha"] = program(focal("f32", "forward", n=8, alpha="nan"))
    seeds["forward_f32_bad_normalizer"] = program(focal("f32", "forward", n=8, reduction=3, normalizer=0.0))
    seeds["forward_f32_no_classes"] = program(focal("f32", "forward", n=8, classes=0))
    seeds["forward_f32_n_too_large"] = program(bytes([0, 252, 0]) + bytes([1, 1, 1, 0, 0, 1]) + struct.pack("<HH", 0, 0)
                                               + fill() + fill() + bytes([1]))
    seeds["settings_threads_isa_message"] = program(
        bytes([12, 3]),                      # focal_set_num_threads(3)
        bytes([14, 0]),                      # focal_set_max_isa(-1): an error
        bytes([16, 10]),                     # focal_last_error_message, a buffer one byte short
        focal("f32", "forward", n="large"))
    seeds["settings_isa_caps"] = program(bytes([14, 1]), focal("f64", "forward_backward", n=1025, reduction=1),
                                         bytes([14, 3]), focal("f16", "backward", n=1025))
    seeds["options_init_and_message"] = program(bytes([18, 0]), bytes([17, 1]), bytes([18, 1]), bytes([16, 11, 40]))
    for name, data in sorted(seeds.items()):
        with open(os.path.join(corpus, name), "wb") as f:
            f.write(data)
    print(f"{len(seeds)} seeds in {corpus}")


if __name__ == "__main__":
    main()
