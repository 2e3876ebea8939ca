package minihttp.server;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import minihttp.internal.server.LocalhostCertificate;

/**
 * TLS settings of a server: its certificate (generated for localhost, or PEM files) and the TLS engine
 * ({@link Provider}), turned into one Netty {@link SslContext} shared by all connections.
 *
 * <p>ALPN advertises {@code http/1.1} only: the server speaks nothing else, and a client that offers only h2 is
 * still served HTTP/1.1 rather than refused.
 */
public final class Tls {

    /** The TLS engine: OpenSSL (netty-tcnative's statically linked BoringSSL) or the JDK's {@code SSLEngine}. */
    public enum Provider {
        /** OpenSSL when it loads on this machine, else the JDK. */
        AUTO,
        /** BoringSSL through netty-tcnative (linux-x86_64). */
        OPENSSL,
        /** The JDK's {@code SSLEngine}. */
        JDK;

        /**
         * Parses a provider name.
         *
         * @param name {@code auto}, {@code openssl} or {@code jdk}, in any case
         * @return the provider
         */
        public static Provider parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown TLS provider '" + name + "' (auto, openssl, jdk)", e);
            }
        }

        /** {@return this choice made concrete on this machine; fails if OpenSSL is forced and does not load} */
        Provider resolve() {
            if (this == AUTO) {
                return OpenSsl.isAvailable() ? OPENSSL : JDK;
            }
            if (this == OPENSSL && !OpenSsl.isAvailable()) {
                throw new IllegalStateException("OpenSSL (netty-tcnative) is not available here: "
                        + OpenSsl.unavailabilityCause(), OpenSsl.unavailabilityCause());
            }
            return this;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final ApplicationProtocolConfig ALPN_HTTP_1_1 = new ApplicationProtocolConfig(
            Protocol.ALPN, SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_1_1);

    private final X509Certificate certificate;
    /** A builder holding the certificate chain and key; called once per {@link #sslContext()}. */
    private final Supplier<SslContextBuilder> keyMaterial;
    private final Provider provider;

    private Tls(X509Certificate certificate, Supplier<SslContextBuilder> keyMaterial, Provider provider) {
        this.certificate = certificate;
        this.keyMaterial = keyMaterial;
        this.provider = provider;
    }

    /**
     * A new self-signed certificate for localhost, 127.0.0.1 and ::1; clients must trust it explicitly. Needs
     * BouncyCastle ({@code org.bouncycastle:bcpkix-jdk18on}), an optional dependency of the library.
     *
     * @return the TLS settings
     */
    public static Tls selfSigned() {
        LocalhostCertificate generated;
        try {
            generated = LocalhostCertificate.generate();
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("a self-signed certificate needs BouncyCastle on the class path "
                    + "(org.bouncycastle:bcpkix-jdk18on)", e);
        }
        return new Tls(generated.certificate(),
                () -> SslContextBuilder.forServer(generated.keyPair().getPrivate(), generated.certificate()),
                Provider.AUTO);
    }

    /**
     * A certificate chain and its private key from PEM files (PKCS#8 keys; PKCS#1 RSA and SEC1 EC keys too,
     * through BouncyCastle). The files are read now, so that a bad path fails here rather than at the first
     * client.
     *
     * @param certificateChain the PEM file of the chain, the server certificate first
     * @param privateKey the PEM file of its private key
     * @return the TLS settings
     */
    public static Tls pem(Path certificateChain, Path privateKey) {
        X509Certificate leaf = readLeaf(certificateChain);
        if (!Files.isReadable(privateKey)) {
            throw new IllegalArgumentException("cannot read private key file " + privateKey);
        }
        Tls tls = new Tls(leaf, () -> SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile()),
                Provider.AUTO);
        tls.sslContext(); // fails now on a key that does not parse or does not match
        return tls;
    }

    /**
     * Chooses the TLS engine.
     *
     * @param provider the engine
     * @return the same certificate with another TLS engine
     */
    public Tls provider(Provider provider) {
        return new Tls(certificate, keyMaterial, Objects.requireNonNull(provider));
    }

    /** {@return the TLS engine that will run: {@link Provider#OPENSSL} or {@link Provider#JDK}, never AUTO} */
    public Provider effectiveProvider() {
        return provider.resolve();
    }

    /** {@return the server certificate (the leaf of the chain)} */
    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * {@return SHA-256 of the server certificate's DER encoding, as colon-separated upper-case hex (openssl's format)}
     */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            StringBuilder sb = new StringBuilder(digest.length * 3);
            for (byte b : digest) {
                if (sb.length() > 0) {
                    sb.append(':');
                }
                sb.append(String.format(Locale.ROOT, "%02X", b & 0xFF));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@return A new server {@link SslContext} for this certificate and engine, advertising http/1.1 by ALPN} */
    public SslContext sslContext() {
        SslProvider engine = effectiveProvider() == Provider.OPENSSL ? SslProvider.OPENSSL : SslProvider.JDK;
        try {
            return keyMaterial.get()
                    .sslProvider(engine)
                    .applicationProtocolConfig(ALPN_HTTP_1_1)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("bad TLS key material: " + e.getMessage(), e);
        }
    }

    private static X509Certificate readLeaf(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            var certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + pem);
            }
            return (X509Certificate) certificates.iterator().next();
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("cannot read certificate file " + pem + ": " + e.getMessage(), e);
        }
    }
}
