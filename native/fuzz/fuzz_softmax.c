/*
 * libFuzzer harness over the softmax entries of the C ABI (focal_aot.h): focal_softmax_{forward, backward,
 * forward_backward}_{f32, f64, f16, bf16}, the sigmoid harness's (fuzz_focal.c) structure applied to [rows, classes]
 * and [rows, classes, S] logits.
 *
 * Each input decodes into 1-4 operations: a softmax call with a fuzzed shape (rows, classes, options->spatial),
 * target kind (int32 or int64 class indices with options->ignore_index, or probabilities), options (struct_size,
 * gamma or FLSD-53, alpha or class alphas, weights, label smoothing, Poly-1 epsilon, every reduction), data, NULL and
 * aliased pointers and misaligned buffers; or focal_set_num_threads / focal_set_max_isa, so that later calls run
 * under other settings. Every buffer lies in its own mmap()ed region between two PROT_NONE pages, flush against one
 * of them or between canary bytes that are checked after each call.
 *
 * Invariants (a violation prints the decoded calls and aborts, so that libFuzzer keeps the input):
 *   - the status is a code of the header and never FOCAL_ERROR_INTERNAL; a call that breaks no documented rule
 *     returns FOCAL_OK, and a call that breaks rules returns one of their codes;
 *   - after an error the message is non-empty and NUL-terminated; a successful call keeps the last one;
 *   - nothing is written outside the outputs (canaries, PROT_NONE pages, unchanged inputs, options, class alphas);
 *   - after FOCAL_OK: ignored rows and rows of weight 0 give loss 0 and gradient 0; a row with a NaN or +infinity
 *     logit, or only -infinity logits, gives NaN loss and gradient; other losses and gradients are never NaN, whatever
 *     the scale of weight, alpha and upstream; losses are >= 0 (Poly-1 epsilon >= 0) and finite for finite logits
 *     within the type's range, gradients finite; the reductions' documented results for no rows and for every row
 *     ignored; every NaN reduced loss is the canonical quiet NaN;
 *   - the same call gives the same bits in place / misaligned as on aligned copies, under another ISA cap and (for
 *     pooled sizes) another thread count; forward_backward equals forward and backward(grad_out = NULL) bit for bit;
 *     backward with grad_out = NULL equals backward with grad_out = 1; with S > 1, every sample equals its gathered
 *     row called with S = 1.
 *
 * Built with -DFOCAL_FUZZ_REPLAY_MAIN it is a plain program that runs each file (or each file of a folder) given on
 * its command line once: the C tests replay native/fuzz/softmax_corpus with it.
 */
/* What the report calls the cases the header leaves open (either status accepted). */
#define FOCAL_FUZZ_AMBIGUITY "overlaps the header leaves open"
#include "fuzz_common.h"

/* ---------------------------------------------------------------------------------------------------------------- */
/* Value tables                                                                                                      */

static const double logit_table[] = {
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -3.0, 10.0, -10.0, 17.0, 88.0, -88.0, 100.0, -100.0, 709.0, -745.0,
    1e4, -1e4, 1e7, -1e7, 1e30, 65504.0, -65504.0, 3.4e38, -3.4e38, 1e300, DBL_MAX, -DBL_MAX, 1e-10, -1e-10,
    4.9406564584124654e-324, 1.401298464324817e-45, 5.960464477539063e-08, INFINITY, -INFINITY, NAN, -NAN};
static const double probability_table[] = { /* the first 14 are valid */
    0.0, -0.0, 1.0, 0.5, 0.25, 0.75, 1e-3, 0.999, 0.99999994039535522, 5.9604644775390625e-08,
    4.9406564584124654e-324, 1.401298464324817e-45, 5.960464477539063e-08, 0.9999999999999999,
    NAN, -NAN, -1e-30, 1.0000001192092896, 2.0, -1.0, INFINITY, -INFINITY, 1e30, -0.5};
enum { VALID_PROBABILITIES = 14 };
static const double weight_table[] = { /* the first 11 are valid in every type; 3.4e38 only in f32 and f64 */
    0.0, -0.0, 1.0, 0.5, 2.0, 1e-3, 100.0, 65504.0, 4.9406564584124654e-324, 1.401298464324817e-45,
    5.960464477539063e-08, 3.4e38, DBL_MAX, -1.0, -1e-30, NAN, INFINITY, -INFINITY};
enum { VALID_WEIGHTS = 11 };
static const double gamma_table[] = {
    2.0, 0.0, -0.0, 0.5, 1.0, 1.5, 2.5, 3.0, 4.0, 5.0, 0.7, 37.5, 1e-300, 1e6, 1000000.0000000001, 999999.99999999988,
    INFINITY, NAN, -1.0, -4.9406564584124654e-324, 100.0};
static const double alpha_table[] = {
    0.25, 0.0, -0.0, 1.0, 0.5, -1.0, -INFINITY, -1e-300, NAN, INFINITY, 1.0000000000000002, 2.0,
    4.9406564584124654e-324, 0.9999999999999999};
static const double normalizer_table[] = {
    1.0, 0.0, -0.0, -1.0, NAN, INFINITY, 4.9406564584124654e-324, 1e-300, 1e300, DBL_MAX, 3.5, 0.5, 1e-3};
static const double class_alpha_table[] = { /* the first 10 are valid: finite and >= 0 (1e300 in f64 alone) */
    0.25, 0.0, -0.0, 1.0, 0.5, 2.0, 10.0, 1e-300, 4.9406564584124654e-324, 1e300,
    -1.0, -1e-300, NAN, INFINITY, -INFINITY};
static const double smoothing_table[] = { /* the first 7 are valid */
    0.0, 0.1, 0.5, 1.0, 1e-300, -0.0, 0.999, -0.1, 1.0000000000000002, NAN, INFINITY};
static const double poly_table[] = { /* the first 8 are valid: finite and >= -1 */
    0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 1e30, -0.0, -1.0000000000000002, NAN, INFINITY, -INFINITY};
static const int64_t ignore_table[] = {-100, -1, 0, 1, 2, INT64_MIN, INT64_MAX, (int64_t)INT32_MAX + 1, INT32_MIN};
static const size_t class_table[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 1000};
static const size_t row_table[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 33, 64, 100, 257};
static const size_t spatial_table[] = {1, 2, 3, 4, 7, 8, 16, 17, 33};
/* Shapes of 131072 and more logits, which the library may split over worker threads. */
static const size_t large_shapes[][3] = {
    {131072, 1, 1}, {16384, 8, 1}, {8193, 17, 1}, {2048, 64, 1}, {1030, 129, 1}, {64, 4, 512}, {8, 3, 8193},
    {2, 65536, 1}, {300, 1000, 1}};
/* Shapes the header refuses: classes 0 or above INT32_MAX, S 0 or above INT32_MAX, rows * classes * S too large. */
static const size_t bad_shapes[][3] = {
    {4, 0, 1}, {4, (size_t)INT32_MAX + 1, 1}, {4, SIZE_MAX, 1}, {4, 3, 0}, {4, 3, (size_t)INT32_MAX + 1},
    {(size_t)INT32_MAX + 1, 1, 1}, {65536, 32768, 1}, {SIZE_MAX, 2, 1}, {1024, 1024, 2048}, {2, (size_t)INT32_MAX, 1}};

/* ---------------------------------------------------------------------------------------------------------------- */
/* Library calls, one switch per operation (no calls through mismatched function pointer types)                    */

enum { FORWARD, BACKWARD, FORWARD_BACKWARD };
static const char *const operation_names[] = {"forward", "backward", "forward_backward"};

static focal_status call_forward(int type, const void *x, size_t rows, size_t classes, const void *y, int32_t kind,
                                 const focal_options *o, void *out) {
    library_calls++;
    switch (type) {
    case F32: return focal_softmax_forward_f32(x, rows, classes, y, kind, o, out);
    case F64: return focal_softmax_forward_f64(x, rows, classes, y, kind, o, out);
    case F16: return focal_softmax_forward_f16(x, rows, classes, y, kind, o, out);
    default: return focal_softmax_forward_bf16(x, rows, classes, y, kind, o, out);
    }
}

static focal_status call_backward(int type, const void *x, size_t rows, size_t classes, const void *y, int32_t kind,
                                  const focal_options *o, const void *grad_out, void *grad) {
    library_calls++;
    switch (type) {
    case F32: return focal_softmax_backward_f32(x, rows, classes, y, kind, o, grad_out, grad);
    case F64: return focal_softmax_backward_f64(x, rows, classes, y, kind, o, grad_out, grad);
    case F16: return focal_softmax_backward_f16(x, rows, classes, y, kind, o, grad_out, grad);
    default: return focal_softmax_backward_bf16(x, rows, classes, y, kind, o, grad_out, grad);
    }
}

static focal_status call_forward_backward(int type, const void *x, size_t rows, size_t classes, const void *y,
                                          int32_t kind, const focal_options *o, void *loss, void *grad) {
    library_calls++;
    switch (type) {
    case F32: return focal_softmax_forward_backward_f32(x, rows, classes, y, kind, o, loss, grad);
    case F64: return focal_softmax_forward_backward_f64(x, rows, classes, y, kind, o, loss, grad);
    case F16: return focal_softmax_forward_backward_f16(x, rows, classes, y, kind, o, loss, grad);
    default: return focal_softmax_forward_backward_bf16(x, rows, classes, y, kind, o, loss, grad);
    }
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* The settings operations (their own rules are the sigmoid harness's; here they only vary later calls' settings)  */

static void fuzz_settings(reader *r, int isa_operation) {
    uint8_t value = u8(r);
    library_calls++;
    if (isa_operation) {
        int isa = value % (detected_isa + 1);
        note("focal_set_max_isa(%d)\n", isa);
        REQUIRE(focal_set_max_isa(isa) == FOCAL_OK, "focal_set_max_isa(%d) failed", isa);
        current_isa = isa;
    } else {
        static const int32_t table[] = {0, 1, 2, 3, 64};
        int32_t threads = table[value % COUNT(table)];
        note("focal_set_num_threads(%d)\n", threads);
        REQUIRE(focal_set_num_threads(threads) == FOCAL_OK, "focal_set_num_threads(%d) failed", threads);
        current_threads = threads;
    }
    expect_message_kept("a settings call");
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* The focal_softmax_* operations                                                                                    */

enum { X, Y, W, G, O1, O2, ROLE_COUNT }; /* logits, targets, weights, grad_out, out / loss, grad_logits */
static const char *const role_names[] = {"logits", "targets", "weights", "grad_out", "out", "grad_logits"};

/* Rules a call can break, each with its error code. */
enum {
    BAD_SHAPE, BAD_TARGET_KIND, BAD_STRUCT_SIZE, NULL_LOGITS, NULL_TARGETS, NULL_OUT, NULL_GRAD, NULL_CLASS_ALPHA,
    BAD_NUM_CLASSES, BAD_GAMMA, BAD_ALPHA, BAD_SMOOTHING, BAD_POLY, BAD_CLASS_ALPHA, BAD_REDUCTION, BAD_NORMALIZER,
    BAD_WEIGHT, BAD_TARGET, BAD_OVERLAP, RULE_COUNT
};
static const int rule_status[RULE_COUNT] = {
    [BAD_SHAPE] = FOCAL_ERROR_INVALID_ARGUMENT,     [BAD_TARGET_KIND] = FOCAL_ERROR_INVALID_ARGUMENT,
    [BAD_STRUCT_SIZE] = FOCAL_ERROR_INVALID_ARGUMENT, [NULL_LOGITS] = FOCAL_ERROR_NULL_POINTER,
    [NULL_TARGETS] = FOCAL_ERROR_NULL_POINTER,        [NULL_OUT] = FOCAL_ERROR_NULL_POINTER,
    [NULL_GRAD] = FOCAL_ERROR_NULL_POINTER,           [NULL_CLASS_ALPHA] = FOCAL_ERROR_NULL_POINTER,
    [BAD_NUM_CLASSES] = FOCAL_ERROR_INVALID_ARGUMENT, [BAD_GAMMA] = FOCAL_ERROR_INVALID_ARGUMENT,
    [BAD_ALPHA] = FOCAL_ERROR_INVALID_ARGUMENT,       [BAD_SMOOTHING] = FOCAL_ERROR_INVALID_ARGUMENT,
    [BAD_POLY] = FOCAL_ERROR_INVALID_ARGUMENT,        [BAD_CLASS_ALPHA] = FOCAL_ERROR_INVALID_ARGUMENT,
    [BAD_REDUCTION] = FOCAL_ERROR_INVALID_ARGUMENT,   [BAD_NORMALIZER] = FOCAL_ERROR_INVALID_ARGUMENT,
    [BAD_WEIGHT] = FOCAL_ERROR_INVALID_ARGUMENT,      [BAD_TARGET] = FOCAL_ERROR_INVALID_ARGUMENT,
    [BAD_OVERLAP] = FOCAL_ERROR_INVALID_ARGUMENT};

typedef struct {
    int present;       /* a non-NULL pointer */
    size_t bytes;      /* its extent (targets and class alphas are not of the element type) */
    int region;        /* index into the call's regions */
    ptrdiff_t offset;  /* bytes from the region's lowest view */
    unsigned char *at; /* the pointer passed */
} view;

typedef struct {
    int type, operation;
    size_t rows, classes; /* as passed */
    int32_t kind;         /* target_kind as passed */
    int shape_ok;         /* rows, classes and the effective spatial follow the shape rules */
    size_t spatial, samples, elements; /* of the buffers that exist (8 of each for a refused shape) */
    size_t es;
    int reduced, options_null;
    focal_options options;   /* as written into the struct passed (its first options_bytes) */
    focal_options effective; /* what the library reads: the defaults after a short struct_size */
    int class_alpha_null_with_count;
    view views[ROLE_COUNT];
    region regions[ROLE_COUNT + 2];
    double *class_alpha; /* inside regions[ROLE_COUNT], or inside an output (class_alpha_in_output) */
    size_t class_alpha_count;
    int class_alpha_in_output;
    focal_options *options_at; /* inside regions[ROLE_COUNT + 1] */
    size_t options_bytes;
    int ambiguous; /* an overlap the header's wording and the library's rules settle differently */
} call;

static int index_targets(const call *c) { return c->kind != FOCAL_TARGET_PROBABILITIES; }

static int64_t target_at(const call *c, const unsigned char *targets, size_t i) {
    if (c->kind == FOCAL_TARGET_INDEX_I64) {
        int64_t v;
        memcpy(&v, targets + 8 * i, 8);
        return v;
    }
    int32_t v;
    memcpy(&v, targets + 4 * i, 4);
    return v;
}

static void store_target(const call *c, unsigned char *targets, size_t i, int64_t value) {
    if (c->kind == FOCAL_TARGET_INDEX_I64) {
        memcpy(targets + 8 * i, &value, 8);
    } else {
        int32_t v = (int32_t)value; /* truncated: the rules read the value stored */
        memcpy(targets + 4 * i, &v, 4);
    }
}

/* Class indices: valid ones, the ignore index, and now and then an invalid one. */
static void fill_indices(reader *r, const call *c, unsigned char *base, size_t count) {
    uint8_t mode = u8(r);
    uint64_t state = u32(r) | (uint64_t)mode << 40;
    int64_t ignore = c->effective.ignore_index, classes = c->shape_ok ? (int64_t)c->classes : 3;
    for (size_t i = 0; i < count; i++) {
        int64_t value = (int64_t)(mix(&state) % (uint64_t)classes);
        if ((mode % 4 == 2 && (mix(&state) & 3) == 0) || mode % 4 == 3) value = ignore;
        store_target(c, base, i, value);
    }
    for (int pokes = u8(r) % 4; pokes > 0 && count > 0; pokes--) {
        size_t index = u32(r) % count;
        const int64_t pokes_table[] = {ignore, -1, classes, classes - 1, 0, INT32_MAX, INT32_MIN, INT64_MAX,
                                       INT64_MIN, -100, (int64_t)1 << 32};
        store_target(c, base, index, pokes_table[u8(r) % COUNT(pokes_table)]);
    }
}

static void describe(const call *c) {
    const focal_options *o = &c->effective;
    note("focal_softmax_%s_%s(rows = %zu, classes = %zu, target_kind = %d, ", operation_names[c->operation],
         type_names[c->type], c->rows, c->classes, c->kind);
    if (c->options_null) {
        note("options NULL)\n");
    } else {
        note("options {struct_size %zu, gamma %.17g, alpha %.17g, class_alpha %s, num_classes %zu, weights %s, "
             "reduction %d, normalizer %.17g, label_smoothing %.17g, ignore_index %lld, poly_epsilon %.17g, "
             "sample_dependent_gamma %d, spatial %zu})\n",
             c->options.struct_size, o->gamma, o->alpha, o->class_alpha ? "set" : "NULL", o->num_classes,
             o->weights ? "set" : "NULL", o->reduction, o->normalizer, o->label_smoothing, (long long)o->ignore_index,
             o->poly_epsilon, o->sample_dependent_gamma, o->spatial);
        if (c->class_alpha != NULL && c->class_alpha_count <= 16) {
            note("  class_alpha =");
            for (size_t i = 0; i < c->class_alpha_count; i++) note(" %.17g", c->class_alpha[i]);
            note("%s\n", c->class_alpha_in_output ? " (inside an output)" : "");
        }
    }
    for (int role = 0; role < ROLE_COUNT; role++) {
        const view *v = &c->views[role];
        if (!v->present) {
            if (role == X || role == Y || (role == O1 && c->operation != BACKWARD)
                || (role == O2 && c->operation != FORWARD))
                note("  %s NULL\n", role_names[role]);
            continue;
        }
        note("  %s: %zu bytes, in the buffer of %s %+td bytes, address %% 64 = %zu", role_names[role], v->bytes,
             role_names[v->region], v->offset, (size_t)((uintptr_t)v->at % 64));
        if (role != O1 && role != O2 && c->regions[v->region].map != NULL && v->at != c->regions[v->region].map) {
            int indices = role == Y && index_targets(c);
            size_t size = indices ? (c->kind == FOCAL_TARGET_INDEX_I64 ? 8 : 4) : c->es, count = v->bytes / size;
            note(", values");
            for (size_t i = 0; i < count && i < 12; i++) {
                if (indices) note(" %lld", (long long)target_at(c, v->at, i));
                else note(" %.9g", get_value(c->type, v->at, i));
            }
            if (count > 12) note(" ...");
        }
        note("\n");
    }
}

/* Byte intervals of two views overlap. */
static int overlaps(const view *a, const view *b) {
    if (!a->present || !b->present || a->bytes == 0 || b->bytes == 0) return 0;
    uintptr_t a0 = (uintptr_t)a->at, a1 = a0 + a->bytes, b0 = (uintptr_t)b->at, b1 = b0 + b->bytes;
    return a0 < b1 && b0 < a1;
}

/* Decides which views share a region and where, then maps the regions. */
static void lay_out(reader *r, call *c) {
    size_t es = c->es;
    for (int role = 0; role < ROLE_COUNT; role++) {
        c->views[role].region = role;
        c->views[role].offset = 0;
    }
    /* Aliasing: one role moves into another's region (the pairs the overlap rules tell apart). */
    static const int pairs[][2] = {
        {O2, X}, {O2, X}, {O1, X}, {O1, Y}, {O2, Y}, {O1, W}, {O2, W}, {O2, G}, {O1, O2}, {O2, O1},
        {G, X}, {Y, X}, {W, X}, {G, Y}, {G, O2}, {G, W}};
    uint8_t alias = u8(r), shift_mode = u8(r);
    int8_t elements = (int8_t)u8(r);
    int bytes = shift_mode % 8 == 0 ? (int)(u8(r) % es) : 0;
    if (alias % 3 == 0) {
        int moved = pairs[alias / 3 % COUNT(pairs)][0], host = pairs[alias / 3 % COUNT(pairs)][1];
        ptrdiff_t shift = 0;
        size_t host_bytes = c->views[host].bytes;
        switch (shift_mode / 8 % 4) {
        case 0: case 1: shift = bytes; break;
        case 2: shift = (ptrdiff_t)(elements % (c->elements <= 4 ? 6 : 128)) * (ptrdiff_t)es + bytes; break;
        default: shift = host_bytes > 0 ? (ptrdiff_t)(u32(r) % host_bytes) : 0; break;
        }
        if (c->views[moved].present && c->views[host].present) {
            c->views[moved].region = host;
            c->views[moved].offset = shift;
        }
    }
    /* Each region spans its views; misalignment and placement are per region. */
    uint16_t placement_bits = u16(r), misalign_bits = u16(r);
    for (int g = 0; g < ROLE_COUNT; g++) {
        ptrdiff_t low = 0, high = 0;
        int used = 0;
        for (int role = 0; role < ROLE_COUNT; role++) {
            view *v = &c->views[role];
            if (!v->present || v->region != g) continue;
            ptrdiff_t begin = v->offset, end = v->offset + (ptrdiff_t)v->bytes;
            if (!used || begin < low) low = begin;
            if (!used || end > high) high = end;
            used = 1;
        }
        if (!used) continue;
        int placement = (placement_bits >> (2 * g)) & 3;
        size_t misalign = (misalign_bits >> (2 * g)) & 3 ? 0 : (size_t)((misalign_bits >> (2 * g + 1)) & 7) + 1;
        region_create(&c->regions[g], (size_t)(high - low), placement == 3 ? 0 : placement, misalign);
        for (int role = 0; role < ROLE_COUNT; role++) {
            view *v = &c->views[role];
            if (v->present && v->region == g) v->at = c->regions[g].span + (v->offset - low);
        }
        memset(c->regions[g].span, 0xCD, c->regions[g].span_size); /* outputs start as a pattern */
    }
}

static unsigned char *snapshot(const void *at, size_t bytes) {
    unsigned char *copy = malloc(bytes + 1);
    REQUIRE(copy != NULL, "malloc");
    if (bytes > 0) memcpy(copy, at, bytes);
    return copy;
}

static unsigned char *const *current_inputs; /* the call's input snapshots */
static const double *current_class_alpha;    /* a copy of the call's class alphas */

/* The options of a call on the snapshots: the struct passed, pointing at copies; NULL for NULL options. */
static const focal_options *plain_options(const call *c, focal_options *options) {
    if (c->options_null) return NULL;
    *options = c->options;
    options->weights = c->views[W].present ? current_inputs[W] : NULL;
    if (options->class_alpha != NULL) options->class_alpha = current_class_alpha;
    return options;
}

/* One call on separate, aligned copies of the inputs (the out-of-place reference), into loss / grad. */
static focal_status run_plain(const call *c, const void *grad_out, void *loss, void *grad) {
    focal_options storage;
    const focal_options *o = plain_options(c, &storage);
    const void *x = current_inputs[X], *y = current_inputs[Y];
    switch (c->operation) {
    case FORWARD: return call_forward(c->type, x, c->rows, c->classes, y, c->kind, o, loss);
    case BACKWARD: return call_backward(c->type, x, c->rows, c->classes, y, c->kind, o, grad_out, grad);
    default: return call_forward_backward(c->type, x, c->rows, c->classes, y, c->kind, o, loss, grad);
    }
}

static void compare_bits(const call *c, const void *expected, const void *actual, size_t count, const char *what) {
    if (count == 0 || memcmp(expected, actual, count * c->es) == 0) return;
    size_t i = 0, es = c->es;
    while (memcmp((const unsigned char *)expected + i * es, (const unsigned char *)actual + i * es, es) == 0) i++;
    uint64_t a = 0, b = 0;
    memcpy(&a, (const unsigned char *)expected + i * es, es);
    memcpy(&b, (const unsigned char *)actual + i * es, es);
    fail("%s: element %zu differs: 0x%llx (%.17g) vs 0x%llx (%.17g)", what, i, (unsigned long long)a,
         get_value(c->type, expected, i), (unsigned long long)b, get_value(c->type, actual, i));
}

static size_t loss_count(const call *c) { return c->operation == BACKWARD ? 0 : c->reduced ? 1 : c->samples; }
static size_t grad_count(const call *c) { return c->operation == FORWARD ? 0 : c->elements; }

/* The reduction's divisor, by the header: 1, the normalizer, the rows not ignored, or the sum over them of
 * w_row * alpha of the target class (probabilities: sum_j y_j alpha_j). */
static double denominator(const call *c) {
    const focal_options *o = &c->effective;
    if (o->reduction == FOCAL_REDUCTION_SUM) return 1;
    if (o->reduction == FOCAL_REDUCTION_NORMALIZED) return o->normalizer;
    double total = 0, scalar_alpha = o->alpha >= 0 ? o->alpha : 1;
    size_t classes = c->classes, spatial = c->spatial;
    for (size_t s = 0; s < c->samples; s++) {
        double class_weight = 0;
        if (index_targets(c)) {
            int64_t t = target_at(c, current_inputs[Y], s);
            if (t == o->ignore_index) continue;
            class_weight = current_class_alpha != NULL ? current_class_alpha[t] : scalar_alpha;
        } else {
            size_t first = s / spatial * classes * spatial + s % spatial;
            for (size_t j = 0; j < classes; j++)
                class_weight += get_value(c->type, current_inputs[Y], first + j * spatial)
                                * (current_class_alpha != NULL ? current_class_alpha[j] : scalar_alpha);
        }
        if (o->reduction == FOCAL_REDUCTION_MEAN) total += 1;
        else total += (c->views[W].present ? get_value(c->type, current_inputs[W], s) : 1.0) * class_weight;
    }
    return total;
}

/* A sample's inputs, for the report of a violated value invariant. */
static const char *sample_text(const call *c, size_t s) {
    static char text[1024];
    size_t used = 0, first = s / c->spatial * c->classes * c->spatial + s % c->spatial;
    used += (size_t)snprintf(text, sizeof text, "; its logits");
    for (size_t j = 0; j < c->classes && j < 16 && used < sizeof text; j++)
        used += (size_t)snprintf(text + used, sizeof text - used, " %.9g",
                                 get_value(c->type, current_inputs[X], first + j * c->spatial));
    if (used < sizeof text && index_targets(c))
        used += (size_t)snprintf(text + used, sizeof text - used, ", target %lld",
                                 (long long)target_at(c, current_inputs[Y], s));
    if (used < sizeof text && c->views[W].present)
        snprintf(text + used, sizeof text - used, ", weight %.9g", get_value(c->type, current_inputs[W], s));
    return text;
}

/* Values of a successful call, on the out-of-place reference's inputs and outputs. */
static void check_values(const call *c, const void *loss, const void *grad) {
    const focal_options *o = &c->effective;
    int type = c->type, per_sample_loss = c->operation != BACKWARD && !c->reduced, gradient = c->operation != FORWARD;
    size_t classes = c->classes, spatial = c->spatial;
    double maximum = type_max[type], epsilon = o->poly_epsilon, smoothing = o->label_smoothing;
    double gamma = o->sample_dependent_gamma ? 5 : o->gamma, alpha_max = o->alpha >= 0 ? o->alpha : 1;
    if (current_class_alpha != NULL) {
        alpha_max = 0;
        for (size_t j = 0; j < classes; j++) alpha_max = fmax(alpha_max, current_class_alpha[j]);
    }
    double divisor = c->reduced ? denominator(c) : 1, upstream = 1;
    if (c->operation == BACKWARD && c->reduced && c->views[G].present) upstream = get_value(type, current_inputs[G], 0);
    /* rows_in_range: each row's loss is computed in the type before the sum in double */
    int any_nan = 0, rows_in_range = 1, scales_in_range = 1;
    double bound = 0;                   /* of the sum of the losses */
    for (size_t s = 0; s < c->samples; s++) {
        size_t first = s / spatial * classes * spatial + s % spatial;
        double w = c->views[W].present ? get_value(type, current_inputs[W], s) : 1.0;
        double u = c->operation == BACKWARD && !c->reduced && c->views[G].present
                       ? get_value(type, current_inputs[G], s) : upstream / divisor;
        double l = per_sample_loss ? get_value(type, loss, s) : 0;
        int ignored = index_targets(c) && target_at(c, current_inputs[Y], s) == o->ignore_index;
        if (ignored || w == 0) {
            REQUIRE(l == 0, "sample %zu (%s): loss %.17g, not 0", s, ignored ? "ignored" : "weight 0", l);
            for (size_t j = 0; gradient && j < classes; j++)
                REQUIRE(get_value(type, grad, first + j * spatial) == 0,
                        "sample %zu (%s): gradient[%zu] = %.17g, not 0", s, ignored ? "ignored" : "weight 0", j,
                        get_value(type, grad, first + j * spatial));
            continue;
        }
        int undefined = 0, all_negative_infinite = 1, some_negative_infinite = 0;
        double high = -INFINITY, low = INFINITY, mass = 0;
        for (size_t j = 0; j < classes; j++) {
            double x = get_value(type, current_inputs[X], first + j * spatial);
            if (isnan(x) || x == INFINITY) undefined = 1;
            if (x == -INFINITY) some_negative_infinite = 1;
            else all_negative_infinite = 0;
            if (isfinite(x)) high = fmax(high, x), low = fmin(low, x);
            if (!index_targets(c)) mass += get_value(type, current_inputs[Y], first + j * spatial);
        }
        if (undefined || all_negative_infinite) {
            any_nan = 1;
            if (per_sample_loss) REQUIRE(isnan(l), "sample %zu: an undefined softmax, but loss %.17g", s, l);
            for (size_t j = 0; gradient && j < classes; j++)
                REQUIRE(isnan(get_value(type, grad, first + j * spatial)),
                        "sample %zu: an undefined softmax, but gradient[%zu] = %.17g", s, j,
                        get_value(type, grad, first + j * spatial));
            continue;
        }
        /* Loss <= w (sum_j alpha_j y'_j + |epsilon| sum_j y'_j) (-log p_j), -log p_j <= range + log C. */
        double target_mass = index_targets(c) ? 1 : (1 - smoothing) * mass + smoothing;
        /* The differences x_j - max are computed in the type (float for 16-bit data): a range beyond it overflows
         * however small the weighted loss. */
        double range = some_negative_infinite || high - low > maximum / 4 ? INFINITY : high - low;
        double size = w * target_mass * (alpha_max + fabs(epsilon)) * (range + log((double)classes) + 2);
        bound += size;
        if (!(size <= maximum / 4)) rows_in_range = 0;
        /* A row whose w * alpha, or upstream, is beyond the compute type's range runs scaled into it by powers of
         * two, so its loss and gradient are never NaN; with double data, while w * alpha stays within double's. */
        int scale_in_range = type != F64 || w * (alpha_max + fabs(epsilon)) <= DBL_MAX / 4;
        if (!scale_in_range) scales_in_range = 0;
        if (per_sample_loss && scale_in_range) {
            REQUIRE(!isnan(l), "sample %zu: loss %.17g%s", s, l, sample_text(c, s));
            if (epsilon >= 0) REQUIRE(l >= 0, "sample %zu: loss %.17g, not a number >= 0%s", s, l, sample_text(c, s));
            if (size <= maximum / 4)
                REQUIRE(isfinite(l), "sample %zu: loss %.17g is not finite (bound %g)%s", s, l, size,
                        sample_text(c, s));
        }
        double gradient_size = fabs(u) * size * (2 + gamma) * 4;
        if (gradient && scale_in_range && isfinite(u))
            for (size_t j = 0; j < classes; j++) {
                double g = get_value(type, grad, first + j * spatial);
                REQUIRE(!isnan(g), "sample %zu: gradient[%zu] = %.17g%s", s, j, g, sample_text(c, s));
                if (gradient_size <= maximum / 4)
                    REQUIRE(isfinite(g), "sample %zu: gradient[%zu] = %.17g is not finite (bound %g)%s", s, j, g,
                            gradient_size, sample_text(c, s));
            }
    }
    if (!c->reduced || c->operation == BACKWARD) return;
    double l = get_value(type, loss, 0);
    int reduction = o->reduction;
    if (isnan(l)) REQUIRE(is_canonical_nan(type, loss), "a NaN reduced loss that is not the canonical quiet NaN");
    if (any_nan) {
        REQUIRE(isnan(l), "reduction %d: %.17g, but a sample's loss is NaN", reduction, l);
    } else if (c->samples == 0 && (reduction == FOCAL_REDUCTION_SUM || reduction == FOCAL_REDUCTION_NORMALIZED)) {
        REQUIRE(l == 0, "no samples: reduction %d gives %.17g, not 0", reduction, l);
    } else if (divisor == 0 && reduction == FOCAL_REDUCTION_MEAN) {
        REQUIRE(isnan(l), "every sample ignored: the mean is %.17g, not NaN", l);
    } else if (divisor == 0) {
        REQUIRE(isnan(l) || isinf(l), "weighted mean over a zero weight sum: %.17g", l);
    } else {
        if (epsilon >= 0 && scales_in_range)
            REQUIRE(l >= 0, "reduction %d: %.17g, not a number >= 0", reduction, l);
        if (rows_in_range && bound / divisor <= maximum / 4)
            REQUIRE(isfinite(l), "reduction %d: %.17g is not finite (bound %g, divisor %g)", reduction, l, bound,
                    divisor);
    }
}

/* With S > 1: every sample's results equal those of its gathered row of classes, called with S = 1. */
static void check_gathered(const call *c, const void *loss, const void *grad) {
    size_t classes = c->classes, spatial = c->spatial, es = c->es, samples = c->samples;
    unsigned char *x = malloc(c->elements * es + 1), *y = NULL, *g = malloc(c->elements * es + 1);
    unsigned char *l = malloc((c->reduced ? 1 : samples) * es + 1);
    REQUIRE(x != NULL && g != NULL && l != NULL, "malloc");
    for (size_t s = 0; s < samples; s++)
        for (size_t j = 0; j < classes; j++)
            memcpy(x + (s * classes + j) * es,
                   current_inputs[X] + ((s / spatial * classes + j) * spatial + s % spatial) * es, es);
    const void *targets = current_inputs[Y];
    if (!index_targets(c)) {
        y = malloc(c->elements * es + 1);
        REQUIRE(y != NULL, "malloc");
        for (size_t s = 0; s < samples; s++)
            for (size_t j = 0; j < classes; j++)
                memcpy(y + (s * classes + j) * es,
                       current_inputs[Y] + ((s / spatial * classes + j) * spatial + s % spatial) * es, es);
        targets = y;
    }
    focal_options storage;
    focal_options *o = (focal_options *)plain_options(c, &storage);
    o->spatial = 1;
    focal_status status;
    const void *grad_out = c->views[G].present ? current_inputs[G] : NULL;
    switch (c->operation) {
    case FORWARD: status = call_forward(c->type, x, samples, classes, targets, c->kind, o, l); break;
    case BACKWARD: status = call_backward(c->type, x, samples, classes, targets, c->kind, o, grad_out, g); break;
    default: status = call_forward_backward(c->type, x, samples, classes, targets, c->kind, o, l, g); break;
    }
    REQUIRE(status == FOCAL_OK, "the gathered rows (S = 1): status %d: %s", status, read_message());
    if (c->operation != BACKWARD && !c->reduced) compare_bits(c, loss, l, samples, "S > 1 vs gathered rows (loss)");
    if (c->operation != FORWARD)
        for (size_t s = 0; s < samples; s++)
            for (size_t j = 0; j < classes; j++)
                REQUIRE(memcmp(g + (s * classes + j) * es,
                               (const unsigned char *)grad + ((s / spatial * classes + j) * spatial + s % spatial) * es,
                               es) == 0,
                        "S > 1 vs gathered rows: gradient of sample %zu, class %zu differs: %.17g vs %.17g", s, j,
                        get_value(c->type, grad, (s / spatial * classes + j) * spatial + s % spatial),
                        get_value(c->type, g, s * classes + j));
    free(x);
    free(y);
    free(g);
    free(l);
}

/* Decodes the shape, options and pointers of one call. */
static void decode(reader *r, call *c) {
    uint8_t shape_byte = u8(r);
    size_t spatial_choice = 1;
    if (shape_byte < 216) {
        c->rows = shape_byte < 200 ? row_table[u8(r) % COUNT(row_table)] : u16(r) % 1100;
        c->classes = class_table[u8(r) % COUNT(class_table)];
        if (shape_byte % 4 == 0) spatial_choice = spatial_table[u8(r) % COUNT(spatial_table)];
    } else if (shape_byte < 240) {
        const size_t *shape = large_shapes[shape_byte % COUNT(large_shapes)];
        c->rows = shape[0], c->classes = shape[1], spatial_choice = shape[2];
    } else {
        const size_t *shape = bad_shapes[shape_byte % COUNT(bad_shapes)];
        c->rows = shape[0], c->classes = shape[1], spatial_choice = shape[2];
    }
    uint8_t kind_byte = u8(r);
    c->kind = kind_byte < 250 ? kind_byte % 3 : kind_byte == 250 ? 3 : kind_byte == 251 ? -1 : INT32_MAX;

    uint8_t options_byte = u8(r);
    c->options_null = options_byte % 8 == 0;
    focal_options_init(&c->options);
    focal_options_init(&c->effective);
    library_calls += 2;
    focal_options *o = &c->options;
    if (!c->options_null) {
        o->spatial = spatial_choice;
        uint8_t family = u8(r);
        o->sample_dependent_gamma = family % 8 == 1 ? 1 : family % 16 == 2 ? -7 : 0;
        o->gamma = o->sample_dependent_gamma && family < 192 ? 2.0 : pick_double(r, gamma_table, COUNT(gamma_table));
        o->alpha = pick_double(r, alpha_table, COUNT(alpha_table));
        uint8_t reduction = u8(r);
        o->reduction = reduction % 16 < 13 ? reduction % 16 % 5 : reduction % 16 == 13 ? -1 : reduction % 16 == 14 ? 5
                                                                                                      : INT32_MIN;
        o->normalizer = pick_double(r, normalizer_table, COUNT(normalizer_table));
        uint8_t extras = u8(r);
        if (extras & 1) o->label_smoothing = pick_double(r, smoothing_table, COUNT(smoothing_table));
        if (extras & 2) o->poly_epsilon = pick_double(r, poly_table, COUNT(poly_table));
        if (extras & 4) o->ignore_index = ignore_table[u8(r) % COUNT(ignore_table)];
        /* struct_size: mostly this header's; else an older or a newer struct, or one shorter than the 0.2 struct. */
        static const size_t struct_sizes[] = {64, 72, 80, 88, 96, 0, 8, 63, sizeof(focal_options) + 8,
                                              sizeof(focal_options) + 64};
        uint8_t size_mode = u8(r);
        o->struct_size = size_mode % 32 < 22 ? sizeof(focal_options) : struct_sizes[size_mode % 32 - 22];
        uint8_t class_mode = u8(r);
        if (class_mode % 4 == 1) { /* a class alpha table, mostly one per class */
            static const int64_t deltas[] = {0, 0, 0, 0, 1, -1, INT64_MIN}; /* INT64_MIN: above INT32_MAX */
            int64_t delta = deltas[(class_mode >> 2) % COUNT(deltas)];
            o->num_classes = delta == INT64_MIN ? (size_t)INT32_MAX + 1 : c->classes + (size_t)delta;
            if (c->classes > 4096 || c->classes == 0) o->num_classes = (class_mode >> 5) % 2 ? 3 : 0;
            c->class_alpha_count = o->num_classes == 0 || o->num_classes > 4096 ? 4 : o->num_classes;
        } else if (class_mode % 16 == 2) { /* num_classes without a table */
            o->num_classes = c->classes;
            c->class_alpha_null_with_count = o->num_classes != 0;
        }
        /* What the library reads: the fields that end within struct_size (rounded down to 8 bytes). */
        if (o->struct_size >= 64) {
            size_t known = (o->struct_size < sizeof(focal_options) ? o->struct_size : sizeof(focal_options)) / 8 * 8;
            memcpy(&c->effective, o, known);
            c->effective.struct_size = o->struct_size;
        }
    }
    c->reduced = c->effective.reduction != FOCAL_REDUCTION_NONE;

    /* The shape rules with the effective spatial; a refused shape gets 8 of each element. */
    size_t classes = c->classes, spatial = c->effective.spatial;
    c->shape_ok = classes >= 1 && classes <= INT32_MAX && spatial >= 1 && spatial <= INT32_MAX
                  && c->rows <= (size_t)INT32_MAX / classes / spatial;
    c->spatial = c->shape_ok ? spatial : 1;
    c->samples = c->shape_ok ? c->rows * spatial : 8;
    c->elements = c->shape_ok ? c->samples * classes : 8;
}

static void fuzz_softmax(reader *r, int type, int operation) {
    call *c = calloc(1, sizeof *c);
    REQUIRE(c != NULL, "calloc");
    c->type = type;
    c->operation = operation;
    c->es = type_sizes[type];
    size_t es = c->es;
    decode(r, c);

    uint8_t nulls = u8(r), weights_byte = u8(r), grad_out_byte = u8(r);
    int rare_null = nulls % 8 == 0;
    c->views[X].present = !(rare_null && (nulls & 0x08));
    c->views[Y].present = !(rare_null && (nulls & 0x10));
    c->views[W].present = !c->options_null && weights_byte % 3 == 0;
    c->views[G].present = operation == BACKWARD && grad_out_byte % 2 == 0;
    c->views[O1].present = operation != BACKWARD && !(rare_null && (nulls & 0x20));
    c->views[O2].present = operation != FORWARD && !(rare_null && (nulls & 0x40));
    size_t target_size = c->kind == FOCAL_TARGET_INDEX_I64 ? 8 : c->kind == FOCAL_TARGET_PROBABILITIES ? es : 4;
    c->views[X].bytes = c->elements * es;
    c->views[Y].bytes = (c->kind == FOCAL_TARGET_PROBABILITIES ? c->elements : c->samples) * target_size;
    c->views[W].bytes = c->samples * es;
    c->views[G].bytes = (c->reduced ? 1 : c->samples) * es;
    c->views[O1].bytes = (c->reduced ? 1 : c->samples) * es;
    c->views[O2].bytes = c->elements * es;
    lay_out(r, c);

    /* Class alphas and the options struct, each in a guarded region. */
    if (c->class_alpha_count > 0 && !c->options_null) {
        region_create(&c->regions[ROLE_COUNT], c->class_alpha_count * sizeof(double), 1, 0);
        c->class_alpha = (double *)(void *)c->regions[ROLE_COUNT].span;
        uint8_t mode = u8(r);
        uint64_t state = mode;
        for (size_t i = 0; i < c->class_alpha_count; i++)
            c->class_alpha[i] = mode % 4 == 0 ? class_alpha_table[mix(&state) % COUNT(class_alpha_table)]
                                              : class_alpha_table[mix(&state) % 10];
        c->options.class_alpha = c->class_alpha;
    }
    if (!c->options_null) {
        /* A struct_size below sizeof(focal_options) declares a shorter struct: only that much is mapped (at least its
         * size_t, rounded up to 8 bytes), flush against a PROT_NONE page; the library must read no more. */
        size_t size = c->options.struct_size >= sizeof(focal_options) ? c->options.struct_size
                      : c->options.struct_size <= sizeof(size_t)       ? sizeof(size_t)
                                                                       : (c->options.struct_size + 7) / 8 * 8;
        c->options_bytes = size < sizeof(focal_options) ? size : sizeof(focal_options);
        region_create(&c->regions[ROLE_COUNT + 1], size, 1, 0);
        c->options_at = (focal_options *)(void *)c->regions[ROLE_COUNT + 1].span;
    }

    /* Inputs, in a fixed order; where views coincide the later one's values stay. */
    static const int input_order[] = {X, G, W, Y};
    for (size_t k = 0; k < COUNT(input_order); k++) {
        int role = input_order[k];
        view *v = &c->views[role];
        unsigned char scratch[64];
        unsigned char *at = v->present ? v->at : scratch; /* an absent buffer still decodes, to keep inputs aligned */
        size_t count = v->present ? v->bytes / (role == Y ? target_size : es) : 0;
        if (!v->present && (role == W || role == G)) continue;
        if (role == Y && index_targets(c)) fill_indices(r, c, at, count);
        else if (role == Y) fill(r, type, at, count, probability_table, COUNT(probability_table), VALID_PROBABILITIES, 1);
        else if (role == W) fill(r, type, at, count, weight_table, COUNT(weight_table), VALID_WEIGHTS, 2);
        else fill(r, type, at, count, logit_table, COUNT(logit_table), COUNT(logit_table), 0);
    }
    /* Now and then the class alphas inside a per-sample output, which the header forbids. */
    if (c->class_alpha != NULL && c->elements > 0 && u8(r) % 4 == 0) {
        size_t need = (c->class_alpha_count + 1) * 8;
        int out = c->views[O1].present && c->views[O1].bytes >= need ? O1 : O2;
        view *o = &c->views[out];
        if (o->present && o->bytes >= need) {
            size_t align = (8 - (uintptr_t)o->at % 8) % 8, room = (o->bytes - align) / 8 - c->class_alpha_count;
            double *inside = (double *)(void *)(o->at + align + 8 * (u8(r) % (room + 1)));
            memcpy(inside, c->class_alpha, c->class_alpha_count * sizeof(double));
            c->class_alpha = inside;
            c->options.class_alpha = inside;
            c->class_alpha_in_output = 1;
        }
    }
    if (!c->options_null) {
        c->options.weights = c->views[W].present ? c->views[W].at : NULL;
        memcpy(c->options_at, &c->options, c->options_bytes);
        if (c->options.struct_size >= 64) {
            c->effective.class_alpha = c->options.class_alpha;
            c->effective.weights = c->options.weights;
        }
    }
    /* No logits: data pointers may point anywhere, even at a PROT_NONE page (they must not be read). */
    if (c->shape_ok && c->elements == 0 && u8(r) % 2 == 0)
        for (int role = 0; role < ROLE_COUNT; role++) {
            view *v = &c->views[role];
            if (v->present && v->bytes == 0 && role != W) v->at = guard_page(&c->regions[v->region]);
        }
    describe(c);

    /* The rules this call breaks. */
    int bad[RULE_COUNT] = {0};
    const focal_options *o = &c->effective;
    int options_read = c->options_null || c->options.struct_size >= 64;
    if (!c->options_null && c->options.struct_size < 64) bad[BAD_STRUCT_SIZE] = 1;
    if (!c->shape_ok) bad[BAD_SHAPE] = 1;
    if (c->kind < 0 || c->kind > 2) bad[BAD_TARGET_KIND] = 1;
    if (c->elements > 0 && !c->views[X].present) bad[NULL_LOGITS] = 1;
    if (c->elements > 0 && !c->views[Y].present) bad[NULL_TARGETS] = 1;
    if (operation != BACKWARD && !c->views[O1].present && (c->reduced || c->samples > 0)) bad[NULL_OUT] = 1;
    if (operation != FORWARD && !c->views[O2].present && c->elements > 0) bad[NULL_GRAD] = 1;
    if (options_read && !c->options_null) {
        if (c->class_alpha_null_with_count) bad[NULL_CLASS_ALPHA] = 1;
        if (o->class_alpha != NULL && (o->num_classes != c->classes || o->num_classes > INT32_MAX))
            bad[BAD_NUM_CLASSES] = 1;
        if (o->sample_dependent_gamma ? o->gamma != 2.0 : !(o->gamma >= 0 && o->gamma <= 1e6)) bad[BAD_GAMMA] = 1;
        if (isnan(o->alpha) || o->alpha > 1) bad[BAD_ALPHA] = 1;
        if (!(o->label_smoothing >= 0 && o->label_smoothing <= 1)) bad[BAD_SMOOTHING] = 1;
        if (!(o->poly_epsilon >= -1 && isfinite(o->poly_epsilon))) bad[BAD_POLY] = 1;
        if (o->class_alpha != NULL)
            for (size_t i = 0; i < c->class_alpha_count; i++)
                if (!(isfinite(c->class_alpha[i]) && c->class_alpha[i] >= 0)
                    || (c->type != F64 && c->class_alpha[i] > FLT_MAX)) /* the rows compute in float */
                    bad[BAD_CLASS_ALPHA] = 1;
        if (o->reduction < 0 || o->reduction > 4) bad[BAD_REDUCTION] = 1;
        if (o->reduction == FOCAL_REDUCTION_NORMALIZED && !(isfinite(o->normalizer) && o->normalizer > 0))
            bad[BAD_NORMALIZER] = 1;
    }
    if (c->views[W].present)
        for (size_t i = 0; i < c->samples; i++) {
            double w = get_value(type, c->views[W].at, i);
            if (!(w >= 0 && isfinite(w))) bad[BAD_WEIGHT] = 1;
        }
    if (c->views[Y].present && c->views[Y].bytes > 0) {
        if (index_targets(c)) {
            for (size_t i = 0; i < c->samples; i++) {
                int64_t t = target_at(c, c->views[Y].at, i);
                if ((t < 0 || (uint64_t)t >= c->classes) && t != o->ignore_index) bad[BAD_TARGET] = 1;
            }
        } else {
            for (size_t i = 0; i < c->elements; i++) {
                double y = get_value(type, c->views[Y].at, i);
                if (!(y >= 0 && y <= 1)) bad[BAD_TARGET] = 1;
            }
        }
    }
    /* Overlaps: grad_logits may be exactly the logits; the weights and class alphas are never to be touched. A
     * reduced loss is written after the pass and a reduced grad_out read before it, so the header's "partial
     * overlap" and the library (which accepts them) disagree; so do they on an output that is exactly another input
     * (the general "in place" rule allows it, the softmax section names only grad_logits over logits). */
    for (int out = O1; out <= O2; out++) {
        view *v = &c->views[out];
        int scalar = out == O1 && c->reduced;
        for (int in = X; in <= G; in++) {
            view *u = &c->views[in];
            if (!overlaps(v, u)) continue;
            if (in == W && !scalar) bad[BAD_OVERLAP] = 1;
            else if (scalar || (in == G && c->reduced)) c->ambiguous = 1;
            else if (out == O2 && in == X && v->at == u->at) continue;
            else if (v->at == u->at && v->bytes == u->bytes) c->ambiguous = 1;
            else bad[BAD_OVERLAP] = 1;
        }
    }
    if (operation == FORWARD_BACKWARD && overlaps(&c->views[O1], &c->views[O2])) bad[BAD_OVERLAP] = 1;
    if (c->class_alpha_in_output) bad[BAD_OVERLAP] = 1;

    int violations = 0;
    for (int rule = 0; rule < RULE_COUNT; rule++) violations += bad[rule];
    note("  rules broken:");
    for (int rule = 0; rule < RULE_COUNT; rule++)
        if (bad[rule]) note(" %d", rule);
    note("%s\n", c->ambiguous ? " (an overlap the header leaves open)" : "");

    /* Snapshots of every input before the call (in place overwrites them). */
    unsigned char *in[ROLE_COUNT] = {0};
    for (int role = X; role <= G; role++)
        in[role] = snapshot(c->views[role].present && c->views[role].bytes ? c->views[role].at : NULL,
                            c->views[role].present ? c->views[role].bytes : 0);
    current_inputs = in;
    unsigned char *options_before = c->options_at ? snapshot(c->options_at, c->options_bytes) : NULL;
    unsigned char *class_alpha_before =
        c->class_alpha ? snapshot(c->class_alpha, c->class_alpha_count * sizeof(double)) : NULL;
    current_class_alpha = (const double *)(const void *)class_alpha_before;

    /* The out-of-place reference, when the call must succeed. */
    size_t losses = loss_count(c), grads = grad_count(c);
    void *reference_loss = calloc(losses + 1, es), *reference_grad = calloc(grads + 1, es);
    const void *grad_out = c->views[G].present ? in[G] : NULL;
    if (violations == 0) {
        focal_status status = run_plain(c, grad_out, reference_loss, reference_grad);
        REQUIRE(status == FOCAL_OK, "the out-of-place reference call returned %d: %s", status, read_message());
    }

    /* The call itself. */
    focal_status status;
    const focal_options *options_argument = c->options_null ? NULL : c->options_at;
    void *out1 = c->views[O1].present ? c->views[O1].at : NULL, *out2 = c->views[O2].present ? c->views[O2].at : NULL;
    const void *x = c->views[X].present ? c->views[X].at : NULL, *y = c->views[Y].present ? c->views[Y].at : NULL;
    switch (operation) {
    case FORWARD: status = call_forward(type, x, c->rows, c->classes, y, c->kind, options_argument, out1); break;
    case BACKWARD:
        status = call_backward(type, x, c->rows, c->classes, y, c->kind, options_argument,
                               c->views[G].present ? c->views[G].at : NULL, out2);
        break;
    default:
        status = call_forward_backward(type, x, c->rows, c->classes, y, c->kind, options_argument, out1, out2);
        break;
    }
    note("  = %d\n", status);

    REQUIRE(is_header_status(status) && status != FOCAL_ERROR_INTERNAL && status != FOCAL_ERROR_BUFFER_TOO_SMALL
                && status != FOCAL_ERROR_UNSUPPORTED && status != FOCAL_ERROR_DEVICE,
            "status %d is not an error this call may return: %s", status, status ? read_message() : "");
    if (violations > 0) {
        int allowed = 0;
        for (int rule = 0; rule < RULE_COUNT; rule++)
            if (bad[rule] && rule_status[rule] == status) allowed = 1;
        REQUIRE(allowed, "status %d, but the broken rules call for another code: %s", status,
                status ? read_message() : "");
    } else if (c->ambiguous) {
        REQUIRE(status == FOCAL_OK || status == FOCAL_ERROR_INVALID_ARGUMENT,
                "an overlap left open: status %d: %s", status, read_message());
        if (status == FOCAL_OK) ambiguous_ok++;
        else ambiguous_error++;
    } else {
        REQUIRE(status == FOCAL_OK, "a call that breaks no rule returned %d: %s", status, read_message());
    }

    /* Memory: canaries, guard pages, inputs, options and class alphas untouched. */
    for (int g = 0; g < ROLE_COUNT + 2; g++)
        region_check(&c->regions[g], g < ROLE_COUNT ? role_names[g] : g == ROLE_COUNT ? "class_alpha" : "options");
    for (int role = X; role <= G; role++) {
        view *v = &c->views[role];
        if (!v->present || v->bytes == 0 || overlaps(v, &c->views[O1]) || overlaps(v, &c->views[O2])) continue;
        REQUIRE(memcmp(in[role], v->at, v->bytes) == 0, "the input %s was modified", role_names[role]);
    }
    if (options_before != NULL)
        REQUIRE(memcmp(options_before, c->options_at, c->options_bytes) == 0, "the options struct was modified");
    if (class_alpha_before != NULL && !c->class_alpha_in_output)
        REQUIRE(memcmp(class_alpha_before, c->class_alpha, c->class_alpha_count * sizeof(double)) == 0,
                "class_alpha was modified");

    if (status != FOCAL_OK) expect_message(NULL, "the failed call");
    else expect_message_kept("the successful call");

    if (status == FOCAL_OK) {
        compare_bits(c, reference_loss, out1, losses, "in place / misaligned vs out of place (loss)");
        compare_bits(c, reference_grad, out2, grads, "in place / misaligned vs out of place (gradient)");
        check_values(c, reference_loss, reference_grad);
        void *other_loss = calloc(losses + 1, es), *other_grad = calloc(grads + 1, es);
        uint8_t cross = u8(r);
        int isa = (int)(cross % (unsigned)(detected_isa + 1));
        if (isa != current_isa) {
            library_calls++;
            REQUIRE(focal_set_max_isa(isa) == FOCAL_OK, "focal_set_max_isa(%d)", isa);
            focal_status again = run_plain(c, grad_out, other_loss, other_grad);
            library_calls++;
            focal_set_max_isa(current_isa);
            REQUIRE(again == FOCAL_OK, "under the ISA cap %d: status %d", isa, again);
            compare_bits(c, reference_loss, other_loss, losses, "another ISA cap (loss)");
            compare_bits(c, reference_grad, other_grad, grads, "another ISA cap (gradient)");
        }
        if (c->elements >= 131072) {
            int threads = current_threads == 1 ? 0 : 1 + (cross >> 7);
            library_calls += 2;
            focal_set_num_threads(threads);
            focal_status again = run_plain(c, grad_out, other_loss, other_grad);
            focal_set_num_threads(current_threads);
            REQUIRE(again == FOCAL_OK, "with %d threads: status %d", threads, again);
            compare_bits(c, reference_loss, other_loss, losses, "another thread count (loss)");
            compare_bits(c, reference_grad, other_grad, grads, "another thread count (gradient)");
        }
        focal_options storage;
        const focal_options *plain = plain_options(c, &storage);
        if (operation == FORWARD_BACKWARD) {
            REQUIRE(call_forward(type, in[X], c->rows, c->classes, in[Y], c->kind, plain, other_loss) == FOCAL_OK,
                    "forward alone: %s", read_message());
            REQUIRE(call_backward(type, in[X], c->rows, c->classes, in[Y], c->kind, plain, NULL, other_grad)
                        == FOCAL_OK, "backward alone: %s", read_message());
            compare_bits(c, reference_loss, other_loss, losses, "forward_backward vs forward (loss)");
            compare_bits(c, reference_grad, other_grad, grads, "forward_backward vs backward(grad_out = NULL)");
        }
        if (operation == BACKWARD && !c->views[G].present) { /* NULL means 1 */
            size_t count = c->reduced ? 1 : c->samples;
            void *ones = malloc(count * es + 1);
            REQUIRE(ones != NULL, "malloc");
            for (size_t i = 0; i < count; i++) set_value(type, ones, i, 1.0);
            REQUIRE(call_backward(type, in[X], c->rows, c->classes, in[Y], c->kind, plain, ones, other_grad)
                        == FOCAL_OK, "backward with grad_out = 1: %s", read_message());
            compare_bits(c, reference_grad, other_grad, grads, "backward: grad_out = NULL vs grad_out = 1");
            free(ones);
        }
        if (c->spatial > 1) check_gathered(c, reference_loss, reference_grad);
        free(other_loss);
        free(other_grad);
    }

    current_inputs = NULL;
    current_class_alpha = NULL;
    for (int role = X; role <= G; role++) free(in[role]);
    free(options_before);
    free(class_alpha_before);
    free(reference_loss);
    free(reference_grad);
    for (int g = 0; g < ROLE_COUNT + 2; g++) region_free(&c->regions[g]);
    free(c);
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* Entry points                                                                                                      */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    reader r = start_input(data, size);
    int operations = 1 + u8(&r) % 4;
    for (int i = 0; i < operations; i++) {
        uint8_t kind = u8(&r);
        operations_run++;
        switch (kind % 16) {
        case 12: fuzz_settings(&r, 0); break;
        case 13: fuzz_settings(&r, 1); break;
        default: fuzz_softmax(&r, kind % 16 % 12 % 4, kind % 16 % 12 / 4); break;
        }
    }
    finish_input();
    return 0;
}
