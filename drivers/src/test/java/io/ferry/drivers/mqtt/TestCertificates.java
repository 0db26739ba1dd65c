package io.ferry.drivers.mqtt;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away CA and certificates it signed (BouncyCastle, EC P-256 for speed), generated at test
 * time so no private key is committed. Public for the agent's tests (drivers test-jar).
 */
public final class TestCertificates {
  public record Ca(KeyPair keys, X509Certificate cert) {
    /** Writes the CA certificate as PEM, the form a {@code caFile} takes. */
    public Path writePem(Path file) throws Exception {
      String pem = "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
      return Files.writeString(file, pem);
    }
  }

  private TestCertificates() {}

  public static KeyPair keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    return g.generateKeyPair();
  }

  public static Ca ca(String name) throws Exception {
    KeyPair keys = keys();
    X500Name subject = new X500Name("CN=" + name);
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(System.nanoTime()),
        Date.from(Instant.now().minus(Duration.ofDays(1))), Date.from(Instant.now().plus(Duration.ofDays(30))), subject, keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return new Ca(keys, sign(b, keys));
  }

  /**
   * A server key store (JKS) for the given DNS and IP names, signed by {@code ca}.
   *
   * @param ipAddresses IP subject alternative names ("127.0.0.1"); none makes hostname
   *     verification against 127.0.0.1 fail
   */
  static Path serverKeyStore(Ca ca, Path file, String password, String[] dnsNames, String[] ipAddresses) throws Exception {
    KeyPair keys = keys();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.cert(), BigInteger.valueOf(System.nanoTime()),
        Date.from(Instant.now().minus(Duration.ofDays(1))), Date.from(Instant.now().plus(Duration.ofDays(30))),
        new X500Name("CN=" + dnsNames[0]), keys.getPublic());
    GeneralName[] names = new GeneralName[dnsNames.length + ipAddresses.length];
    int i = 0;
    for (String d : dnsNames) {
      names[i++] = new GeneralName(GeneralName.dNSName, d);
    }
    for (String ip : ipAddresses) {
      names[i++] = new GeneralName(GeneralName.iPAddress, ip);
    }
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    X509Certificate cert = sign(b, ca.keys());
    KeyStore ks = KeyStore.getInstance("JKS");
    ks.load(null, null);
    ks.setKeyEntry("server", keys.getPrivate(), password.toCharArray(), new Certificate[] {cert, ca.cert()});
    try (var out = Files.newOutputStream(file)) {
      ks.store(out, password.toCharArray());
    }
    return file;
  }

  /** A PKCS#12 client key store: a key and the certificate {@code ca} signed for it (alias "client"). */
  public static Path clientKeyStore(Ca ca, Path file, String password) throws Exception {
    KeyPair keys = keys();
    return pkcs12(file, password, keys, clientCertificate(ca, keys));
  }

  /** A PKCS#12 key store whose private key is not the one its certificate was issued for. */
  public static Path mismatchedKeyStore(Ca ca, Path file, String password) throws Exception {
    return pkcs12(file, password, keys(), clientCertificate(ca, keys()));
  }

  private static X509Certificate clientCertificate(Ca ca, KeyPair keys) throws Exception {
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.cert(), BigInteger.valueOf(System.nanoTime()),
        Date.from(Instant.now().minus(Duration.ofDays(1))), Date.from(Instant.now().plus(Duration.ofDays(30))),
        new X500Name("CN=ferry-test-client"), keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    return sign(b, ca.keys());
  }

  private static Path pkcs12(Path file, String password, KeyPair keys, X509Certificate cert) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("client", keys.getPrivate(), password.toCharArray(), new Certificate[] {cert});
    try (var out = Files.newOutputStream(file)) {
      ks.store(out, password.toCharArray());
    }
    return file;
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
  }
}
