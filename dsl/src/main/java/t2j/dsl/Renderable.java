package t2j.dsl;

import java.util.Map;

/**
 * A value that knows how to show itself in a notebook.
 *
 * <p>The notebook kernel calls {@link #mimeBundle()} when a cell's last expression, or an argument of
 * {@code display(...)} / {@code updateDisplay(...)}, implements this interface. Each entry maps a MIME type
 * to its data, exactly as Jupyter's {@code display_data} message carries it:
 * <ul>
 *   <li>{@code "text/plain"}, {@code "text/html"}, {@code "text/markdown"}, {@code "image/svg+xml"}: a {@link String};</li>
 *   <li>{@code "image/png"}, {@code "image/jpeg"}: the image bytes, base64-encoded, as a {@link String};</li>
 *   <li>{@code "application/json"}: a {@link Map}, {@link java.util.List} or other JSON-shaped value.</li>
 * </ul>
 * The front end shows the richest type it supports, so give a {@code text/plain} entry as the fallback
 * (headless runs and terminals show only that); the kernel adds {@code toString()} when it is missing.
 *
 * <p>The DSL depends on no notebook library: this interface is the whole contract between the two.
 */
public interface Renderable {

    /** MIME type to data; iteration order is the order of preference. Must not be null. */
    Map<String, Object> mimeBundle();
}
