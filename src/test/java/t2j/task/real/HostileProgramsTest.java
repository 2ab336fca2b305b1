package t2j.task.real;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import t2j.task.real.HostilePrograms.Expect;
import t2j.task.real.HostilePrograms.Hostile;
import t2j.task.real.HostilePrograms.Targets;

/**
 * Every program of {@link HostilePrograms} against the isolated sandbox. After each run: the run is reported
 * failed where it must be, no file of the canary tree was created, changed or deleted, no process of the run is
 * alive, the sentinel process and this JVM are, nothing reached the listening sockets, and neither the canary's
 * secret nor any of this JVM's environment variables appears in the output. The last two tests show that these
 * checks do see damage and leftovers when there is some.
 */
class HostileProgramsTest {
    private static final PythonSandbox.Limits LIMITS =
            new PythonSandbox.Limits(Duration.ofSeconds(3), 256L << 20, 1L << 20, 8L << 20, 64L << 10, 8);

    private static HostileCanary canary;
    private static Map<String, String> baseline;
    private static PythonSandbox sandbox;
    private static Process sentinel;
    private static ServerSocket tcp;
    private static DatagramSocket udp;
    private static ServerSocketChannel uds;
    private static String token;
    private static HostileProcesses watch;
    private static Targets targets;

    @BeforeAll
    static void setUp() throws IOException {
        token = "t2j-hostile-" + hex(8);
        canary = HostileCanary.create("t2j-secret-" + hex(16));
        sandbox = SandboxTestSupport.isolated(LIMITS, List.of(canary.visible));
        sentinel = new ProcessBuilder("sleep", "600").start();
        tcp = new ServerSocket();
        tcp.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), 50);
        tcp.setSoTimeout(1);
        udp = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
        udp.setSoTimeout(1);
        uds = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        uds.bind(UnixDomainSocketAddress.of(canary.hidden.resolve("sock")));
        uds.configureBlocking(false);
        watch = new HostileProcesses(token, Set.of(sentinel.pid()));
        targets = new Targets(
                canary.visible.toString(),
                canary.hidden.toString(),
                token,
                ProcessHandle.current().pid(),
                sentinel.pid(),
                tcp.getLocalPort(),
                udp.getLocalPort(),
                hostAddress(),
                Path.of("").toAbsolutePath().toString());
        baseline = canary.snapshot();
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (sentinel != null) sentinel.destroyForcibly();
        if (tcp != null) tcp.close();
        if (udp != null) udp.close();
        if (uds != null) uds.close();
        if (canary != null) canary.close();
    }

    static List<Hostile> catalogue() {
        return HostilePrograms.ALL;
    }

    @Test
    void theCatalogueCoversEnough() {
        assertTrue(HostilePrograms.ALL.size() >= 20, "at least 20 hostile programs: " + HostilePrograms.ALL.size());
        Set<String> names = new HashSet<>();
        for (Hostile h : HostilePrograms.ALL) assertTrue(names.add(h.name()), "duplicate name " + h.name());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void isContained(Hostile h) throws Exception {
        watch.beforeRun();
        long start = System.nanoTime();
        PythonSandbox.Result r = sandbox.run(h.program(targets));
        double seconds = (System.nanoTime() - start) / 1e9;
        String report = "'" + h.name() + "' -> " + r.summary() + "\n" + r.output();
        if (h.expect() == Expect.FAILS) assertFalse(r.passed(), "the run must be reported failed: " + report);
        h.check().accept(r);
        assertTrue(seconds < LIMITS.timeout().toSeconds() + 5, "bounded in time: " + seconds + " s; " + report);
        if (h.settleMillis() > 0) Thread.sleep(h.settleMillis());

        assertEquals("", HostileCanary.diff(baseline, canary.snapshot()), "the canary tree is untouched: " + report);
        assertEquals(List.of(), watch.leftovers(1_000), "no process of the run is alive: " + report);
        assertTrue(sentinel.isAlive(), "the sentinel process survived: " + report);
        assertNoConnection(report);
        assertFalse(r.output().contains(canary.secret), "the hidden secret did not leak: " + report);
        for (var e : System.getenv().entrySet())
            if (!e.getKey().equals("PWD") && e.getValue().length() >= 3)
                assertFalse(
                        r.output().contains(e.getKey() + "=" + e.getValue()),
                        "the JVM's " + e.getKey() + " leaked: " + report);
        assertFalse(Files.exists(Path.of("/tmp", token + "-escape")), "nothing written to the host /tmp");
        assertFalse(Files.exists(Path.of("/", token + "-escape")), "nothing written to the host /");
    }

    @Test
    void theCanaryCheckSeesDamageDoneWithoutIsolation() throws Exception {
        // The same attacks, unisolated, on a canary of their own: the check must report what they did.
        try (HostileCanary victim = HostileCanary.create("t2j-secret-" + hex(16))) {
            Map<String, String> before = victim.snapshot();
            List<String> warnings = new ArrayList<>();
            PythonSandbox unisolated = new PythonSandbox(
                    PythonSandbox.findPython().orElseThrow(),
                    LIMITS,
                    PythonSandbox.Isolation.ALLOW_UNISOLATED,
                    new SandboxIsolation.Tools(null, null),
                    List.of(),
                    warnings::add);
            String c = victim.visible.toString();
            PythonSandbox.Result r = unisolated.run("import os\nopen('" + c + "/file.txt', 'w').write('pwned')\n"
                    + "os.remove('" + c + "/sub/nested.txt')\nos.chmod('" + c + "/run.sh', 0o777)\nopen('" + c
                    + "/new.txt', 'w').close()\n");
            assertTrue(r.passed(), r.output());
            String diff = HostileCanary.diff(before, victim.snapshot());
            assertTrue(diff.contains("changed visible/file.txt"), diff);
            assertTrue(diff.contains("deleted visible/sub/nested.txt"), diff);
            assertTrue(diff.contains("changed visible/run.sh"), diff);
            assertTrue(diff.contains("created visible/new.txt"), diff);
            assertEquals(1, warnings.size(), "the unisolated run was logged: " + warnings);
        }
    }

    @Test
    void theProcessCheckSeesALeftover() throws Exception {
        String mark = "t2j-hostile-" + hex(8);
        HostileProcesses w = new HostileProcesses(mark, Set.of(sentinel.pid()));
        w.beforeRun();
        Process p = new ProcessBuilder(
                        PythonSandbox.findPython().orElseThrow().toString(),
                        "-c",
                        "import time; time.sleep(60)  # " + mark)
                .start();
        try {
            List<String> found = w.leftovers(0);
            assertEquals(1, found.size(), found.toString());
            assertTrue(found.get(0).startsWith(p.pid() + " "), found.toString());
            assertEquals(List.of(p.pid()), HostileProcesses.withCommandLine(mark));
        } finally {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        assertEquals(List.of(), w.leftovers(1_000));
    }

    private static void assertNoConnection(String report) throws IOException {
        try (Socket s = tcp.accept()) {
            fail("a TCP connection reached the JVM from " + s.getRemoteSocketAddress() + ": " + report);
        } catch (SocketTimeoutException expected) {
            // nothing came
        }
        DatagramPacket packet = new DatagramPacket(new byte[256], 256);
        try {
            udp.receive(packet);
            fail("a datagram reached the JVM from " + packet.getSocketAddress() + ": " + report);
        } catch (SocketTimeoutException expected) {
            // nothing came
        }
        try (SocketChannel ch = uds.accept()) {
            assertNull(ch, "a unix-socket connection reached the JVM: " + report);
        }
    }

    /** A non-loopback IPv4 address of this machine, or "" when it has none. */
    private static String hostAddress() throws IOException {
        for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList())
            if (nif.isUp() && !nif.isLoopback())
                for (InetAddress a : nif.inetAddresses().toList())
                    if (a instanceof Inet4Address) return a.getHostAddress();
        return "";
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
