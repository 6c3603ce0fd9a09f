// A stand-in for the CUDA driver library (libcuda.so.1) that runs the project's kernels on the
// CPU (cuda_emulation.h), so that the Java CUDA backend, JCuda included, can be tested end to end
// on machines without a GPU. It implements only the driver calls the backend makes; "device"
// memory is host memory, and every stream runs its work at once, in order, except copies to the
// device: those wait in a queue until the next call that could observe them (a launch, a copy
// back, a synchronisation, an event wait, a free), as a real GPU's DMA may still be reading the
// pinned source after cuMemcpyHtoDAsync returns. So a host buffer overwritten before its copy's
// event was waited on shows up as wrong data. Events otherwise are no-ops.
// Built by build-emulated-libcuda.sh, which generates kernel_registry.inc from the PTX entries.
#include "cuda_emulation.h"

#include "../../main/cuda/amp.cu"
#include "../../main/cuda/elementwise.cu"
#include "../../main/cuda/fused.cu"
#include "../../main/cuda/gemm.cu"
#include "../../main/cuda/index.cu"
#include "../../main/cuda/reduce.cu"

#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace {

constexpr int SUCCESS = 0;
constexpr int INVALID_VALUE = 1;
constexpr int OUT_OF_MEMORY = 2;
constexpr int NOT_FOUND = 500;

// A kernel's launcher: unpacks the driver's void** parameter array into the C arguments.
using Invoker = void (*)(void** params);

template <typename... Args, std::size_t... I>
void call_with(void (*f)(Args...), void** params, std::index_sequence<I...>) {
  f(*static_cast<std::remove_cv_t<std::remove_reference_t<Args>>*>(params[I])...);
}

template <auto F>
struct Kernel;
template <typename... Args, void (*F)(Args...)>
struct Kernel<F> {
  static void invoke(void** params) { call_with(F, params, std::index_sequence_for<Args...>{}); }
};

// A kernel as the driver hands it out: its launcher, and whether its threads synchronise
// (reductions, softmax over rows, GEMM tiles), which needs one OS thread per CUDA thread.
struct Entry {
  Invoker invoke;
  bool synchronises;
};

bool synchronises(const std::string& name) {
  for (const char* prefix : {"sum_", "extreme_", "softmax_rows_", "sgemm_", "dgemm_"}) {
    if (name.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

std::map<std::string, Entry>& registry() {
  static std::map<std::string, Entry> kernels = [] {
    std::map<std::string, Entry> m = {
#define K(name) {#name, Entry{&Kernel<&name>::invoke, false}},
#include "kernel_registry.inc"
#undef K
    };
    for (auto& [name, entry] : m) entry.synchronises = synchronises(name);
    return m;
  }();
  return kernels;
}

// The emulated device's memory: what is allocated, against a fixed capacity.
std::mutex memory_mutex;
std::mutex launch_mutex;
std::map<unsigned long long, size_t> allocations;
size_t allocated_bytes = 0;

size_t capacity() {
  const char* s = std::getenv("SPARKGRAD_EMULATED_GPU_BYTES");
  return s ? std::strtoull(s, nullptr, 10) : (size_t)2 << 30;
}

// Copies to the device that have been queued but not yet made (see the header comment).
struct PendingCopy {
  unsigned long long dst;
  const void* src;
  size_t bytes;
};
std::mutex copy_mutex;
std::vector<PendingCopy> pending_copies;

void flush_copies() {
  std::lock_guard<std::mutex> lock(copy_mutex);
  for (const PendingCopy& c : pending_copies) std::memcpy((void*)c.dst, c.src, c.bytes);
  pending_copies.clear();
}

int context_token = 1;
int module_token = 2;
int stream_token = 3;
int event_token = 4;

}  // namespace

extern "C" {

int cuInit(unsigned int) { return SUCCESS; }

int cuDeviceGetCount(int* count) {
  *count = 1;
  return SUCCESS;
}

int cuDeviceGet(int* device, int ordinal) {
  if (ordinal != 0) return INVALID_VALUE;
  *device = 0;
  return SUCCESS;
}

int cuDevicePrimaryCtxRetain(void** context, int) {
  *context = &context_token;
  return SUCCESS;
}

int cuCtxSetCurrent(void*) { return SUCCESS; }
int cuCtxSynchronize() {
  flush_copies();
  return SUCCESS;
}

int cuDeviceGetName(char* name, int length, int) {
  std::snprintf(name, (size_t)length, "Sparkgrad emulated GPU");
  return SUCCESS;
}

int cuDeviceTotalMem_v2(size_t* bytes, int) {
  *bytes = capacity();
  return SUCCESS;
}

int cuDeviceGetAttribute(int* value, int attribute, int) {
  // 16 = CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT: two, so that both SGEMM tile sizes are used.
  *value = attribute == 16 ? 2 : 0;
  return SUCCESS;
}

int cuMemGetInfo_v2(size_t* free, size_t* total) {
  std::lock_guard<std::mutex> lock(memory_mutex);
  *total = capacity();
  *free = capacity() - allocated_bytes;
  return SUCCESS;
}

int cuModuleLoadData(void** module, const void* image) {
  if (image == nullptr || std::strncmp((const char*)image, "//", 2) != 0) return INVALID_VALUE;
  *module = &module_token;
  return SUCCESS;
}

int cuModuleGetFunction(void** function, void*, const char* name) {
  auto it = registry().find(name);
  if (it == registry().end()) return NOT_FOUND;
  *function = &it->second;
  return SUCCESS;
}

int cuStreamCreate(void** stream, unsigned int) {
  *stream = &stream_token;
  return SUCCESS;
}
int cuStreamSynchronize(void*) {
  flush_copies();
  return SUCCESS;
}
int cuEventCreate(void** event, unsigned int) {
  *event = &event_token;
  return SUCCESS;
}
int cuEventRecord(void*, void*) { return SUCCESS; }
int cuStreamWaitEvent(void*, void*, unsigned int) {
  flush_copies();
  return SUCCESS;
}
int cuEventSynchronize(void*) {
  flush_copies();
  return SUCCESS;
}
int cuEventDestroy_v2(void*) { return SUCCESS; }

int cuMemAlloc_v2(unsigned long long* pointer, size_t bytes) {
  std::lock_guard<std::mutex> lock(memory_mutex);
  if (bytes == 0) return INVALID_VALUE;
  if (allocated_bytes + bytes > capacity()) return OUT_OF_MEMORY;
  void* p = std::malloc(bytes);
  if (p == nullptr) return OUT_OF_MEMORY;
  std::memset(p, 0xA5, bytes);  // garbage, as fresh device memory is
  *pointer = (unsigned long long)p;
  allocations[*pointer] = bytes;
  allocated_bytes += bytes;
  return SUCCESS;
}

int cuMemFree_v2(unsigned long long pointer) {
  flush_copies();
  std::lock_guard<std::mutex> lock(memory_mutex);
  auto it = allocations.find(pointer);
  if (it == allocations.end()) return INVALID_VALUE;
  allocated_bytes -= it->second;
  allocations.erase(it);
  std::free((void*)pointer);
  return SUCCESS;
}

int cuMemAllocHost_v2(void** pointer, size_t bytes) {
  *pointer = std::malloc(bytes);
  return *pointer == nullptr ? OUT_OF_MEMORY : SUCCESS;
}
int cuMemFreeHost(void* pointer) {
  flush_copies();
  std::free(pointer);
  return SUCCESS;
}

int cuMemcpyHtoDAsync_v2(unsigned long long dst, const void* src, size_t bytes, void*) {
  std::lock_guard<std::mutex> lock(copy_mutex);
  pending_copies.push_back(PendingCopy{dst, src, bytes});
  return SUCCESS;
}
int cuMemcpyDtoHAsync_v2(void* dst, unsigned long long src, size_t bytes, void*) {
  flush_copies();
  std::memcpy(dst, (const void*)src, bytes);
  return SUCCESS;
}
int cuMemsetD8Async(unsigned long long dst, unsigned char value, size_t bytes, void*) {
  flush_copies();
  std::memset((void*)dst, value, bytes);
  return SUCCESS;
}

int cuLaunchKernel(void* function, unsigned int gx, unsigned int gy, unsigned int gz,
                   unsigned int bx, unsigned int by, unsigned int bz, unsigned int, void*,
                   void** params, void**) {
  if (function == nullptr || gx == 0 || gy == 0 || gz == 0 || bz != 1 || bx * by > 1024) {
    return INVALID_VALUE;
  }
  flush_copies();
  const Entry* kernel = static_cast<const Entry*>(function);
  // Kernels use function-static "shared" arrays: one launch at a time.
  std::lock_guard<std::mutex> lock(launch_mutex);
  if (kernel->synchronises) {
    emulate_launch(dim3{gx, gy, gz}, dim3{bx, by, 1}, [&] { kernel->invoke(params); });
  } else {
    // No barriers: run the threads one after another, without fibers.
    gridDim = dim3{gx, gy, gz};
    blockDim = dim3{bx, by, 1};
    for (unsigned int z = 0; z < gz; z++)
    for (unsigned int y = 0; y < gy; y++)
      for (unsigned int x = 0; x < gx; x++) {
        blockIdx = dim3{x, y, z};
        for (unsigned int ty = 0; ty < by; ty++)
          for (unsigned int tx = 0; tx < bx; tx++) {
            threadIdx = dim3{tx, ty, 0};
            kernel->invoke(params);
          }
      }
  }
  return SUCCESS;
}

}  // extern "C"
