package org.sparkgrad.ml.train;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A user's own network: the builder of its module, the builder's class name, whether a saved model
 * can rebuild it from that name, and a key that tells two builders apart (a digest of the builder's
 * serialized form, so two lambdas of one call site that capture different sizes differ).
 *
 * @param builder builds the module
 * @param className the builder's class name
 * @param loadable true when the class is public with a public no-argument constructor, so that a
 *     saved model can rebuild the builder from {@code className}
 * @param key the digest of the builder's serialized form
 */
public record UserModule(ModuleBuilder builder, String className, boolean loadable, String key)
    implements Serializable {

  /**
   * The user module of {@code builder}, whose {@code param} (for messages) set it.
   *
   * @throws IllegalArgumentException if the builder cannot be serialized (a lambda that captures
   *     something that is not serializable), naming the class and what failed
   */
  public static UserModule of(ModuleBuilder builder, String param) {
    Class<?> c = builder.getClass();
    return new UserModule(builder, c.getName(), loadableByName(c), digest(builder, param));
  }

  /** True if {@code c} is a public, named, top-level or static class with a public no-arg ctor. */
  public static boolean loadableByName(Class<?> c) {
    if (c.isHidden()
        || c.isSynthetic()
        || c.isAnonymousClass()
        || c.isLocalClass()
        || !Modifier.isPublic(c.getModifiers())
        || Modifier.isAbstract(c.getModifiers())
        || (c.getEnclosingClass() != null && !Modifier.isStatic(c.getModifiers()))) {
      return false;
    }
    try {
      return Modifier.isPublic(c.getConstructor().getModifiers());
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static String digest(Serializable builder, String param) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(builder);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          param
              + " of class "
              + builder.getClass().getName()
              + " cannot be serialized, so it cannot be shipped to the executors: "
              + e
              + "; make everything it captures or holds serializable",
          e);
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(builder.getClass().getName().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest(bytes.toByteArray()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
