/*
 * device_check: libfocalaot's OpenCL devices checked against its CPU entries, and timed. Needs libfocalaot and, at run
 * time, libOpenCL.so.1 (loaded with dlopen: no OpenCL headers, no .NET SDK). Usage: device_check [MAX_LOG2_N [RUNS]]
 * (defaults 26 and 9). One line per fact, space-separated key=value fields:
 *
 *   device index=0 name="..." vendor="..." version="..." fp64=1
 *   agree device=0 op=forward dtype=f32 gamma=2 reduction=none n=131405 differing=0
 *   agree device=0 op=forward dtype=f32 gamma=2 reduction=mean n=131405 differing=0 sum_identical=1 cpu=... device=...
 *   perf device=0 n=1048576 fused_ms=... fused_gbps=... copy_ms=... copy_gbps=... ratio=...
 *   perf device=0 n=67108864 skipped="..."
 *   summary devices=1 disagreements=0
 *
 * differing counts the elements whose bits differ from the CPU entry's; sum_identical compares the reduced loss's bits
 * (expected on devices with fp64; without it sums are accumulated in float). perf times the f32 forward+backward with
 * MEAN through focal_cl_sigmoid_forward_backward on resident buffers (12 bytes per element: logits and targets read,
 * the gradient written), and a copy kernel built here that moves the same 12 bytes per element; medians of RUNS runs
 * after warm-up, each ended by clFinish. ratio = fused GB/s / copy GB/s. Exit code 0 when every device agrees.
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "focal_aot.h"
#include "../tests/device_entries.h"

/* ---- The OpenCL 1.2 API, as much as this program uses, loaded from libOpenCL.so.1 ------------------------------------ */

typedef int32_t cl_int;
typedef uint32_t cl_uint;
typedef uint64_t cl_ulong;
typedef void *cl_handle; /* cl_platform_id, cl_device_id, cl_context, cl_command_queue, cl_mem, cl_program, cl_kernel */

#define CL_SUCCESS 0
#define CL_DEVICE_TYPE_ALL 0xFFFFFFFFull
#define CL_DEVICE_NAME 0x102B
#define CL_MEM_READ_WRITE 1ull
#define CL_TRUE 1u
#define CL_PROGRAM_BUILD_LOG 0x1183

static struct {
    cl_int (*GetPlatformIDs)(cl_uint, cl_handle *, cl_uint *);
    cl_int (*GetDeviceIDs)(cl_handle, cl_ulong, cl_uint, cl_handle *, cl_uint *);
    cl_int (*GetDeviceInfo)(cl_handle, cl_uint, size_t, void *, size_t *);
    cl_handle (*CreateContext)(const intptr_t *, cl_uint, const cl_handle *, void (*)(const char *, const void *, size_t, void *),
                               void *, cl_int *);
    cl_handle (*CreateCommandQueue)(cl_handle, cl_handle, cl_ulong, cl_int *);
    cl_handle (*CreateBuffer)(cl_handle, cl_ulong, size_t, void *, cl_int *);
    cl_int (*EnqueueWriteBuffer)(cl_handle, cl_handle, cl_uint, size_t, size_t, const void *, cl_uint, const cl_handle *,
                                 cl_handle *);
    cl_handle (*CreateProgramWithSource)(cl_handle, cl_uint, const char **, const size_t *, cl_int *);
    cl_int (*BuildProgram)(cl_handle, cl_uint, const cl_handle *, const char *, void (*)(cl_handle, void *), void *);
    cl_int (*GetProgramBuildInfo)(cl_handle, cl_handle, cl_uint, size_t, void *, size_t *);
    cl_handle (*CreateKernel)(cl_handle, const char *, cl_int *);
    cl_int (*SetKernelArg)(cl_handle, cl_uint, size_t, const void *);
    cl_int (*EnqueueNDRangeKernel)(cl_handle, cl_handle, cl_uint, const size_t *, const size_t *, const size_t *, cl_uint,
                                   const cl_handle *, cl_handle *);
    cl_int (*Finish)(cl_handle);
    cl_int (*ReleaseMemObject)(cl_handle);
    cl_int (*ReleaseKernel)(cl_handle);
    cl_int (*ReleaseProgram)(cl_handle);
    cl_int (*ReleaseCommandQueue)(cl_handle);
    cl_int (*ReleaseContext)(cl_handle);
} cl;

static int load_opencl(void) {
    void *library = dlopen("libOpenCL.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (library == NULL) library = dlopen("libOpenCL.so", RTLD_NOW | RTLD_GLOBAL);
    if (library == NULL) return 0;
#define LOAD(name)                                                                                            \
    if ((*(void **)&cl.name = dlsym(library, "cl" #name)) == NULL) return 0;
    LOAD(GetPlatformIDs) LOAD(GetDeviceIDs) LOAD(GetDeviceInfo) LOAD(CreateContext) LOAD(CreateCommandQueue)
    LOAD(CreateBuffer) LOAD(EnqueueWriteBuffer) LOAD(CreateProgramWithSource) LOAD(BuildProgram)
    LOAD(GetProgramBuildInfo) LOAD(CreateKernel) LOAD(SetKernelArg) LOAD(EnqueueNDRangeKernel) LOAD(Finish)
    LOAD(ReleaseMemObject) LOAD(ReleaseKernel) LOAD(ReleaseProgram) LOAD(ReleaseCommandQueue) LOAD(ReleaseContext)
#undef LOAD
    return 1;
}

/* A name as the library gives it: without surrounding white space. */
static char *trimmed(char *text) {
    while (*text == ' ' || *text == '\t') text++;
    size_t length = strlen(text);
    while (length > 0 && (text[length - 1] == ' ' || text[length - 1] == '\t' || text[length - 1] == '\n')) text[--length] = '\0';
    return text;
}

/* The OpenCL device that is focal device `index`: every device of every platform, in platform order (as the library
 * lists them). */
static cl_handle opencl_device(int index) {
    cl_handle platforms[32];
    cl_uint platform_count = 0;
    if (cl.GetPlatformIDs(32, platforms, &platform_count) != CL_SUCCESS) return NULL;
    for (cl_uint p = 0; p < platform_count && p < 32; p++) {
        cl_handle devices[64];
        cl_uint count = 0;
        if (cl.GetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 64, devices, &count) != CL_SUCCESS) continue;
        if (index < (int)count) return devices[index];
        index -= (int)count;
    }
    return NULL;
}

/* ---- Element types (device_entries.h): comparing their data ---------------------------------------------------------- */

static size_t differing(const element_type *type, const void *a, const void *b, size_t n) {
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += memcmp((const char *)a + i * type->size, (const char *)b + i * type->size, type->size) != 0;
    return count;
}

static uint64_t rng_state = 0x5851F42D4C957F2Dull;
static double uniform(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

static const char *last_error(void) {
    static char buffer[4096];
    focal_last_error_message(buffer, sizeof buffer, NULL);
    return buffer;
}

/* ---- Agreement with the CPU entries ------------------------------------------------------------------------------------ */

enum { CHECK_N = 8 * 16384 + 333 }; /* eight chunks of the canonical sum and a tail */
static const double class_alpha[3] = {0.25, 0.6, 0.9};

/* Every operation of one element type at gamma (built-in 2 and the generic 0.7), per element and with MEAN, with weights
 * (some 0), class alphas, soft and hard targets and |x| up to 1e4. Returns the number of disagreements. */
static int agree(int device, int fp64, const element_type *type, double gamma) {
    size_t size = CHECK_N * type->size;
    char *x = malloc(size), *y = malloc(size), *w = malloc(size), *up = malloc(size);
    char *cpu_out = malloc(size), *dev_out = malloc(size), *cpu_grad = malloc(size), *dev_grad = malloc(size);
    for (size_t i = 0; i < CHECK_N; i++) {
        store(type, x, i, i % 5 == 0 ? (uniform() - 0.5) * 2e4 : (uniform() - 0.5) * 16.0);
        store(type, y, i, i % 3 == 0 ? uniform() : (double)(uniform() < 0.3));
        store(type, w, i, i % 11 == 0 ? 0.0 : uniform() * 2.0);
        store(type, up, i, uniform() - 0.25);
    }
    int disagreements = 0;
    static const char *const ops[] = {"forward", "backward", "forward_backward"};
    for (int reduced = 0; reduced <= 1; reduced++) {
        focal_options options;
        focal_options_init(&options);
        options.gamma = gamma;
        options.class_alpha = class_alpha;
        options.num_classes = 3;
        options.weights = w;
        options.reduction = reduced ? FOCAL_REDUCTION_MEAN : FOCAL_REDUCTION_NONE;
        for (int op = 0; op < 3; op++) {
            int cpu, dev;
            memset(dev_out, 0xA5, size);
            memset(dev_grad, 0xA5, size);
            if (op == 0) {
                cpu = type->forward(-1, x, y, CHECK_N, &options, cpu_out);
                dev = type->forward(device, x, y, CHECK_N, &options, dev_out);
            } else if (op == 1) {
                cpu = type->backward(-1, x, y, CHECK_N, &options, reduced ? NULL : up, cpu_grad);
                dev = type->backward(device, x, y, CHECK_N, &options, reduced ? NULL : up, dev_grad);
            } else {
                cpu = type->fused(-1, x, y, CHECK_N, &options, cpu_out, cpu_grad);
                dev = type->fused(device, x, y, CHECK_N, &options, dev_out, dev_grad);
            }
            printf("agree device=%d op=%s dtype=%s gamma=%g reduction=%s n=%d", device, ops[op], type->name, gamma,
                   reduced ? "mean" : "none", CHECK_N);
            if (cpu != FOCAL_OK || dev != FOCAL_OK) {
                printf(" status_cpu=%d status_device=%d error=\"%s\"\n", cpu, dev, last_error());
                disagreements++;
                continue;
            }
            size_t count = 0;
            if (op != 0) count += differing(type, cpu_grad, dev_grad, CHECK_N);
            if (op != 1 && !reduced) count += differing(type, cpu_out, dev_out, CHECK_N);
            printf(" differing=%zu", count);
            disagreements += count != 0;
            if (op != 1 && reduced) {
                int identical = memcmp(cpu_out, dev_out, type->size) == 0;
                printf(" sum_identical=%d cpu=%.17g device=%.17g", identical, load(type, cpu_out, 0), load(type, dev_out, 0));
                disagreements += !identical && fp64; /* without fp64 sums are accumulated in float: not identical */
            }
            printf("\n");
        }
    }
    free(x), free(y), free(w), free(up), free(cpu_out), free(dev_out), free(cpu_grad), free(dev_grad);
    return disagreements;
}

/* ---- Speed: the fused call on resident buffers against a copy kernel moving as many bytes -------------------------------- */

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int count) {
    qsort(values, (size_t)count, sizeof *values, compare_doubles);
    return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

static const char *copy_source =
    "__kernel void copy12(__global const float *logits, __global const float *targets, __global float *gradient) {\n"
    "    size_t i = get_global_id(0);\n"
    "    gradient[i] = logits[i] + targets[i];\n"
    "}\n";

enum { WARM_UP = 2, MAX_RUNS = 101 };

/* One size on one device; prints its perf line. Returns 0 when a step failed (the line says which). */
static int time_size(int device, cl_handle context, cl_handle queue, cl_handle kernel, size_t n, int runs) {
    printf("perf device=%d n=%zu", device, n);
    cl_int status = CL_SUCCESS;
    cl_handle buffers[3] = {NULL, NULL, NULL};
    float *host = malloc(n * sizeof(float));
    int ok = host != NULL;
    for (int b = 0; b < 3 && ok; b++) {
        buffers[b] = cl.CreateBuffer(context, CL_MEM_READ_WRITE, n * sizeof(float), NULL, &status);
        ok = status == CL_SUCCESS;
    }
    for (int b = 0; b < 2 && ok; b++) { /* logits in [-6, 6], hard targets */
        for (size_t i = 0; i < n; i++) host[i] = b == 0 ? (float)((uniform() - 0.5) * 12.0) : (float)(uniform() < 0.3);
        status = cl.EnqueueWriteBuffer(queue, buffers[b], CL_TRUE, 0, n * sizeof(float), host, 0, NULL, NULL);
        ok = status == CL_SUCCESS && cl.Finish(queue) == CL_SUCCESS;
    }
    free(host);
    if (!ok) {
        printf(" skipped=\"allocation or upload failed (OpenCL status %d)\"\n", status);
        for (int b = 0; b < 3; b++)
            if (buffers[b] != NULL) cl.ReleaseMemObject(buffers[b]);
        return 0;
    }

    focal_options options;
    focal_options_init(&options);
    options.reduction = FOCAL_REDUCTION_MEAN;
    focal_cl_buffer logits = {buffers[0], 0}, targets = {buffers[1], 0}, gradient = {buffers[2], 0}, none = {NULL, 0};
    double fused[MAX_RUNS], copy[MAX_RUNS];
    float loss = 0;
    for (int run = -WARM_UP; run < runs && ok; run++) {
        double start = now_ms();
        ok = focal_cl_sigmoid_forward_backward(queue, FOCAL_DTYPE_F32, n, logits, targets, none, &options, none, &loss, gradient,
                                               NULL) == FOCAL_OK
             && cl.Finish(queue) == CL_SUCCESS;
        if (run >= 0) fused[run] = now_ms() - start;
    }
    if (!ok) {
        printf(" skipped=\"focal_cl_sigmoid_forward_backward failed: %s\"\n", last_error());
    } else {
        for (int a = 0; a < 3; a++) cl.SetKernelArg(kernel, (cl_uint)a, sizeof(cl_handle), &buffers[a]);
        for (int run = -WARM_UP; run < runs && ok; run++) {
            double start = now_ms();
            ok = cl.EnqueueNDRangeKernel(queue, kernel, 1, NULL, &n, NULL, 0, NULL, NULL) == CL_SUCCESS
                 && cl.Finish(queue) == CL_SUCCESS;
            if (run >= 0) copy[run] = now_ms() - start;
        }
        if (!ok) {
            printf(" skipped=\"the copy kernel failed\"\n");
        } else {
            double fused_ms = median(fused, runs), copy_ms = median(copy, runs), bytes = 12.0 * (double)n;
            double fused_gbps = bytes / fused_ms / 1e6, copy_gbps = bytes / copy_ms / 1e6;
            printf(" fused_ms=%.4f fused_gbps=%.2f copy_ms=%.4f copy_gbps=%.2f ratio=%.3f mean_loss=%.9g\n", fused_ms, fused_gbps,
                   copy_ms, copy_gbps, fused_gbps / copy_gbps, loss);
        }
    }
    for (int b = 0; b < 3; b++) cl.ReleaseMemObject(buffers[b]);
    return ok;
}

static void time_device(int device, int max_log2, int runs) {
    cl_handle id = opencl_device(device), context = NULL, queue = NULL, program = NULL, kernel = NULL;
    cl_int status = -1;
    if (id != NULL) context = cl.CreateContext(NULL, 1, &id, NULL, NULL, &status);
    if (status == CL_SUCCESS) queue = cl.CreateCommandQueue(context, id, 0, &status);
    if (status == CL_SUCCESS) program = cl.CreateProgramWithSource(context, 1, &copy_source, NULL, &status);
    if (status == CL_SUCCESS && (status = cl.BuildProgram(program, 1, &id, "", NULL, NULL)) != CL_SUCCESS) {
        char log[2048] = "";
        cl.GetProgramBuildInfo(program, id, CL_PROGRAM_BUILD_LOG, sizeof log - 1, log, NULL);
        fprintf(stderr, "copy kernel build log:\n%s\n", log);
    }
    if (status == CL_SUCCESS) kernel = cl.CreateKernel(program, "copy12", &status);
    if (status != CL_SUCCESS) {
        printf("perf device=%d skipped=\"no queue or copy kernel (OpenCL status %d)\"\n", device, status);
    } else {
        for (int log2 = 20; log2 <= max_log2; log2 += 6) time_size(device, context, queue, kernel, (size_t)1 << log2, runs);
        /* the library holds the queue from the first call until it is released */
        if (focal_cl_release_queue(queue) != FOCAL_OK && strstr(last_error(), "not held") == NULL)
            printf("perf device=%d release=\"%s\"\n", device, last_error());
    }
    if (kernel != NULL) cl.ReleaseKernel(kernel);
    if (program != NULL) cl.ReleaseProgram(program);
    if (queue != NULL) cl.ReleaseCommandQueue(queue);
    if (context != NULL) cl.ReleaseContext(context);
}

int main(int argc, char **argv) {
    int max_log2 = argc > 1 ? atoi(argv[1]) : 26, runs = argc > 2 ? atoi(argv[2]) : 9;
    if (runs < 1 || runs > MAX_RUNS) runs = 9;
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("library version=%s abi=%d isa=%d\n", focal_version(), focal_abi_version(), focal_get_isa());
    int count = focal_device_count();
    if (count == 0) {
        char reason[1024] = "";
        focal_device_unavailable_reason(reason, sizeof reason, NULL);
        printf("summary devices=0 reason=\"%s\"\n", reason);
        return 2;
    }
    int opencl = load_opencl(), disagreements = 0;
    for (int device = 0; device < count; device++) {
        focal_device_info info;
        info.struct_size = sizeof info;
        if (focal_device_get_info(device, &info) != FOCAL_OK) {
            printf("device index=%d error=\"%s\"\n", device, last_error());
            disagreements++;
            continue;
        }
        printf("device index=%d name=\"%s\" vendor=\"%s\" version=\"%s\" fp64=%d\n", device, info.name, info.vendor, info.version,
               info.fp64);
        for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
            if (types[t].dtype == FOCAL_DTYPE_F64 && !info.fp64) continue;
            disagreements += agree(device, info.fp64, &types[t], 2.0);
            if (info.fp64) disagreements += agree(device, info.fp64, &types[t], 0.7); /* generic gamma: needs fp64 */
        }
        if (!opencl) {
            printf("perf device=%d skipped=\"libOpenCL.so.1 could not be loaded here\"\n", device);
            continue;
        }
        char name[256] = "";
        cl_handle id = opencl_device(device);
        if (id != NULL) cl.GetDeviceInfo(id, CL_DEVICE_NAME, sizeof name - 1, name, NULL);
        if (id == NULL || strcmp(trimmed(name), info.name) != 0)
            printf("perf device=%d skipped=\"OpenCL's device %d is '%s', not this one\"\n", device, device, name);
        else
            time_device(device, max_log2, runs);
    }
    printf("summary devices=%d disagreements=%d\n", count, disagreements);
    return disagreements == 0 ? 0 : 1;
}
