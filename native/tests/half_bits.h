/* float <-> IEEE binary16 and bfloat16 bit patterns (round to nearest even; NaN stays NaN), for test data. */
#ifndef FOCAL_HALF_BITS_H
#define FOCAL_HALF_BITS_H

#include <stdint.h>
#include <string.h>

static uint32_t float_bits(float value) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    return bits;
}

static float bits_float(uint32_t bits) {
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

static uint16_t float_to_bf16(float value) {
    uint32_t bits = float_bits(value);
    if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((bits >> 16) | 0x0040u); /* quiet NaN */
    return (uint16_t)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
}

static float bf16_to_float(uint16_t bits) { return bits_float((uint32_t)bits << 16); }

static uint16_t float_to_f16(float value) {
    uint32_t bits = float_bits(value);
    uint16_t sign = (uint16_t)((bits >> 16) & 0x8000u);
    uint32_t magnitude = bits & 0x7FFFFFFFu;
    if (magnitude > 0x7F800000u) return (uint16_t)(sign | 0x7E00u);       /* NaN */
    if (magnitude >= 0x477FF000u) return (uint16_t)(sign | 0x7C00u);      /* rounds beyond 65504: infinity */
    if (magnitude < 0x38800000u) {                                        /* below 2^-14: subnormal or zero */
        if (magnitude < 0x33000000u) return sign;                         /* below half the least subnormal */
        uint32_t mantissa = (magnitude & 0x7FFFFFu) | 0x800000u;
        int shift = 126 - (int)(magnitude >> 23);                         /* the 24-bit mantissa in units of 2^-24 */
        uint32_t result = mantissa >> shift, rest = mantissa & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rest > half || (rest == half && (result & 1u))) result++;
        return (uint16_t)(sign | result);
    }
    uint32_t result = ((magnitude >> 13) - (112u << 10)), rest = magnitude & 0x1FFFu;
    if (rest > 0x1000u || (rest == 0x1000u && (result & 1u))) result++;
    return (uint16_t)(sign | result);
}

static float f16_to_float(uint16_t bits) {
    uint32_t sign = (uint32_t)(bits & 0x8000u) << 16, exponent = (bits >> 10) & 0x1Fu, mantissa = bits & 0x3FFu;
    if (exponent == 0x1F) return bits_float(sign | 0x7F800000u | (mantissa << 13));
    if (exponent != 0) return bits_float(sign | ((exponent + 112u) << 23) | (mantissa << 13));
    float value = (float)mantissa * (1.0f / 16777216.0f); /* subnormal: mantissa * 2^-24 */
    return sign ? -value : value;
}

#endif
