package org.sparkgrad.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkgrad.it.support.DistJar;

/** What the cluster jar (the dist module) holds, and what it must leave to the cluster. */
class DistJarTest {
  private static JarFile jar;
  private static List<String> names;

  @BeforeAll
  static void open() throws IOException {
    jar = new JarFile(DistJar.path().toFile());
    names = Collections.list(jar.entries()).stream().map(ZipEntry::getName).toList();
    System.out.printf(
        "cluster jar %s: %.1f MiB, %d entries%n",
        DistJar.path().getFileName(), Files.size(DistJar.path()) / 1048576.0, names.size());
  }

  @AfterAll
  static void close() throws IOException {
    jar.close();
  }

  @Test
  void holdsEveryModuleAndTheJobs() {
    assertThat(names)
        .contains(
            "org/sparkgrad/tensor/Tensor.class",
            "org/sparkgrad/backend/cuda/CudaBackendProvider.class",
            "org/sparkgrad/spark/SparkgradPlugin.class",
            "org/sparkgrad/spark/SparkgradKryoRegistrator.class",
            "org/sparkgrad/ml/NeuralNetClassifier.class",
            "org/sparkgrad/ml/EstimatorWireClasses.class",
            "org/sparkgrad/examples/TrainJob.class",
            "org/sparkgrad/examples/ScoreJob.class");
  }

  @Test
  void holdsTheNativeLibrariesForLinuxX8664() {
    assertThat(names).anyMatch(n -> n.startsWith("jcuda/") && n.endsWith(".class"));
    assertThat(names).anyMatch(n -> n.matches("lib/libJCudaDriver-.*-linux-x86_64\\.so"));
    assertThat(names).anyMatch(n -> n.matches("lib/libJCublas2?-.*-linux-x86_64\\.so"));
    assertThat(names)
        .anyMatch(n -> n.startsWith("org/bytedeco/openblas/linux-x86_64/") && n.contains(".so"));
    assertThat(names).contains("dev/ludovic/netlib/blas/BLAS.class");
  }

  @Test
  void leavesSparkScalaAndHadoopToTheCluster() {
    assertThat(names)
        .noneMatch(
            n ->
                n.startsWith("org/apache/spark/")
                    || n.startsWith("scala/")
                    || n.startsWith("org/apache/hadoop/"));
  }

  @Test
  void hasNoSignaturesOfTheShadedJars() {
    assertThat(names)
        .noneMatch(n -> n.startsWith("META-INF/") && n.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"));
  }

  @Test
  void mergesTheServiceFilesOfEveryModule() throws IOException {
    for (String service :
        List.of("org.sparkgrad.backend.BackendProvider", "org.sparkgrad.spark.WireClassProvider")) {
      Set<String> expected = new HashSet<>();
      for (URL url :
          Collections.list(
              getClass().getClassLoader().getResources("META-INF/services/" + service))) {
        try (InputStream in = url.openStream()) {
          expected.addAll(providers(in));
        }
      }
      ZipEntry entry = jar.getEntry("META-INF/services/" + service);
      assertThat(entry).as(service).isNotNull();
      try (InputStream in = jar.getInputStream(entry)) {
        assertThat(providers(in)).as(service).containsAll(expected);
      }
    }
    try (InputStream in =
        jar.getInputStream(
            jar.getEntry("META-INF/services/org.sparkgrad.backend.BackendProvider"))) {
      assertThat(providers(in)).contains("org.sparkgrad.backend.cuda.CudaBackendProvider");
    }
    try (InputStream in =
        jar.getInputStream(
            jar.getEntry("META-INF/services/org.sparkgrad.spark.WireClassProvider"))) {
      assertThat(providers(in)).containsExactly("org.sparkgrad.ml.EstimatorWireClasses");
    }
  }

  private static List<String> providers(InputStream in) throws IOException {
    List<String> out = new ArrayList<>();
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    for (String line = r.readLine(); line != null; line = r.readLine()) {
      String s = line.replaceAll("#.*", "").trim();
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }
}
