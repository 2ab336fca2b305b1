package t2j.kernel;

import java.util.Base64;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.knowm.xchart.internal.chartpart.Chart;
import t2j.dsl.Mime;
import t2j.dsl.Renderable;
import tech.tablesaw.api.Table;

/**
 * Rich output for the types notebooks produce. jjava's Renderer already turns {@code RenderedImage} into PNG
 * and everything into text/plain; this adds XChart charts (PNG, or SVG on request), Tablesaw tables (HTML)
 * and the DSL's {@link Renderable} results. The encoding itself is the DSL's {@link Mime}, so a bare chart and
 * one inside a DSL result look the same.
 */
final class Renderers {
    private Renderers() {}

    static void register(Renderer renderer) {
        renderer.createRegistration(Chart.class)
                .preferring(MIMEType.IMAGE_PNG)
                .supporting(MIMEType.IMAGE_SVG)
                .register((chart, ctx) -> {
                    ctx.renderIfRequested(
                            MIMEType.IMAGE_PNG, () -> Base64.getEncoder().encodeToString(Mime.png(chart)));
                    ctx.renderIfRequested(MIMEType.IMAGE_SVG, () -> Mime.svg(chart));
                });
        renderer.createRegistration(Table.class)
                .preferring(MIMEType.TEXT_HTML)
                .register((table, ctx) -> ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> Mime.html(table)));
        // No declared types: a Renderable decides its own, so every type it gives is passed through.
        renderer.createRegistration(Renderable.class)
                .register((value, ctx) -> value.mimeBundle().forEach(ctx.getOutputContainer()::putData));
    }
}
