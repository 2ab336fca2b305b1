package t2j.kernel;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.Loop;
import org.dflib.jjava.jupyter.channels.ShellChannel;
import org.dflib.jjava.jupyter.channels.ShellHandler;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.Message;
import org.zeromq.ZMQ;

/**
 * jjava's shell/control channel loop with two fixes:
 * <ul>
 *   <li>a message whose HMAC does not match the connection key is dropped and logged; in jjava the
 *       SecurityException escapes the loop and kills the channel, so one bad message made the kernel deaf;</li>
 *   <li>the loop blocks in poll until a message arrives instead of polling and sleeping 50 ms, which added
 *       up to 50 ms to every request.</li>
 * </ul>
 */
final class VerifyingShellChannel extends ShellChannel {
    private static final long POLL_TIMEOUT_MS = 100;

    private final boolean isControl;
    private final JupyterConnection connection;
    private volatile Loop loop;

    VerifyingShellChannel(ZMQ.Context context, HMACGenerator hmac, boolean isControl, JupyterConnection connection) {
        super(context, hmac, isControl, connection);
        this.isControl = isControl;
        this.connection = connection;
    }

    @Override
    public void bind(KernelConnectionProperties props) {
        String name = isControl ? "t2j-control" : "t2j-shell";
        super.bind(formatAddress(
                props.getTransport(), props.getIp(), isControl ? props.getControlPort() : props.getShellPort()));
        ZMQ.Poller poller = ctx.poller(1);
        poller.register(this, ZMQ.Poller.POLLIN);
        loop = new Loop(name, 0, () -> {
            if (poller.poll(POLL_TIMEOUT_MS) > 0) {
                handle(name);
            }
        });
        loop.start();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void handle(String name) {
        Message<?> message;
        try {
            message = readMessage();
        } catch (SecurityException e) {
            KernelLog.warn(name + ": dropped a message with an invalid signature");
            return;
        } catch (RuntimeException e) {
            KernelLog.warn(name + ": dropped an unreadable message: " + e);
            return;
        }
        ShellHandler handler = connection.getHandler(message.getHeader().getType());
        if (handler == null) {
            KernelLog.warn(
                    name + ": no handler for " + message.getHeader().getType().getName());
            return;
        }
        ShellReplyEnvironment env = connection.prepareReplyEnv(this, message);
        try {
            handler.handle(env, message);
        } catch (Exception | LinkageError e) {
            KernelLog.warn(name + ": handling " + message.getHeader().getType().getName() + " failed: " + e);
        } finally {
            env.resolveDeferrals();
        }
        if (env.isMarkedForShutdown()) {
            connection.close();
        }
    }

    @Override
    public void close() {
        Loop running = loop;
        if (running != null) {
            running.shutdown();
        }
        super.close();
    }

    @Override
    public void waitUntilClose() {
        Loop running = loop;
        if (running != null && running != Thread.currentThread()) {
            try {
                running.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
