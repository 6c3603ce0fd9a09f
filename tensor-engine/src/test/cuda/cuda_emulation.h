// Runs the project's CUDA kernels on the CPU, for machines without a GPU: just enough of CUDA C
// for our sources. The threads of a block are fibers (ucontext) on the calling OS thread: each
// runs until its next __syncthreads, and a barrier phase ends when every thread of the block has
// reached it, which is exactly CUDA's rule; blocks run one after another, so a function-static
// array is the block's shared memory. It checks kernel logic (indexing, tiling, reductions, NaN
// rules); it says nothing about speed or about a real GPU's memory model. One launch at a time
// per process (callers serialise launches).
#pragma once

#include <math.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <setjmp.h>
#include <ucontext.h>
#include <vector>

struct dim3 {
  unsigned int x = 1, y = 1, z = 1;
};

inline thread_local dim3 threadIdx;
inline thread_local dim3 blockIdx;
inline thread_local dim3 blockDim;
inline thread_local dim3 gridDim;

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static
#define __launch_bounds__(...)

// The fiber scheduler of the block being run.
struct EmulatedThread {
  static constexpr size_t STACK_BYTES = 128 * 1024;
  ucontext_t context;  // used once per block, to start the fiber on its stack
  jmp_buf resume;      // where the fiber continues after a barrier
  std::unique_ptr<char[]> stack{new char[STACK_BYTES]};  // allocated once, never cleared
  bool done = false;
};
inline thread_local ucontext_t emulation_scheduler;
inline thread_local jmp_buf emulation_scheduler_jump;
inline thread_local EmulatedThread* emulation_current = nullptr;
inline thread_local const std::function<void()>* emulation_body = nullptr;

inline void __syncthreads() {
  if (emulation_current == nullptr) {
    std::fprintf(stderr, "__syncthreads outside an emulated block\n");
    std::abort();
  }
  // _setjmp/_longjmp switch stacks without the signal-mask system calls of swapcontext.
  if (_setjmp(emulation_current->resume) == 0) {
    _longjmp(emulation_scheduler_jump, 1);
  }
}

inline void emulation_trampoline() {
  (*emulation_body)();
  emulation_current->done = true;
  _longjmp(emulation_scheduler_jump, 1);
}

// The bit casts of CUDA's device library.
inline unsigned int __float_as_uint(float f) {
  unsigned int u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}
inline float __uint_as_float(unsigned int u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

inline float atomicAdd(float* p, float v) {
  float old = *p;
  *p = old + v;
  return old;
}
inline double atomicAdd(double* p, double v) {
  double old = *p;
  *p = old + v;
  return old;
}
inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) {
  unsigned long long old = *p;
  *p = old + v;
  return old;
}
inline unsigned long long atomicCAS(unsigned long long* p, unsigned long long expected,
                                    unsigned long long desired) {
  unsigned long long old = *p;
  if (old == expected) *p = desired;
  return old;  // the old value, as CUDA's atomicCAS returns
}

inline float __int_as_float(int v) {
  float f;
  std::memcpy(&f, &v, sizeof f);
  return f;
}
inline double __longlong_as_double(long long v) {
  double d;
  std::memcpy(&d, &v, sizeof d);
  return d;
}

// Launches `kernel` (a callable running one thread's body) over grid x block. Fibers switch only
// at __syncthreads, so the read-modify-write "atomics" above are atomic here.
template <typename F>
void emulate_launch(dim3 grid, dim3 block, F kernel) {
  gridDim = grid;
  blockDim = block;
  int threads = (int)(block.x * block.y * block.z);
  // The fibers' stacks are kept for the next launch on this OS thread.
  static thread_local std::vector<EmulatedThread> team;
  if ((int)team.size() < threads) team.resize(threads);
  std::function<void()> body = kernel;
  emulation_body = &body;
  for (unsigned int bz = 0; bz < grid.z; bz++)
  for (unsigned int by = 0; by < grid.y; by++) {
    for (unsigned int bx = 0; bx < grid.x; bx++) {
      blockIdx = dim3{bx, by, bz};
      for (int i = 0; i < threads; i++) {
        EmulatedThread& t = team[i];
        t.done = false;
        getcontext(&t.context);
        t.context.uc_stack.ss_sp = t.stack.get();
        t.context.uc_stack.ss_size = EmulatedThread::STACK_BYTES;
        t.context.uc_link = nullptr;  // the trampoline jumps back; it never returns
        makecontext(&t.context, emulation_trampoline, 0);
      }
      // Each round runs every unfinished thread up to its next barrier (or its end).
      for (int round = 0, running = 1; running; round++) {
        running = 0;
        for (int i = 0; i < threads; i++) {
          if (team[i].done) continue;
          threadIdx = dim3{(unsigned)i % block.x, (unsigned)i / block.x, 0};
          emulation_current = &team[i];
          if (_setjmp(emulation_scheduler_jump) == 0) {
            if (round == 0) {
              swapcontext(&emulation_scheduler, &team[i].context);
            } else {
              _longjmp(team[i].resume, 1);
            }
          }
          running |= !team[i].done;
        }
      }
      emulation_current = nullptr;
    }
  }
  emulation_body = nullptr;
}
