// focal_aot.h from C++: extern "C" linkage and no C-only constructs; links and runs against the dispatcher.
#include "focal_aot.h"

#include <cstdio>
#include <cstring>

int main() {
    const float logits[2] = {0.5f, -1.0f};
    const float targets[2] = {1.0f, 0.0f};
    float loss = 0;
    focal_options options;
    if (focal_options_init(&options) != FOCAL_OK) return 1;
    options.reduction = FOCAL_REDUCTION_SUM;
    if (focal_sigmoid_forward_f32(logits, targets, 2, &options, &loss) != FOCAL_OK) return 1;
    std::printf("C++: libfocalaot %s, sum %g\n", focal_version(), static_cast<double>(loss));
    return std::strcmp(focal_version(), FOCAL_VERSION_STRING) == 0 && loss > 0 ? 0 : 1;
}
