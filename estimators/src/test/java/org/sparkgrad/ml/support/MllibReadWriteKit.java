package org.sparkgrad.ml.support;

import java.io.File;
import org.apache.spark.ml.util.DefaultReadWriteTest;
import org.scalatest.Args;
import org.scalatest.Status;
import org.scalatest.funsuite.AnyFunSuite;
import scala.Option;

/**
 * MLlib's {@code DefaultReadWriteTest} (from Spark's test jar) made callable from a JUnit test: the
 * Scala trait wants to be mixed into a ScalaTest suite whose {@code beforeAll} makes its temporary
 * folder; here the folder is given, and the trait's fields and super calls are the few methods a
 * Scala compiler would have generated. Nothing is run as a ScalaTest suite: JUnit calls {@code
 * testEstimatorAndModelReadWrite} and {@code testDefaultReadWrite} directly, and their failed
 * assertions arrive as ScalaTest's {@code TestFailedException}.
 */
@SuppressWarnings("MemberName") // the names are the Scala trait's generated accessors
public final class MllibReadWriteKit extends AnyFunSuite implements DefaultReadWriteTest {
  private static final long serialVersionUID = 1L;

  private File dir;

  /** A kit that saves under {@code dir} (each call in a new subfolder). */
  public MllibReadWriteKit(File dir) {
    this.dir = dir;
  }

  @Override
  public File org$apache$spark$ml$util$TempDirectory$$_tempDir() {
    return dir;
  }

  @Override
  public void org$apache$spark$ml$util$TempDirectory$$_tempDir_$eq(File value) {
    this.dir = value;
  }

  // The trait's super calls are synthetic, so javac neither sees nor demands them; the JVM
  // would, if ScalaTest ran this as a suite.
  public void org$apache$spark$ml$util$TempDirectory$$super$beforeAll() {}

  public void org$apache$spark$ml$util$TempDirectory$$super$afterAll() {}

  @Override
  public boolean invokeBeforeAllAndAfterAllEvenIfNoTestsAreExpected() {
    return false;
  }

  @Override
  public void
      org$scalatest$BeforeAndAfterAll$_setter_$invokeBeforeAllAndAfterAllEvenIfNoTestsAreExpected_$eq(
          boolean value) {}

  public Status org$scalatest$BeforeAndAfterAll$$super$run(Option<String> testName, Args args) {
    return super.run(testName, args);
  }
}
