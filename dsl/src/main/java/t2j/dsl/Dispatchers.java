package t2j.dsl;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import t2j.adapt.AdaptContext;
import t2j.adapt.Decision;
import t2j.adapt.Dispatcher;
import t2j.adapt.ExpertPool;
import t2j.task.Example;

/**
 * Small builders for dispatchers written in cells, and the checks a {@link Study} puts around custom columns.
 *
 * <pre>{@code
 * Dispatcher codeOnly = Dispatchers.always("code");
 * Dispatcher likelihood = Dispatchers.batch("likelihood", requests -> t2.score(requests).bestDecisions());
 * }</pre>
 */
public final class Dispatchers {
    private Dispatchers() {}

    /** {@code d} under another name (for tables). */
    public static Dispatcher named(String name, Dispatcher d) {
        return new Dispatcher() {
            @Override
            public Decision decide(Example request, AdaptContext ctx) {
                return d.decide(request, ctx);
            }

            @Override
            public List<Decision> decideAll(List<Example> requests, AdaptContext ctx) {
                return d.decideAll(requests, ctx);
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    /** Every request to one expert. */
    public static Dispatcher always(String expert) {
        return Dispatcher.fixed(expert, Decision.expert(expert, "always " + expert));
    }

    /**
     * A dispatcher that decides a whole batch at once: {@code decide} gets the requests in order and returns one
     * decision per request. What a dispatcher that composes experts while it decides (scoring under each) needs, so it
     * composes K times per batch instead of K times per request.
     */
    public static Dispatcher batch(String name, Function<List<Example>, List<Decision>> decide) {
        return new Batched(name) {
            @Override
            public List<Decision> decideAll(List<Example> requests, AdaptContext ctx) {
                return decide.apply(requests);
            }
        };
    }

    /** A named dispatcher whose single decisions are a batch of one. */
    private abstract static class Batched implements Dispatcher {
        private final String name;

        Batched(String name) {
            this.name = name;
        }

        @Override
        public Decision decide(Example request, AdaptContext ctx) {
            return decideAll(List.of(request), ctx).get(0);
        }

        @Override
        public String name() {
            return name;
        }
    }

    /**
     * {@code d} as the column {@code column}: every decision is checked (one per request, not null, only experts the
     * pool has), and every failure names the column and the request (its id and the start of its prompt). A dispatcher
     * that decides one request at a time is called one request at a time, so an exception names the very request that
     * raised it; a batched one is named by its batch.
     */
    static Dispatcher checked(String column, Dispatcher d) {
        boolean batched = overridesDecideAll(d);
        return new Batched(column) {
            @Override
            public List<Decision> decideAll(List<Example> requests, AdaptContext ctx) {
                List<Decision> out;
                if (batched) {
                    try {
                        out = d.decideAll(requests, ctx);
                    } catch (RuntimeException e) {
                        throw failure(
                                column,
                                requests.size() == 1
                                        ? "on request " + describe(requests.get(0))
                                        : "on a batch of " + requests.size() + " requests starting with "
                                                + describe(requests.get(0)),
                                e);
                    }
                    if (out == null || out.size() != requests.size())
                        throw new DispatcherException(
                                "custom column '" + column + "' returned "
                                        + (out == null ? "no list" : out.size() + " decisions") + " for "
                                        + requests.size() + " requests (one decision per request, in order)",
                                null);
                } else {
                    out = new ArrayList<>(requests.size());
                    for (Example r : requests) {
                        t2j.util.Progress.checkInterrupted("dispatch");
                        try {
                            out.add(d.decide(r, ctx));
                        } catch (RuntimeException e) {
                            throw failure(column, "on request " + describe(r), e);
                        }
                    }
                }
                for (int i = 0; i < out.size(); i++) check(column, out.get(i), requests.get(i), ctx.pool());
                return out;
            }
        };
    }

    /** A custom column failed: which column, which request, and why. */
    public static final class DispatcherException extends RuntimeException {
        DispatcherException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static DispatcherException failure(String column, String where, RuntimeException e) {
        if (e instanceof DispatcherException d) return d;
        return new DispatcherException(
                "custom column '" + column + "' failed " + where + ": "
                        + e.getClass().getSimpleName() + ": " + e.getMessage(),
                e);
    }

    private static void check(String column, Decision d, Example request, ExpertPool pool) {
        if (d == null)
            throw new DispatcherException(
                    "custom column '" + column + "' returned no decision (null) for request " + describe(request),
                    null);
        for (String e : d.mixture().alpha().keySet())
            if (!pool.has(e))
                throw new DispatcherException(
                        "custom column '" + column + "' chose expert '" + e + "' for request " + describe(request)
                                + ", but there is no expert of that name; the experts are "
                                + String.join(", ", pool.names()),
                        null);
    }

    static String describe(Example r) {
        String p = r.prompt() == null ? "" : r.prompt().replace('\n', ' ');
        return r.id() + " (\"" + (p.length() > 50 ? p.substring(0, 49) + "…" : p) + "\")";
    }

    private static boolean overridesDecideAll(Dispatcher d) {
        try {
            Method m = d.getClass().getMethod("decideAll", List.class, AdaptContext.class);
            return m.getDeclaringClass() != Dispatcher.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
