package minihttp.peers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for localhost, made at start with the JDK's keytool (as minihttp's {@code --tls}
 * makes one), for the peers' {@code --tls}. Every peer uses the JDK's TLS provider with it.
 */
final class PeerTls {

    private static final String ALIAS = "localhost";
    /** Throwaway: the keystore lives in a temporary file deleted at exit. */
    private static final char[] PASSWORD = "minihttp-bench".toCharArray();
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    final Path file;
    final KeyStore keyStore;

    private PeerTls(Path file, KeyStore keyStore) {
        this.file = file;
        this.keyStore = keyStore;
    }

    static PeerTls selfSigned() throws IOException, GeneralSecurityException, InterruptedException {
        Path dir = Files.createTempDirectory("peer-tls-");
        Path file = dir.resolve("localhost.p12");
        dir.toFile().deleteOnExit();
        file.toFile().deleteOnExit();
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", ALIAS,
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "7", "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keyStore.load(in, PASSWORD);
        }
        return new PeerTls(file, keyStore);
    }

    String password() {
        return new String(PASSWORD);
    }

    PrivateKey key() throws GeneralSecurityException {
        return (PrivateKey) keyStore.getKey(ALIAS, PASSWORD);
    }

    X509Certificate certificate() throws GeneralSecurityException {
        return (X509Certificate) keyStore.getCertificate(ALIAS);
    }

    KeyManagerFactory keyManagers() throws GeneralSecurityException {
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keyStore, PASSWORD);
        return factory;
    }

    SSLContext sslContext() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers().getKeyManagers(), null, null);
        return context;
    }
}
