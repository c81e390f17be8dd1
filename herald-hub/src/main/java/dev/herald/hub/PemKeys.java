package dev.herald.hub;

import java.io.ByteArrayInputStream;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads RSA and EC keys from PEM text with the JDK alone: a public key ({@code PUBLIC KEY},
 * X.509 SubjectPublicKeyInfo) or certificate ({@code CERTIFICATE}) for verifying, an unencrypted
 * PKCS#8 private key ({@code PRIVATE KEY}) for signing. Other PEM types are refused with the
 * {@code openssl} command that converts them. Stateless.
 */
final class PemKeys {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

  private PemKeys() {}

  /** Whether {@code text} looks like PEM (a {@code -----BEGIN} line first). */
  static boolean isPem(String text) {
    return text.stripLeading().startsWith("-----BEGIN ");
  }

  /** The public key in {@code pem} (the first block); throws {@link IllegalArgumentException} saying why not. */
  static PublicKey publicKey(String pem) {
    Block block = block(pem);
    switch (block.type) {
      case "PUBLIC KEY":
        return publicKey(block.der);
      case "CERTIFICATE":
        try {
          return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(block.der))
              .getPublicKey();
        } catch (CertificateException e) {
          throw new IllegalArgumentException("not a readable X.509 certificate: " + e.getMessage());
        }
      case "RSA PUBLIC KEY":
        throw new IllegalArgumentException("a PKCS#1 'RSA PUBLIC KEY' is not read; convert it with "
            + "'openssl rsa -RSAPublicKey_in -in key.pem -pubout'");
      case "PRIVATE KEY":
      case "RSA PRIVATE KEY":
      case "EC PRIVATE KEY":
      case "ENCRYPTED PRIVATE KEY":
        throw new IllegalArgumentException("holds a private key; give the hub only the public key "
            + "('openssl pkey -in key.pem -pubout -out public.pem')");
      default:
        throw new IllegalArgumentException("a PEM '" + block.type + "' is not a public key (expected PUBLIC KEY or "
            + "CERTIFICATE)");
    }
  }

  /** The private key in {@code pem}; throws {@link IllegalArgumentException} saying why not. */
  static PrivateKey privateKey(String pem) {
    Block block = block(pem);
    switch (block.type) {
      case "PRIVATE KEY":
        for (String alg : new String[] {"RSA", "EC"}) {
          try {
            return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(block.der));
          } catch (InvalidKeySpecException | NoSuchAlgorithmException e) {
            // try the next
          }
        }
        throw new IllegalArgumentException("a PKCS#8 private key that is neither RSA nor EC");
      case "RSA PRIVATE KEY":
      case "EC PRIVATE KEY":
        throw new IllegalArgumentException("a '" + block.type + "' (PKCS#1/SEC1) is not read; convert it to PKCS#8 "
            + "with 'openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem'");
      case "ENCRYPTED PRIVATE KEY":
        throw new IllegalArgumentException("an encrypted private key is not read; decrypt it with "
            + "'openssl pkcs8 -in key.pem -nocrypt -out key-pkcs8.pem'");
      default:
        throw new IllegalArgumentException("a PEM '" + block.type + "' is not a private key (expected PRIVATE KEY)");
    }
  }

  private static PublicKey publicKey(byte[] der) {
    for (String alg : new String[] {"RSA", "EC"}) {
      try {
        return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der));
      } catch (InvalidKeySpecException | NoSuchAlgorithmException e) {
        // try the next
      }
    }
    throw new IllegalArgumentException("a public key that is neither RSA nor EC");
  }

  private static Block block(String pem) {
    Matcher m = BLOCK.matcher(pem);
    if (!m.find()) {
      throw new IllegalArgumentException("no complete PEM block (-----BEGIN …----- … -----END …-----)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(2));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the PEM block is not valid base64");
    }
    return new Block(m.group(1), der);
  }

  private static final class Block {
    final String type;
    final byte[] der;

    Block(String type, byte[] der) {
      this.type = type;
      this.der = der;
    }
  }
}
