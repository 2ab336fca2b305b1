package t2j.kernel;

import java.util.Optional;

/**
 * Ends the kernel when the process that launched it (the notebook server, nbclient) dies, so no orphan JVM
 * keeps memory and native model weights. jupyter_client passes its pid as JPY_PARENT_PID, as ipykernel expects.
 */
final class ParentWatchdog {
    private static final long POLL_MS = 500;

    private ParentWatchdog() {}

    static void start(String jpyParentPid, Runnable onOrphaned) {
        Optional<ProcessHandle> parent = parse(jpyParentPid)
                .flatMap(ProcessHandle::of)
                .or(() -> ProcessHandle.current().parent());
        if (parent.isEmpty()) {
            KernelLog.warn("parent process unknown; the kernel will not exit by itself when it dies");
            return;
        }
        ProcessHandle watched = parent.get();
        long directParent =
                ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
        Thread thread = new Thread(
                () -> {
                    while (true) {
                        try {
                            // Reparenting (to init or a subreaper) also means the launcher is gone, and is immune
                            // to pid reuse.
                            long now = ProcessHandle.current()
                                    .parent()
                                    .map(ProcessHandle::pid)
                                    .orElse(-1L);
                            if (!watched.isAlive() || now != directParent) {
                                KernelLog.info("parent process " + watched.pid() + " is gone; exiting");
                                onOrphaned.run();
                                return;
                            }
                        } catch (OutOfMemoryError cellFilledTheHeap) {
                            // A cell that fills the heap fails its own allocation too and then frees it; the watch
                            // must outlive that moment, or an orphaned kernel would never exit.
                        }
                        try {
                            Thread.sleep(POLL_MS);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "t2j-parent-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    private static Optional<Long> parse(String pid) {
        try {
            return pid == null || pid.isBlank() ? Optional.empty() : Optional.of(Long.parseLong(pid.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
