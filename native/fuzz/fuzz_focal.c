/*
 * libFuzzer harness over the C ABI of libfocalaot (focal_aot.h, ABI 2).
 *
 * Each input decodes into 1-4 operations: any of the 12 focal_sigmoid_* entries (f32, f64, f16, bf16 x forward,
 * backward, forward_backward) with a fuzzed n, options, data, NULL and aliased pointers and misaligned buffers, or
 * focal_set_num_threads, focal_set_max_isa, focal_last_error_message and focal_options_init with fuzzed arguments.
 * Every buffer lies in its own mmap()ed region between two PROT_NONE pages, either flush against one of them (an
 * access one byte outside faults) or between canary bytes that are checked after each call.
 *
 * Invariants (a violation prints the decoded calls and aborts, so that libFuzzer keeps the input):
 *   - the status is a code of the header and never FOCAL_ERROR_INTERNAL; a call that breaks no documented rule
 *     returns FOCAL_OK, and a call that breaks one returns that rule's error code;
 *   - after an error the message is non-empty, NUL-terminated, names the broken rule (when only one is broken) and
 *     stays until the next failed call; focal_last_error_message follows its buffer protocol;
 *   - nothing is written outside the outputs (canaries, PROT_NONE pages, unchanged inputs and options);
 *   - after FOCAL_OK: losses >= 0 and finite for finite inputs (within the type's range), gradients finite, NaN
 *     logits give NaN, weight 0 gives 0, n = 0 gives sum 0 and mean NaN, every NaN sum or mean is the canonical
 *     quiet NaN;
 *   - the same call gives the same bits under another ISA cap and (for pooled sizes) another thread count;
 *     forward_backward equals forward + backward(grad_out = NULL) bit for bit; in place (and misaligned) equals
 *     out of place.
 *
 * Built with -DFOCAL_FUZZ_REPLAY_MAIN it is a plain program that runs each file (or each file of a folder) given on
 * its command line once: the C tests replay native/fuzz/corpus and native/fuzz/regressions with it.
 */
/* What the report calls the cases the header leaves open (either status accepted). */
#define FOCAL_FUZZ_AMBIGUITY "reduced outputs over an input"
#include "fuzz_common.h"

/* ---------------------------------------------------------------------------------------------------------------- */
/* Value tables                                                                                                      */

static const double logit_table[] = {
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -3.0, 10.0, -10.0, 17.0, 88.0, -88.0, 100.0, -100.0, 709.0, -745.0,
    1e4, -1e4, 1e7, -1e7, 1e30, 65504.0, -65504.0, 3.4e38, -3.4e38, 1e300, DBL_MAX, -DBL_MAX, 1e-10, -1e-10,
    4.9406564584124654e-324, 1.401298464324817e-45, 5.960464477539063e-08, INFINITY, -INFINITY, NAN, -NAN};
static const double target_table[] = { /* the first 14 are valid */
    0.0, -0.0, 1.0, 0.5, 0.25, 0.75, 1e-3, 0.999, 0.99999994039535522, 5.9604644775390625e-08,
    4.9406564584124654e-324, 1.401298464324817e-45, 5.960464477539063e-08, 0.9999999999999999,
    NAN, -NAN, -1e-30, 1.0000001192092896, 2.0, -1.0, INFINITY, -INFINITY, 1e30, -0.5};
enum { VALID_TARGETS = 14 };
static const double weight_table[] = { /* the first 11 are valid in every type; 3.4e38 only in f32 and f64 */
    0.0, -0.0, 1.0, 0.5, 2.0, 1e-3, 100.0, 65504.0, 4.9406564584124654e-324, 1.401298464324817e-45,
    5.960464477539063e-08, 3.4e38, DBL_MAX, -1.0, -1e-30, NAN, INFINITY, -INFINITY};
enum { VALID_WEIGHTS = 11 };
static const double gamma_table[] = {
    2.0, 0.0, -0.0, 0.5, 1.0, 1.5, 2.5, 3.0, 4.0, 5.0, 0.7, 37.5, 1e-300, 4.9406564584124654e-324, 1e6,
    1000000.0000000001, 999999.99999999988, 1e7, DBL_MAX, INFINITY, -INFINITY, NAN, -NAN, -1.0,
    -4.9406564584124654e-324, 100.0};
static const double alpha_table[] = {
    0.25, 0.0, -0.0, 1.0, 0.5, -1.0, -INFINITY, -1e-300, -4.9406564584124654e-324, NAN, INFINITY,
    1.0000000000000002, 2.0, 1e300, 4.9406564584124654e-324, 0.9999999999999999};
static const double normalizer_table[] = {
    1.0, 0.0, -0.0, -1.0, NAN, INFINITY, -INFINITY, 4.9406564584124654e-324, 1e-300, 1e300, DBL_MAX, 3.5, 0.5, 1e-3};
static const double class_alpha_table[] = { /* the first 8 are valid */
    0.25, 0.0, -0.0, 1.0, 0.5, 0.75, 4.9406564584124654e-324, 0.9999999999999999,
    1.0000000000000002, -1e-300, NAN, INFINITY, -INFINITY, 2.0};
static const size_t small_sizes[] = {
    0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 511, 512, 513,
    1000, 1023, 1024, 1025, 4095, 16383, 16384, 16385, 32769};
static const size_t large_sizes[] = {131071, 131072, 131073, 147456, 163841, 196608, 262144, 300007};
static const size_t class_counts[] = {1, 1, 2, 3, 7, 80, 1000, 0, (size_t)INT32_MAX + 1, SIZE_MAX};

/* ---------------------------------------------------------------------------------------------------------------- */
/* Library calls, one switch per operation (no calls through mismatched function pointer types)                    */

enum { FORWARD, BACKWARD, FORWARD_BACKWARD };
static const char *const operation_names[] = {"forward", "backward", "forward_backward"};

static focal_status call_forward(int type, const void *x, const void *y, size_t n, const focal_options *o, void *out) {
    library_calls++;
    switch (type) {
    case F32: return focal_sigmoid_forward_f32(x, y, n, o, out);
    case F64: return focal_sigmoid_forward_f64(x, y, n, o, out);
    case F16: return focal_sigmoid_forward_f16(x, y, n, o, out);
    default: return focal_sigmoid_forward_bf16(x, y, n, o, out);
    }
}

static focal_status call_backward(int type, const void *x, const void *y, size_t n, const focal_options *o,
                                  const void *grad_out, void *grad) {
    library_calls++;
    switch (type) {
    case F32: return focal_sigmoid_backward_f32(x, y, n, o, grad_out, grad);
    case F64: return focal_sigmoid_backward_f64(x, y, n, o, grad_out, grad);
    case F16: return focal_sigmoid_backward_f16(x, y, n, o, grad_out, grad);
    default: return focal_sigmoid_backward_bf16(x, y, n, o, grad_out, grad);
    }
}

static focal_status call_forward_backward(int type, const void *x, const void *y, size_t n, const focal_options *o,
                                          void *loss, void *grad) {
    library_calls++;
    switch (type) {
    case F32: return focal_sigmoid_forward_backward_f32(x, y, n, o, loss, grad);
    case F64: return focal_sigmoid_forward_backward_f64(x, y, n, o, loss, grad);
    case F16: return focal_sigmoid_forward_backward_f16(x, y, n, o, loss, grad);
    default: return focal_sigmoid_forward_backward_bf16(x, y, n, o, loss, grad);
    }
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* The settings operations                                                                                           */


static void fuzz_set_num_threads(reader *r) {
    static const int32_t table[] = {0, 1, 2, 3, 4, 8, 64, INT32_MAX, -1, -2, INT32_MIN};
    uint8_t index = u8(r);
    int32_t threads = index == 0xff ? (int32_t)u32(r) : table[index % COUNT(table)];
    note("focal_set_num_threads(%d)", threads);
    library_calls++;
    focal_status status = focal_set_num_threads(threads);
    note(" = %d\n", status);
    REQUIRE(status == (threads < 0 ? FOCAL_ERROR_INVALID_ARGUMENT : FOCAL_OK), "focal_set_num_threads(%d) returned %d",
            threads, status);
    if (status == FOCAL_OK) {
        current_threads = threads;
        expect_message_kept("focal_set_num_threads");
    } else {
        expect_message("threads", "focal_set_num_threads");
    }
}

static void fuzz_set_max_isa(reader *r) {
    uint8_t index = u8(r);
    int32_t isa = index == 0xff ? (int32_t)u32(r) : (int32_t)(index % 7) - 1; /* -1 .. 5 */
    note("focal_set_max_isa(%d)", isa);
    library_calls++;
    focal_status status = focal_set_max_isa(isa);
    note(" = %d\n", status);
    int expected = isa < FOCAL_ISA_SCALAR || isa > FOCAL_ISA_AVX512 ? FOCAL_ERROR_INVALID_ARGUMENT
                   : isa > detected_isa                             ? FOCAL_ERROR_UNSUPPORTED
                                                                    : FOCAL_OK;
    REQUIRE(status == expected, "focal_set_max_isa(%d) returned %d, expected %d (detected ISA %d)", isa, status, expected,
            detected_isa);
    if (status == FOCAL_OK) {
        current_isa = isa;
        expect_message_kept("focal_set_max_isa");
    } else {
        expect_message("isa", "focal_set_max_isa");
    }
    library_calls++;
    REQUIRE(focal_get_isa() == current_isa, "focal_get_isa() = %d after the cap %d", focal_get_isa(), current_isa);
}

/* The buffer protocol of focal_last_error_message, on a buffer flush against a PROT_NONE page. */
static void fuzz_last_error_message(reader *r) {
    uint8_t mode = u8(r);
    size_t length = strlen(message), full = length + 1, capacity;
    switch (mode % 6) {
    case 0: capacity = 0; break;
    case 1: capacity = full; break;
    case 2: capacity = full > 1 ? full - 1 : 1; break;
    case 3: capacity = full + 1; break;
    case 4: capacity = 1; break;
    default: capacity = u8(r); break;
    }
    int null_buffer = (mode >> 3) % 5 == 0, null_needed = (mode >> 6) == 1;
    region buffer_region = {0}, needed_region = {0};
    region_create(&buffer_region, capacity, 1 + (mode >> 7), 0);
    region_create(&needed_region, sizeof(size_t), 1, 0);
    char *buffer = null_buffer ? NULL : (char *)buffer_region.span;
    size_t *needed = null_needed ? NULL : (size_t *)(void *)needed_region.span;
    note("focal_last_error_message(%s, %zu, %s)", buffer ? "buffer" : "NULL", capacity, needed ? "&needed" : "NULL");
    library_calls++;
    focal_status status = focal_last_error_message(buffer, capacity, needed);
    note(" = %d\n", status);
    int expected = buffer == NULL ? (capacity == 0 ? FOCAL_OK : FOCAL_ERROR_NULL_POINTER)
                   : capacity < full ? FOCAL_ERROR_BUFFER_TOO_SMALL
                                     : FOCAL_OK;
    REQUIRE(status == expected, "focal_last_error_message(%s, %zu): status %d, expected %d (message of %zu bytes)",
            buffer ? "buffer" : "NULL", capacity, status, expected, length);
    if (needed != NULL) REQUIRE(*needed == full, "focal_last_error_message: *needed = %zu, expected %zu", *needed, full);
    if (buffer != NULL && capacity > 0) {
        size_t copied = capacity < full ? capacity - 1 : length;
        REQUIRE(memcmp(buffer, message, copied) == 0 && buffer[copied] == '\0',
                "focal_last_error_message: capacity %zu: the buffer is not the message's first %zu bytes and a NUL",
                capacity, copied);
        buffer_region.span_size = copied + 1; /* bytes after the NUL must be untouched */
    } else {
        buffer_region.span_size = 0;
    }
    region_check(&buffer_region, "focal_last_error_message buffer");
    if (needed == NULL) needed_region.span_size = 0;
    region_check(&needed_region, "focal_last_error_message needed");
    region_free(&buffer_region);
    region_free(&needed_region);
    REQUIRE(strcmp(read_message(), message) == 0, "reading the error message changed it");
}

static void fuzz_options_init(reader *r) {
    uint8_t mode = u8(r);
    note("focal_options_init(%s)\n", mode % 4 == 0 ? "NULL" : "options");
    library_calls++;
    if (mode % 4 == 0) {
        REQUIRE(focal_options_init(NULL) == FOCAL_ERROR_NULL_POINTER, "focal_options_init(NULL) did not fail");
        expect_message("options", "focal_options_init(NULL)");
        return;
    }
    region options_region = {0};
    region_create(&options_region, sizeof(focal_options), 1 + (mode >> 7), mode);
    focal_options *options = (focal_options *)(void *)options_region.span;
    REQUIRE(focal_options_init(options) == FOCAL_OK, "focal_options_init failed");
    REQUIRE(options->struct_size == sizeof(focal_options) && options->gamma == 2.0 && options->alpha == 0.25
                && options->class_alpha == NULL && options->num_classes == 0 && options->weights == NULL
                && options->reduction == FOCAL_REDUCTION_NONE && options->normalizer == 1.0,
            "focal_options_init: not the documented defaults");
    region_check(&options_region, "focal_options_init");
    region_free(&options_region);
    expect_message_kept("focal_options_init");
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* The focal_sigmoid_* operations                                                                                    */

enum { X, Y, W, G, O1, O2, ROLE_COUNT }; /* logits, targets, weights, grad_out, out / loss, grad_logits */
static const char *const role_names[] = {"logits", "targets", "weights", "grad_out", "out", "grad_logits"};

/* Rules a call can break; each has an error code and a fragment its message must contain. */
enum {
    BAD_N, NULL_LOGITS, NULL_TARGETS, NULL_OUT, NULL_LOSS, NULL_GRAD, NULL_CLASS_ALPHA, BAD_STRUCT_SIZE,
    BAD_NUM_CLASSES, BAD_GAMMA, BAD_ALPHA, BAD_CLASS_ALPHA, BAD_REDUCTION, BAD_NORMALIZER, BAD_TARGET, BAD_WEIGHT,
    BAD_OVERLAP, RULE_COUNT
};
static const struct {
    int status;
    const char *fragment;
} rules[RULE_COUNT] = {
    {FOCAL_ERROR_INVALID_ARGUMENT, "n must be"}, {FOCAL_ERROR_NULL_POINTER, "logits"},
    {FOCAL_ERROR_NULL_POINTER, "targets"},        {FOCAL_ERROR_NULL_POINTER, "out"},
    {FOCAL_ERROR_NULL_POINTER, "loss"},           {FOCAL_ERROR_NULL_POINTER, "grad_logits"},
    {FOCAL_ERROR_NULL_POINTER, "class_alpha"},    {FOCAL_ERROR_INVALID_ARGUMENT, "struct_size"},
    {FOCAL_ERROR_INVALID_ARGUMENT, "num_classes"}, {FOCAL_ERROR_INVALID_ARGUMENT, "gamma"},
    {FOCAL_ERROR_INVALID_ARGUMENT, "alpha"},      {FOCAL_ERROR_INVALID_ARGUMENT, "class_alpha["},
    {FOCAL_ERROR_INVALID_ARGUMENT, "reduction"},  {FOCAL_ERROR_INVALID_ARGUMENT, "normalizer"},
    {FOCAL_ERROR_INVALID_ARGUMENT, "targets["},   {FOCAL_ERROR_INVALID_ARGUMENT, "weights["},
    {FOCAL_ERROR_INVALID_ARGUMENT, NULL}, /* overlap: several wordings */
};

typedef struct {
    int present;       /* a non-NULL pointer */
    size_t length;     /* elements */
    int region;        /* index into the call's regions */
    ptrdiff_t offset;  /* bytes from the region's lowest view */
    unsigned char *at; /* the pointer passed */
} view;

typedef struct {
    int type, operation;
    size_t n, count; /* n as passed; count = the elements that exist (n, or 8 for an n above INT32_MAX) */
    size_t es;
    int reduced;
    int options_null;
    focal_options options;
    int class_alpha_null_with_count, has_class_table;
    view views[ROLE_COUNT];
    region regions[ROLE_COUNT + 2];
    double *class_alpha; /* inside regions[ROLE_COUNT], or inside an output (class_alpha_in_output) */
    size_t class_alpha_count;
    int class_alpha_in_output;
    focal_options *options_at; /* inside regions[ROLE_COUNT + 1] */
    size_t options_bytes;      /* how much of it exists: a short struct_size maps only that much (rounded up to 8) */
    int violations[RULE_COUNT];
    int ambiguous; /* a reduced output over an input: the header's wording and the library disagree */
} call;

static int reads_grad_out_span(const call *c) { return c->operation == BACKWARD && !c->reduced; }

static void describe_options(const call *c) {
    if (c->options_null) {
        note("options NULL");
        return;
    }
    const focal_options *o = &c->options;
    note("options {struct_size %zu, gamma %.17g, alpha %.17g, class_alpha %s, num_classes %zu, weights %s, "
         "reduction %d, normalizer %.17g}",
         o->struct_size, o->gamma, o->alpha, o->class_alpha ? "set" : "NULL",
         o->num_classes, c->views[W].present ? "set" : "NULL", o->reduction, o->normalizer);
    if (o->class_alpha != NULL && o->num_classes <= 16) {
        note(" class_alpha =");
        for (size_t i = 0; i < o->num_classes; i++) note(" %.17g", c->class_alpha[i]);
    }
}

static void describe_view(const call *c, int role) {
    const view *v = &c->views[role];
    if (!v->present) {
        note("  %s NULL\n", role_names[role]);
        return;
    }
    note("  %s: %zu elements, in the buffer of %s %+td bytes, address %% 64 = %zu", role_names[role], v->length,
         role_names[v->region], v->offset, (size_t)((uintptr_t)v->at % 64));
    size_t shown = v->length < 8 ? v->length : 8;
    if (c->regions[v->region].map != NULL && (role != O1 && role != O2)) {
        note(", values");
        for (size_t i = 0; i < shown; i++) note(" %.9g", get_value(c->type, v->at, i));
        if (shown < v->length) note(" ...");
    }
    note("\n");
}

/* Byte intervals of two views overlap. */
static int overlaps(const view *a, const view *b, size_t es) {
    if (!a->present || !b->present || a->length == 0 || b->length == 0) return 0;
    uintptr_t a0 = (uintptr_t)a->at, a1 = a0 + a->length * es, b0 = (uintptr_t)b->at, b1 = b0 + b->length * es;
    return a0 < b1 && b0 < a1;
}

/* Decides which views share a region and where, then maps the regions and fills the inputs. */
static void lay_out(reader *r, call *c) {
    size_t es = c->es;
    for (int role = 0; role < ROLE_COUNT; role++) {
        c->views[role].region = role;
        c->views[role].offset = 0;
    }
    /* Aliasing: one role moves into another's region at a byte offset. */
    uint8_t alias = u8(r);
    int moved = -1, host = -1;
    ptrdiff_t shift = 0;
    int8_t elements = (int8_t)u8(r);
    int bytes = u8(r) % 4 == 0 ? (int)(u8(r) % es) : 0;
    ptrdiff_t shift_elements = c->n <= 4 ? elements % 6 : (ptrdiff_t)elements;
    switch (alias % 16) {
    case 6: moved = O1, host = X; break;
    case 7: moved = O1, host = Y; break;
    case 8: moved = c->operation == FORWARD ? O1 : O2, host = X; break;
    case 9: moved = c->operation == FORWARD ? O1 : O2, host = Y; break;
    case 10: moved = O2, host = G; break;
    case 11: /* a shifted (maybe misaligned) output over an input */
        moved = (alias & 0x10) && c->operation != FORWARD ? O2 : O1;
        host = (alias >> 5) % 3 == 0 ? X : (alias >> 5) % 3 == 1 ? Y : G;
        shift = shift_elements * (ptrdiff_t)es + bytes;
        break;
    case 12: moved = (alias & 0x10) && c->operation != FORWARD ? O2 : O1, host = W;
        shift = (alias & 0x20) ? shift_elements * (ptrdiff_t)es + bytes : 0;
        break;
    case 13: moved = O1, host = O2; /* loss over grad_logits: equal, shifted, or a reduced loss inside it */
        shift = (alias & 0x10) ? shift_elements * (ptrdiff_t)es + bytes : 0;
        if (c->reduced && c->n > 0) shift = (ptrdiff_t)(u32(r) % c->count) * (ptrdiff_t)es + bytes;
        break;
    case 14: /* inputs over inputs, always equal */
        host = X;
        moved = (alias >> 4) % 3 == 0 ? Y : (alias >> 4) % 3 == 1 ? W : G;
        break;
    case 15: /* a reduced output (or the scalar grad_out) inside an input span, or any output at an odd address */
        moved = c->operation == BACKWARD ? G : O1;
        host = (alias >> 4) % 4 == 0 ? X : (alias >> 4) % 4 == 1 ? Y : (alias >> 4) % 4 == 2 ? W : O2;
        if (moved == G && !c->reduced) moved = O2;
        if (c->count > 0) shift = (ptrdiff_t)(u32(r) % c->count) * (ptrdiff_t)es + bytes;
        break;
    default: break;
    }
    if (moved >= 0 && host >= 0 && moved != host && c->views[moved].present && c->views[host].present) {
        c->views[moved].region = host;
        c->views[moved].offset = shift;
    }

    /* Each region spans its views; misalignment and placement are per region. */
    uint16_t placement_bits = u16(r), misalign_bits = u16(r);
    for (int g = 0; g < ROLE_COUNT; g++) {
        ptrdiff_t low = 0, high = 0;
        int used = 0;
        for (int role = 0; role < ROLE_COUNT; role++) {
            view *v = &c->views[role];
            if (!v->present || v->region != g) continue;
            ptrdiff_t begin = v->offset, end = v->offset + (ptrdiff_t)(v->length * es);
            if (!used || begin < low) low = begin;
            if (!used || end > high) high = end;
            used = 1;
        }
        if (!used) continue;
        int placement = (placement_bits >> (2 * g)) & 3;
        size_t misalign = (misalign_bits >> (2 * g)) & 3 ? 0 : (size_t)((misalign_bits >> (2 * g + 1)) & 7) + 1;
        if (placement == 3) placement = 0;
        region_create(&c->regions[g], (size_t)(high - low), placement, misalign);
        for (int role = 0; role < ROLE_COUNT; role++) {
            view *v = &c->views[role];
            if (v->present && v->region == g) v->at = c->regions[g].span + (v->offset - low);
        }
        /* outputs start as a pattern (unless they lie over an input, which is filled below) */
        memset(c->regions[g].span, 0xCD, c->regions[g].span_size);
    }
}

/* Snapshot of a view's bytes. */
static unsigned char *snapshot(const view *v, size_t es) {
    size_t bytes = v->present ? v->length * es : 0;
    unsigned char *copy = malloc(bytes + 1);
    REQUIRE(copy != NULL, "malloc");
    if (bytes > 0) memcpy(copy, v->at, bytes);
    return copy;
}

static unsigned char *const *current_inputs; /* the call's input snapshots, for the report of a mismatch */
static const double *current_class_alpha;    /* a copy of the call's class alphas */

/* Runs one call on separate, aligned copies of the inputs (the out-of-place reference), into loss / grad. */
static focal_status run_plain(const call *c, unsigned char *const inputs[ROLE_COUNT], void *loss, void *grad) {
    focal_options options = c->options;
    if (!c->options_null) options.weights = c->views[W].present ? inputs[W] : NULL;
    if (options.class_alpha != NULL) options.class_alpha = current_class_alpha; /* a copy: never inside an output */
    const focal_options *o = c->options_null ? NULL : &options;
    const void *x = inputs[X], *y = inputs[Y];
    switch (c->operation) {
    case FORWARD: return call_forward(c->type, x, y, c->n, o, loss);
    case BACKWARD: return call_backward(c->type, x, y, c->n, o, c->views[G].present ? inputs[G] : NULL, grad);
    default: return call_forward_backward(c->type, x, y, c->n, o, loss, grad);
    }
}


static void compare_bits(const call *c, const void *expected, const void *actual, size_t count, const char *what) {
    if (count == 0 || memcmp(expected, actual, count * c->es) == 0) return;
    size_t i = 0;
    while (memcmp((const unsigned char *)expected + i * c->es, (const unsigned char *)actual + i * c->es, c->es) == 0) i++;
    uint64_t a = 0, b = 0;
    memcpy(&a, (const unsigned char *)expected + i * c->es, c->es);
    memcpy(&b, (const unsigned char *)actual + i * c->es, c->es);
    char inputs[512] = "";
    if (current_inputs != NULL && count == c->count) { /* what the element was computed from */
        size_t used = 0;
        for (int role = X; role <= G; role++)
            if (c->views[role].present && c->views[role].length == c->count && used < sizeof inputs)
                used += (size_t)snprintf(inputs + used, sizeof inputs - used, " %s %.17g", role_names[role],
                                         get_value(c->type, current_inputs[role], i));
    }
    fail("%s: element %zu differs: 0x%llx (%.17g) vs 0x%llx (%.17g);%s", what, i, (unsigned long long)a,
         get_value(c->type, expected, i), (unsigned long long)b, get_value(c->type, actual, i), inputs);
}

/* Values of a successful call, computed on the out-of-place reference's inputs and outputs. */
static void check_values(const call *c, unsigned char *const in[ROLE_COUNT], const void *loss, const void *grad) {
    int type = c->type;
    size_t n = c->n;
    double gamma = c->options_null ? 2.0 : c->options.gamma, maximum = type_max[type];
    int reduction = c->options_null ? FOCAL_REDUCTION_NONE : c->options.reduction;
    int weighted = c->views[W].present && n > 0;
    int any_nan = 0, any_infinite = 0, all_in_range = 1; /* in range: each w (|x| + 1), the weighted loss's bound */
    double bound = 0, weight_sum = 0; /* bound: sum of w (|x| + 1), over every loss */
    for (size_t i = 0; i < n; i++) {
        double x = get_value(type, in[X], i), w = weighted ? get_value(type, in[W], i) : 1.0;
        if (isnan(x) && w != 0) any_nan = 1;
        if (isinf(x) && w != 0) any_infinite = 1;
        if (isfinite(x)) bound += w * (fabs(x) + 1);
        if (isfinite(x) && w * (fabs(x) + 1) > maximum / 4) all_in_range = 0; /* w * loss is computed in the type */
        weight_sum += w;
    }
    double denominator = reduction == FOCAL_REDUCTION_MEAN ? (double)n
                         : reduction == FOCAL_REDUCTION_NORMALIZED ? c->options.normalizer
                         : reduction == FOCAL_REDUCTION_WEIGHTED_MEAN ? (weighted ? weight_sum : (double)n)
                                                                       : 1.0;
    double upstream_scalar = 1.0;
    if (c->operation == BACKWARD && c->reduced && c->views[G].present) upstream_scalar = get_value(type, in[G], 0);

    /* Per element. */
    for (size_t i = 0; i < n; i++) {
        double x = get_value(type, in[X], i), w = weighted ? get_value(type, in[W], i) : 1.0;
        double u = reads_grad_out_span(c) && c->views[G].present ? get_value(type, in[G], i) : upstream_scalar;
        if (!c->reduced && c->operation != BACKWARD) {
            double l = get_value(type, loss, i);
            if (w == 0)
                REQUIRE(l == 0 && !signbit(l), "weight 0 at %zu: loss %.17g, not +0", i, l);
            else if (isnan(x))
                REQUIRE(isnan(l), "NaN logit at %zu: loss %.17g, not NaN", i, l);
            else if (isinf(x))
                REQUIRE(l >= 0, "logit %g at %zu: loss %.17g, not >= 0", x, i, l);
            else if (w * (fabs(x) + 1) <= maximum / 4)
                REQUIRE(l >= 0 && isfinite(l), "finite logit %.17g (weight %.17g) at %zu: loss %.17g", x, w, i, l);
        }
        if (c->operation != FORWARD) {
            double g = get_value(type, grad, i), scale = c->reduced ? denominator : 1.0;
            if (w == 0 && isfinite(u))
                REQUIRE(g == 0, "weight 0 at %zu: gradient %.17g, not 0", i, g);
            else if (isnan(x) && w != 0)
                REQUIRE(isnan(g), "NaN logit at %zu: gradient %.17g, not NaN", i, g);
            else if (isfinite(u) && scale > 0 && fabs(u) * w * (2 + gamma) / scale <= maximum / 4)
                REQUIRE(isfinite(g), "logit %.17g (weight %.17g, upstream %.17g) at %zu: gradient %.17g", x, w, u, i, g);
        }
    }

    /* The reduced loss. */
    if (c->reduced && c->operation != BACKWARD) {
        double l = get_value(type, loss, 0);
        if (isnan(l)) REQUIRE(is_canonical_nan(type, loss), "a NaN reduced loss that is not the canonical quiet NaN");
        int nan_expected = any_nan || (n == 0 && (reduction == FOCAL_REDUCTION_MEAN || reduction == FOCAL_REDUCTION_WEIGHTED_MEAN))
                           || (reduction == FOCAL_REDUCTION_WEIGHTED_MEAN && weighted && weight_sum == 0);
        if (n == 0 && (reduction == FOCAL_REDUCTION_SUM || reduction == FOCAL_REDUCTION_NORMALIZED))
            REQUIRE(l == 0, "n = 0: reduction %d gives %.17g, not 0", reduction, l);
        if (nan_expected) {
            REQUIRE(isnan(l), "reduction %d: %.17g, expected NaN (n %zu, weight sum %.17g)", reduction, l, n, weight_sum);
        } else {
            REQUIRE(!isnan(l) && l >= 0, "reduction %d: %.17g, expected a number >= 0", reduction, l);
            if (!any_infinite && all_in_range && denominator > 0 && bound / denominator <= maximum / 4)
                REQUIRE(isfinite(l), "reduction %d: %.17g is not finite (bound %.17g, denominator %.17g)", reduction, l,
                        bound, denominator);
        }
    }
}

static size_t loss_length(const call *c) { return c->operation == BACKWARD ? 0 : c->reduced ? 1 : c->count; }
static size_t grad_length(const call *c) { return c->operation == FORWARD ? 0 : c->count; }

static void fuzz_focal(reader *r, int type, int operation) {
    call *c = calloc(1, sizeof *c);
    REQUIRE(c != NULL, "calloc");
    c->type = type;
    c->operation = operation;
    c->es = type_sizes[type];

    /* n */
    uint8_t size_byte = u8(r);
    if (size_byte < 200) c->n = small_sizes[size_byte % COUNT(small_sizes)];
    else if (size_byte < 238) c->n = u16(r) % 4100;
    else if (size_byte < 252) c->n = large_sizes[size_byte % COUNT(large_sizes)];
    else c->n = size_byte == 252 ? (size_t)INT32_MAX + 1 : size_byte == 253 ? SIZE_MAX : (size_t)UINT32_MAX + 8;
    c->count = c->n > INT32_MAX ? 8 : c->n;

    /* options */
    uint8_t options_byte = u8(r);
    c->options_null = options_byte % 8 == 0;
    focal_options_init(&c->options);
    library_calls++;
    if (!c->options_null) {
        c->options.gamma = pick_double(r, gamma_table, COUNT(gamma_table));
        c->options.alpha = pick_double(r, alpha_table, COUNT(alpha_table));
        uint8_t reduction = u8(r);
        c->options.reduction = reduction % 16 < 12 ? reduction % 16 % 5
                               : reduction % 16 == 12 ? -1
                               : reduction % 16 == 13 ? 5
                               : reduction % 16 == 14 ? INT32_MIN
                                                      : (int32_t)u32(r);
        c->options.normalizer = pick_double(r, normalizer_table, COUNT(normalizer_table));
        uint8_t size_mode = u8(r);
        static const size_t struct_sizes[] = {0, 8, sizeof(focal_options) - 8, sizeof(focal_options) - 1,
                                              sizeof(focal_options) + 8, sizeof(focal_options) + 64};
        c->options.struct_size = size_mode % 16 < 10 ? sizeof(focal_options) : struct_sizes[size_mode % 16 - 10];
        uint8_t class_mode = u8(r);
        if (class_mode % 4 == 1) { /* a class alpha table, its count maybe 0 or above INT32_MAX */
            c->options.num_classes = class_counts[u8(r) % COUNT(class_counts)];
            c->has_class_table = 1;
        } else if (class_mode % 16 == 2) { /* num_classes without a table */
            c->options.num_classes = class_counts[u8(r) % COUNT(class_counts)];
            c->class_alpha_null_with_count = c->options.num_classes != 0;
        }
    }
    c->reduced = !c->options_null && c->options.reduction != FOCAL_REDUCTION_NONE;
    note("focal_sigmoid_%s_%s(n = %zu, ", operation_names[operation], type_names[type], c->n);

    /* which pointers exist */
    uint8_t nulls = u8(r), weights_byte = u8(r), grad_out_byte = u8(r);
    int rare_null = nulls % 8 == 0;
    c->views[X].present = !(rare_null && (nulls & 0x08));
    c->views[Y].present = !(rare_null && (nulls & 0x10));
    c->views[W].present = !c->options_null && weights_byte % 3 == 0;
    c->views[G].present = operation == BACKWARD && grad_out_byte % 2 == 0;
    c->views[O1].present = operation != BACKWARD && !(rare_null && (nulls & 0x20));
    c->views[O2].present = operation != FORWARD && !(rare_null && (nulls & 0x40));
    for (int role = 0; role < ROLE_COUNT; role++) c->views[role].length = c->count;
    c->views[G].length = c->reduced ? 1 : c->count;
    c->views[O1].length = c->reduced ? 1 : c->count;
    int class_table = !c->options_null && c->has_class_table;

    lay_out(r, c);

    /* class alpha (after its count is known) and the options struct, each in a guarded region */
    if (class_table) {
        size_t classes = c->options.num_classes == 0 || c->options.num_classes > 4096 ? 4 : c->options.num_classes;
        c->class_alpha_count = classes;
        region_create(&c->regions[ROLE_COUNT], classes * sizeof(double), 1, 0);
        c->class_alpha = (double *)(void *)c->regions[ROLE_COUNT].span;
        uint8_t mode = u8(r);
        uint64_t state = mode;
        for (size_t i = 0; i < classes; i++)
            c->class_alpha[i] = mode % 4 == 0 ? class_alpha_table[mix(&state) % COUNT(class_alpha_table)]
                                              : class_alpha_table[mix(&state) % 8];
        c->options.class_alpha = c->class_alpha;
    }
    if (!c->options_null) {
        /* A struct_size below sizeof(focal_options) declares a shorter struct: only that much is mapped (at least its
         * size_t, rounded up to 8 bytes for alignment), flush against a PROT_NONE page; the library must read no more. */
        size_t size = c->options.struct_size >= sizeof(focal_options) ? c->options.struct_size
                      : c->options.struct_size <= sizeof(size_t) ? sizeof(size_t)
                                                                 : (c->options.struct_size + 7) / 8 * 8;
        c->options_bytes = size < sizeof(focal_options) ? size : sizeof(focal_options);
        region_create(&c->regions[ROLE_COUNT + 1], size, 1, 0);
        c->options_at = (focal_options *)(void *)c->regions[ROLE_COUNT + 1].span; /* flush, and 8-byte aligned */
    }

    /* inputs, in a fixed order; where views coincide the later one's values stay */
    static const int input_order[] = {X, G, W, Y};
    for (size_t k = 0; k < COUNT(input_order); k++) {
        int role = input_order[k];
        view *v = &c->views[role];
        const double *table = role == Y ? target_table : role == W ? weight_table : logit_table;
        size_t table_count = role == Y ? COUNT(target_table) : role == W ? COUNT(weight_table) : COUNT(logit_table);
        size_t valid = role == Y ? VALID_TARGETS : role == W ? VALID_WEIGHTS : table_count;
        double uniform_high = role == Y ? 1 : role == W ? 2 : 0; /* targets in [0, 1), weights in [0, 2) */
        if (!v->present) {
            if (role == W || role == G) continue;
            unsigned char scratch[64];
            fill(r, type, scratch, 0, table, table_count, valid, uniform_high); /* keep the decoding aligned */
            continue;
        }
        fill(r, type, v->at, v->length, table, table_count, valid, uniform_high);
    }
    /* Now and then the class alphas inside a per-element output, which the header forbids (the library once accepted
     * it, and with worker threads later chunks read losses as class alphas). */
    if (class_table && c->n > 0 && u8(r) % 4 == 0) {
        size_t es = c->es;
        int out = c->views[O1].present && c->views[O1].length * es >= (c->class_alpha_count + 1) * 8 ? O1 : O2;
        view *o = &c->views[out];
        if (o->present && o->length * es >= (c->class_alpha_count + 1) * 8) {
            size_t align = (8 - (uintptr_t)o->at % 8) % 8, room = (o->length * es - align) / 8 - c->class_alpha_count;
            double *inside = (double *)(void *)(o->at + align + 8 * (u8(r) % (room + 1)));
            memcpy(inside, c->class_alpha, c->class_alpha_count * sizeof(double));
            c->class_alpha = inside;
            c->options.class_alpha = inside;
            c->class_alpha_in_output = 1;
            note("  class_alpha inside %s\n", role_names[out]);
        }
    }
    if (!c->options_null) {
        c->options.weights = c->views[W].present ? c->views[W].at : NULL;
        memcpy(c->options_at, &c->options, c->options_bytes);
    }

    /* n = 0: data pointers may point anywhere, even at a PROT_NONE page (they must not be read). */
    uint8_t empty_mode = u8(r);
    if (c->n == 0 && empty_mode % 2 == 0) {
        for (int role = 0; role < ROLE_COUNT; role++) {
            view *v = &c->views[role];
            if (!v->present || v->length != 0 || role == W) continue;
            v->at = guard_page(&c->regions[v->region]);
        }
    }

    /* The rules this call breaks. */
    int *bad = c->violations;
    size_t es = c->es;
    if (c->n > INT32_MAX) bad[BAD_N] = 1;
    if (c->n > 0 && !c->views[X].present) bad[NULL_LOGITS] = 1;
    if (c->n > 0 && !c->views[Y].present) bad[NULL_TARGETS] = 1;
    if (operation == FORWARD && !c->views[O1].present && (c->reduced || c->n > 0)) bad[NULL_OUT] = 1;
    if (operation == FORWARD_BACKWARD && !c->views[O1].present && (c->reduced || c->n > 0)) bad[NULL_LOSS] = 1;
    if (operation != FORWARD && !c->views[O2].present && c->n > 0) bad[NULL_GRAD] = 1;
    if (!c->options_null) {
        const focal_options *o = &c->options;
        if (o->struct_size < 64) bad[BAD_STRUCT_SIZE] = 1; /* shorter than the 0.2 struct */
        if (c->class_alpha_null_with_count) bad[NULL_CLASS_ALPHA] = 1;
        if (class_table && (o->num_classes == 0 || o->num_classes > INT32_MAX)) bad[BAD_NUM_CLASSES] = 1;
        if (!(o->gamma >= 0 && o->gamma <= 1e6)) bad[BAD_GAMMA] = 1;
        if (isnan(o->alpha) || o->alpha > 1) bad[BAD_ALPHA] = 1;
        if (class_table && o->num_classes <= INT32_MAX)
            for (size_t i = 0; i < o->num_classes; i++)
                if (!(c->class_alpha[i] >= 0 && c->class_alpha[i] <= 1)) bad[BAD_CLASS_ALPHA] = 1;
        if (o->reduction < 0 || o->reduction > 4) bad[BAD_REDUCTION] = 1;
        if (o->reduction == FOCAL_REDUCTION_NORMALIZED && !(isfinite(o->normalizer) && o->normalizer > 0))
            bad[BAD_NORMALIZER] = 1;
    }
    if (c->n > 0 && c->n <= INT32_MAX && c->views[Y].present)
        for (size_t i = 0; i < c->n; i++) {
            double y = get_value(type, c->views[Y].at, i);
            if (!(y >= 0 && y <= 1)) bad[BAD_TARGET] = 1;
        }
    if (c->n > 0 && c->n <= INT32_MAX && c->views[W].present)
        for (size_t i = 0; i < c->n; i++) {
            double w = get_value(type, c->views[W].at, i);
            if (!(w >= 0 && isfinite(w))) bad[BAD_WEIGHT] = 1;
        }
    /* Overlaps, by address. */
    if (c->n > 0 && c->n <= INT32_MAX) {
        for (int out = O1; out <= O2; out++) {
            view *o = &c->views[out];
            if (!o->present) continue;
            int scalar = out == O1 && c->reduced;
            for (int in = X; in <= G; in++) {
                view *v = &c->views[in];
                if (in == G && !reads_grad_out_span(c)) continue;
                if (!overlaps(o, v, es)) continue;
                if (scalar) c->ambiguous = 1; /* a reduced output over an input: written after the pass */
                else if (in == W || o->at != v->at) bad[BAD_OVERLAP] = 1;
            }
        }
        if (operation == FORWARD_BACKWARD && overlaps(&c->views[O1], &c->views[O2], es)) bad[BAD_OVERLAP] = 1;
        if (c->class_alpha_in_output) bad[BAD_OVERLAP] = 1; /* always inside a per-element output */
    }

    int violation_count = 0, last_violation = -1;
    for (int rule = 0; rule < RULE_COUNT; rule++)
        if (bad[rule]) violation_count++, last_violation = rule;

    describe_options(c);
    note(")\n");
    for (int role = 0; role < ROLE_COUNT; role++)
        if (c->views[role].present || role == X || role == Y || (role == O1 && operation != BACKWARD)
            || (role == O2 && operation != FORWARD))
            describe_view(c, role);
    note("  rules broken:");
    for (int rule = 0; rule < RULE_COUNT; rule++)
        if (bad[rule]) note(" %d", rule);
    note("%s\n", c->ambiguous ? " (reduced output over an input)" : "");

    /* Snapshots of every input before the call (in place overwrites them). */
    unsigned char *in[ROLE_COUNT] = {0};
    for (int role = X; role <= G; role++) in[role] = snapshot(&c->views[role], es);
    current_inputs = in;
    unsigned char *options_before = NULL, *class_alpha_before = NULL;
    if (c->options_at != NULL) {
        options_before = malloc(c->options_bytes);
        memcpy(options_before, c->options_at, c->options_bytes);
    }
    if (c->class_alpha != NULL)
        class_alpha_before = snapshot(&(view){1, c->class_alpha_count, 0, 0, (unsigned char *)c->class_alpha}, 8);
    current_class_alpha = (const double *)(const void *)class_alpha_before;

    /* The out-of-place reference, when the call must (or may) succeed. */
    size_t loss_count = loss_length(c), grad_count = grad_length(c);
    void *reference_loss = calloc(loss_count + 1, es), *reference_grad = calloc(grad_count + 1, es);
    int must_succeed = violation_count == 0;
    if (must_succeed) {
        focal_status status = run_plain(c, in, reference_loss, reference_grad);
        REQUIRE(status == FOCAL_OK, "the out-of-place reference call returned %d: %s", status, read_message());
    }

    /* The call itself. */
    focal_options *options_argument = c->options_null ? NULL : c->options_at;
    focal_status status;
    void *out1 = c->views[O1].present ? c->views[O1].at : NULL, *out2 = c->views[O2].present ? c->views[O2].at : NULL;
    const void *x = c->views[X].present ? c->views[X].at : NULL, *y = c->views[Y].present ? c->views[Y].at : NULL;
    switch (operation) {
    case FORWARD: status = call_forward(type, x, y, c->n, options_argument, out1); break;
    case BACKWARD:
        status = call_backward(type, x, y, c->n, options_argument, c->views[G].present ? c->views[G].at : NULL, out2);
        break;
    default: status = call_forward_backward(type, x, y, c->n, options_argument, out1, out2); break;
    }
    note("  = %d\n", status);

    /* Status */
    REQUIRE(is_header_status(status) && status != FOCAL_ERROR_INTERNAL && status != FOCAL_ERROR_BUFFER_TOO_SMALL
                && status != FOCAL_ERROR_UNSUPPORTED,
            "status %d is not an error this call may return", status);
    if (bad[BAD_N]) {
        REQUIRE(status == FOCAL_ERROR_INVALID_ARGUMENT, "n = %zu: status %d, expected FOCAL_ERROR_INVALID_ARGUMENT",
                c->n, status);
    } else if (violation_count > 0) {
        int allowed = 0;
        for (int rule = 0; rule < RULE_COUNT; rule++)
            if (bad[rule] && rules[rule].status == status) allowed = 1;
        REQUIRE(allowed, "status %d, but the broken rules call for another error", status);
    } else if (c->ambiguous) {
        REQUIRE(status == FOCAL_OK || status == FOCAL_ERROR_INVALID_ARGUMENT,
                "a reduced output over an input: status %d", status);
        if (status == FOCAL_OK) ambiguous_ok++;
        else ambiguous_error++;
    } else {
        REQUIRE(status == FOCAL_OK, "a call that breaks no rule returned %d: %s", status, read_message());
    }

    /* Memory: canaries, guard pages, inputs and options untouched. */
    for (int g = 0; g < ROLE_COUNT + 2; g++) region_check(&c->regions[g], g < ROLE_COUNT ? role_names[g] : "options");
    for (int role = X; role <= G; role++) {
        view *v = &c->views[role];
        if (!v->present || v->length == 0) continue;
        int written = overlaps(v, &c->views[O1], es) || overlaps(v, &c->views[O2], es);
        if (!written)
            REQUIRE(memcmp(in[role], v->at, v->length * es) == 0, "the input %s was modified", role_names[role]);
    }
    if (options_before != NULL)
        REQUIRE(memcmp(options_before, c->options_at, c->options_bytes) == 0, "the options struct was modified");
    if (class_alpha_before != NULL && !c->class_alpha_in_output)
        REQUIRE(memcmp(class_alpha_before, c->class_alpha, c->class_alpha_count * sizeof(double)) == 0,
                "class_alpha was modified");

    if (status != FOCAL_OK) {
        expect_message(violation_count == 1 ? rules[last_violation].fragment : NULL, "the failed call");
    } else {
        expect_message_kept("the successful call");
    }

    /* After FOCAL_OK: in place = out of place; values; other ISA caps and thread counts; fused = separate. */
    if (status == FOCAL_OK && c->n <= INT32_MAX) {
        if (loss_count > 0) compare_bits(c, reference_loss, out1, loss_count, "in place / misaligned vs out of place (loss)");
        if (grad_count > 0) compare_bits(c, reference_grad, out2, grad_count, "in place / misaligned vs out of place (gradient)");
        check_values(c, in, reference_loss, reference_grad);

        void *other_loss = calloc(loss_count + 1, es), *other_grad = calloc(grad_count + 1, es);
        uint8_t cross = u8(r);
        int isa = (int)(cross % (unsigned)(detected_isa + 1));
        if (isa != current_isa) {
            library_calls++;
            REQUIRE(focal_set_max_isa(isa) == FOCAL_OK, "focal_set_max_isa(%d)", isa);
            focal_status again = run_plain(c, in, other_loss, other_grad);
            library_calls++;
            focal_set_max_isa(current_isa);
            REQUIRE(again == FOCAL_OK, "under the ISA cap %d: status %d", isa, again);
            char what[96];
            snprintf(what, sizeof what, "ISA cap %d vs %d (loss)", isa, current_isa);
            compare_bits(c, reference_loss, other_loss, loss_count, what);
            snprintf(what, sizeof what, "ISA cap %d vs %d (gradient)", isa, current_isa);
            compare_bits(c, reference_grad, other_grad, grad_count, what);
        }
        if (c->n >= 131072) {
            int threads = current_threads == 1 ? 0 : 1 + (cross >> 7);
            library_calls += 2;
            focal_set_num_threads(threads);
            focal_status again = run_plain(c, in, other_loss, other_grad);
            focal_set_num_threads(current_threads);
            REQUIRE(again == FOCAL_OK, "with %d threads: status %d", threads, again);
            compare_bits(c, reference_loss, other_loss, loss_count, "another thread count (loss)");
            compare_bits(c, reference_grad, other_grad, grad_count, "another thread count (gradient)");
        }
        if (operation == FORWARD_BACKWARD) {
            focal_options options = c->options;
            options.weights = c->views[W].present ? in[W] : NULL;
            if (options.class_alpha != NULL) options.class_alpha = current_class_alpha;
            const focal_options *o = c->options_null ? NULL : &options;
            REQUIRE(call_forward(type, in[X], in[Y], c->n, o, other_loss) == FOCAL_OK, "forward alone: %s", read_message());
            REQUIRE(call_backward(type, in[X], in[Y], c->n, o, NULL, other_grad) == FOCAL_OK, "backward alone: %s",
                    read_message());
            compare_bits(c, reference_loss, other_loss, loss_count, "forward_backward vs forward (loss)");
            compare_bits(c, reference_grad, other_grad, grad_count, "forward_backward vs backward(grad_out = NULL)");
        }
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
        switch (kind % 24) {
        case 12: case 13: fuzz_set_num_threads(&r); break;
        case 14: case 15: fuzz_set_max_isa(&r); break;
        case 16: case 17: fuzz_last_error_message(&r); break;
        case 18: fuzz_options_init(&r); break;
        default: fuzz_focal(&r, kind % 24 % 12 % 4, kind % 24 % 12 / 4); break;
        }
    }
    finish_input();
    return 0;
}
