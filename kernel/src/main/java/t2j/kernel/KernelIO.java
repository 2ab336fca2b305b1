package t2j.kernel;

import java.nio.charset.Charset;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.JupyterIO;

/**
 * jjava's JupyterIO with its per-request hooks made callable from this package: the kernel replaces
 * jjava's execute handler (to report the user's exception type) and must attach the streams itself.
 */
final class KernelIO extends JupyterIO {
    KernelIO(Charset encoding) {
        super(encoding);
    }

    @Override
    public void setEnv(ShellReplyEnvironment env) {
        super.setEnv(env);
    }

    @Override
    public void retractEnv(ShellReplyEnvironment env) {
        super.retractEnv(env);
    }

    @Override
    public void setJupyterInEnabled(boolean enabled) {
        super.setJupyterInEnabled(enabled);
    }
}
