package t2j.task.real;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;

/**
 * The catalogue of hostile programs the sandbox must contain: each tries to damage or read the host, outlive its
 * run or exhaust a resource. {@link HostileProgramsTest} runs every one against a canary tree, a sentinel process
 * and listening sockets, and checks the host afterwards.
 *
 * <p>Most programs try several variants through {@code attempt} and end with {@code finish()}, which fails the
 * run unless every variant worked: a program that "passes" would be one the sandbox let through ({@link
 * Expect#FAILS}). The others ({@link Expect#CONTAINED}) may well succeed from where they stand (a daemon that
 * detaches, a signal that reaches nothing); the host-side checks are what show that they were contained. Those
 * that start processes assert that they are running before they end, so that "none is left" is not vacuous.
 */
final class HostilePrograms {
    private HostilePrograms() {}

    /** What the run itself must report. */
    enum Expect {
        /** The run is reported failed (not passed). */
        FAILS,
        /** The run may pass inside; only the host-side checks judge it. */
        CONTAINED
    }

    /** One hostile program: {@code check} adds assertions on the result; {@code settleMillis} waits before the host checks. */
    record Hostile(String name, Expect expect, String source, Consumer<PythonSandbox.Result> check, long settleMillis) {
        Hostile(String name, Expect expect, String source) {
            this(name, expect, source, r -> {}, 0);
        }

        Hostile(String name, Expect expect, String source, Consumer<PythonSandbox.Result> check) {
            this(name, expect, source, check, 0);
        }

        /** The full program with the targets filled in. */
        String program(Targets t) {
            return PRELUDE.replace("{C}", t.visible())
                            .replace("{H}", t.hidden())
                            .replace("{TOKEN}", t.token())
                            .replace("{JVM}", Long.toString(t.jvm()))
                            .replace("{SENTINEL}", Long.toString(t.sentinel()))
                            .replace("{PORT}", Integer.toString(t.tcpPort()))
                            .replace("{UDP}", Integer.toString(t.udpPort()))
                            .replace("{HOSTIP}", t.hostIp())
                            .replace("{CWD}", t.cwd())
                    + source;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** For programs that only prove their point by finishing: they did start what the host checks then look for. */
    private static void passedInside(PythonSandbox.Result r) {
        assertTrue(
                r.passed(), "the program's processes were running when it ended: " + r.summary() + "\n" + r.output());
    }

    /** What the programs aim at: the canary's visible and hidden halves, host processes and sockets. */
    record Targets(
            String visible,
            String hidden,
            String token,
            long jvm,
            long sentinel,
            int tcpPort,
            int udpPort,
            String hostIp,
            String cwd) {}

    // Shared by every program. SLEEPER is a process that carries the token in its command line, so a leftover is found.
    private static final String PRELUDE = """
            import ctypes, os, resource, shutil, signal, socket, struct, sys, time
            C, H, TOKEN, CWD = '{C}', '{H}', '{TOKEN}', '{CWD}'
            JVM, SENTINEL, PORT, UDP, HOSTIP = {JVM}, {SENTINEL}, {PORT}, {UDP}, '{HOSTIP}'
            SLEEPER = ['/usr/bin/python3', '-c', 'import time; time.sleep(600)  # ' + TOKEN]
            libc = ctypes.CDLL(None, use_errno=True)
            BLOCKED = []
            def attempt(what, fn):
                try:
                    result = fn()
                    print('DONE', what, repr(result)[:300])
                except Exception as e:
                    BLOCKED.append(what)
                    print('BLOCKED', what, type(e).__name__, str(e)[:200])
            def finish():
                sys.stdout.flush()
                assert not BLOCKED, 'blocked: ' + ', '.join(BLOCKED)
            def check(rc):
                if rc == -1:
                    err = ctypes.get_errno()
                    raise OSError(err, os.strerror(err))
                return rc
            def write(path, text='pwned'):
                with open(path, 'w') as f:
                    f.write(text)
            def with_token():
                n = 0
                for pid in os.listdir('/proc'):
                    try:
                        n += pid.isdigit() and TOKEN.encode() in open('/proc/%s/cmdline' % pid, 'rb').read()
                    except OSError:
                        pass
                return n
            def wait_for_token(count):
                deadline = time.time() + 3
                while with_token() < count and time.time() < deadline:
                    time.sleep(0.05)
                return with_token()
            """;

    static final List<Hostile> ALL = List.of(
            new Hostile("write outside", Expect.FAILS, """
                    attempt('overwrite a file', lambda: write(C + '/file.txt'))
                    attempt('append to a file', lambda: open(C + '/file.txt', 'a').write('pwned'))
                    attempt('create a file', lambda: open(C + '/new.txt', 'x').write('pwned'))
                    attempt('os.open O_CREAT', lambda: os.open(C + '/new2.txt', os.O_CREAT | os.O_WRONLY, 0o644))
                    attempt('truncate', lambda: os.truncate(C + '/file.txt', 0))
                    attempt('mkdir', lambda: os.mkdir(C + '/newdir'))
                    attempt('mkfifo', lambda: os.mkfifo(C + '/fifo'))
                    attempt('write a file it cannot see', lambda: write(H + '/file.txt'))
                    attempt('write the host /tmp', lambda: write('/tmp/' + TOKEN + '-escape'))
                    attempt('open the interpreter for writing', lambda: open(sys.executable, 'ab').close())
                    attempt('write the root', lambda: write('/' + TOKEN + '-escape'))
                    finish()
                    """),
            new Hostile("delete outside", Expect.FAILS, """
                    attempt('remove a file', lambda: os.remove(C + '/file.txt'))
                    attempt('unlink a symlink', lambda: os.unlink(C + '/link'))
                    attempt('rmdir', lambda: os.rmdir(C + '/emptydir'))
                    attempt('rmtree', lambda: shutil.rmtree(C + '/sub'))
                    attempt('remove a file it cannot see', lambda: os.remove(H + '/file.txt'))
                    attempt('remove the interpreter', lambda: os.remove(sys.executable))
                    finish()
                    """),
            new Hostile("rename outside", Expect.FAILS, """
                    attempt('rename in place', lambda: os.rename(C + '/file.txt', C + '/renamed.txt'))
                    attempt('replace one file by another', lambda: os.replace(C + '/sub/nested.txt', C + '/file.txt'))
                    attempt('move out to /tmp', lambda: shutil.move(C + '/file.txt', '/tmp/stolen.txt'))
                    attempt('rename the directory', lambda: os.rename(C, C + '-moved'))
                    def move_in():
                        write('/tmp/planted')
                        os.rename('/tmp/planted', C + '/planted')
                    attempt('move a file in', move_in)
                    finish()
                    """),
            new Hostile("chmod and chown outside", Expect.FAILS, """
                    attempt('chmod a file', lambda: os.chmod(C + '/file.txt', 0o777))
                    attempt('chmod the directory', lambda: os.chmod(C, 0o777))
                    attempt('chmod through a symlink', lambda: os.chmod(C + '/link', 0o600))
                    attempt('chown', lambda: os.chown(C + '/file.txt', os.getuid(), os.getgid()))
                    attempt('utime', lambda: os.utime(C + '/file.txt', (0, 0)))
                    attempt('setxattr', lambda: os.setxattr(C + '/file.txt', 'user.t2j', b'pwned'))
                    attempt('chmod the interpreter', lambda: os.chmod(sys.executable, 0o4755))
                    finish()
                    """),
            new Hostile("copy out and in", Expect.FAILS, """
                    attempt('copy a file out of the tree', lambda: shutil.copy(C + '/file.txt', H + '/copy.txt'))
                    attempt('copy a binary into the tree', lambda: shutil.copy('/usr/bin/true', C + '/true'))
                    attempt('copy the tree beside itself', lambda: shutil.copytree(C, C + '-copy'))
                    attempt('hard link into /tmp', lambda: os.link(C + '/file.txt', '/tmp/hardlink'))
                    finish()
                    """),
            new Hostile("symlink tricks", Expect.FAILS, """
                    def through(target, path):
                        os.symlink(target, path)
                        write(path)
                    attempt('write through a link to a file', lambda: through(C + '/file.txt', '/tmp/l1'))
                    attempt('write through a link to a new file', lambda: through(C + '/new.txt', '/tmp/l2'))
                    attempt('write through a link to a hidden file', lambda: through(H + '/file.txt', '/tmp/l3'))
                    def via_root():
                        os.symlink('/', '/tmp/root')
                        write('/tmp/root' + C + '/file.txt')
                    attempt('write through a link to /', via_root)
                    attempt('write through the tree own link', lambda: write(C + '/link'))
                    attempt('plant a link in the tree', lambda: os.symlink('/etc/passwd', C + '/evil'))
                    def swap():
                        os.rename(C, '/tmp/gone')
                        os.symlink('/tmp', C)
                    attempt('swap the tree for a link', swap)
                    finish()
                    """),
            new Hostile("dot-dot tricks", Expect.FAILS, """
                    attempt('write ../../..', lambda: write('../' * 40 + C.lstrip('/') + '/file.txt'))
                    attempt('write /tmp/../../..', lambda: write('/tmp/../../..' + C + '/file.txt'))
                    attempt('openat from a descriptor of /', lambda: os.open(C.lstrip('/') + '/file.txt', os.O_WRONLY | os.O_TRUNC, dir_fd=os.open('/', os.O_RDONLY)))
                    attempt('create ../escape', lambda: write('../' + TOKEN + '-escape'))
                    def climb():
                        for _ in range(50):
                            os.chdir('..')
                        write('.' + C + '/file.txt')
                    attempt('chdir .. fifty times, then write', climb)
                    finish()
                    """),
            new Hostile("/proc/self tricks", Expect.FAILS, """
                    attempt('write through /proc/self/root', lambda: write('/proc/self/root' + C + '/file.txt'))
                    attempt('write through /proc/self/cwd', lambda: write('/proc/self/cwd/../..' + C + '/file.txt'))
                    attempt('write through /proc/thread-self/root', lambda: write('/proc/thread-self/root' + C + '/file.txt'))
                    def descriptors():
                        out = {}
                        for fd in os.listdir('/proc/self/fd'):
                            try:
                                out[fd] = os.readlink('/proc/self/fd/' + fd)
                            except OSError:
                                pass
                        return out
                    attempt('list its descriptors', descriptors)
                    attempt('rewrite the core pattern (runs as root on a crash)', lambda: write('/proc/sys/kernel/core_pattern', open('/proc/sys/kernel/core_pattern').read()))
                    attempt('write /proc/sysrq-trigger', lambda: open('/proc/sysrq-trigger', 'w').close())
                    attempt('write its own uid map', lambda: write('/proc/self/uid_map', '0 0 1'))
                    finish()
                    """),
            new Hostile("/proc of the parent and the JVM", Expect.FAILS, """
                    ppid = os.getppid()
                    print('PPID', ppid)
                    attempt('parent cmdline', lambda: open('/proc/%d/cmdline' % ppid, 'rb').read()[:100])
                    attempt('parent environ', lambda: open('/proc/%d/environ' % ppid, 'rb').read())
                    attempt('write through the parent root', lambda: write('/proc/%d/root%s/file.txt' % (ppid, C)))
                    attempt('list the parent cwd', lambda: os.listdir('/proc/%d/cwd' % ppid))
                    attempt('open the parent memory', lambda: open('/proc/%d/mem' % ppid, 'wb').close())
                    attempt('JVM environ', lambda: open('/proc/%d/environ' % JVM, 'rb').read())
                    attempt('write through the JVM root', lambda: write('/proc/%d/root%s/file.txt' % (JVM, C)))
                    attempt('write through the root of pid 1', lambda: write('/proc/1/root' + C + '/file.txt'))
                    finish()
                    """),
            new Hostile("fork and exec with os", Expect.CONTAINED, """
                    for i in range(3):
                        pid = os.fork()
                        if pid == 0:
                            os.setsid()
                            os.execv(SLEEPER[0], SLEEPER)
                    os.system(SLEEPER[0] + ' -c "import time; time.sleep(600)  # ' + TOKEN + '" &')
                    os.spawnv(os.P_NOWAIT, SLEEPER[0], SLEEPER)
                    os.posix_spawn(SLEEPER[0], SLEEPER, {})
                    assert wait_for_token(6) >= 6, 'sleepers running: %d' % with_token()
                    """, HostilePrograms::passedInside),
            new Hostile("fork and exec with subprocess", Expect.CONTAINED, """
                    import subprocess
                    subprocess.Popen(SLEEPER, start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    subprocess.Popen(SLEEPER, process_group=0)
                    r = subprocess.run(['/bin/sh', '-c', 'echo pwned > ' + C + '/file.txt; rm -rf ' + C + '; chmod 777 ' + C], capture_output=True, text=True)
                    print('shell exit', r.returncode, r.stderr.strip())
                    assert wait_for_token(2) >= 2, 'sleepers running: %d' % with_token()
                    """, HostilePrograms::passedInside),
            new Hostile(
                    "fork, exec, kill and system through ctypes", Expect.CONTAINED, """
                    argv = (ctypes.c_char_p * 4)(*[a.encode() for a in SLEEPER], None)
                    for i in range(3):
                        pid = check(libc.fork())
                        if pid == 0:
                            libc.setsid()
                            libc.execv(SLEEPER[0].encode(), argv)
                            libc._exit(127)
                    print('system', libc.system(('echo pwned > ' + C + '/file.txt; rm -f ' + C + '/file.txt').encode()))
                    attempt('kill a host process through libc', lambda: check(libc.kill(SENTINEL, 9)))
                    attempt('kill the JVM through libc', lambda: check(libc.kill(JVM, 15)))
                    assert wait_for_token(3) >= 3, 'sleepers running: %d' % with_token()
                    """, HostilePrograms::passedInside),
            new Hostile("fork bomb", Expect.FAILS, """
                    while True:
                        os.fork()
                    """),
            new Hostile(
                    "fork bomb through ctypes, ignoring failures",
                    Expect.FAILS,
                    """
                    refused = 0
                    for _ in range(20000):
                        if libc.fork() == -1:
                            refused += 1
                    assert refused == 0, '%d forks refused' % refused
                    """,
                    r -> assertTrue(r.output().contains("forks refused"), "the process cap bound: " + r.output())),
            new Hostile("thread bomb", Expect.FAILS, """
                    import threading
                    threads = []
                    while True:
                        t = threading.Thread(target=time.sleep, args=(600,))
                        t.start()
                        threads.append(t)
                    """),
            new Hostile("memory bomb in several processes", Expect.FAILS, """
                    import mmap
                    for i in range(4):
                        if os.fork() == 0:
                            maps = []
                            try:
                                while True:
                                    maps.append(mmap.mmap(-1, 64 << 20))
                            except OSError as e:
                                print('child', i, 'stopped after', len(maps), 'maps:', e, flush=True)
                                os._exit(0)
                    hog = []
                    while True:
                        hog.append(bytearray(64 << 20))
                    """, r -> {
                assertTrue(r.output().contains("MemoryError"), "the interpreter's own bomb: " + r.output());
                assertTrue(r.output().contains("Cannot allocate memory"), "the children's: " + r.output());
            }),
            new Hostile("filling the disk", Expect.FAILS, """
                    chunk = b'x' * (256 << 10)
                    def fill(d):
                        n = 0
                        try:
                            while True:
                                with open('%s/fill-%d' % (d, n), 'wb') as f:
                                    f.write(chunk)
                                n += 1
                        except OSError as e:
                            print('FULL', d, 'after', n, 'files:', e)
                    fill('/tmp')
                    fill('/dev/shm')
                    attempt('one huge file', lambda: open('/tmp/huge', 'wb').write(b'x' * (64 << 20)))
                    finish()
                    """, r -> {
                assertTrue(
                        r.output()
                                .matches("(?s).*FULL /tmp after \\d+ files: \\[Errno 28\\] No space left on device.*"),
                        r.output());
                assertTrue(
                        r.output()
                                .matches(
                                        "(?s).*FULL /dev/shm after \\d+ files: \\[Errno 28\\] No space left on device.*"),
                        r.output());
            }),
            new Hostile("unbounded output", Expect.FAILS, """
                    while True:
                        sys.stdout.write('x' * 65536)
                    """, r -> {
                assertFalse(r.timedOut(), "stopped by the output limit, not the clock");
                assertTrue(r.output().contains("printed more than"), r.summary());
            }),
            new Hostile(
                    "sleeping past the timeout, deaf to signals",
                    Expect.FAILS,
                    """
                    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM):
                        signal.signal(s, signal.SIG_IGN)
                    time.sleep(600)
                    """,
                    r -> assertTrue(r.timedOut(), r.summary())),
            new Hostile(
                    "a setsid daemon that outlives the run", Expect.CONTAINED, """
                    pid = os.fork()
                    if pid == 0:
                        os.setsid()
                        if os.fork() > 0:
                            os._exit(0)
                        for s in (signal.SIGHUP, signal.SIGTERM):
                            signal.signal(s, signal.SIG_IGN)
                        libc.prctl(1, 0)
                        code = chr(10).join(['import time', 'while True:', '    try:', '        open(%r, "w").write("pwned")' % (C + '/file.txt'),
                                             '    except Exception:', '        pass', '    time.sleep(0.05)', '# ' + TOKEN])
                        for fd in (0, 1, 2):
                            os.close(fd)
                        os.execv(SLEEPER[0], [SLEEPER[0], '-c', code])
                    os.waitpid(pid, 0)
                    assert wait_for_token(1) >= 1, 'daemons running: %d' % with_token()
                    """, HostilePrograms::passedInside, 300),
            new Hostile("sockets through ctypes", Expect.FAILS, """
                    def connect(ip, port):
                        fd = check(libc.socket(socket.AF_INET, socket.SOCK_STREAM, 0))
                        addr = struct.pack('=H', socket.AF_INET) + struct.pack('!H', port) + socket.inet_aton(ip) + bytes(8)
                        return check(libc.connect(fd, addr, len(addr)))
                    attempt('connect to the JVM on loopback', lambda: connect('127.0.0.1', PORT))
                    if HOSTIP:
                        attempt('connect to the host address', lambda: connect(HOSTIP, PORT))
                    attempt('raw ICMP socket', lambda: check(libc.socket(socket.AF_INET, socket.SOCK_RAW, 1)))
                    attempt('packet socket', lambda: check(libc.socket(17, socket.SOCK_RAW, 0)))
                    finish()
                    """),
            new Hostile("sockets through the socket module", Expect.FAILS, """
                    attempt('tcp to the JVM', lambda: socket.create_connection(('127.0.0.1', PORT), timeout=1))
                    if HOSTIP:
                        attempt('tcp to the host address', lambda: socket.create_connection((HOSTIP, PORT), timeout=1))
                    def udp():
                        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                        s.sendto(TOKEN.encode(), ('127.0.0.1', UDP))
                        if HOSTIP:
                            s.sendto(TOKEN.encode(), (HOSTIP, UDP))
                    attempt('udp to the JVM', udp)
                    attempt('dns', lambda: socket.getaddrinfo('example.com', 80))
                    attempt('the host unix socket', lambda: socket.socket(socket.AF_UNIX).connect(H + '/sock'))
                    finish()
                    """),
            new Hostile(
                    "reading environment secrets",
                    Expect.CONTAINED,
                    """
                    print('ENVIRON=' + repr(dict(os.environ)))
                    for path in ['/proc/self/environ', '/proc/1/environ', '/proc/%d/environ' % os.getppid(), '/proc/%d/environ' % JVM]:
                        attempt('read ' + path, lambda: open(path, 'rb').read())
                    for pid in os.listdir('/proc'):
                        if pid.isdigit():
                            attempt('environ of ' + pid, lambda: open('/proc/%s/environ' % pid, 'rb').read())
                    """,
                    r -> assertTrue(
                            r.output().lines().anyMatch(l -> l.equals("ENVIRON={}")),
                            "empty environment: " + r.output())),
            new Hostile("reading files outside", Expect.FAILS, """
                    attempt('list /root', lambda: os.listdir('/root'))
                    attempt('list /home', lambda: os.listdir('/home'))
                    attempt('list the JVM working dir', lambda: os.listdir(CWD))
                    attempt('read /etc/passwd', lambda: open('/etc/passwd').read())
                    attempt('read /etc/shadow', lambda: open('/etc/shadow').read())
                    attempt('read a secret outside', lambda: open(H + '/secret.txt').read())
                    attempt('list the hidden tree', lambda: os.listdir(H))
                    attempt('read the JVM command line', lambda: open('/proc/%d/cmdline' % JVM, 'rb').read())
                    finish()
                    """),
            new Hostile("signalling the parent, the JVM and everyone", Expect.CONTAINED, """
                    ppid = os.getppid()
                    attempt('SIGTERM the parent', lambda: os.kill(ppid, signal.SIGTERM))
                    attempt('SIGKILL the parent', lambda: os.kill(ppid, signal.SIGKILL))
                    attempt('SIGKILL pid 1', lambda: os.kill(1, signal.SIGKILL))
                    attempt('SIGTERM the JVM', lambda: os.kill(JVM, signal.SIGTERM))
                    attempt('SIGKILL a host process', lambda: os.kill(SENTINEL, signal.SIGKILL))
                    attempt('SIGKILL every process it may', lambda: os.kill(-1, signal.SIGKILL))
                    print('still here')
                    """),
            new Hostile("privileges, namespaces and limits", Expect.FAILS, """
                    attempt('setuid(0)', lambda: os.setuid(0))
                    attempt('new user namespace', lambda: check(libc.unshare(0x10000000)))
                    attempt('new mount namespace', lambda: check(libc.unshare(0x00020000)))
                    attempt('mount a tmpfs over /usr', lambda: check(libc.mount(b'none', b'/usr', b'tmpfs', 0, None)))
                    attempt('chroot', lambda: os.chroot('/tmp'))
                    attempt('ptrace the JVM', lambda: check(libc.ptrace(16, JVM, None, None)))
                    attempt('ptrace a host process', lambda: check(libc.ptrace(16, SENTINEL, None, None)))
                    attempt('mknod a disk', lambda: os.mknod('/tmp/disk', 0o600 | 0o060000, os.makedev(8, 0)))
                    attempt('open /dev/mem', lambda: open('/dev/mem', 'rb'))
                    attempt('raise the process limit', lambda: resource.setrlimit(resource.RLIMIT_NPROC, (resource.RLIM_INFINITY, resource.RLIM_INFINITY)))
                    attempt('raise the memory limit', lambda: resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY)))
                    finish()
                    """));
}
