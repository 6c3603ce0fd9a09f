package org.sparkgrad.backend.cuda;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * The project's CUDA kernels on one device: the PTX packaged beside this class (compiled from
 * {@code src/main/cuda/*.cu} by {@code build-ptx.sh}), loaded with {@code cuModuleLoadData}, which
 * JIT-compiles it for the device, and every kernel looked up once by name.
 */
final class Kernels {
  /** The PTX modules, one per CUDA source file. */
  static final String[] MODULES = {"elementwise", "reduce", "index", "gemm", "amp", "fused"};

  private static final Pattern ENTRY =
      Pattern.compile("^\\.visible \\.entry (\\w+)\\(", Pattern.MULTILINE);

  private static final Pattern PARAM_TYPE =
      Pattern.compile("\\.param\\s+(?:\\.align\\s+\\d+\\s+)?\\.(\\w+)");
  private static final Pattern ARRAY = Pattern.compile("\\[(\\d+)\\]");

  /** A loaded kernel and its parameter kinds, as {@link #signatures} spells them. */
  record Kernel(CUfunction function, String signature, long signatureCode) {
    Kernel(CUfunction function, String signature) {
      this(function, signature, code(java.util.Arrays.asList(signature.split(",", -1))));
    }
  }

  /**
   * A signature as one number (three bits per parameter kind, and a struct's size), so that every
   * launch can be checked against its kernel's parameters at the cost of a few arithmetic steps.
   */
  static long code(java.util.List<String> kinds) {
    long c = kinds.size();
    for (String k : kinds) {
      switch (k) {
        case "i32" -> c = c * 8 + 1;
        case "u64" -> c = c * 8 + 2;
        case "f32" -> c = c * 8 + 3;
        case "f64" -> c = c * 8 + 4;
        case "" -> c = c * 8;
        default -> c = (c * 8 + 5) * 4096 + Integer.parseInt(k.substring(3, k.length() - 1));
      }
    }
    return c;
  }

  private final Map<String, Kernel> functions;

  private Kernels(Map<String, Kernel> functions) {
    this.functions = functions;
  }

  /** Loads every module into the current context (the caller made the device's context current). */
  static Kernels load(String device) {
    Map<String, Kernel> functions = new HashMap<>();
    for (String module : MODULES) {
      String ptx = ptx(module);
      CUmodule m = new CUmodule();
      int result = JCudaDriver.cuModuleLoadData(m, ptx);
      if (result != CUresult.CUDA_SUCCESS) {
        String hint =
            result == CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION
                    || result == CUresult.CUDA_ERROR_INVALID_PTX
                ? " (the packaged PTX was built by nvcc 13 and declares PTX ISA 9.0, which needs a"
                    + " CUDA 13 driver, r580 or newer)"
                : "";
        throw new CudaException(
            "cuModuleLoadData("
                + module
                + ".ptx) on "
                + device
                + " failed: "
                + Cuda.errorName(result)
                + hint);
      }
      for (Map.Entry<String, String> e : signatures(ptx).entrySet()) {
        CUfunction f = new CUfunction();
        Cuda.check(
            JCudaDriver.cuModuleGetFunction(f, m, e.getKey()),
            "cuModuleGetFunction(" + e.getKey() + ") on " + device);
        functions.put(e.getKey(), new Kernel(f, e.getValue()));
      }
    }
    return new Kernels(functions);
  }

  /** How many kernels are loaded. */
  int size() {
    return functions.size();
  }

  /** The kernel called {@code name}. */
  Kernel get(String name) {
    Kernel f = functions.get(name);
    if (f == null) {
      throw new IllegalStateException(
          "kernel "
              + name
              + " is not in the packaged PTX (modules "
              + Arrays.toString(MODULES)
              + "); rebuild it with src/main/cuda/build-ptx.sh");
    }
    return f;
  }

  /**
   * Each kernel a PTX module defines, with its parameter kinds: {@code i32} (any 32-bit integer),
   * {@code u64} (a pointer or 64-bit integer), {@code f32}, {@code f64}, or {@code b8[N]} (a struct
   * of N bytes passed by value), comma-separated.
   */
  static Map<String, String> signatures(String ptx) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    Matcher m = ENTRY.matcher(ptx);
    while (m.find()) {
      int close = ptx.indexOf(')', m.end());
      java.util.List<String> kinds = new java.util.ArrayList<>();
      for (String line : ptx.substring(m.end(), close).split(",", -1)) {
        Matcher t = PARAM_TYPE.matcher(line);
        if (!t.find()) {
          continue;
        }
        Matcher a = ARRAY.matcher(line);
        kinds.add(a.find() ? t.group(1) + "[" + a.group(1) + "]" : kind(t.group(1)));
      }
      out.put(m.group(1), String.join(",", kinds));
    }
    return out;
  }

  private static String kind(String ptxType) {
    return switch (ptxType) {
      case "u32", "s32", "b32" -> "i32";
      case "u64", "s64", "b64" -> "u64";
      case "f32", "f64" -> ptxType;
      default -> throw new IllegalStateException("unexpected PTX parameter type ." + ptxType);
    };
  }

  /** The text of a packaged PTX module. */
  static String ptx(String module) {
    String resource = module + ".ptx";
    try (InputStream in = Kernels.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "the CUDA kernels' "
                + resource
                + " is missing from the class path (expected beside "
                + Kernels.class.getName()
                + ")");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toString(StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
