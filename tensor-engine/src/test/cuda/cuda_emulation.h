// Runs the project's CUDA kernels on the CPU, for machines without a GPU: just enough of CUDA C
// for our sources. Each block's threads are real threads (so __syncthreads and shared memory
// behave), blocks run one after another (so a function-static array is the block's shared
// memory), and atomics are std::atomic_ref operations. It checks kernel logic (indexing, tiling,
// reductions, NaN rules); it says nothing about speed or about a real GPU's memory model.
#pragma once

#include <math.h>

#include <atomic>
#include <barrier>
#include <condition_variable>
#include <mutex>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

struct dim3 {
  unsigned int x = 1, y = 1, z = 1;
};

inline thread_local dim3 threadIdx;
inline thread_local dim3 blockIdx;
inline dim3 blockDim;
inline dim3 gridDim;
inline std::barrier<>* emulation_barrier = nullptr;

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static
#define __launch_bounds__(...)

inline void __syncthreads() { emulation_barrier->arrive_and_wait(); }

inline float atomicAdd(float* p, float v) { return std::atomic_ref<float>(*p).fetch_add(v); }
inline double atomicAdd(double* p, double v) { return std::atomic_ref<double>(*p).fetch_add(v); }
inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) {
  return std::atomic_ref<unsigned long long>(*p).fetch_add(v);
}
inline unsigned long long atomicCAS(unsigned long long* p, unsigned long long expected,
                                    unsigned long long desired) {
  std::atomic_ref<unsigned long long>(*p).compare_exchange_strong(expected, desired);
  return expected;  // the old value, as CUDA's atomicCAS returns
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

// A pool of OS threads, one per CUDA thread of a block, kept across launches (creating hundreds
// of threads per launch would dominate the run time).
class EmulationPool {
 public:
  static EmulationPool& instance() {
    static EmulationPool pool;
    return pool;
  }

  // Runs job(t) on threads 0..threads-1 and waits for all of them.
  void run(int threads, const std::function<void(int)>& job) {
    std::unique_lock<std::mutex> lock(mutex_);
    while ((int)workers_.size() < threads) {
      int id = (int)workers_.size();
      long start = generation_;  // the worker takes part from the next generation on
      workers_.emplace_back([this, id, start] { work(id, start); });
    }
    job_ = &job;
    active_ = threads;
    pending_ = threads;
    generation_++;
    wake_.notify_all();
    done_.wait(lock, [this] { return pending_ == 0; });
    job_ = nullptr;
  }

 private:
  EmulationPool() = default;
  ~EmulationPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
      generation_++;
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
  }

  void work(int id, long seen) {
    for (;;) {
      const std::function<void(int)>* job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_ != seen; });
        seen = generation_;
        if (stop_) return;
        if (id >= active_) continue;
        job = job_;
      }
      (*job)(id);
      std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_ == 0) done_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::vector<std::thread> workers_;
  const std::function<void(int)>* job_ = nullptr;
  long generation_ = 0;
  int active_ = 0;
  int pending_ = 0;
  bool stop_ = false;
};

// Launches `kernel` (a callable running one thread's body) over grid x block. Each pool thread
// plays one thread of the block in every block in turn; a barrier after each block keeps blocks
// apart, so function-static "shared" arrays belong to one block at a time.
template <typename F>
void emulate_launch(dim3 grid, dim3 block, F kernel) {
  gridDim = grid;
  blockDim = block;
  int threads = (int)(block.x * block.y * block.z);
  std::barrier<> bar(threads);
  emulation_barrier = &bar;
  std::function<void(int)> job = [&](int t) {
    threadIdx = dim3{(unsigned)t % block.x, (unsigned)t / block.x, 0};
    for (unsigned int by = 0; by < grid.y; by++) {
      for (unsigned int bx = 0; bx < grid.x; bx++) {
        blockIdx = dim3{bx, by, 0};
        kernel();
        bar.arrive_and_wait();
      }
    }
  };
  EmulationPool::instance().run(threads, job);
}
