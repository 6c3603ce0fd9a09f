package org.sparkgrad.backend.cuda;

/**
 * Turns the ways CUDA fails to start into one sentence that names what is missing. A pure function
 * of the failure, so each case is tested on machines without a GPU.
 */
final class CudaLoadFailure {
  private CudaLoadFailure() {}

  /** Why CUDA cannot be used, given what JCuda threw while loading its native library. */
  static String describe(Throwable failure) {
    String text = fullText(failure);
    if (text.contains("libcuda.so")) {
      return "the CUDA driver library libcuda.so.1 was not found (no NVIDIA driver installed on this"
          + " machine, or it is not on the dynamic loader's path); using the CPU is the"
          + " alternative";
    }
    if (failure instanceof NoClassDefFoundError && text.contains("jcuda/")) {
      return "JCuda is not on the class path (missing class "
          + failure.getMessage()
          + "); add org.jcuda:jcuda:12.6.0 and its natives";
    }
    if (failure instanceof LinkageError) {
      return "JCuda's native library (libJCudaDriver) failed to load: "
          + firstLine(failure)
          + "; the org.jcuda:jcuda-natives jar for this platform ("
          + System.getProperty("os.name")
          + " "
          + System.getProperty("os.arch")
          + ") must be on the class path";
    }
    return failure.toString();
  }

  /** The message of the failure and of all its causes, newline-separated. */
  private static String fullText(Throwable failure) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      sb.append(t).append('\n');
      if (t.getCause() == t) {
        break;
      }
    }
    return sb.toString();
  }

  private static String firstLine(Throwable failure) {
    String m = String.valueOf(failure.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
