package io.kafkacassandra.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Key and trust stores made with the JDK's {@code keytool} (PKCS12, self-signed RSA keys valid for two days): the
 * node's key (its certificate names its address, for hostname validation), the client's key, and an impostor's key
 * with the same names that nobody trusts.
 *
 * @param nodeKeystore       the node's key pair
 * @param nodeTruststore     the client certificate, which the node trusts
 * @param clientKeystore     the client's key pair
 * @param clientTruststore   the node's certificate, which the client trusts
 * @param impostorTruststore a certificate that is not the node's
 */
record TestCertificates(
        Path nodeKeystore, Path nodeTruststore, Path clientKeystore, Path clientTruststore, Path impostorTruststore) {
    /** The password of every store (a test secret, written to the node's cassandra.yaml). */
    static final String STORE_PASSWORD = "store-pass-7131";

    static TestCertificates create(Path dir, String nodeAddress) {
        try {
            Files.createDirectories(dir);
            TestCertificates c = new TestCertificates(
                    dir.resolve("node.p12"),
                    dir.resolve("node-trust.p12"),
                    dir.resolve("client.p12"),
                    dir.resolve("client-trust.p12"),
                    dir.resolve("impostor-trust.p12"));
            for (Path p : List.of(
                    c.nodeKeystore,
                    c.nodeTruststore,
                    c.clientKeystore,
                    c.clientTruststore,
                    c.impostorTruststore,
                    dir.resolve("impostor.p12"))) {
                Files.deleteIfExists(p);
            }
            keyPair(c.nodeKeystore, "CN=" + nodeAddress + ",O=kafka-cassandra test node", "ip:" + nodeAddress);
            keyPair(c.clientKeystore, "CN=kafka_plugin,O=kafka-cassandra test client", null);
            keyPair(dir.resolve("impostor.p12"), "CN=" + nodeAddress + ",O=impostor", "ip:" + nodeAddress);
            trust(c.nodeKeystore, c.clientTruststore, dir.resolve("node.crt"));
            trust(c.clientKeystore, c.nodeTruststore, dir.resolve("client.crt"));
            trust(dir.resolve("impostor.p12"), c.impostorTruststore, dir.resolve("impostor.crt"));
            return c;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write test certificates to " + dir, e);
        }
    }

    private static void keyPair(Path store, String dname, String subjectAltName) {
        List<String> args = new ArrayList<>(List.of(
                "-genkeypair",
                "-alias",
                "key",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                dname,
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                STORE_PASSWORD,
                "-keypass",
                STORE_PASSWORD));
        if (subjectAltName != null) {
            args.addAll(List.of("-ext", "san=" + subjectAltName));
        }
        keytool(args);
    }

    /** Adds the certificate of {@code keyStore}'s key to {@code trustStore}. */
    private static void trust(Path keyStore, Path trustStore, Path certificate) throws IOException {
        Files.deleteIfExists(certificate);
        keytool(List.of(
                "-exportcert",
                "-alias",
                "key",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                STORE_PASSWORD,
                "-file",
                certificate.toString()));
        keytool(List.of(
                "-importcert",
                "-noprompt",
                "-alias",
                "trusted",
                "-file",
                certificate.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                trustStore.toString(),
                "-storepass",
                STORE_PASSWORD));
    }

    private static void keytool(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(args);
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args.get(0) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
