package org.sparkgrad.nn.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * A test's data-parallel step on threads: replica {@code i} runs on its own thread inside {@link
 * ReplicaSync#enter} with a reducer that waits for every replica's array at each call and returns
 * their elementwise sum, added in replica order (so every replica gets the same bits), in float32
 * or, for float64 tensors, in float64.
 */
final class ThreadedReplicas {
  private ThreadedReplicas() {}

  /** Runs {@code body} for replicas {@code 0..k-1} at once; returns their results in order. */
  static <T> List<T> run(int k, IntFunction<T> body) {
    CyclicBarrier barrier = new CyclicBarrier(k);
    Object[] slots = new Object[k];
    ExecutorService pool = Executors.newFixedThreadPool(k);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        int replica = i;
        futures.add(
            pool.submit(
                () -> {
                  try (ReplicaSync sync = ReplicaSync.enter(reducer(replica, slots, barrier))) {
                    return body.apply(replica);
                  } catch (RuntimeException | Error e) {
                    barrier.reset(); // releases the others from a call this replica will not make
                    throw e;
                  }
                }));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static ReplicaReducer reducer(int replica, Object[] slots, CyclicBarrier barrier) {
    return new ReplicaReducer() {
      @Override
      public float[] sum(float[] local) {
        exchange(local);
        float[] s = new float[local.length];
        for (Object slot : slots) {
          float[] v = (float[]) slot;
          for (int j = 0; j < s.length; j++) {
            s[j] += v[j];
          }
        }
        await(); // nobody overwrites a slot before all have read it
        return s;
      }

      @Override
      public double[] sumDoubles(double[] local) {
        exchange(local);
        double[] s = new double[local.length];
        for (Object slot : slots) {
          double[] v = (double[]) slot;
          for (int j = 0; j < s.length; j++) {
            s[j] += v[j];
          }
        }
        await();
        return s;
      }

      private void exchange(Object local) {
        slots[replica] = local;
        await();
      }

      private void await() {
        try {
          barrier.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
          throw new IllegalStateException("replica " + replica + ": another replica failed", e);
        }
      }
    };
  }
}
