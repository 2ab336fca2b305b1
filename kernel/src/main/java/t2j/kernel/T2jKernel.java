package t2j.kernel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import jdk.jshell.JShell;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.BaseKernelBuilder;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.PathsHandler;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;

/**
 * The t2j Java kernel: jjava-jupyter's protocol and display machinery around an in-process JShell.
 */
final class T2jKernel extends BaseKernel {
    static final String VERSION = "0.1.0";

    private final JShell shell;
    private final InProcessExecutionControl control;
    private final KernelIO kernelIO;
    private final CellEvaluator evaluator;
    private final CodeAssist assist;
    private volatile int currentCell;

    private T2jKernel(
            JShell shell,
            InProcessExecutionControl control,
            KernelIO io,
            Renderer renderer,
            MagicParser magicParser,
            MagicsRegistry magics,
            HistoryManager history,
            StringStyler errorStyler) {
        super(
                "t2j",
                VERSION,
                languageInfo(),
                List.of(),
                history,
                io,
                new CommManager(),
                renderer,
                magicParser,
                magics,
                false,
                errorStyler);
        this.shell = shell;
        this.control = control;
        this.kernelIO = io;
        this.evaluator = new CellEvaluator(shell, control);
        this.assist = new CodeAssist(shell);
        Renderers.register(renderer);
        // Long DSL operations (training, CEM) show one output that updates in place instead of printing lines.
        t2j.dsl.Live.install(new t2j.dsl.Live.Display() {
            @Override
            public String show(t2j.dsl.Renderable value) {
                System.out.flush();
                return org.dflib.jjava.jupyter.kernel.BaseNotebookStatics.display(value);
            }

            @Override
            public void update(String id, t2j.dsl.Renderable value) {
                org.dflib.jjava.jupyter.kernel.BaseNotebookStatics.updateDisplay(id, value);
            }
        });
    }

    private static LanguageInfo languageInfo() {
        return new LanguageInfo.Builder("Java")
                .version(Runtime.version().toString())
                .mimetype("text/x-java-source")
                .fileExtension(".jshell")
                .pygments("java")
                .codemirror("java")
                .build();
    }

    List<String> preload() {
        return Preload.importInto(shell, Preload.IMPORTS);
    }

    void addToClasspath(String path) {
        shell.addToClasspath(path);
    }

    void addConfiguredClasspath(String classpath) {
        for (Path path : PathsHandler.splitAndResolveGlobs(classpath)) {
            addToClasspath(path.toAbsolutePath().toString());
        }
    }

    boolean canRedefineInPlace() {
        return control.canRedefine();
    }

    @Override
    public Object evalRaw(String code) {
        return CellTiming.eval(code, this::evalUntimed);
    }

    private Object evalUntimed(String code) {
        CellEvaluator.Outcome outcome = evaluator.eval(magicParser.resolveMagics(code), currentCell);
        return outcome.hasValue() ? outcome.value() : null;
    }

    /**
     * jjava's handler reports {@code e.getClass().getSimpleName()} as the error name, which would always be
     * our wrapper; this one reports the user's exception type and never lets an Error (from a renderer, say)
     * escape into the channel loop.
     */
    @Override
    protected synchronized void handleExecuteRequest(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
        commManager.setMessageContext(message);
        ExecuteRequest request = message.getContent();
        int count = executionCount.getAndIncrement();
        currentCell = count;
        env.setBusyDeferIdle();
        env.publish(new PublishExecuteInput(request.getCode(), count));
        replaceOutputStreams(env);
        kernelIO.setEnv(env);
        env.defer(() -> kernelIO.retractEnv(env));
        kernelIO.setJupyterInEnabled(request.isStdinEnabled());
        try {
            DisplayData result;
            try {
                result = eval(request.getCode());
            } finally {
                System.out.flush();
                System.err.flush();
            }
            if (result != null) {
                env.publish(new PublishExecuteResult(count, result));
            }
            env.defer().reply(new ExecuteReply(count, Collections.emptyMap()));
        } catch (Throwable t) {
            CellError error = asCellError(t);
            ErrorReply reply = new ErrorReply(error.name(), error.getMessage(), error.traceback());
            reply.setExecutionCount(count);
            env.publish(new PublishError(error.name(), error.getMessage(), error.traceback()));
            env.defer().replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
        }
    }

    /** jjava's per-cell streams, each behind a {@link LineBufferedStream}; jjava restores the originals after the cell. */
    @Override
    protected void replaceOutputStreams(ShellReplyEnvironment env) {
        super.replaceOutputStreams(env);
        System.setOut(LineBufferedStream.over(System.out));
        System.setErr(LineBufferedStream.over(System.err));
    }

    @Override
    public List<String> formatError(Throwable t) {
        return asCellError(t).traceback();
    }

    private static CellError asCellError(Throwable t) {
        if (t instanceof CellError) {
            return (CellError) t;
        }
        // Not the user's code: a renderer or the kernel failed. Show everything, it is a bug report.
        List<String> traceback = new ArrayList<>();
        traceback.add(t.toString());
        for (StackTraceElement e : t.getStackTrace()) {
            traceback.add("    at " + e);
        }
        return new CellError(t.getClass().getName(), String.valueOf(t.getMessage()), traceback);
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        return assist.inspect(code, at);
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        ReplacementOptions magic = MagicCompletion.complete(code, at, magicsRegistry);
        return magic != null ? magic : assist.complete(code, at);
    }

    @Override
    public String isComplete(String code) {
        return assist.isComplete(magicParser.resolveMagics(code));
    }

    @Override
    public void interrupt() {
        control.stop();
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        shell.close();
    }

    /** Builds the kernel around a JShell whose snippets run in this JVM through {@code control}. */
    static final class Builder extends BaseKernelBuilder<Builder, T2jKernel> {
        /** IJava's magic syntax: {@code %name} at a line start or right of {@code =}, {@code %%name} for cells. */
        private static final String LINE_MAGIC_START = "(?<=(?:^|=))\\s*%";

        private static final String CELL_MAGIC_START = "%%";

        private final InProcessExecutionControl control;

        Builder(InProcessExecutionControl control, MavenResolver maven) {
            this.control = control;
            Magics.register(this, maven);
        }

        @Override
        public T2jKernel build() {
            JShell shell = JShell.builder()
                    .executionEngine(control.provider(), Map.of())
                    .build();
            return new T2jKernel(
                    shell,
                    control,
                    new KernelIO(buildJupyterIOEncoding()),
                    buildRenderer(),
                    new MagicParser(LINE_MAGIC_START, CELL_MAGIC_START, buildMagicTranspiler()),
                    buildMagicsRegistry(),
                    buildHistoryManager(),
                    buildErrorStyler());
        }
    }
}
